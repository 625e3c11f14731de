%% @doc The system side of the PropEr model (rocksdb_model): every command of a sequence is a
%% call to a function here, which makes one `rocksdb' facade call against the real Java node
%% and returns its reply unchanged (or, for a restore into a fresh directory, the reply and
%% what the restored DB holds).
%%
%% Commands name things logically (DB `a', iterator `it3', batch `b1', ...) so that a shrunk
%% counterexample reads as a script; this module keeps the real handles under those names, and
%% every path under one base directory per sequence, in the process dictionary of the process
%% that runs the sequence (proper_statem runs a sequence in the caller's process). `cleanup/0'
%% closes whatever is still open, also after a failed or crashed sequence.
-module(rocksdb_model_ops).

%% Sequence setup and teardown.
-export([setup/2, cleanup/0, path/1, path_bin/1, keys/0]).
%% Part 1: DBs and backups.
-export([open/2, close/1, put/3, get/2, delete/2, count/1, flush/1, get_closed/2,
         open_backup_engine/0, close_backup_engine/0, create_new_backup/3, get_backup_info/0,
         verify_backup/2, delete_backup/1, purge_old_backup/1, stop_backup/0,
         gc_backup_engine/0, restore/3]).
%% Part 2: the data API of issue 7.
-export([open_with_cf/2, create_column_family/2, drop_column_family/2,
         cf_put/4, cf_get/3, cf_delete/3, write/2,
         batch/1, batch_put/3, batch_delete/2, batch_savepoint/1, batch_rollback/1,
         batch_count/1, batch_tolist/1, write_batch/2, release_batch/1,
         snapshot/2, snapshot_get/3, release_snapshot/1,
         iterator/2, iterator_move/2, iterator_close/1, fold/1, fold_keys/1]).

-define(KEYS, [<<"a">>, <<"b">>, <<"c">>, <<"d">>, <<"e">>]).

%% The keys every generated command draws from, in order: few, so that writes collide.
keys() ->
    ?KEYS.

%%%===================================================================
%%% Setup and teardown
%%%===================================================================

