%% @private
%% @doc The watcher of handle owners.
%%
%% A handle is owned by an Erlang process, as an ETS table is, and must be closed when that
%% process exits. The Java node cannot monitor Erlang processes (JInterface has no monitors,
%% and links would kill the owners when the connection drops), so this server does it: it
%% monitors every owner once, and when one exits it tells each Java node that process owned
%% handles on with `{owner_down, Pid}'. The node closes those handles, or passes them to their
%% heirs and answers `{ok, [{Handle, Heir}]}'; the heirs are then watched in turn.
%%
%% The calls to the Java nodes run in short-lived processes, each with the `call_timeout' of
%% the application, so a node that does not answer delays nobody and wedges nothing. A report
%% that times out is sent again until the node acknowledges it (see owner_down/3): losing one
%% would leave the handles open, or an heir unwatched. A node that is down needs no call: it
%% dropped the handles of this Erlang node when the connection went.
%%
%% The server keeps its monitors in memory only. When it starts (so also after a restart) it
%% resyncs with every Java node this Erlang node is connected to: {@link resync/1} asks a node
%% which pids of this Erlang node own handles there and watches them again.
%%
%% {@link settle/1} is the ordering an opener needs: it returns once every owner exit this
%% server has seen has been reported to the node. A supervisor that restarts a crashed worker
%% which reopens the DB its predecessor held calls open after the predecessor's 'DOWN' is here,
%% so settling first makes the open find the path closed rather than race its closing.
-module(rocksdb_jnode_owners).
-behaviour(gen_server).

-include_lib("kernel/include/logger.hrl").

-export([start_link/0, watch/2, opening/2, resync/1, settle/1]).
-export([init/1, handle_continue/2, handle_call/3, handle_cast/2, handle_info/2]).

-define(SERVER, ?MODULE).

%% owners: each watched owner has one monitor and the set of Java nodes it may own handles on.
%% reporting: the processes telling a node about an owner exit, by monitor.
%% settling: the callers of settle/1 waiting for the reports to their node to end.
-type state() :: #{owners := #{pid() => {reference(), [node()]}},
                   reporting := #{reference() => node()},
                   settling := [{gen_server:from(), node()}]}.

-spec start_link() -> {ok, pid()} | ignore | {error, term()}.
start_link() ->
    gen_server:start_link({local, ?SERVER}, ?MODULE, [], []).

%% @doc Watches `Pid' as an owner of handles on the Java node `Node'.
%%
%% Idempotent: a pid is monitored once, however often it is watched. Starts the application
%% when the server is not running, so the API works without an explicit start. A pid that is
%% already dead is reported to `Node' at once (its monitor fires immediately).
-spec watch(Node, Pid) -> ok when
      Node :: node(),
      Pid :: pid().
watch(Node, Pid) when is_atom(Node), is_pid(Pid) ->
    case whereis(?SERVER) of
        undefined ->
            case start_application() of
                ok ->
                    ok;
                {error, Reason} ->
                    ?LOG_ERROR(#{what => owner_not_watched, node => Node, owner => Pid,
                                 reason => {cannot_start_rocksdb_jnode, Reason}},
                               #{domain => [rocksdb_jnode]})
            end;
        _ ->
            ok
    end,
    gen_server:cast(?SERVER, {watch, Node, Pid}).

%% @doc What an open needs before its request: `Owner' watched on `Node' (an open that times
%% out here may still succeed there, and its handle must still be closed when the owner exits),
%% then {@link settle/1}, so that a restarted worker reopening what its crashed predecessor held
%% finds the path closed instead of racing its closing. Nothing without a node.
-spec opening(Node, Owner) -> ok when
      Node :: node() | undefined,
      Owner :: pid().
opening(undefined, _Owner) ->
    ok;
opening(Node, Owner) ->
    ok = watch(Node, Owner),
    settle(Node).

