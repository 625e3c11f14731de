%% @private
%% @doc The transport: a request to a Java node's mailbox, made so that the caller never
%% receives a stray message, and the one table of which requests are long.
%%
%% {@link request/2} is what the API calls: it checks that the node can be reached, and waits
%% for the reply as {@link wait/1} says, which is {@link kind/1}'s table. `conformance_SUITE'
%% checks that table against the node's own (the request `routes') and that the API's calls
%% travel the way it says.
%%
%% How a call keeps stray replies out of the caller's mailbox. Every request is sent with
%% `gen_server:send_request/2', which tags it `[alias | ReqId]': a process alias that stays
%% active while the caller waits. The Java node replies to that alias, with the distribution's
%% own `ALIAS_SEND' (as `gen_server:reply/2' does), not to the pid. When the caller gives up
%% (a timeout, a heartbeat that fails, a fold fun that raises), `gen_server:receive_response/2'
%% deactivates the alias, and a reply that comes later is dropped by this node's runtime: it never
%% reaches the caller. The call runs in the caller's own process; nothing is spawned.
%%
%% The rules, each of which the code below keeps:
%% <ul>
%% <li>Every request ends in `gen_server:receive_response/2' (which takes the reply or, at its
%%     timeout, abandons the request), never in `wait_response/2' alone, so no alias outlives
%%     its call.</li>
%% <li>Long calls that wait without a bound ping the node every `interval' ms (itself a call of
%%     this module, timeout `interval'); after `misses' failures in a row the call gives up
%%     with `{error, {node_unresponsive, Node}}'. A call whose reply arrives while the caller
%%     is giving up returns that reply.</li>
%% </ul>
%% Failures become values: `{error, timeout}', `{error, {nodedown, Node}}' (the node is down or
%% unreachable), `{error, {noproc, Dest}}' (the node is up but no such mailbox, only possible on
%% a local name) and `{error, {exit, Reason}}' for anything else.
-module(rocksdb_jnode_call).

-export([request/2, kind/1, wait/1, call/3, long_call/3, stream/4, client_only/0]).

-type dest() :: {Mailbox :: atom(), Node :: node()}.
-type heartbeat() :: #{interval := pos_integer(), misses := pos_integer()}.
-type error() :: {error, timeout | {nodedown, node()} | {node_unresponsive, node()}
                         | {noproc, dest()} | {exit, term()}}.
-type wait() :: {call, timeout()} | {long_call, heartbeat()}.

-export_type([dest/0, heartbeat/0, error/0, wait/0]).

%% The one table of which requests are long: those the Java node runs on its long pool. They
%% may wait on other long work (a backup, a restore, closing a handle whose requests are in
%% flight), so the client waits for them `long_call_timeout' (by default: as long as the node
%% answers its heartbeat), not `call_timeout'. The node serves its own table as the request
%% `routes'; conformance_SUITE checks that the two agree, that the API's calls travel as
%% wait/1 says, and that the API's docs call exactly these "a long call".
-define(LONG, [open, close, destroy, flush, checkpoint,
               open_with_cf, open_readonly, open_with_cf_readonly,
               create_column_family, drop_column_family, destroy_column_family,
               repair, compact_range, sync_wal, open_optimistic_transaction_db,
               open_backup_engine, create_new_backup, verify_backup, delete_backup,
               purge_old_backup, gc_backup_engine, close_backup_engine,
               restore_db_from_backup, restore_db_from_latest_backup,
               restore_from_backup, restore_from_latest_backup]).

%% The API functions that are not one request of their own name (docs/DATA_API.md): those that
%% take a fun (folds) and the batches, which the client keeps. conformance_SUITE leaves them out
%% of its check that every function of the facade is a route of the node.
-define(CLIENT_ONLY, [{fold, 4}, {fold, 5}, {fold_keys, 4}, {fold_keys, 5},
                      {batch, 0}, {batch_put, 3}, {batch_put, 4}, {batch_merge, 3},
                      {batch_merge, 4}, {batch_delete, 2}, {batch_delete, 3},
                      {batch_single_delete, 2}, {batch_single_delete, 3}, {batch_count, 1},
                      {batch_data_size, 1}, {batch_clear, 1}, {batch_savepoint, 1},
                      {batch_rollback, 1}, {batch_tolist, 1}, {write_batch, 3},
                      {release_batch, 1}]).

%% @doc The API functions, as `{Name, Arity}', that run in the client rather than as one
%% request of their name.
-spec client_only() -> [{atom(), arity()}].
client_only() ->
    ?CLIENT_ONLY.

