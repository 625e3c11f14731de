%% @doc Starting and stopping a Java node as an OS process: for scripts, common_test suites
%% and users' own tests.
%%
%% ```
%% {ok, Info} = rocksdb_jnode_node:start(#{extra_args => ["--root", "/tmp/x"]}),
%% #{node := Node} = Info,
%% {ok, Db} = rocksdb_jnode:open("/tmp/x/db", [{node, Node}, {create_if_missing, true}]),
%% ...
%% ok = rocksdb_jnode_node:stop(Info).
%% '''
%% (Or `application:set_env(rocksdb_jnode, node, Node)' instead of the `{node, Node}' option.)
%%
%% This Erlang node must be distributed (`erl -name ...'), so that epmd runs and the Java node
%% can be reached. The cookie reaches the node in its environment (`ROCKSDB_JNODE_COOKIE'),
%% never on its command line, and the node runs with `--exit-on-stdin-eof', so it ends when
%% this Erlang VM does. The Java process is started by `sh -c "exec java ..."' with its stdout and
%% stderr appended to a log file, so its OS pid is that of the port. The port belongs to a small
%% keeper process, not to the caller: the caller receives no port messages, and the node
%% survives the process that started it (a common_test `init_per_suite', for instance) until
%% {@link stop/1} or {@link kill/1}. The keeper exits when the OS process does.
-module(rocksdb_jnode_node).

-export([start/1, stop/1, kill/1]).

-type start_options() :: #{name => node(),
                           cookie => atom(),
                           mailbox => atom(),
                           jar => file:filename(),
                           java => file:filename(),
                           jvm_args => [string()],
                           extra_args => [string()],
                           log => file:filename(),
                           start_timeout => non_neg_integer()}.
-type info() :: #{node := node(),
                  os_pid := pos_integer(),
                  port := port(),
                  log := file:filename(),
                  mailbox := atom()}.

-export_type([start_options/0, info/0]).

-define(START_TIMEOUT, 30000).
-define(STOP_TIMEOUT, 10000).
-define(KILL_WAIT, 5000).
-define(POLL_INTERVAL, 100).
-define(LOG_TAIL_BYTES, 4096).

%% @doc Starts a Java node and waits until it answers.
%%
%% Options, all optional:
%% <dl>
%% <dt>`name'</dt><dd>its node name; default `jnode_<os pid>_<unique>@Host', with the host
%%   of this node (so `jnode_..@127.0.0.1' for an Erlang node named `x@127.0.0.1').</dd>
%% <dt>`cookie'</dt><dd>default `erlang:get_cookie()'; another cookie is also set for that
%%   node here (`erlang:set_cookie/2').</dd>
%% <dt>`mailbox'</dt><dd>default the application's `mailbox' (`rocksdb').</dd>
%% <dt>`jar'</dt><dd>default the application environment's `jar', else the environment
%%   variable `ROCKSDB_JNODE_JAR', else `priv/rocksdb-jnode.jar' of the application. No other
%%   directory is searched.</dd>
%% <dt>`java'</dt><dd>default `os:find_executable("java")'.</dd>
%% <dt>`jvm_args'</dt><dd>strings put before `-jar', for instance `["-Xmx256m"]'.</dd>
%% <dt>`extra_args'</dt><dd>strings put after the node's own arguments, for instance
%%   `["--root", "/tmp/x"]'.</dd>
%% <dt>`log'</dt><dd>the file the node's stdout and stderr are appended to; default
%%   `rocksdb_jnode-<name>.log' in `$TMPDIR' or `/tmp'.</dd>
%% <dt>`start_timeout'</dt><dd>milliseconds, default 30000.</dd>
%% </dl>
%% The node is ready when `net_adm:ping/1' answers `pong' and its mailbox answers the
%% request `ping' with `pong'. Returns `{ok, #{node, os_pid, port, log, mailbox}}', or
%% `{error, Reason}': `not_alive' (this node is not distributed),
%% `{bad_option, Key}', `java_not_found', `{jar_not_found, Tried}', `{no_jar, Path}',
%% `{already_running, Node}' (a node of that name answers already),
%% `{exited, ExitStatus, LogTail}' (the process ended before it was ready),
%% `{start_timeout, LogTail}' (it was then killed), `{launch_failed, Reason}'.
%% `LogTail' is a binary: the end of the log.
-spec start(Options) -> {ok, Info} | {error, Reason} when
      Options :: start_options(),
      Info :: info(),
      Reason :: term().
start(Options) when is_map(Options) ->
    case is_alive() of
        false ->
            {error, not_alive};
        true ->
            try
                launch(settings(Options))
            catch
                throw:{error, _} = Error -> Error
            end
    end.

%% @doc Stops the node: sends it the request `stop', waits up to 10 s for the OS process to
%% exit, then kills it with `kill -9'. Idempotent; always `ok'.
-spec stop(Info) -> ok when
      Info :: info().
stop(#{node := Node, mailbox := Mailbox} = Info) ->
    case is_running(Info) of
        false ->
            ok;
        true ->
            Deadline = now_ms() + ?STOP_TIMEOUT,
            _ = rocksdb_jnode_call:call({Mailbox, Node}, stop, ?STOP_TIMEOUT div 2),
            case await_exit(Info, max(0, Deadline - now_ms())) of
                true -> ok;
                false -> kill(Info)
            end
    end.

%% @doc Kills the node's OS process at once with `kill -9' (for crash tests) and waits (up
%% to 5 s) until it is gone. Idempotent; always `ok'.
-spec kill(Info) -> ok when
      Info :: info().
kill(#{os_pid := OsPid} = Info) ->
    case is_running(Info) of
        false ->
            ok;
        true ->
            _ = os:cmd("kill -9 " ++ integer_to_list(OsPid)),
            _ = await_exit(Info, ?KILL_WAIT),
            ok
    end.

%%%===================================================================
%%% Starting
%%%===================================================================

-type settings() :: #{name := node(), cookie := atom(), mailbox := atom(),
                      jar := file:filename(), java := file:filename(),
                      jvm_args := [string()], extra_args := [string()],
                      log := file:filename(), start_timeout := non_neg_integer()}.

%% The options with their defaults, each checked; throws {error, _}.
-spec settings(start_options()) -> settings().
settings(Options) ->
    Name = option(name, Options, fun default_name/0, fun is_node_name/1),
    Settings = #{name => Name,
                 cookie => option(cookie, Options, fun erlang:get_cookie/0, fun is_atom/1),
                 mailbox => option(mailbox, Options,
                                   fun() -> rocksdb_jnode_config:env(mailbox) end,
                                   fun is_atom/1),
                 jar => option(jar, Options, fun rocksdb_jnode_jvm:find_jar/0, fun rocksdb_jnode_jvm:is_string/1),
                 java => option(java, Options, fun rocksdb_jnode_jvm:find_java/0, fun rocksdb_jnode_jvm:is_string/1),
                 jvm_args => option(jvm_args, Options, fun() -> [] end, fun rocksdb_jnode_jvm:are_strings/1),
                 extra_args => option(extra_args, Options, fun() -> [] end, fun rocksdb_jnode_jvm:are_strings/1),
                 log => option(log, Options, fun() -> default_log(Name) end, fun rocksdb_jnode_jvm:is_string/1),
                 start_timeout => option(start_timeout, Options, fun() -> ?START_TIMEOUT end,
                                         fun(T) -> is_integer(T) andalso T >= 0 end)},
    case maps:keys(maps:without(maps:keys(Settings), Options)) of
        [] -> Settings;
        [Unknown | _] -> throw({error, {bad_option, Unknown}})
    end.

-spec option(atom(), map(), fun(() -> term()), fun((term()) -> boolean())) -> term().
option(Key, Options, Default, IsValid) ->
    case maps:find(Key, Options) of
        {ok, Value} ->
            case IsValid(Value) of
                true -> Value;
                false -> throw({error, {bad_option, Key}})
            end;
        error ->
            Default()
    end.

-spec launch(settings()) -> {ok, info()} | {error, term()}.
launch(#{name := Node, cookie := Cookie, mailbox := Mailbox, jar := Jar, java := Java,
         log := Log, start_timeout := Timeout} = Settings) ->
    filelib:is_regular(Jar) orelse throw({error, {no_jar, Jar}}),
    Cookie =:= erlang:get_cookie() orelse erlang:set_cookie(Node, Cookie),
    net_adm:ping(Node) =:= pang orelse throw({error, {already_running, Node}}),
    case filelib:ensure_dir(Log) of
        ok -> ok;
        {error, Posix} -> throw({error, {bad_log, Log, Posix}})
    end,
    Command = [Java | rocksdb_jnode_jvm:jvm_command(
                        Node, #{jar => Jar, jvm_args => maps:get(jvm_args, Settings),
                                node_args => maps:get(extra_args, Settings),
                                mailbox => Mailbox})],
    Parent = self(),
    Tag = make_ref(),
    {Keeper, KeeperRef} = spawn_monitor(fun() -> keeper(Parent, Tag, Command, Cookie, Log) end),
    receive
        {Tag, Port, OsPid} ->
            Info = #{node => Node, os_pid => OsPid, port => Port, log => Log,
                     mailbox => Mailbox},
            Result = await_ready(Info, Keeper, KeeperRef, now_ms() + Timeout),
            erlang:demonitor(KeeperRef, [flush]),
            Result;
        {'DOWN', KeeperRef, process, Keeper, Reason} ->
            {error, {launch_failed, Reason}}
    end.

%% Owns the port of the OS process and exits with {exit_status, Status} when that ends.
-spec keeper(pid(), reference(), [string()], atom(), file:filename()) -> no_return().
keeper(Parent, Tag, Command, Cookie, Log) ->
    Sh = case os:find_executable("sh") of
             false -> "/bin/sh";
             Found -> Found
         end,
    %% exec: the shell becomes the JVM, so the port's OS pid is the JVM's.
    Script = "exec \"$@\" >>\"$ROCKSDB_JNODE_LOG\" 2>&1",
    Port = open_port({spawn_executable, Sh},
                     [{args, ["-c", Script, "rocksdb_jnode" | Command]},
                      %% The cookie in the environment, never in argv: /proc/PID/cmdline is
                      %% readable by every local user, /proc/PID/environ only by the owner.
                      {env, [{"ROCKSDB_JNODE_LOG", Log},
                             {"ROCKSDB_JNODE_COOKIE", atom_to_list(Cookie)}]},
                      exit_status, binary]),
    {os_pid, OsPid} = erlang:port_info(Port, os_pid),
    Parent ! {Tag, Port, OsPid},
    keep(Port).

-spec keep(port()) -> no_return().
keep(Port) ->
    receive
        {Port, {exit_status, Status}} -> exit({exit_status, Status});
        {Port, {data, _}} -> keep(Port)
    end.

-spec await_ready(info(), pid(), reference(), integer()) -> {ok, info()} | {error, term()}.
await_ready(#{node := Node, mailbox := Mailbox, log := Log} = Info, Keeper, KeeperRef,
            Deadline) ->
    Ready = net_adm:ping(Node) =:= pong
        andalso rocksdb_jnode_call:call({Mailbox, Node}, ping, 1000) =:= pong,
    Left = Deadline - now_ms(),
    if
        Ready ->
            {ok, Info};
        Left =< 0 ->
            ok = kill(Info),
            {error, {start_timeout, log_tail(Log)}};
        true ->
            receive
                {'DOWN', KeeperRef, process, Keeper, {exit_status, Status}} ->
                    {error, {exited, Status, log_tail(Log)}};
                {'DOWN', KeeperRef, process, Keeper, Reason} ->
                    ok = kill(Info),
                    {error, {launch_failed, Reason}}
            after min(Left, 200) ->
                await_ready(Info, Keeper, KeeperRef, Deadline)
            end
    end.

-spec default_name() -> node().
default_name() ->
    rocksdb_jnode_jvm:unique_name("jnode").

-spec default_log(node()) -> file:filename().
default_log(Node) ->
    Dir = case os:getenv("TMPDIR") of
              false -> "/tmp";
              "" -> "/tmp";
              TmpDir -> TmpDir
          end,
    [Name | _] = string:split(atom_to_list(Node), "@"),
    filename:join(Dir, "rocksdb_jnode-" ++ Name ++ ".log").

-spec log_tail(file:filename()) -> binary().
log_tail(Log) ->
    case file:read_file(Log) of
        {ok, Bytes} when byte_size(Bytes) > ?LOG_TAIL_BYTES ->
            binary:part(Bytes, byte_size(Bytes), -?LOG_TAIL_BYTES);
        {ok, Bytes} ->
            Bytes;
        {error, _} ->
            <<>>
    end.

%%%===================================================================
%%% Stopping
%%%===================================================================

%% The keeper lives as long as the OS process; without it, ask the OS.
-spec is_running(info()) -> boolean().
is_running(#{port := Port, os_pid := OsPid}) ->
    case keeper_of(Port) of
        undefined -> is_os_process_alive(OsPid);
        _Keeper -> true
    end.

%% Waits at most Timeout ms for the OS process to exit; true when it did.
-spec await_exit(info(), non_neg_integer()) -> boolean().
await_exit(#{port := Port, os_pid := OsPid}, Timeout) ->
    Deadline = now_ms() + Timeout,
    case keeper_of(Port) of
        undefined ->
            poll_exit(OsPid, Deadline);
        Keeper ->
            MRef = erlang:monitor(process, Keeper),
            receive
                {'DOWN', MRef, process, Keeper, {exit_status, _}} -> true;
                {'DOWN', MRef, process, Keeper, _} -> poll_exit(OsPid, Deadline)
            after Timeout ->
                erlang:demonitor(MRef, [flush]),
                false
            end
    end.

-spec poll_exit(pos_integer(), integer()) -> boolean().
poll_exit(OsPid, Deadline) ->
    case is_os_process_alive(OsPid) of
        false ->
            true;
        true ->
            case Deadline - now_ms() of
                Left when Left > 0 ->
                    timer:sleep(min(Left, ?POLL_INTERVAL)),
                    poll_exit(OsPid, Deadline);
                _ ->
                    false
            end
    end.

-spec keeper_of(port()) -> pid() | undefined.
keeper_of(Port) ->
    case erlang:port_info(Port, connected) of
        {connected, Keeper} -> Keeper;
        undefined -> undefined
    end.

-spec is_os_process_alive(pos_integer()) -> boolean().
is_os_process_alive(OsPid) ->
    os:cmd("kill -0 " ++ integer_to_list(OsPid) ++ " 2>/dev/null && echo alive") =:= "alive\n".

%%%===================================================================
%%% Checks
%%%===================================================================

-spec is_node_name(term()) -> boolean().
is_node_name(Name) ->
    is_atom(Name) andalso length(string:split(atom_to_list(Name), "@", all)) =:= 2.

-spec now_ms() -> integer().
now_ms() ->
    erlang:monotonic_time(millisecond).