%% @doc Watches again every pid of this Erlang node that owns handles on `Node'.
%%
%% For a watcher that was restarted and lost its monitors. Runs in the caller.
-spec resync(Node) -> ok | {error, Reason} when
      Node :: node(),
      Reason :: rocksdb_jnode_call:error() | {unexpected_reply, term()}.
resync(Node) when is_atom(Node) ->
    case call(Node, {owners, node()}) of
        {ok, Pids} when is_list(Pids) ->
            lists:foreach(fun(Pid) -> watch(Node, Pid) end, [P || P <- Pids, is_pid(P)]);
        {error, _} = Error ->
            Error;
        Other ->
            {error, {unexpected_reply, Other}}
    end.

%% @doc Returns once every owner exit seen so far has been reported to `Node' (or the report
%% failed). Bounded by the application's `call_timeout' plus a margin; returns `ok' either way.
-spec settle(Node) -> ok when
      Node :: node().
settle(Node) when is_atom(Node) ->
    case whereis(?SERVER) of
        undefined ->
            ok;
        _ ->
            Timeout = case rocksdb_jnode_config:env(call_timeout) of
                          infinity -> infinity;
                          T -> T + 1000
                      end,
            try gen_server:call(?SERVER, {settle, Node}, Timeout)
            catch exit:_ -> ok
            end
    end.

-spec start_application() -> ok | {error, term()}.
start_application() ->
    ok = rocksdb_jnode_config:ensure_loaded(),
    case application:ensure_all_started(rocksdb_jnode) of
        {ok, _} -> ok;
        {error, _} = Error -> Error
    end.

-spec init([]) -> {ok, state(), {continue, resync}}.
init([]) ->
    {ok, #{owners => #{}, reporting => #{}, settling => []}, {continue, resync}}.

%% Resync with the Java nodes this node is connected to (they are hidden nodes), from a
%% separate process so a slow node delays nobody.
-spec handle_continue(resync, state()) -> {noreply, state()}.
handle_continue(resync, State) ->
    Nodes = lists:usort([rocksdb_jnode_config:node() | nodes(hidden)]) -- [node(), undefined],
    Connected = [N || N <- Nodes, lists:member(N, nodes(hidden))],
    _ = spawn(fun() -> lists:foreach(fun(N) -> _ = resync(N) end, Connected) end),
    {noreply, State}.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, term(), state()} | {noreply, state()}.
handle_call({settle, Node}, From, #{reporting := Reporting, settling := Settling} = State) ->
    case lists:member(Node, maps:values(Reporting)) of
        true -> {noreply, State#{settling := [{From, Node} | Settling]}};
        false -> {reply, ok, State}
    end;
handle_call(Request, From, State) ->
    ?LOG_WARNING(#{what => unexpected_call, request => Request, from => From},
                 #{domain => [rocksdb_jnode]}),
    {reply, {error, badarg}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast({watch, Node, Pid}, #{owners := Owners} = State) ->
    case Owners of
        #{Pid := {MRef, Nodes}} ->
            {noreply, State#{owners := Owners#{Pid := {MRef, lists:usort([Node | Nodes])}}}};
        #{} ->
            {noreply, State#{owners := Owners#{Pid => {erlang:monitor(process, Pid), [Node]}}}}
    end;
handle_cast(Request, State) ->
    ?LOG_WARNING(#{what => unexpected_cast, request => Request},
                 #{domain => [rocksdb_jnode]}),
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({'DOWN', MRef, process, Pid, _Reason} = Info,
            #{owners := Owners, reporting := Reporting, settling := Settling} = State) ->
    case {maps:take(Pid, Owners), maps:take(MRef, Reporting)} of
        {{{MRef, Nodes}, Rest}, error} ->
            Reports = maps:from_list([{report_down(Node, Pid), Node} || Node <- Nodes]),
            {noreply, State#{owners := Rest, reporting := maps:merge(Reporting, Reports)}};
        {error, {_Node, StillReporting}} ->
            Busy = maps:values(StillReporting),
            {Done, Waiting} = lists:partition(fun({_, N}) -> not lists:member(N, Busy) end,
                                              Settling),
            lists:foreach(fun({From, _}) -> gen_server:reply(From, ok) end, Done),
            {noreply, State#{reporting := StillReporting, settling := Waiting}};
        _ ->
            ?LOG_WARNING(#{what => unexpected_info, info => Info},
                         #{domain => [rocksdb_jnode]}),
            {noreply, State}
    end;
handle_info(Info, State) ->
    ?LOG_WARNING(#{what => unexpected_info, info => Info}, #{domain => [rocksdb_jnode]}),
    {noreply, State}.

%% Reports the exit from a monitored process of its own; returns that monitor.
-spec report_down(node(), pid()) -> reference().
report_down(Node, Pid) ->
    {_, MRef} = spawn_monitor(fun() -> owner_down(Node, Pid) end),
    MRef.

%% Runs in its own process: tells Node that Pid exited and watches the heirs it names.
%%
%% A report is never dropped while Node is connected: one that times out (the node busy, or
%% slow to answer) is sent again, with a growing pause, until the node acknowledges it. The
%% node may have handled a report whose reply was lost, heirs and all, so after a retry this
%% process resyncs: it watches every pid of this node that owns handles there.
-spec owner_down(node(), pid()) -> ok.
owner_down(Node, Pid) ->
    owner_down(Node, Pid, 0).

-spec owner_down(node(), pid(), non_neg_integer()) -> ok.
owner_down(Node, Pid, Retries) ->
    case call(Node, {owner_down, Pid}) of
        {ok, Transferred} when is_list(Transferred) ->
            %% No application start here: a watcher that is gone is being stopped.
            lists:foreach(fun({_Handle, Heir}) when is_pid(Heir) ->
                                  gen_server:cast(?SERVER, {watch, Node, Heir});
                             (_) ->
                                  ok
                          end, Transferred),
            case Retries of
                0 -> ok;
                _ -> _ = resync(Node), ok
            end;
        {error, {nodedown, _}} ->
            ?LOG_INFO(#{what => owner_down_not_sent, node => Node, owner => Pid,
                        reason => nodedown},
                      #{domain => [rocksdb_jnode]});
        {error, {noproc, _}} ->
            ?LOG_INFO(#{what => owner_down_not_sent, node => Node, owner => Pid,
                        reason => noproc},
                      #{domain => [rocksdb_jnode]});
        {error, Reason} when Reason =:= timeout; element(1, Reason) =:= exit ->
            case Node =:= node() orelse lists:member(Node, nodes(connected)) of
                true ->
                    Pause = min(5000, 100 bsl min(Retries, 6)),
                    ?LOG_WARNING(#{what => owner_down_retry, node => Node, owner => Pid,
                                   reason => Reason, retries => Retries + 1, pause_ms => Pause},
                                 #{domain => [rocksdb_jnode]}),
                    timer:sleep(Pause),
                    owner_down(Node, Pid, Retries + 1);
                false ->
                    %% Disconnected: the node closed this node's handles itself.
                    ?LOG_INFO(#{what => owner_down_not_sent, node => Node, owner => Pid,
                                reason => nodedown},
                              #{domain => [rocksdb_jnode]})
            end;
        Other ->
            ?LOG_WARNING(#{what => owner_down_failed, node => Node, owner => Pid,
                           reply => Other},
                         #{domain => [rocksdb_jnode]})
    end.

-spec call(node(), term()) -> term().
call(Node, Request) ->
    rocksdb_jnode_call:call(rocksdb_jnode_config:dest(Node), Request,
                            rocksdb_jnode_config:env(call_timeout)).
