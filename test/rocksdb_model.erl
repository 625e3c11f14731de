%% @doc A PropEr state machine model of the `rocksdb' facade served by a real Java node
%% (issue 7, "Tests"). model_SUITE runs it; rocksdb_model_ops makes the calls.
%%
%% The model keeps, for two DB paths `a' and `b', whether each is absent, open or closed and
%% what it holds (per column family), one backup engine directory with, for each backup id,
%% what the DB held when the backup was made; and, for part 2, the live batches, snapshots and
%% iterators. Every reply is compared with the model's after every step, exactly where the
%% reply is exact (`{ok, V}' | `not_found', error texts RocksDB fixes, backup ids, restored
%% contents) and by shape where the node may choose (`count/1' is an estimate; timestamps and
%% sizes of backups).
%%
%% Command groups: `db' and `backup' (part 1); part 2 (`cf', `batch', `snapshot', `iterator',
%% listed by `part2/0' below) drives the data API. `PROPER_GROUPS=db,backup,cf' in the environment picks groups for one run.
-module(rocksdb_model).

-export([groups/0, initial_state/0, initial_state/1, command/1, precondition/2,
         postcondition/3, next_state/3]).
-export([prop_model/2]).

-include_lib("proper/include/proper.hrl").

-define(OPS, rocksdb_model_ops).
-define(DBS, [a, b]).
-define(VALUES, [<<"1">>, <<"2">>, <<"33">>, <<>>]).
-define(CF_NAMES, ["cf1", "cf2"]).
%% At most this many batches, snapshots and iterators live at once.
-define(MAX_LIVE, 2).

%% The command groups the generator draws from.
groups() ->
    [db, backup] ++ part2().

%% The data API's groups (issue 7): column families, batches, snapshots, iterators and folds.
part2() ->
    [cf, batch, snapshot, iterator].

-record(db, {status = absent :: absent | open | closed,
             %% Column family name => Key => Value; "default" is always there.
             data = #{"default" => #{}} :: #{string() => #{binary() => binary()}},
             %% The families whose handles are live while the DB is open (part 2).
             cf_handles = [] :: [string()],
             %% Whether this sequence holds a handle of the DB that was closed.
             stale_handle = false :: boolean()}).

-record(batch, {ops = [] :: [{put, binary(), binary()} | {delete, binary()}],
                savepoints = [] :: [non_neg_integer()]}).

-record(it, {db :: atom(),
             view :: [{binary(), binary()}],        % sorted, as of the iterator's creation
             pos = invalid :: invalid | binary()}).

-record(st, {groups = [db, backup] :: [atom()],
             dbs = #{} :: #{atom() => #db{}},
             engine = closed :: open | closed,
             %% Backup id => {data of the DB at backup time, app metadata or none}.
             backups = #{} :: #{pos_integer() => {map(), binary() | none}},
             %% The id the engine gives its next backup: one more than the highest it has
             %% seen since it opened (deleted ids are not reused by an open engine; an engine
             %% opened anew starts after the highest id on disk).
             next_id = 1 :: pos_integer(),
             batches = #{} :: #{atom() => #batch{}},
             snaps = #{} :: #{atom() => {atom(), map()}},
             its = #{} :: #{atom() => #it{}},
             names = 0 :: non_neg_integer()}).

%%%===================================================================
%%% The property
%%%===================================================================

%% @doc Every generated sequence runs against the node in a fresh directory under `Priv'; its
%% handles are closed and the directory removed afterwards, whatever happened.
prop_model(Groups, Priv) ->
    ?FORALL(Cmds, proper_statem:commands(?MODULE, initial_state(Groups)),
            begin
                Base = filename:join(Priv, "seq_" ++
                                         integer_to_list(erlang:unique_integer([positive]))),
                %% PropEr 1.2 cannot report an exception that escapes the property (it calls
                %% erlang:get_stacktrace/0, gone since OTP 23): any becomes a failed result.
                {History, State, Result} =
                    try
                        ok = ?OPS:setup(Base, Groups),
                        proper_statem:run_commands(?MODULE, Cmds)
                    catch
                        Class:Reason:Stack -> {[], undefined, {raised, Class, Reason, Stack}}
                    after
                        ?OPS:cleanup()
                    end,
                ?WHENFAIL(io:format(user, "~nFailing sequence (~p commands):~n~ts~n"
                                    "Result: ~p~nModel state before the failing step:~n~p~n",
                                    [length(Cmds) - 1, format_history(Cmds, History),
                                     Result, State]),
                          measure("commands per sequence", length(Cmds),
                                  aggregate(proper_statem:command_names(Cmds),
                                            Result =:= ok)))
            end).

%% Each command with the reply it got, as a script.
format_history(Cmds, History) ->
    Calls = [{Var, M, F, A} || {set, Var, {call, M, F, A}} <- Cmds],
    Replies = [R || {_, R} <- History] ++ lists:duplicate(length(Calls), not_run),
    lists:flatten([io_lib:format("  ~p:~p(~ts) -> ~ts~n", [M, F, args(A), one_line(R)])
                   || {{_, M, F, A}, R} <- lists:zip(Calls, lists:sublist(Replies,
                                                                           length(Calls)))]).

args(A) ->
    lists:join(", ", [one_line(X) || X <- A]).

one_line(Term) ->
    io_lib:print(Term, 1, 100000, -1).

%%%===================================================================
%%% proper_statem callbacks
%%%===================================================================

initial_state() ->
    initial_state(groups()).

initial_state(Groups) ->
    #st{groups = Groups, dbs = maps:from_list([{N, #db{}} || N <- ?DBS])}.

command(S) ->
    frequency(lists:append([group(G, S) || G <- S#st.groups])).

%% Part 1: DBs.
group(db, S) ->
    Open = open_dbs(S),
    Shut = ?DBS -- Open,
    [{4, {call, ?OPS, open, [elements(Shut), bool()]}} || Shut =/= []]
        %% A second open of an open DB: RocksDB's lock refuses it.
        ++ [{1, {call, ?OPS, open, [elements(Open), bool()]}} || Open =/= []]
        ++ [{6, {call, ?OPS, put, [elements(Open), key(), value()]}} || Open =/= []]
        ++ [{5, {call, ?OPS, get, [elements(Open), key()]}} || Open =/= []]
        ++ [{3, {call, ?OPS, delete, [elements(Open), key()]}} || Open =/= []]
        ++ [{1, {call, ?OPS, count, [elements(Open)]}} || Open =/= []]
        ++ [{1, {call, ?OPS, flush, [elements(Open)]}} || Open =/= []]
        ++ [{2, {call, ?OPS, close, [elements(Open)]}} || Open =/= []]
        ++ [{1, {call, ?OPS, get_closed, [elements(Stale), key()]}}
            || Stale <- [stale_dbs(S)], Stale =/= []];
%% Part 1: backups.
group(backup, #st{engine = closed}) ->
    [{3, {call, ?OPS, open_backup_engine, []}}];
group(backup, #st{engine = open} = S) ->
    Open = open_dbs(S),
    [{1, {call, ?OPS, close_backup_engine, []}},
     {4, {call, ?OPS, create_new_backup, [db_name(), path, backup_opts()]}},
     {2, {call, ?OPS, get_backup_info, []}},
     {2, {call, ?OPS, verify_backup, [backup_id(S), verify_opts()]}},
     {2, {call, ?OPS, delete_backup, [backup_id(S)]}},
     {2, {call, ?OPS, purge_old_backup, [range(0, 3)]}},
     {1, {call, ?OPS, stop_backup, []}},
     {1, {call, ?OPS, gc_backup_engine, []}},
     {3, {call, ?OPS, restore, [restore_which(S), restore_target(), range(1, 4)]}}]
        ++ [{4, {call, ?OPS, create_new_backup, [elements(Open), handle, backup_opts()]}}
            || Open =/= []];
%% Part 2: column families.
group(cf, S) ->
    Closed = [N || N <- ?DBS, not is_open(N, S)],
    WithHandles = [{N, Cf} || N <- open_dbs(S), Cf <- (db(N, S))#db.cf_handles],
    Droppable = [{N, Cf} || {N, Cf} <- WithHandles, Cf =/= "default"],
    Creatable = [{N, Cf} || N <- open_dbs(S), Cf <- ?CF_NAMES,
                            not maps:is_key(Cf, (db(N, S))#db.data)],
    [{2, ?LET(N, elements(Closed), {call, ?OPS, open_with_cf, [N, cf_list(N, S)]})}
     || Closed =/= []]
        ++ [{1, ?LET({N, Cf}, elements(Creatable),
                     {call, ?OPS, create_column_family, [N, Cf]})} || Creatable =/= []]
        ++ [{1, ?LET({N, Cf}, elements(Droppable),
                     {call, ?OPS, drop_column_family, [N, Cf]})} || Droppable =/= []]
        ++ [{4, ?LET({N, Cf}, elements(WithHandles),
                     {call, ?OPS, cf_put, [N, Cf, key(), value()]})} || WithHandles =/= []]
        ++ [{4, ?LET({N, Cf}, elements(WithHandles),
                     {call, ?OPS, cf_get, [N, Cf, key()]})} || WithHandles =/= []]
        ++ [{2, ?LET({N, Cf}, elements(WithHandles),
                     {call, ?OPS, cf_delete, [N, Cf, key()]})} || WithHandles =/= []];
%% Part 2: write/3 and batches.
group(batch, S) ->
    Open = open_dbs(S),
    Fresh = maps:keys(S#st.batches),
    [{2, {call, ?OPS, write, [elements(Open), list(write_op())]}} || Open =/= []]
        ++ [{1, {call, ?OPS, batch, [new_name(batch, S)]}}
            || maps:size(S#st.batches) < ?MAX_LIVE]
        ++ [{4, {call, ?OPS, batch_put, [elements(Fresh), key(), value()]}} || Fresh =/= []]
        ++ [{2, {call, ?OPS, batch_delete, [elements(Fresh), key()]}} || Fresh =/= []]
        ++ [{1, {call, ?OPS, batch_savepoint, [elements(Fresh)]}} || Fresh =/= []]
        ++ [{1, {call, ?OPS, batch_rollback, [elements(Fresh)]}} || Fresh =/= []]
        ++ [{1, {call, ?OPS, batch_count, [elements(Fresh)]}} || Fresh =/= []]
        ++ [{1, {call, ?OPS, batch_tolist, [elements(Fresh)]}} || Fresh =/= []]
        ++ [{2, {call, ?OPS, write_batch, [elements(Open), elements(Fresh)]}}
            || Open =/= [], Fresh =/= []]
        ++ [{1, {call, ?OPS, release_batch, [elements(Fresh)]}} || Fresh =/= []];
%% Part 2: snapshots.
group(snapshot, S) ->
    Open = open_dbs(S),
    Snaps = maps:to_list(S#st.snaps),
    [{1, {call, ?OPS, snapshot, [elements(Open), new_name(snap, S)]}}
     || Open =/= [], maps:size(S#st.snaps) < ?MAX_LIVE]
        ++ [{4, ?LET({Sn, {N, _}}, elements(Snaps),
                     {call, ?OPS, snapshot_get, [N, Sn, key()]})} || Snaps =/= []]
        ++ [{1, {call, ?OPS, release_snapshot, [elements(maps:keys(S#st.snaps))]}}
            || Snaps =/= []];
%% Part 2: iterators and folds.
group(iterator, S) ->
    Open = open_dbs(S),
    Its = maps:keys(S#st.its),
    [{1, {call, ?OPS, iterator, [elements(Open), new_name(it, S)]}}
     || Open =/= [], maps:size(S#st.its) < ?MAX_LIVE]
        ++ [{6, {call, ?OPS, iterator_move, [elements(Its), move()]}} || Its =/= []]
        ++ [{1, {call, ?OPS, iterator_close, [elements(Its)]}} || Its =/= []]
        ++ [{1, {call, ?OPS, fold, [elements(Open)]}} || Open =/= []]
        ++ [{1, {call, ?OPS, fold_keys, [elements(Open)]}} || Open =/= []].

%% Preconditions hold what the generators assume, so that shrinking (which drops commands)
%% never leaves a command whose DB, engine or handle is gone.
precondition(_S, {call, _, open, [_, _]}) -> true;
precondition(S, {call, _, F, [N | _]})
  when F =:= put; F =:= get; F =:= delete; F =:= count; F =:= flush; F =:= close;
       F =:= write; F =:= fold; F =:= fold_keys; F =:= create_column_family ->
    is_open(N, S) andalso (F =/= create_column_family orelse group_on(cf, S));
precondition(S, {call, _, get_closed, [N, _]}) ->
    not is_open(N, S) andalso (db(N, S))#db.stale_handle;
precondition(S, {call, _, open_backup_engine, []}) -> S#st.engine =:= closed;
precondition(S, {call, _, create_new_backup, [N, handle, _]}) ->
    S#st.engine =:= open andalso is_open(N, S);
precondition(S, {call, _, F, _})
  when F =:= close_backup_engine; F =:= create_new_backup; F =:= get_backup_info;
       F =:= verify_backup; F =:= delete_backup; F =:= purge_old_backup; F =:= stop_backup;
       F =:= gc_backup_engine; F =:= restore ->
    S#st.engine =:= open;
precondition(S, {call, _, open_with_cf, [N, Cfs]}) ->
    not is_open(N, S) andalso lists:usort(Cfs) =:= lists:usort(cf_names(N, S) ++ Cfs);
precondition(S, {call, _, drop_column_family, [N, Cf]}) ->
    is_open(N, S) andalso Cf =/= "default" andalso has_cf_handle(N, Cf, S);
precondition(S, {call, _, F, [N, Cf | _]})
  when F =:= cf_put; F =:= cf_get; F =:= cf_delete ->
    is_open(N, S) andalso has_cf_handle(N, Cf, S);
precondition(S, {call, _, batch, [B]}) -> not maps:is_key(B, S#st.batches);
precondition(S, {call, _, write_batch, [N, B]}) ->
    is_open(N, S) andalso maps:is_key(B, S#st.batches);
precondition(S, {call, _, F, [B | _]})
  when F =:= batch_put; F =:= batch_delete; F =:= batch_savepoint; F =:= batch_rollback;
       F =:= batch_count; F =:= batch_tolist; F =:= release_batch ->
    maps:is_key(B, S#st.batches);
precondition(S, {call, _, snapshot, [N, Sn]}) ->
    is_open(N, S) andalso not maps:is_key(Sn, S#st.snaps);
precondition(S, {call, _, snapshot_get, [N, Sn, _]}) ->
    case maps:find(Sn, S#st.snaps) of
        {ok, {N, _}} -> is_open(N, S);
        _ -> false
    end;
precondition(S, {call, _, release_snapshot, [Sn]}) -> maps:is_key(Sn, S#st.snaps);
precondition(S, {call, _, iterator, [N, It]}) ->
    is_open(N, S) andalso not maps:is_key(It, S#st.its);
precondition(S, {call, _, F, [It | _]}) when F =:= iterator_move; F =:= iterator_close ->
    maps:is_key(It, S#st.its).

%%% next_state: what each call does to the model. Results are not stored (commands name
%%% handles logically), so this is the same for symbolic and dynamic states.

next_state(S, _R, {call, _, open, [N, Create]}) ->
    D = db(N, S),
    case open_reply(D, Create) of
        ok -> set_db(N, D#db{status = open, stale_handle = false, cf_handles = []}, S);
        _ -> S
    end;
next_state(S, _R, {call, _, close, [N]}) ->
    D = db(N, S),
    forget_db_handles(N, set_db(N, D#db{status = closed, stale_handle = true,
                                        cf_handles = []}, S));
next_state(S, _R, {call, _, put, [N, K, V]}) ->
    update_cf(N, "default", fun(M) -> M#{K => V} end, S);
next_state(S, _R, {call, _, delete, [N, K]}) ->
    update_cf(N, "default", fun(M) -> maps:remove(K, M) end, S);
next_state(S, _R, {call, _, open_backup_engine, []}) ->
    S#st{engine = open, next_id = lists:max([0 | maps:keys(S#st.backups)]) + 1};
next_state(S, _R, {call, _, close_backup_engine, []}) ->
    S#st{engine = closed};
next_state(S, _R, {call, _, create_new_backup, [N, _, Opts]}) ->
    D = db(N, S),
    case D#db.status of
        absent -> S;
        _ ->
            Meta = proplists:get_value(metadata, Opts, none),
            Id = S#st.next_id,
            S#st{backups = (S#st.backups)#{Id => {D#db.data, Meta}}, next_id = Id + 1}
    end;
next_state(S, _R, {call, _, delete_backup, [Id]}) ->
    S#st{backups = maps:remove(Id, S#st.backups)};
next_state(S, _R, {call, _, purge_old_backup, [Keep]}) ->
    Ids = lists:reverse(lists:sort(maps:keys(S#st.backups))),
    S#st{backups = maps:with(lists:sublist(Ids, Keep), S#st.backups)};
next_state(S, _R, {call, _, restore, [Which, Target, _]}) ->
    case {restore_source(Which, S), Target} of
        {{ok, _}, fresh} ->
            S;
        {{ok, {Data, _}}, N} ->
            D = db(N, S),
            case D#db.status of
                open -> S;
                _ -> set_db(N, D#db{status = closed, data = Data}, S)
            end;
        {{error, _}, _} ->
            S
    end;
next_state(S, _R, {call, _, open_with_cf, [N, Cfs]}) ->
    D = db(N, S),
    Data = maps:merge(maps:from_list([{Cf, #{}} || Cf <- Cfs]), D#db.data),
    set_db(N, D#db{status = open, data = Data, cf_handles = Cfs, stale_handle = false}, S);
next_state(S, _R, {call, _, create_column_family, [N, Cf]}) ->
    D = db(N, S),
    set_db(N, D#db{data = (D#db.data)#{Cf => #{}},
                   cf_handles = D#db.cf_handles ++ [Cf]}, S);
next_state(S, _R, {call, _, drop_column_family, [N, Cf]}) ->
    D = db(N, S),
    set_db(N, D#db{data = maps:remove(Cf, D#db.data),
                   cf_handles = D#db.cf_handles -- [Cf]}, S);
next_state(S, _R, {call, _, cf_put, [N, Cf, K, V]}) ->
    update_cf(N, Cf, fun(M) -> M#{K => V} end, S);
next_state(S, _R, {call, _, cf_delete, [N, Cf, K]}) ->
    update_cf(N, Cf, fun(M) -> maps:remove(K, M) end, S);
next_state(S, _R, {call, _, write, [N, Ops]}) ->
    update_cf(N, "default", fun(M) -> apply_ops(Ops, M) end, S);
next_state(S, _R, {call, _, batch, [B]}) ->
    named(S#st{batches = (S#st.batches)#{B => #batch{}}});
next_state(S, _R, {call, _, batch_put, [B, K, V]}) ->
    update_batch(B, fun(Bt) -> Bt#batch{ops = Bt#batch.ops ++ [{put, K, V}]} end, S);
next_state(S, _R, {call, _, batch_delete, [B, K]}) ->
    update_batch(B, fun(Bt) -> Bt#batch{ops = Bt#batch.ops ++ [{delete, K}]} end, S);
next_state(S, _R, {call, _, batch_savepoint, [B]}) ->
    update_batch(B, fun(Bt) -> Bt#batch{savepoints = [length(Bt#batch.ops)
                                                     | Bt#batch.savepoints]} end, S);
next_state(S, _R, {call, _, batch_rollback, [B]}) ->
    update_batch(B, fun(#batch{savepoints = []} = Bt) -> Bt;
                       (#batch{ops = Ops, savepoints = [P | Ps]} = Bt) ->
                            Bt#batch{ops = lists:sublist(Ops, P), savepoints = Ps}
                    end, S);
next_state(S, _R, {call, _, write_batch, [N, B]}) ->
    #batch{ops = Ops} = maps:get(B, S#st.batches),
    S1 = update_cf(N, "default", fun(M) -> apply_ops(Ops, M) end, S),
    %% erlang-rocksdb clears a batch once written (RocksDB's Clear drops its savepoints too).
    update_batch(B, fun(_) -> #batch{} end, S1);
next_state(S, _R, {call, _, release_batch, [B]}) ->
    S#st{batches = maps:remove(B, S#st.batches)};
next_state(S, _R, {call, _, snapshot, [N, Sn]}) ->
    named(S#st{snaps = (S#st.snaps)#{Sn => {N, default_data(N, S)}}});
next_state(S, _R, {call, _, release_snapshot, [Sn]}) ->
    S#st{snaps = maps:remove(Sn, S#st.snaps)};
next_state(S, _R, {call, _, iterator, [N, It]}) ->
    View = lists:sort(maps:to_list(default_data(N, S))),
    named(S#st{its = (S#st.its)#{It => #it{db = N, view = View}}});
next_state(S, _R, {call, _, iterator_move, [It, Action]}) ->
    I = maps:get(It, S#st.its),
    {_, Pos} = move(I, Action),
    S#st{its = (S#st.its)#{It => I#it{pos = Pos}}};
next_state(S, _R, {call, _, iterator_close, [It]}) ->
    S#st{its = maps:remove(It, S#st.its)};
next_state(S, _R, {call, _, _, _}) ->
    S.

%%% postcondition: the reply, exactly where it is exact.

postcondition(S, {call, _, open, [N, Create]}, R) ->
    case open_reply(db(N, S), Create) of
        ok -> match(R, {ok, ref});
        db_open -> match(R, {error, {db_open, text}})
    end;
postcondition(_S, {call, _, F, _}, R)
  when F =:= close; F =:= put; F =:= delete; F =:= flush; F =:= close_backup_engine;
       F =:= stop_backup; F =:= gc_backup_engine; F =:= drop_column_family; F =:= cf_put; F =:= cf_delete; F =:= write;
       F =:= batch_put; F =:= batch_delete; F =:= batch_savepoint; F =:= write_batch;
       F =:= release_batch; F =:= release_snapshot; F =:= iterator_close ->
    R =:= ok;
postcondition(S, {call, _, get, [N, K]}, R) ->
    R =:= lookup(K, default_data(N, S));
postcondition(_S, {call, _, count, [_]}, R) ->
    is_integer(R) andalso R >= 0;
postcondition(_S, {call, _, get_closed, [_, _]}, R) ->
    R =:= {raised, badarg};
%% The calls that change the backups reply `{Reply, Ids}' (rocksdb_model_ops:with_ids/1): Ids
%% are checked against the model after the call.
postcondition(S, {call, _, open_backup_engine, []} = C, {R, Ids}) ->
    match(R, {ok, ref}) andalso ids_after(S, C, Ids);
postcondition(S, {call, _, create_new_backup, [N, _, _]} = C, {R, Ids}) ->
    case (db(N, S))#db.status of
        absent -> match(R, {error, {error, text}});
        _ -> R =:= ok
    end andalso ids_after(S, C, Ids);
postcondition(S, {call, _, get_backup_info, []}, R) ->
    case R of
        {ok, Infos} when is_list(Infos) ->
            Ids = lists:sort(maps:keys(S#st.backups)),
            [maps:get(id, I, none) || I <- Infos] =:= Ids
                andalso lists:all(fun(I) -> info_ok(I, S) end, Infos);
        _ ->
            false
    end;
postcondition(S, {call, _, verify_backup, [Id, _]}, R) ->
    case maps:is_key(Id, S#st.backups) of
        true -> R =:= ok;
        false -> R =:= {error, {error, "NotFound: "}}
    end;
postcondition(S, {call, _, delete_backup, [Id]} = C, {R, Ids}) ->
    case maps:is_key(Id, S#st.backups) of
        true -> R =:= ok;
        false -> R =:= {error, {error, "NotFound: Backup not found"}}
    end andalso ids_after(S, C, Ids);
postcondition(S, {call, _, purge_old_backup, [_]} = C, {R, Ids}) ->
    R =:= ok andalso ids_after(S, C, Ids);
postcondition(S, {call, _, restore, [Which, Target, _]}, R) ->
    InUse = Target =/= fresh andalso is_open(Target, S),
    case {InUse, restore_source(Which, S)} of
        {true, _} -> R =:= {{error, {db_in_use, ?OPS:path_bin(Target)}}, none};
        {false, {ok, {Data, _}}} -> R =:= {ok, Data};
        %% RocksDB's text for "no backup at all" is "NotFound: " and a detail.
        {false, {error, latest_none}} -> match(R, {{error, {error, not_found_text}}, none});
        {false, {error, Text}} -> R =:= {{error, {error, Text}}, none}
    end;
postcondition(_S, {call, _, open_with_cf, [_, Cfs]}, R) ->
    case R of
        {ok, Db, Handles} -> is_reference(Db) andalso length(Handles) =:= length(Cfs);
        _ -> false
    end;
postcondition(_S, {call, _, create_column_family, [_, _]}, R) ->
    match(R, {ok, ref});
postcondition(S, {call, _, cf_get, [N, Cf, K]}, R) ->
    R =:= lookup(K, maps:get(Cf, (db(N, S))#db.data));
postcondition(_S, {call, _, F, _}, R) when F =:= batch; F =:= snapshot; F =:= iterator ->
    match(R, {ok, ref});
postcondition(S, {call, _, batch_rollback, [B]}, R) ->
    case maps:get(B, S#st.batches) of
        #batch{savepoints = []} -> match(R, {error, {error, text}});
        _ -> R =:= ok
    end;
postcondition(S, {call, _, batch_count, [B]}, R) ->
    R =:= length((maps:get(B, S#st.batches))#batch.ops);
postcondition(S, {call, _, batch_tolist, [B]}, R) ->
    R =:= (maps:get(B, S#st.batches))#batch.ops;
postcondition(S, {call, _, snapshot_get, [_, Sn, K]}, R) ->
    {_, Data} = maps:get(Sn, S#st.snaps),
    R =:= lookup(K, Data);
postcondition(S, {call, _, iterator_move, [It, Action]}, R) ->
    {Reply, _} = move(maps:get(It, S#st.its), Action),
    R =:= Reply;
postcondition(S, {call, _, fold, [N]}, R) ->
    lists:reverse(R) =:= lists:sort(maps:to_list(default_data(N, S)));
postcondition(S, {call, _, fold_keys, [N]}, R) ->
    lists:reverse(R) =:= lists:sort(maps:keys(default_data(N, S)));
%% A reply of another shape than the clauses above expect.
postcondition(_S, _Call, _R) ->
    false.

%%%===================================================================
%%% Model helpers
%%%===================================================================

ids_after(S, Call, Ids) ->
    Ids =:= lists:sort(maps:keys((next_state(S, Ids, Call))#st.backups)).

%% What an open of DB `D' gives: `ok', or `db_open' (an error) when the path holds no DB and
%% create_if_missing is false, when the DB is already open (RocksDB's lock), or when it has
%% column families besides "default" (open/2 opens only "default"; RocksDB refuses).
open_reply(#db{status = open}, _) -> db_open;
open_reply(#db{status = absent}, false) -> db_open;
open_reply(#db{data = Data}, _) when map_size(Data) > 1 -> db_open;
open_reply(_, _) -> ok.

%% The backup a restore reads: `{ok, {Data, Meta}}', or `{error, Text}' as RocksDB says it.
restore_source({id, Id}, S) ->
    case maps:find(Id, S#st.backups) of
        {ok, B} -> {ok, B};
        error -> {error, "NotFound: Backup not found"}
    end;
restore_source(latest, S) ->
    case maps:keys(S#st.backups) of
        [] -> {error, latest_none};
        Ids -> {ok, maps:get(lists:max(Ids), S#st.backups)}
    end.

info_ok(#{id := Id, backup_id := Id, timestamp := T, size := Size,
          number_files := NF} = I, S) when is_integer(T), is_integer(Size), Size > 0,
                                            is_integer(NF), NF > 0 ->
    {_, Meta} = maps:get(Id, S#st.backups),
    case Meta of
        none -> not maps:is_key(app_metadata, I);
        _ -> maps:get(app_metadata, I, none) =:= Meta
    end;
info_ok(_, _) ->
    false.

%% Where the iterator lands and what iterator_move replies.
move(#it{view = View, pos = Pos}, Action) ->
    Target = case {Action, Pos} of
                 {first, _} -> first(View);
                 {last, _} -> first(lists:reverse(View));
                 {next, invalid} -> invalid;
                 {prev, invalid} -> invalid;
                 {next, P} -> first([KV || {K, _} = KV <- View, K > P]);
                 {prev, P} -> first(lists:reverse([KV || {K, _} = KV <- View, K < P]));
                 {{seek, K}, _} -> first([KV || {K1, _} = KV <- View, K1 >= K]);
                 {{seek_for_prev, K}, _} ->
                     first(lists:reverse([KV || {K1, _} = KV <- View, K1 =< K]))
             end,
    case Target of
        invalid -> {{error, invalid_iterator}, invalid};
        {K2, V2} -> {{ok, K2, V2}, K2}
    end.

first([KV | _]) -> KV;
first([]) -> invalid.

apply_ops(Ops, M) ->
    lists:foldl(fun({put, K, V}, Acc) -> Acc#{K => V};
                   ({delete, K}, Acc) -> maps:remove(K, Acc)
                end, M, Ops).

lookup(K, Data) ->
    case maps:find(K, Data) of
        {ok, V} -> {ok, V};
        error -> not_found
    end.

%% A reply of an expected shape: `ref' stands for a handle, `text' for an error text.
match({ok, H}, {ok, ref}) -> is_reference(H);
match({error, {Tag, T}}, {error, {Tag, text}}) -> io_lib:printable_unicode_list(T);
match({{error, {error, "NotFound: " ++ T}}, none},
      {{error, {error, not_found_text}}, none}) ->
    io_lib:printable_unicode_list(T);
match(_, _) -> false.

db(N, S) -> maps:get(N, S#st.dbs).
set_db(N, D, S) -> S#st{dbs = (S#st.dbs)#{N => D}}.
is_open(N, S) -> (db(N, S))#db.status =:= open.
open_dbs(S) -> [N || N <- ?DBS, is_open(N, S)].
stale_dbs(S) -> [N || N <- ?DBS, #db{status = St, stale_handle = true} <- [db(N, S)],
                      St =/= open].
default_data(N, S) -> maps:get("default", (db(N, S))#db.data).
cf_names(N, S) -> maps:keys((db(N, S))#db.data).
has_cf_handle(N, Cf, S) -> lists:member(Cf, (db(N, S))#db.cf_handles).
group_on(G, S) -> lists:member(G, S#st.groups).

update_cf(N, Cf, Fun, S) ->
    D = db(N, S),
    Data = D#db.data,
    set_db(N, D#db{data = Data#{Cf => Fun(maps:get(Cf, Data))}}, S).

update_batch(B, Fun, S) ->
    S#st{batches = (S#st.batches)#{B => Fun(maps:get(B, S#st.batches))}}.

%% A closed DB takes its snapshots and iterators with it.
forget_db_handles(N, S) ->
    S#st{snaps = maps:filter(fun(_, {Db, _}) -> Db =/= N end, S#st.snaps),
         its = maps:filter(fun(_, #it{db = Db}) -> Db =/= N end, S#st.its)}.

named(S) -> S#st{names = S#st.names + 1}.

new_name(Kind, S) ->
    list_to_atom(atom_to_list(Kind) ++ integer_to_list(S#st.names + 1)).

%%%===================================================================
%%% Generators
%%%===================================================================

db_name() -> elements(?DBS).
key() -> elements(?OPS:keys()).
value() -> elements(?VALUES).
backup_opts() -> oneof([[], [{flush_before_backup, true}], [{metadata, <<"m1">>}]]).
verify_opts() -> oneof([[], [{verify_with_checksum, true}]]).
write_op() -> oneof([{put, key(), value()}, {delete, key()}]).
restore_target() -> oneof([fresh, fresh, db_name()]).
move() -> oneof([first, last, next, next, prev, {seek, key()}, {seek_for_prev, key()}]).

%% An id the engine has, had, or never had (0, and the next one).
backup_id(S) -> elements(lists:seq(0, S#st.next_id)).

restore_which(S) ->
    case maps:keys(S#st.backups) of
        [] -> oneof([latest, {id, backup_id(S)}]);
        _ -> oneof([latest, {id, backup_id(S)}, {id, elements(maps:keys(S#st.backups))}])
    end.

%% "default", the families the DB has, and maybe one more (created at open).
cf_list(N, S) ->
    Have = lists:sort(cf_names(N, S) -- ["default"]),
    case ?CF_NAMES -- Have of
        [] -> ["default" | Have];
        New -> oneof([["default" | Have], ?LET(C, elements(New), ["default" | Have ++ [C]])])
    end.