%% @doc Sends `Request' to the mailbox of the Java node `Node' and waits for the reply as
%% {@link wait/1} says for its name. A node that cannot be reached is a value:
%% `{error, not_distributed}' (this node is not distributed), `{error, not_started}' (no node:
%% `undefined'), `{error, {nodedown, Node}}', `{error, {connection_refused, Node}}' (registered
%% in epmd, yet the connection failed: most often a wrong cookie). A reply
%% `{error, {badarg, Detail}}' (the node rejected the arguments) raises `badarg'.
-spec request(Node, Request) -> Reply | error() | {error, Reason} when
      Node :: node() | undefined,
      Request :: tuple() | atom(),
      Reply :: term(),
      Reason :: not_distributed | not_started | {connection_refused, node()}.
request(Node, Request) ->
    case reach(Node) of
        ok ->
            WasConnected = lists:member(Node, nodes(hidden)),
            seam_error(WasConnected, send(Node, Request));
        Error ->
            Error
    end.

%% Whether a request to `Node' can be sent at all.
-spec reach(node() | undefined) -> ok | {error, not_distributed | not_started | {nodedown, node()}}.
reach(Node) ->
    case is_alive() orelse Node =:= node() of
        false ->
            {error, not_distributed};
        true when Node =:= undefined ->
            {error, not_started};
        true ->
            case rocksdb_jnode_jvm:is_down(Node) of
                true -> {error, {nodedown, Node}};
                false -> ok
            end
    end.

%% A node we could not connect to although it is registered in epmd refused us (most often: a
%% wrong cookie); it is not down. A connection lost during the call is nodedown: the node may
%% not have left epmd yet.
-spec seam_error(boolean(), term()) -> term().
seam_error(false, {error, {nodedown, Node}} = Down) ->
    case string:split(atom_to_list(Node), "@") of
        [Name, Host] ->
            case catch erl_epmd:port_please(Name, Host, 1000) of
                {port, _, _} -> {error, {connection_refused, Node}};
                _ -> Down
            end;
        _ ->
            Down
    end;
seam_error(_WasConnected, Reply) ->
    Reply.

-spec send(node(), tuple() | atom()) -> term().
send(Node, Request) ->
    Name = if is_atom(Request) -> Request; true -> element(1, Request) end,
    Dest = rocksdb_jnode_config:dest(Node),
    Reply = case wait(Name) of
                {call, Timeout} ->
                    rocksdb_jnode_group:call(Dest, Request, Timeout,
                                             fun(Left) -> call(Dest, Request, Left) end);
                {long_call, Heartbeat} -> long_call(Dest, Request, Heartbeat)
            end,
    case Reply of
        {error, {badarg, Detail}} -> rocksdb_jnode_args:badarg({rejected_by_node, Detail});
        _ -> Reply
    end.

%% @doc Whether the node runs the request named `Name' on its long pool or its quick one.
-spec kind(Name) -> quick | long when
      Name :: atom().
kind(Name) when is_atom(Name) ->
    case lists:member(Name, ?LONG) of
        true -> long;
        false -> quick
    end.

%% @doc How {@link request/2} waits for the request named `Name': a quick call with
%% {@link call/3} and the application's `call_timeout'; a long call with {@link call/3} and
%% `long_call_timeout', or, when that is `infinity' (the default), with {@link long_call/3} and
%% the heartbeat.
-spec wait(Name) -> wait() when
      Name :: atom().
wait(Name) ->
    case kind(Name) of
        quick ->
            {call, rocksdb_jnode_config:env(call_timeout)};
        long ->
            case rocksdb_jnode_config:env(long_call_timeout) of
                infinity -> {long_call, rocksdb_jnode_config:heartbeat()};
                Timeout -> {call, Timeout}
            end
    end.

%% @doc Calls `Dest' with `Request' and waits at most `Timeout' ms for the reply.
-spec call(Dest, Request, Timeout) -> Reply | error() when
      Dest :: dest(),
      Request :: term(),
      Timeout :: timeout(),
      Reply :: term().
call(Dest, Request, Timeout) ->
    await(Dest, gen_server:send_request(Dest, Request), Timeout, {error, timeout}).

%% @doc Calls `Dest' with `Request' and waits as long as the node answers its heartbeat.
-spec long_call(Dest, Request, Heartbeat) -> Reply | error() when
      Dest :: dest(),
      Request :: term(),
      Heartbeat :: heartbeat(),
      Reply :: term().
long_call(Dest, Request, Heartbeat) ->
    await_with_heartbeat(Dest, gen_server:send_request(Dest, Request), Heartbeat, 0).

