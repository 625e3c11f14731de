%% @private
%% @doc The transport: one `gen_server' call to the Java node's mailbox, made so that the
%% caller never receives a stray message.
%%
%% Why this module exists. `gen_server:call/3' protects its caller from late replies with a
%% process alias: the request carries `{self(), [alias | Ref]}' and the alias is dropped when
%% the call times out. A JInterface node does not know aliases: it sends `{Tag, Reply}' to the
%% pid. A reply that arrives after the caller gave up would therefore sit in the caller's
%% mailbox for ever. So every call runs in a short-lived proxy process and the caller waits for
%% the proxy's exit: a reply that comes too late is sent to a dead process and dropped.
%%
%% The rules, each of which the code below keeps:
%% <ul>
%% <li>The proxy is linked to the caller and monitored by it (`spawn_opt' with `link' and
%%     `monitor', so both exist from the start). The link makes the proxy die with its caller,
%%     so a call that waits without a bound cannot outlive it.</li>
%% <li>The proxy unlinks itself before it exits with its result, and the caller unlinks the
%%     proxy before killing it, so the link never kills the caller. Every path ends with the
%%     caller's `unlink/1' and a flush of a possible `{'EXIT', Proxy, _}' (for a caller that
%%     traps exits), and with the proxy's `DOWN' received: nothing is left behind.</li>
%% <li>The caller alone decides when to give up: the proxy waits with `infinity'.</li>
%% <li>Long calls that wait without a bound ping the node every `interval' ms (itself a call of
%%     this module, timeout `interval'); after `misses' failures in a row the call gives up
%%     with `{error, {node_unresponsive, Node}}'. A call whose reply arrives while the caller
%%     is giving up returns that reply.</li>
%% </ul>
%% Failures become values: `{error, timeout}', `{error, {nodedown, Node}}' (the node is down or
%% unreachable), `{error, {noproc, Dest}}' (the node is up but no such mailbox, only possible on
%% a local name) and `{error, {exit, Reason}}' for anything else.
-module(rocksdb_jnode_call).

-export([call/3, long_call/3, kind/1]).

-type dest() :: {Mailbox :: atom(), Node :: node()}.
-type heartbeat() :: #{interval := pos_integer(), misses := pos_integer()}.
-type error() :: {error, timeout | {nodedown, node()} | {node_unresponsive, node()}
                         | {noproc, dest()} | {exit, term()}}.

-export_type([dest/0, heartbeat/0, error/0]).

%% The requests the Java node runs on its long pool: they may wait on other long work (a
%% backup, a restore, closing a handle whose requests are in flight), so the client waits for
%% them by heartbeat, not by `call_timeout'. The node serves its own table as the request
%% `routes'; a test checks the two agree.
-define(LONG, [open, close, destroy, flush, checkpoint,
               open_backup_engine, create_new_backup, verify_backup, delete_backup,
               purge_old_backup, gc_backup_engine, close_backup_engine,
               restore_db_from_backup, restore_db_from_latest_backup,
               restore_from_backup, restore_from_latest_backup]).

%% @doc Whether the node runs the request named `Name' on its long pool or its quick one.
-spec kind(Name) -> quick | long when
      Name :: atom().
kind(Name) when is_atom(Name) ->
    case lists:member(Name, ?LONG) of
        true -> long;
        false -> quick
    end.

%% @doc Calls `Dest' with `Request' and waits at most `Timeout' ms for the reply.
-spec call(Dest, Request, Timeout) -> Reply | error() when
      Dest :: dest(),
      Request :: term(),
      Timeout :: timeout(),
      Reply :: term().
call(Dest, Request, Timeout) ->
    {Proxy, MRef} = start_proxy(Dest, Request),
    receive
        {'DOWN', MRef, process, Proxy, Reason} -> result(Dest, Proxy, Reason)
    after Timeout ->
        give_up(Dest, Proxy, MRef, {error, timeout})
    end.

%% @doc Calls `Dest' with `Request' and waits as long as the node answers its heartbeat.
-spec long_call(Dest, Request, Heartbeat) -> Reply | error() when
      Dest :: dest(),
      Request :: term(),
      Heartbeat :: heartbeat(),
      Reply :: term().
long_call(Dest, Request, Heartbeat) ->
    {Proxy, MRef} = start_proxy(Dest, Request),
    await_with_heartbeat(Dest, Proxy, MRef, Heartbeat, 0).

-spec await_with_heartbeat(dest(), pid(), reference(), heartbeat(), non_neg_integer()) ->
          term().
await_with_heartbeat(Dest, Proxy, MRef, #{interval := Interval, misses := Misses} = Heartbeat,
                     Missed) ->
    receive
        {'DOWN', MRef, process, Proxy, Reason} -> result(Dest, Proxy, Reason)
    after Interval ->
        case call(Dest, ping, Interval) of
            pong ->
                await_with_heartbeat(Dest, Proxy, MRef, Heartbeat, 0);
            _ when Missed + 1 < Misses ->
                await_with_heartbeat(Dest, Proxy, MRef, Heartbeat, Missed + 1);
            _ ->
                {_, Node} = Dest,
                give_up(Dest, Proxy, MRef, {error, {node_unresponsive, Node}})
        end
    end.

%% The proxy ends with exit/1 by design.
-dialyzer({no_return, start_proxy/2}).
-spec start_proxy(dest(), term()) -> {pid(), reference()}.
start_proxy(Dest, Request) ->
    Caller = self(),
    spawn_opt(fun() -> proxy(Caller, Dest, Request) end, [link, monitor]).

-spec proxy(pid(), dest(), term()) -> no_return().
proxy(Caller, Dest, Request) ->
    Result = try gen_server:call(Dest, Request, infinity) of
                 Reply -> {reply, Reply}
             catch
                 exit:{Reason, {gen_server, call, _}} -> {exit, Reason};
                 Class:Reason -> {exit, {Class, Reason}}
             end,
    unlink(Caller),
    exit({?MODULE, Result}).

%% Kills the proxy and returns Error, unless the proxy's result arrived meanwhile.
-spec give_up(dest(), pid(), reference(), error()) -> term().
give_up(Dest, Proxy, MRef, Error) ->
    unlink(Proxy),
    exit(Proxy, kill),
    receive
        {'DOWN', MRef, process, Proxy, {?MODULE, _} = Done} -> result(Dest, Proxy, Done);
        {'DOWN', MRef, process, Proxy, _Killed} -> drop_link(Proxy), Error
    end.

%% The proxy is dead and its 'DOWN' received: turn its exit reason into the call's result.
-spec result(dest(), pid(), term()) -> term().
result(Dest, Proxy, Reason) ->
    drop_link(Proxy),
    case Reason of
        {?MODULE, {reply, Reply}} -> Reply;
        {?MODULE, {exit, ExitReason}} -> exit_error(Dest, ExitReason);
        Other -> {error, {exit, Other}}
    end.

%% Documented idiom of unlink/1: afterwards the link has no effect, and an 'EXIT' it sent
%% before (to a caller that traps exits) is already in the mailbox.
-spec drop_link(pid()) -> ok.
drop_link(Proxy) ->
    unlink(Proxy),
    receive
        {'EXIT', Proxy, _} -> ok
    after 0 -> ok
    end.

-spec exit_error(dest(), term()) -> error().
exit_error({_, Node}, noconnection) -> {error, {nodedown, Node}};
exit_error({_, Node}, {nodedown, _}) -> {error, {nodedown, Node}};
exit_error(Dest, noproc) -> {error, {noproc, Dest}};
exit_error(_, Reason) -> {error, {exit, Reason}}.
