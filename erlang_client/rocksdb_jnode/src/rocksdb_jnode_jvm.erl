%% @private
%% @doc The Java node the application owns, and the launch code shared with
%% `rocksdb_jnode_node'.
%%
%% When the application environment sets no `node', the application's supervisor starts this
%% gen_server. It runs the JVM through a port: a unique node name, the cookie in the
%% environment variable `ROCKSDB_JNODE_COOKIE' (never on the command line, which every local
%% user can read), and `--exit-on-stdin-eof', so the JVM stops by itself when this Erlang VM
%% dies by any means (the kernel closes the port's pipe). `init/1' returns once the node has
%% said it is ready and answered `ping'. Each line the JVM prints becomes a `logger' event with
%% `domain => [rocksdb_jnode, java]'. A JVM that exits is logged with its exit status and its
%% last lines, and started again under the same name after a backoff (200 ms doubling to 10 s);
%% meanwhile `status/1' says `down', and the client answers `{error, {nodedown, Node}}' without
%% trying. Handles minted by the dead JVM are unknown to the new one, so using them raises
%% `badarg'. Stopping stops the JVM: the request `stop', then `kill -9'.
-module(rocksdb_jnode_jvm).
-behaviour(gen_server).

-include_lib("kernel/include/file.hrl").
-include_lib("kernel/include/logger.hrl").

-export([start_link/1, managed_node/0, is_down/1]).
-export([app_settings/0, find_jar/0, find_java/0, jvm_command/2, parse_log_line/1,
         unique_name/1, is_string/1, are_strings/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-define(TABLE, ?MODULE).
-define(JAR, "rocksdb-jnode.jar").
-define(LINE_MAX, 8192).
-define(TAIL_LINES, 20).
-define(BACKOFF_MIN, 200).
-define(BACKOFF_MAX, 10000).
-define(STABLE_MS, 10000).
-define(STOP_TIMEOUT, 5000).
-define(KILL_WAIT, 5000).

-type settings() :: #{java := file:filename(), jar := file:filename(),
                      jvm_args := [string()], node_args := [string()],
                      start_timeout := pos_integer()}.
-type log_level() :: logger:level().

-export_type([settings/0]).

%%%===================================================================
%%% API
%%%===================================================================

-spec start_link(settings()) -> {ok, pid()} | {error, term()}.
start_link(Settings) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Settings, []).

%% @doc The node the application owns, or `undefined' when it owns none.
-spec managed_node() -> node() | undefined.
managed_node() ->
    try ets:lookup(?TABLE, node) of
        [{node, Node}] -> Node;
        [] -> undefined
    catch
        error:badarg -> undefined
    end.

%% @doc Whether `Node' is the application's own node and that node is not serving now (its
%% JVM died and is being started again).
-spec is_down(node()) -> boolean().
is_down(Node) ->
    try ets:lookup(?TABLE, node) of
        [{node, Node}] -> ets:lookup(?TABLE, status) =/= [{status, up}];
        _ -> false
    catch
        error:badarg -> false
    end.

%% @doc The application environment's JVM settings, checked: `java', `jar', `jvm_args',
%% `node_args' and `start_timeout'. `{error, {bad_option, Key}}' for a value of the wrong type
%% (and for a `jar' that is no file, a `java' that is no executable file),
%% `java_not_found', `{jar_not_found, Tried}'.
-spec app_settings() -> {ok, settings()} | {error, term()}.
app_settings() ->
    ok = rocksdb_jnode_config:ensure_loaded(),
    try
        {ok, #{java => app_opt(java, fun is_executable/1, fun find_java/0),
               jar => app_opt(jar, fun is_file/1, fun find_jar/0),
               jvm_args => app_opt(jvm_args, fun are_strings/1, fun() -> [] end),
               node_args => app_opt(node_args, fun are_strings/1, fun() -> [] end),
               start_timeout => app_opt(start_timeout,
                                        fun(T) -> is_integer(T) andalso T > 0 end,
                                        fun() -> 30000 end)}}
    catch
        throw:{error, _} = Error -> Error
    end.

-spec app_opt(atom(), fun((term()) -> boolean()), fun(() -> term())) -> term().
app_opt(Key, IsValid, Default) ->
    case application:get_env(rocksdb_jnode, Key) of
        undefined ->
            Default();
        {ok, Value} ->
            case IsValid(Value) of
                true -> Value;
                false -> throw({error, {bad_option, Key}})
            end
    end.