%% @doc Folds `Fun' over a streamed request's chunks, as they arrive: `{ok, Acc}' after the
%% last one.
%%
%% A streamed request (the folds' `{iterator_chunk, It, Mode}') is answered
%% `{ok, Items, more}' (Items a list, or a binary the caller takes apart) while there is more, and is then sent again for the next chunk, or
%% `{ok, Items, done}' for the last. Pipelined: the request for the next chunk is sent before
%% `Fun' runs over the current one, so the node reads while the caller folds; at most one
%% request is in flight, so the node never runs ahead by more than a chunk (each bounded in
%% bytes by the node). Any other reply ends the stream and is returned (`{error, {badarg, _}}'
%% is raised as `badarg', as by {@link request/2}); so is a transport error, each chunk being
%% waited for `call_timeout'.
%%
%% Nothing of a stream reaches the caller's mailbox: every chunk is a request of its own, and
%% when `Fun' raises, the request in flight is abandoned (its alias deactivated) before the
%% exception goes on, so a late chunk is dropped.
-spec stream(Node, Request, Fun, Acc0) -> {ok, Acc} | error() | {error, Reason} when
      Node :: node(),
      Request :: tuple(),
      Fun :: fun((Chunk :: [term()] | binary(), AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      Acc :: term(),
      Reason :: term().
stream(Node, Request, Fun, Acc0) when is_tuple(Request), is_function(Fun, 2) ->
    case reach(Node) of
        ok ->
            Dest = rocksdb_jnode_config:dest(Node),
            Timeout = rocksdb_jnode_config:env(call_timeout),
            stream(Dest, Request, Fun, Acc0, Timeout, gen_server:send_request(Dest, Request));
        Error ->
            Error
    end.

-spec stream(dest(), tuple(), fun(([term()], term()) -> term()), term(), timeout(),
             gen_server:request_id()) -> term().
stream(Dest, Request, Fun, Acc, Timeout, ReqId) ->
    case await(Dest, ReqId, Timeout, {error, timeout}) of
        {ok, Items, more} when is_list(Items); is_binary(Items) ->
            Next = gen_server:send_request(Dest, Request),
            Acc1 = try
                       Fun(Items, Acc)
                   catch
                       Class:Exception:Stack ->
                           _ = await(Dest, Next, 0, {error, timeout}),
                           erlang:raise(Class, Exception, Stack)
                   end,
            stream(Dest, Request, Fun, Acc1, Timeout, Next);
        {ok, Items, done} when is_list(Items); is_binary(Items) ->
            {ok, Fun(Items, Acc)};
        {error, {badarg, Detail}} ->
            rocksdb_jnode_args:badarg({rejected_by_node, Detail});
        Other ->
            Other
    end.

-spec await_with_heartbeat(dest(), gen_server:request_id(), heartbeat(), non_neg_integer()) ->
          term().
await_with_heartbeat(Dest, ReqId, #{interval := Interval, misses := Misses} = Heartbeat,
                     Missed) ->
    case gen_server:wait_response(ReqId, Interval) of
        timeout ->
            case call(Dest, ping, Interval) of
                pong ->
                    await_with_heartbeat(Dest, ReqId, Heartbeat, 0);
                _ when Missed + 1 < Misses ->
                    await_with_heartbeat(Dest, ReqId, Heartbeat, Missed + 1);
                _ ->
                    {_, Node} = Dest,
                    await(Dest, ReqId, 0, {error, {node_unresponsive, Node}})
            end;
        Response ->
            response(Dest, Response, unused)
    end.

%% Waits up to `Timeout' ms for the reply to `ReqId'; when none came, the request is abandoned
%% (a later reply is dropped) and the result is `IfNone'.
-spec await(dest(), gen_server:request_id(), timeout(), error()) -> term().
await(Dest, ReqId, Timeout, IfNone) ->
    response(Dest, gen_server:receive_response(ReqId, Timeout), IfNone).

-spec response(dest(), {reply, term()} | {error, {term(), term()}} | timeout, term()) -> term().
response(_Dest, {reply, Reply}, _IfNone) -> Reply;
response(Dest, {error, {Reason, _ServerRef}}, _IfNone) -> exit_error(Dest, Reason);
response(_Dest, timeout, IfNone) -> IfNone.

-spec exit_error(dest(), term()) -> error().
exit_error({_, Node}, noconnection) -> {error, {nodedown, Node}};
exit_error({_, Node}, {nodedown, _}) -> {error, {nodedown, Node}};
exit_error(Dest, noproc) -> {error, {noproc, Dest}};
exit_error(_, Reason) -> {error, {exit, Reason}}.
