%% @private
%% @doc The batches of {@link rocksdb_jnode}, kept in this Erlang node (docs/DATA_API.md,
%% "Batches live in the client").
%%
%% erlang-rocksdb's batch touches no database until `write_batch/3', so a batch here is an
%% ordered list of operations in a public ETS table that this server owns: `batch_put' and its
%% kin run in the caller and cost no message; `write_batch/3' sends the list as one `write'
%% request. Rows:
%% <ul>
%% <li>`{{Batch, Seq}, Op}': an operation, `Seq' an integer taken from the header's counter,
%%     so the table's order (an `ordered_set') is the order the operations were added in, also
%%     when several processes add to one batch;</li>
%% <li>`{{Batch, header}, Owner, NextSeq, SavePoints}' (an atom sorts after every integer):
%%     its owner, the next sequence number, and the stack of savepoints (the `NextSeq' of each).</li>
%% </ul>
%% A batch whose header is gone (released, or its owner exited) is `badarg'. Adding an
%% operation is one atomic counter step and one insert; what reads or rewrites the savepoint
%% stack (savepoint, rollback, clear, release) goes through this server, one at a time.
%%
%% The owner of a batch is the process that made it (at the shell prompt, the shell, as for
%% handles): the server monitors it and drops its batches when it exits.
-module(rocksdb_jnode_batch).
-behaviour(gen_server).

-include_lib("kernel/include/logger.hrl").

-export([start_link/0, new/0, add/2, ops/1, count/1, clear/1, savepoint/1, rollback/1,
         release/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(SERVER, ?MODULE).
-define(TABLE, ?MODULE).

-type batch() :: reference().
%% The monitors of the owners of batches.
-type state() :: #{pid() => reference()}.

-spec start_link() -> {ok, pid()} | ignore | {error, term()}.
start_link() ->
    gen_server:start_link({local, ?SERVER}, ?MODULE, [], []).

%% @doc A new, empty batch owned by the caller (or its shell). Starts the application when it
%% is not running, as the API works without an explicit start.
-spec new() -> {ok, batch()} | {error, Reason} when
      Reason :: term().
new() ->
    case ensure_started() of
        ok -> gen_server:call(?SERVER, {new, rocksdb_jnode_args:owner()});
        {error, _} = Error -> Error
    end.

%% @doc Appends `Op' (checked by the caller) to `Batch'.
-spec add(Batch, Op) -> ok when
      Batch :: term(),
      Op :: tuple().
add(Batch, Op) ->
    Seq = try ets:update_counter(?TABLE, {Batch, header}, {3, 1}) - 1
          catch error:badarg -> unknown(Batch)
          end,
    true = ets:insert(?TABLE, {{Batch, Seq}, Op}),
    %% Released meanwhile: take back what was just added, and fail as a later call would.
    case ets:member(?TABLE, {Batch, header}) of
        true -> ok;
        false -> ets:delete(?TABLE, {Batch, Seq}), unknown(Batch)
    end.

%% @doc The operations of `Batch', in the order they were added.
-spec ops(Batch) -> [tuple()] when
      Batch :: term().
ops(Batch) ->
    ok = exists(Batch),
    ets:select(?TABLE, [{{{Batch, '$1'}, '$2'}, [{is_integer, '$1'}], ['$2']}]).

%% @doc The number of operations in `Batch'.
-spec count(Batch) -> non_neg_integer() when
      Batch :: term().
count(Batch) ->
    ok = exists(Batch),
    ets:select_count(?TABLE, [{{{Batch, '$1'}, '_'}, [{is_integer, '$1'}], [true]}]).

%% @doc Empties `Batch' and drops its savepoints, as RocksDB's WriteBatch::Clear.
-spec clear(Batch) -> ok when
      Batch :: term().
clear(Batch) ->
    serialized({clear, Batch}).

%% @doc Marks the current end of `Batch' for {@link rollback/1}.
-spec savepoint(Batch) -> ok when
      Batch :: term().
savepoint(Batch) ->
    serialized({savepoint, Batch}).

%% @doc Drops the operations added since the last savepoint, and that savepoint. Without one,
%% RocksDB's NotFound status, as rocksdbjni words it (checked by the node's WriteOpsTest).
-spec rollback(Batch) -> ok | {error, {error, string()}} when
      Batch :: term().
rollback(Batch) ->
    serialized({rollback, Batch}).

%% @doc Drops `Batch': its later use is `badarg'.
-spec release(Batch) -> ok when
      Batch :: term().
release(Batch) ->
    serialized({release, Batch}).