%% @doc The jar, found only where it was put: the explicit settings first (the application
%% environment's `jar', then `$ROCKSDB_JNODE_JAR'), else the application's `priv/'. Never a
%% search of other directories: a jar someone planted above the application is not run.
-spec find_jar() -> file:filename().
find_jar() ->
    Explicit = case application:get_env(rocksdb_jnode, jar) of
                   {ok, Jar} when is_list(Jar), Jar =/= [] -> Jar;
                   _ -> os:getenv("ROCKSDB_JNODE_JAR", "")
               end,
    case Explicit of
        "" ->
            Priv = case code:priv_dir(rocksdb_jnode) of
                       {error, _} -> [];
                       Dir -> [filename:join(Dir, ?JAR)]
                   end,
            case lists:search(fun filelib:is_regular/1, Priv) of
                {value, Found} -> Found;
                false -> throw({error, {jar_not_found, Priv}})
            end;
        _ ->
            Explicit
    end.

-spec find_java() -> file:filename().
find_java() ->
    case os:find_executable("java") of
        false -> throw({error, java_not_found});
        Java -> Java
    end.

%% @doc The JVM's argument list after the `java' executable, for the node `Node' with the
%% settings' `jvm_args' and `node_args'. The cookie is not in it: it goes in the environment.
-spec jvm_command(node(), #{jar := file:filename(), jvm_args := [string()],
                            node_args := [string()], mailbox := atom(),
                            atom() => term()}) -> [string()].
jvm_command(Node, #{jar := Jar, jvm_args := JvmArgs, node_args := NodeArgs,
                    mailbox := Mailbox}) ->
    JvmArgs ++ ["-jar", Jar, "--name", atom_to_list(Node),
                "--mailbox", atom_to_list(Mailbox), "--exit-on-stdin-eof"] ++ NodeArgs.

%% @doc A fresh node name on this node's host: `Prefix_<os pid>_<unique>@Host'.
-spec unique_name(string()) -> node().
unique_name(Prefix) ->
    [_, Host] = string:split(atom_to_list(node()), "@"),
    Unique = integer_to_list(erlang:unique_integer([positive])),
    list_to_atom(Prefix ++ "_" ++ os:getpid() ++ "_" ++ Unique ++ "@" ++ Host).

%% @doc A line of the node's output as a logger level and a report. Lines in the node's log
%% format (`2026-01-02T03:04:05.678 WARNING io.rocksdbjnode.X: text') take its level; other
%% lines (the start banner, stack traces) are `info', or `error' when they continue a trace.
-spec parse_log_line(binary()) -> {log_level(), map()}.
parse_log_line(Line) ->
    Re = <<"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} "
           "(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) (\\S+): (.*)$">>,
    case re:run(Line, Re, [{capture, all_but_first, binary}]) of
        {match, [Level, Source, Text]} ->
            {java_level(Level), #{source => Source, text => Text}};
        nomatch ->
            Level = case Line of
                        <<"\tat ", _/binary>> -> error;
                        <<"Caused by: ", _/binary>> -> error;
                        <<"\t... ", _/binary>> -> error;
                        _ -> info
                    end,
            {Level, #{text => Line}}
    end.

-spec java_level(binary()) -> log_level().
java_level(<<"SEVERE">>) -> error;
java_level(<<"WARNING">>) -> warning;
java_level(<<"INFO">>) -> info;
java_level(<<"CONFIG">>) -> notice;
java_level(_) -> debug.

%%%===================================================================
%%% gen_server
%%%===================================================================

-type state() :: #{settings := settings(), node := node(), mailbox := atom(),
                   port := port() | undefined, os_pid := pos_integer() | undefined,
                   started_at := integer(), backoff := pos_integer(),
                   tail := [binary()], partial := binary()}.

-spec init(settings()) -> {ok, state()} | {stop, term()}.
init(Settings) ->
    process_flag(trap_exit, true),
    Node = unique_name("rocksdb_jnode"),
    _ = ets:new(?TABLE, [named_table, protected, {read_concurrency, true}]),
    true = ets:insert(?TABLE, [{node, Node}, {status, down}]),
    State0 = #{settings => Settings, node => Node,
               mailbox => rocksdb_jnode_config:env(mailbox),
               port => undefined, os_pid => undefined, started_at => now_ms(),
               backoff => ?BACKOFF_MIN, tail => [], partial => <<>>},
    State = launch(State0),
    #{start_timeout := Timeout} = Settings,
    case await_ready(State, now_ms() + Timeout) of
        {ok, Ready} ->
            {ok, Ready};
        {error, Reason, Failed} ->
            _ = kill_jvm(Failed),
            {stop, Reason}
    end.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, term(), state()}.