%% @doc Starts a sequence in a fresh base directory; `Groups' are the command groups enabled
%% (a restore reads column families only when the `cf' group is on).
setup(Base, Groups) ->
    ok = filelib:ensure_path(Base),
    put({?MODULE, base}, Base),
    put({?MODULE, groups}, Groups),
    put({?MODULE, live}, #{}),
    put({?MODULE, stale}, #{}),
    ok.

%% @doc Closes every handle still open (iterators, snapshots and batches before their DBs),
%% removes the base directory and forgets the sequence. Never fails: a handle the node already
%% closed raises badarg, which is ignored here (the model checks replies, not this).
cleanup() ->
    Live = get_map(live),
    Order = fun({it, _}) -> 1; ({snap, _}) -> 1; ({batch, _}) -> 1; ({cf, _, _}) -> 2;
               ({db, _}) -> 3; (engine) -> 4 end,
    Sorted = lists:sort([{Order(K), K, H} || {K, H} <- maps:to_list(Live)]),
    [quietly(fun() -> close_handle(K, H) end) || {_, K, H} <- Sorted],
    case get({?MODULE, base}) of
        undefined -> ok;
        Base -> _ = file:del_dir_r(Base), ok
    end,
    [erase({?MODULE, W}) || W <- [base, groups, live, stale]],
    ok.

close_handle({it, _}, H) -> rocksdb:iterator_close(H);
close_handle({snap, _}, H) -> rocksdb:release_snapshot(H);
close_handle({batch, _}, H) -> rocksdb:release_batch(H);
close_handle({cf, _, _}, _H) -> ok;
close_handle({db, _}, H) -> rocksdb:close(H);
close_handle(engine, H) -> rocksdb:close_backup_engine(H).

quietly(Fun) ->
    try Fun() catch _:_ -> ok end.

%% @doc The path of a logical directory name (a DB name, `backups', a restore target).
path(Name) ->
    filename:join(get({?MODULE, base}), atom_to_list(Name)).

%% @doc The path as the node echoes it in `{db_in_use, Path}': the client sends absolute
%% UTF-8 binaries.
path_bin(Name) ->
    unicode:characters_to_binary(path(Name)).

%%%===================================================================
%%% Part 1: DBs
%%%===================================================================

open(Name, CreateIfMissing) ->
    register_open({db, Name}, rocksdb:open(path(Name), [{create_if_missing, CreateIfMissing}])).

close(Name) ->
    H = live({db, Name}),
    Reply = rocksdb:close(H),
    %% The DB's column family handles, iterators and snapshots go with it.
    [retire(K) || K <- maps:keys(get_map(live)), belongs_to(K, Name)],
    retire({db, Name}),
    Reply.

put(Name, K, V) -> rocksdb:put(live({db, Name}), K, V, []).
get(Name, K) -> rocksdb:get(live({db, Name}), K, []).
delete(Name, K) -> rocksdb:delete(live({db, Name}), K, []).
count(Name) -> rocksdb:count(live({db, Name})).
flush(Name) -> rocksdb:flush(live({db, Name}), []).

%% @doc A get through the handle of a DB that was closed: the NIF raises badarg, so must we.
get_closed(Name, K) ->
    raised(fun() -> rocksdb:get(stale({db, Name}), K, []) end).

%%%===================================================================
%%% Part 1: backups (one engine directory, `backups', per sequence)
%%%===================================================================

%% The calls that change which backups exist (open, create, delete, purge) return
%% `{Reply, Ids}': their reply and the ids get_backup_info/1 lists right after (`none' when the
%% engine did not open), so that a wrong change shows at the step that made it.
open_backup_engine() ->
    with_ids(register_open(engine, rocksdb:open_backup_engine(path(backups)))).

with_ids(Reply) ->
    case get_map(live) of
        #{engine := E} ->
            {Reply, case rocksdb:get_backup_info(E) of
                        {ok, Infos} -> [maps:get(id, I, no_id) || I <- Infos];
                        Other -> Other
                    end};
        _ ->
            {Reply, none}
    end.

close_backup_engine() ->
    Reply = rocksdb:close_backup_engine(live(engine)),
    retire(engine),
    Reply.

%% @doc A backup of DB `Name', by its handle or by its path.
create_new_backup(Name, handle, Opts) ->
    with_ids(rocksdb:create_new_backup(live(engine), live({db, Name}), Opts));
create_new_backup(Name, path, Opts) ->
    with_ids(rocksdb:create_new_backup(live(engine), path(Name), Opts)).

get_backup_info() -> rocksdb:get_backup_info(live(engine)).
verify_backup(Id, Opts) -> rocksdb:verify_backup(live(engine), Id, Opts).
delete_backup(Id) -> with_ids(rocksdb:delete_backup(live(engine), Id)).
purge_old_backup(N) -> with_ids(rocksdb:purge_old_backup(live(engine), N)).
stop_backup() -> rocksdb:stop_backup(live(engine)).
gc_backup_engine() -> rocksdb:gc_backup_engine(live(engine)).

%% @doc Restores backup `Which' (`{id, Id}' or `latest') into `Target' (`fresh': a new
%% directory, or a DB name) through one of the restore functions (`Variant', 1..4). Returns
%% `{Reply, Contents}': when the restore succeeded, the restored DB is opened, read back key by
%% key (every column family when the `cf' group is on) and closed, and `Contents' is what it
%% held, `#{Cf => #{Key => Value}}'; otherwise `Contents' is `none'.
restore(Which, Target, Variant) ->
    Dir = case Target of
              fresh -> path(list_to_atom("restored_" ++
                                         integer_to_list(erlang:unique_integer([positive]))));
              Name -> path(Name)
          end,
    Reply = restore_call(live(engine), Which, Dir, Variant),
    case Reply of
        ok ->
            %% A restored DB that does not open or read back is a failure the postcondition
            %% reports (PropEr 1.2 cannot report a command that raises).
            try {ok, read_back(Dir)}
            catch Class:Why -> {ok, {read_back_failed, Class, Why}}
            end;
        _ ->
            {Reply, none}
    end.

restore_call(E, {id, Id}, Dir, 1) -> rocksdb:restore_db_from_backup(E, Id, Dir);
restore_call(E, {id, Id}, Dir, 2) -> rocksdb:restore_db_from_backup(E, Id, Dir, Dir);
restore_call(E, {id, Id}, Dir, 3) -> rocksdb:restore_db_from_backup(E, Id, Dir, Dir, []);
restore_call(E, {id, Id}, Dir, 4) -> rocksdb:restore_from_backup(E, Id, Dir, Dir);
restore_call(E, latest, Dir, 1) -> rocksdb:restore_db_from_latest_backup(E, Dir);
restore_call(E, latest, Dir, 2) -> rocksdb:restore_db_from_latest_backup(E, Dir, Dir);
restore_call(E, latest, Dir, 3) -> rocksdb:restore_db_from_latest_backup(E, Dir, Dir, []);
restore_call(E, latest, Dir, 4) -> rocksdb:restore_from_latest_backup(E, Dir, Dir).

read_back(Dir) ->
    case lists:member(cf, get({?MODULE, groups})) of
        false ->
            {ok, Db} = rocksdb:open(Dir, []),
            try #{"default" => read_all(fun(K) -> rocksdb:get(Db, K, []) end)}
            after ok = rocksdb:close(Db)
            end;
        true ->
            {ok, Names} = rocksdb:list_column_families(Dir, []),
            {ok, Db, Cfs} = rocksdb:open_with_cf(Dir, [], [{N, []} || N <- Names]),
            try maps:from_list([{N, read_all(fun(K) -> rocksdb:get(Db, Cf, K, []) end)}
                                || {N, Cf} <- lists:zip(Names, Cfs)])
            after ok = rocksdb:close(Db)
            end
    end.

read_all(Get) ->
    maps:from_list([{K, V} || K <- ?KEYS, {ok, V} <- [Get(K)]]).

%%%===================================================================
%%% Part 2: column families
%%%===================================================================

%% @doc Opens DB `Name' with the column families `CfNames' ("default" first), creating the DB
%% and missing families. Registers each family's handle as `{cf, Name, CfName}'.
open_with_cf(Name, CfNames) ->
    Opts = [{create_if_missing, true}, {create_missing_column_families, true}],
    case rocksdb:open_with_cf(path(Name), Opts, [{N, []} || N <- CfNames]) of
        {ok, Db, Cfs} = Reply when length(Cfs) =:= length(CfNames) ->
            put_live({db, Name}, Db),
            [put_live({cf, Name, N}, Cf) || {N, Cf} <- lists:zip(CfNames, Cfs)],
            Reply;
        Reply ->
            Reply
    end.

create_column_family(Name, CfName) ->
    register_open({cf, Name, CfName},
                  rocksdb:create_column_family(live({db, Name}), CfName, [])).

drop_column_family(Name, CfName) ->
    Reply = rocksdb:drop_column_family(live({db, Name}), live({cf, Name, CfName})),
    retire({cf, Name, CfName}),
    Reply.

cf_put(Name, Cf, K, V) -> rocksdb:put(live({db, Name}), live({cf, Name, Cf}), K, V, []).
cf_get(Name, Cf, K) -> rocksdb:get(live({db, Name}), live({cf, Name, Cf}), K, []).
cf_delete(Name, Cf, K) -> rocksdb:delete(live({db, Name}), live({cf, Name, Cf}), K, []).

%%%===================================================================
%%% Part 2: write/3 and batches
%%%===================================================================

%% @doc write/3 with a list of `{put, K, V}' and `{delete, K}' on the default family.
write(Name, Ops) -> rocksdb:write(live({db, Name}), Ops, []).

batch(B) -> register_open({batch, B}, rocksdb:batch()).
batch_put(B, K, V) -> rocksdb:batch_put(live({batch, B}), K, V).
batch_delete(B, K) -> rocksdb:batch_delete(live({batch, B}), K).
batch_savepoint(B) -> rocksdb:batch_savepoint(live({batch, B})).
batch_rollback(B) -> rocksdb:batch_rollback(live({batch, B})).
batch_count(B) -> rocksdb:batch_count(live({batch, B})).
batch_tolist(B) -> rocksdb:batch_tolist(live({batch, B})).
write_batch(Name, B) -> rocksdb:write_batch(live({db, Name}), live({batch, B}), []).

release_batch(B) ->
    Reply = rocksdb:release_batch(live({batch, B})),
    retire({batch, B}),
    Reply.

%%%===================================================================
%%% Part 2: snapshots
%%%===================================================================

snapshot(Name, S) -> register_open({snap, S}, rocksdb:snapshot(live({db, Name}))).
snapshot_get(Name, S, K) -> rocksdb:get(live({db, Name}), K, [{snapshot, live({snap, S})}]).

release_snapshot(S) ->
    Reply = rocksdb:release_snapshot(live({snap, S})),
    retire({snap, S}),
    Reply.

%%%===================================================================
%%% Part 2: iterators and folds (default family)
%%%===================================================================

iterator(Name, It) -> register_open({it, It}, rocksdb:iterator(live({db, Name}), [])).
iterator_move(It, Action) -> rocksdb:iterator_move(live({it, It}), Action).

iterator_close(It) ->
    Reply = rocksdb:iterator_close(live({it, It})),
    retire({it, It}),
    Reply.

%% @doc fold/4 collecting `{K, V}' in visiting order.
fold(Name) ->
    rocksdb:fold(live({db, Name}), fun({K, V}, Acc) -> [{K, V} | Acc] end, [], []).

%% @doc fold_keys/4 collecting keys in visiting order.
fold_keys(Name) ->
    rocksdb:fold_keys(live({db, Name}), fun(K, Acc) -> [K | Acc] end, [], []).

%%%===================================================================
%%% Named handles
%%%===================================================================

%% Registers the handle of an `{ok, H}' reply under `Key'; any reply is returned as it is.
register_open(Key, {ok, H} = Reply) ->
    put_live(Key, H),
    Reply;
register_open(_Key, Reply) ->
    Reply.

put_live(Key, H) ->
    put({?MODULE, live}, maps:put(Key, H, get_map(live))).

%% The handle under `Key'; a name the model thinks open but that is not here is a bug of the
%% model or of an earlier reply the postcondition let through, so it fails loudly.
live(Key) ->
    case maps:find(Key, get_map(live)) of
        {ok, H} -> H;
        error -> error({no_live_handle, Key})
    end.

stale(Key) ->
    case maps:find(Key, get_map(stale)) of
        {ok, H} -> H;
        error -> error({no_stale_handle, Key})
    end.

%% Moves a handle from live to stale (it was closed, or went with its DB).
retire(Key) ->
    Live = get_map(live),
    case maps:take(Key, Live) of
        {H, Live1} ->
            put({?MODULE, live}, Live1),
            put({?MODULE, stale}, maps:put(Key, H, get_map(stale)));
        error ->
            ok
    end.

belongs_to({cf, Name, _}, Name) -> true;
belongs_to(_, _) -> false.

get_map(Which) ->
    case get({?MODULE, Which}) of
        undefined -> #{};
        M -> M
    end.

raised(Fun) ->
    try Fun() catch error:Reason -> {raised, Reason} end.