-spec serialized(tuple()) -> term().
serialized(Request) ->
    Batch = element(2, Request),
    case whereis(?SERVER) =/= undefined andalso gen_server:call(?SERVER, Request) of
        {error, unknown_batch} -> unknown(Batch);
        false -> unknown(Batch);
        Reply -> Reply
    end.

-spec exists(term()) -> ok.
exists(Batch) ->
    case whereis(?SERVER) =/= undefined andalso ets:member(?TABLE, {Batch, header}) of
        true -> ok;
        false -> unknown(Batch)
    end.

-spec unknown(term()) -> no_return().
unknown(Batch) ->
    rocksdb_jnode_args:badarg({unknown_batch, Batch}).

-spec ensure_started() -> ok | {error, term()}.
ensure_started() ->
    case whereis(?SERVER) of
        undefined ->
            ok = rocksdb_jnode_config:ensure_loaded(),
            case application:ensure_all_started(rocksdb_jnode) of
                {ok, _} -> ok;
                {error, _} = Error -> Error
            end;
        _ ->
            ok
    end.

%%%===================================================================
%%% The server: owns the table, watches the owners, serializes the savepoint stack
%%%===================================================================

-spec init([]) -> {ok, state()}.
init([]) ->
    ?TABLE = ets:new(?TABLE, [ordered_set, public, named_table, {write_concurrency, true},
                              {read_concurrency, true}]),
    {ok, #{}}.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, term(), state()}.
handle_call({new, Owner}, _From, Monitors) ->
    Batch = make_ref(),
    true = ets:insert(?TABLE, {{Batch, header}, Owner, 0, []}),
    {reply, {ok, Batch}, watch(Owner, Monitors)};
handle_call({Op, Batch}, _From, Monitors) when Op =:= clear; Op =:= savepoint;
                                                Op =:= rollback; Op =:= release ->
    Reply = case ets:lookup(?TABLE, {Batch, header}) of
                [{_, _Owner, NextSeq, SavePoints}] -> change(Op, Batch, NextSeq, SavePoints);
                [] -> {error, unknown_batch}
            end,
    {reply, Reply, Monitors};
handle_call(Request, From, Monitors) ->
    ?LOG_WARNING(#{what => unexpected_call, request => Request, from => From},
                 #{domain => [rocksdb_jnode]}),
    {reply, {error, badarg}, Monitors}.

-spec change(clear | savepoint | rollback | release, batch(), non_neg_integer(),
             [non_neg_integer()]) -> ok | {error, {error, string()}}.
change(clear, Batch, _NextSeq, _SavePoints) ->
    true = ets:update_element(?TABLE, {Batch, header}, {4, []}),
    drop_ops(Batch, 0);
change(savepoint, Batch, NextSeq, SavePoints) ->
    true = ets:update_element(?TABLE, {Batch, header}, {4, [NextSeq | SavePoints]}),
    ok;
change(rollback, _Batch, _NextSeq, []) ->
    {error, {error, "NotFound: "}};
change(rollback, Batch, _NextSeq, [Since | SavePoints]) ->
    true = ets:update_element(?TABLE, {Batch, header}, {4, SavePoints}),
    drop_ops(Batch, Since);
change(release, Batch, _NextSeq, _SavePoints) ->
    true = ets:delete(?TABLE, {Batch, header}),
    drop_ops(Batch, 0).

%% Deletes the operations of Batch numbered Since and above.
-spec drop_ops(batch(), non_neg_integer()) -> ok.
drop_ops(Batch, Since) ->
    _ = ets:select_delete(?TABLE, [{{{Batch, '$1'}, '_'},
                                    [{is_integer, '$1'}, {'>=', '$1', Since}], [true]}]),
    ok.

-spec watch(pid(), state()) -> state().
watch(Owner, Monitors) ->
    case Monitors of
        #{Owner := _} -> Monitors;
        #{} -> Monitors#{Owner => erlang:monitor(process, Owner)}
    end.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast(Request, Monitors) ->
    ?LOG_WARNING(#{what => unexpected_cast, request => Request}, #{domain => [rocksdb_jnode]}),
    {noreply, Monitors}.

%% An owner exited: its batches go.
-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({'DOWN', MRef, process, Owner, _Reason}, Monitors) when is_map_key(Owner, Monitors) ->
    #{Owner := MRef} = Monitors,
    Batches = ets:select(?TABLE, [{{{'$1', header}, Owner, '_', '_'}, [], ['$1']}]),
    lists:foreach(fun(Batch) -> change(release, Batch, 0, []) end, Batches),
    {noreply, maps:remove(Owner, Monitors)};
handle_info(Info, Monitors) ->
    ?LOG_WARNING(#{what => unexpected_info, info => Info}, #{domain => [rocksdb_jnode]}),
    {noreply, Monitors}.