handle_call(info, _From, #{node := Node, os_pid := OsPid, mailbox := Mailbox} = State) ->
    {reply, #{node => Node, os_pid => OsPid, mailbox => Mailbox}, State};
handle_call(_Request, _From, State) ->
    {reply, {error, unknown_request}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast(_Request, State) ->
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({Port, {data, Data}}, #{port := Port} = State) ->
    case output(Data, State) of
        {true, Next} -> {noreply, maybe_up(Next)};
        {false, Next} -> {noreply, Next}
    end;
handle_info({Port, {exit_status, Status}}, #{port := Port} = State) ->
    {noreply, jvm_died(Status, State)};
handle_info({'EXIT', Port, _}, #{port := Port} = State) ->
    {noreply, State};
handle_info(check_up, #{port := Port} = State) when is_port(Port) ->
    case ets:lookup(?TABLE, status) of
        [{status, starting}] -> {noreply, maybe_up(State)};
        _ -> {noreply, State}
    end;
handle_info(relaunch, State) ->
    true = ets:insert(?TABLE, {status, starting}),
    {noreply, launch(State)};
handle_info(_Other, State) ->
    {noreply, State}.

%% Graceful within 5 s in all (the request `stop', then the exit), else kill -9.
-spec terminate(term(), state()) -> ok.
terminate(_Reason, #{port := undefined}) ->
    ok;
terminate(_Reason, #{node := Node, mailbox := Mailbox} = State) ->
    true = ets:insert(?TABLE, {status, down}),
    Deadline = now_ms() + ?STOP_TIMEOUT,
    _ = rocksdb_jnode_call:call({Mailbox, Node}, stop, ?STOP_TIMEOUT),
    case await_exit(State, max(0, Deadline - now_ms())) of
        true -> ok;
        false -> kill_jvm(State)
    end.

%%%===================================================================
%%% The JVM
%%%===================================================================

-spec launch(state()) -> state().
launch(#{settings := #{java := Java} = Settings, node := Node, mailbox := Mailbox} = State) ->
    Args = jvm_command(Node, Settings#{mailbox => Mailbox}),
    Port = open_port({spawn_executable, Java},
                     [{args, Args},
                      {env, [{"ROCKSDB_JNODE_COOKIE", atom_to_list(erlang:get_cookie())}]},
                      {line, ?LINE_MAX}, binary, exit_status, stderr_to_stdout,
                      use_stdio, hide]),
    {os_pid, OsPid} = erlang:port_info(Port, os_pid),
    true = ets:insert(?TABLE, {status, starting}),
    State#{port := Port, os_pid := OsPid, started_at := now_ms(), tail := [],
           partial := <<>>}.

%% init/1 waits here for the ready line and a ping, handling the JVM's output meanwhile.
-spec await_ready(state(), integer()) -> {ok, state()} | {error, term(), state()}.
await_ready(#{port := Port} = State, Deadline) ->
    receive
        {Port, {data, Data}} ->
            case output(Data, State) of
                {true, Next} ->
                    await_answer(Next, Deadline);
                {false, Next} ->
                    await_ready(Next, Deadline)
            end;
        {Port, {exit_status, Status}} ->
            {error, {jvm_exited, Status, tail(State)}, State#{port := undefined}}
    after max(0, Deadline - now_ms()) ->
        {error, {start_timeout, tail(State)}, State}
    end.

%% init/1, after the ready line: pings until the node answers or the deadline passes.
-spec await_answer(state(), integer()) -> {ok, state()} | {error, term(), state()}.
await_answer(#{port := Port, node := Node, mailbox := Mailbox} = State, Deadline) ->
    case rocksdb_jnode_call:call({Mailbox, Node}, ping, max(1, min(2000, Deadline - now_ms()))) of
        pong ->
            {ok, maybe_up(State)};
        _ ->
            receive
                {Port, {exit_status, Status}} ->
                    {error, {jvm_exited, Status, tail(State)}, State#{port := undefined}}
            after 200 ->
                case now_ms() < Deadline of
                    true -> await_answer(State, Deadline);
                    false -> {error, {not_answering, tail(State)}, State}
                end
            end
    end.

%% After the ready line: the node answers ping, so calls may go to it.
-spec maybe_up(state()) -> state().
maybe_up(#{node := Node, mailbox := Mailbox} = State) ->
    case rocksdb_jnode_call:call({Mailbox, Node}, ping, 2000) of
        pong ->
            true = ets:insert(?TABLE, {status, up}),
            ?LOG_INFO(#{what => jvm_ready, node => Node, os_pid => maps:get(os_pid, State)},
                      #{domain => [rocksdb_jnode]}),
            State;
        _ ->
            %% Ready but not answering yet: look again soon (init/1 gives up instead).
            _ = erlang:send_after(200, self(), check_up),
            State
    end.

-spec jvm_died(integer(), state()) -> state().
jvm_died(Status, #{node := Node, os_pid := OsPid, started_at := Started,
                   backoff := Backoff} = State) ->
    true = ets:insert(?TABLE, {status, down}),
    Uptime = now_ms() - Started,
    Delay = case Uptime > ?STABLE_MS of
                true -> ?BACKOFF_MIN;
                false -> Backoff
            end,
    ?LOG_ERROR(#{what => jvm_exited, node => Node, os_pid => OsPid,
                 exit_status => Status, cause => cause(Status), uptime_ms => Uptime,
                 last_lines => tail(State), restart_in_ms => Delay},
               #{domain => [rocksdb_jnode]}),
    _ = erlang:send_after(Delay, self(), relaunch),
    State#{port := undefined, os_pid := undefined,
           backoff := min(Delay * 2, ?BACKOFF_MAX)}.

%% A port's exit status above 128 is a signal (128 + its number), as the shell reports it.
-spec cause(integer()) -> term().
cause(9 + 128) -> {signal, sigkill};
cause(15 + 128) -> {signal, sigterm};
cause(6 + 128) -> {signal, sigabrt};
cause(Status) when Status > 128 -> {signal, Status - 128};
cause(70) -> fatal_error;
cause(Status) -> {exit, Status}.

%% Logs complete lines; returns whether the ready line was among them.
-spec output({eol | noeol, binary()}, state()) -> {boolean(), state()}.
output({noeol, Part}, #{partial := Partial} = State) ->
    {false, State#{partial := <<Partial/binary, Part/binary>>}};
output({eol, Part}, #{partial := Partial, tail := Tail, node := Node} = State) ->
    Line = <<Partial/binary, Part/binary>>,
    {Level, Report} = parse_log_line(Line),
    ?LOG(Level, Report#{node => Node}, #{domain => [rocksdb_jnode, java]}),
    Ready = binary:match(Line, <<"rocksdb_jnode ready ">>) =/= nomatch,
    {Ready, State#{partial := <<>>,
                   tail := lists:sublist([Line | Tail], ?TAIL_LINES)}}.

-spec tail(state()) -> [binary()].
tail(#{tail := Tail}) ->
    lists:reverse(Tail).

-spec await_exit(state(), non_neg_integer()) -> boolean().
await_exit(#{port := Port}, Timeout) ->
    receive
        {Port, {exit_status, _}} -> true
    after Timeout ->
        false
    end.

-spec kill_jvm(state()) -> ok.
kill_jvm(#{port := undefined}) ->
    ok;
kill_jvm(#{os_pid := OsPid} = State) ->
    _ = os:cmd("kill -9 " ++ integer_to_list(OsPid)),
    _ = await_exit(State, ?KILL_WAIT),
    ok.

%%%===================================================================
%%% Checks
%%%===================================================================

%% @doc A non-empty string (also used by rocksdb_jnode_node's option checks).
-spec is_string(term()) -> boolean().
is_string(S) ->
    io_lib:char_list(S) andalso S =/= [].

-spec is_file(term()) -> boolean().
is_file(S) ->
    is_string(S) andalso filelib:is_regular(S).

-spec is_executable(term()) -> boolean().
is_executable(S) ->
    is_file(S) andalso case file:read_file_info(S) of
                           {ok, #file_info{mode = Mode}} -> Mode band 8#111 =/= 0;
                           _ -> false
                       end.

%% @doc A list of strings (also used by rocksdb_jnode_node's option checks).
-spec are_strings(term()) -> boolean().
are_strings([S | Rest]) -> io_lib:char_list(S) andalso are_strings(Rest);
are_strings([]) -> true;
are_strings(_) -> false.

-spec now_ms() -> integer().
now_ms() ->
    erlang:monotonic_time(millisecond).
