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
%% the application, so a node that does not answer delays nobody and wedges nothing. A node
%% that is down needs no call: it dropped the handles of this Erlang node when the connection
%% went, so such failures are simply forgotten.
%%
%% The server keeps its monitors in memory only. After a restart, {@link resync/1} asks a Java
%% node which pids of this Erlang node own handles there and watches them again.
-module(rocksdb_jnode_owners).
-behaviour(gen_server).

-include_lib("kernel/include/logger.hrl").

-export([start_link/0, watch/2, resync/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(SERVER, ?MODULE).

%% Each watched owner has one monitor and the set of Java nodes it may own handles on.
-type state() :: #{pid() => {reference(), [node()]}}.

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

-spec start_application() -> ok | {error, term()}.
start_application() ->
    ok = rocksdb_jnode_config:ensure_loaded(),
    case application:ensure_all_started(rocksdb_jnode) of
        {ok, _} -> ok;
        {error, _} = Error -> Error
    end.

-spec init([]) -> {ok, state()}.
init([]) ->
    {ok, #{}}.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, {error, badarg}, state()}.
handle_call(Request, From, State) ->
    ?LOG_WARNING(#{what => unexpected_call, request => Request, from => From},
                 #{domain => [rocksdb_jnode]}),
    {reply, {error, badarg}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast({watch, Node, Pid}, State) ->
    case State of
        #{Pid := {MRef, Nodes}} ->
            {noreply, State#{Pid := {MRef, lists:usort([Node | Nodes])}}};
        #{} ->
            {noreply, State#{Pid => {erlang:monitor(process, Pid), [Node]}}}
    end;
handle_cast(Request, State) ->
    ?LOG_WARNING(#{what => unexpected_cast, request => Request},
                 #{domain => [rocksdb_jnode]}),
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({'DOWN', MRef, process, Pid, _Reason} = Info, State) ->
    case maps:take(Pid, State) of
        {{MRef, Nodes}, Rest} ->
            lists:foreach(fun(Node) -> report_down(Node, Pid) end, Nodes),
            {noreply, Rest};
        _ ->
            ?LOG_WARNING(#{what => unexpected_info, info => Info},
                         #{domain => [rocksdb_jnode]}),
            {noreply, State}
    end;
handle_info(Info, State) ->
    ?LOG_WARNING(#{what => unexpected_info, info => Info}, #{domain => [rocksdb_jnode]}),
    {noreply, State}.

-spec report_down(node(), pid()) -> ok.
report_down(Node, Pid) ->
    _ = spawn(fun() -> owner_down(Node, Pid) end),
    ok.

%% Runs in its own process: tells Node that Pid exited and watches the heirs it names.
-spec owner_down(node(), pid()) -> ok.
owner_down(Node, Pid) ->
    case call(Node, {owner_down, Pid}) of
        {ok, Transferred} when is_list(Transferred) ->
            %% No application start here: a watcher that is gone is being stopped.
            lists:foreach(fun({_Handle, Heir}) when is_pid(Heir) ->
                                  gen_server:cast(?SERVER, {watch, Node, Heir});
                             (_) ->
                                  ok
                          end, Transferred);
        {error, {nodedown, _}} ->
            ?LOG_INFO(#{what => owner_down_not_sent, node => Node, owner => Pid,
                        reason => nodedown},
                      #{domain => [rocksdb_jnode]});
        {error, {noproc, _}} ->
            ?LOG_INFO(#{what => owner_down_not_sent, node => Node, owner => Pid,
                        reason => noproc},
                      #{domain => [rocksdb_jnode]});
        Other ->
            ?LOG_WARNING(#{what => owner_down_failed, node => Node, owner => Pid,
                           reply => Other},
                         #{domain => [rocksdb_jnode]})
    end.

-spec call(node(), term()) -> term().
call(Node, Request) ->
    rocksdb_jnode_call:call(rocksdb_jnode_config:dest(Node), Request,
                            rocksdb_jnode_config:env(call_timeout)).
