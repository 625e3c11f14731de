%% @doc The application owns its JVM when its environment names no `node': start, serve,
%% stop, restart after kill -9, the cookie kept off command lines, bad settings, a node that
%% is not distributed, a refused connection, the JVM's log lines as logger events, and no
%% orphan JVM when the owning BEAM halts or is killed.
-module(managed_jvm_SUITE).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([starts_and_answers/1, backup_and_restore/1, stop_leaves_no_jvm/1,
         kill9_restarts/1, cookie_not_on_any_command_line/1, bad_option_fails_start/1,
         not_distributed/1, wrong_cookie_is_connection_refused/1,
         java_lines_become_logger_events/1, halt_leaves_no_orphan/1,
         kill9_of_beam_leaves_no_orphan/1, jar_only_where_put/1, ct_helper/1,
         stop_of_wedged_jvm_kills_it/1]).
-export([log/2]).

all() ->
    [starts_and_answers, backup_and_restore, stop_leaves_no_jvm, kill9_restarts,
     cookie_not_on_any_command_line, bad_option_fails_start, not_distributed,
     wrong_cookie_is_connection_refused, java_lines_become_logger_events,
     halt_leaves_no_orphan, kill9_of_beam_leaves_no_orphan, jar_only_where_put, ct_helper,
     stop_of_wedged_jvm_kills_it].

suite() ->
    [{timetrap, {seconds, 120}}].

init_per_suite(Config) ->
    ok = rocksdb_jnode_ct:init_dist(),
    ok = rocksdb_jnode_config:ensure_loaded(),
    %% Other suites of the same run may have started the application with their own node.
    _ = application:stop(rocksdb_jnode),
    [{saved_env, application:get_all_env(rocksdb_jnode)} | Config].

end_per_suite(Config) ->
    restore_env(?config(saved_env, Config)),
    ok.

init_per_testcase(_Case, Config) ->
    ok = application:unset_env(rocksdb_jnode, node),
    Config.

end_per_testcase(_Case, Config) ->
    Pid = jvm_os_pid(),
    _ = application:stop(rocksdb_jnode),
    Pid =:= undefined orelse ?assertNot(jnode_ct:os_pid_alive(Pid)),
    restore_env(?config(saved_env, Config)),
    ok = application:unset_env(rocksdb_jnode, node),
    ok.

restore_env(Env) ->
    [application:unset_env(rocksdb_jnode, K) || {K, _} <- application:get_all_env(rocksdb_jnode)],
    [application:set_env(rocksdb_jnode, K, V) || {K, V} <- Env],
    ok.

%%%===================================================================
%%% Cases
%%%===================================================================

starts_and_answers(_Config) ->
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    Node = rocksdb_jnode_config:node(),
    ?assertNotEqual(undefined, Node),
    ?assertEqual(pong, rocksdb_jnode:ping()),
    ?assert(jnode_ct:os_pid_alive(jvm_os_pid())).

backup_and_restore(Config) ->
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    DbPath = jnode_ct:dir(Config, "db"),
    BackupDir = jnode_ct:dir(Config, "backup"),
    Restored = jnode_ct:dir(Config, "restored"),
    {ok, Db} = rocksdb_jnode:open(DbPath, [{create_if_missing, true}]),
    ok = rocksdb_jnode:put(Db, <<"k">>, <<"v">>, []),
    {ok, Engine} = rocksdb_jnode:open_backup_engine(BackupDir),
    ok = rocksdb_jnode:create_new_backup(Engine, Db),
    {ok, [#{id := 1}]} = rocksdb_jnode:get_backup_info(Engine),
    ok = rocksdb_jnode:restore_db_from_backup(Engine, 1, Restored),
    {ok, Db2} = rocksdb_jnode:open(Restored, []),
    ?assertEqual({ok, <<"v">>}, rocksdb_jnode:get(Db2, <<"k">>, [])),
    [ok = rocksdb_jnode:close(D) || D <- [Db, Db2]],
    ok = rocksdb_jnode:close_backup_engine(Engine).

stop_leaves_no_jvm(_Config) ->
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    OsPid = jvm_os_pid(),
    ok = application:stop(rocksdb_jnode),
    %% stop/1 returns once the JVM's exit status arrived: no waiting here.
    ?assertNot(jnode_ct:os_pid_alive(OsPid)),
    ?assertEqual({error, not_started}, rocksdb_jnode:ping()).

kill9_restarts(Config) ->
    ok = logger:add_handler(?MODULE, ?MODULE, #{config => #{pid => self()}}),
    try kill9_restarts_(Config) after ok = logger:remove_handler(?MODULE) end.

kill9_restarts_(Config) ->
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    Node = rocksdb_jnode_config:node(),
    OsPid = jvm_os_pid(),
    {ok, Db} = rocksdb_jnode:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
    _ = os:cmd("kill -9 " ++ integer_to_list(OsPid)),
    %% Until it serves again, calls fail fast with nodedown; none hangs.
    jnode_ct:wait_until(fun() -> not jnode_ct:os_pid_alive(OsPid) end, 5000, jvm_gone),
    T0 = erlang:monotonic_time(millisecond),
    Replies = wait_for_pong(Node, []),
    Kinds = lists:usort(Replies),
    ct:log("replies while restarting (~p ms): ~p", [erlang:monotonic_time(millisecond) - T0,
                                                     Kinds]),
    ?assertEqual([], Kinds -- [{error, {nodedown, Node}}]),
    ?assertNotEqual(OsPid, jvm_os_pid()),
    ?assertEqual(Node, rocksdb_jnode_config:node()),
    %% The death was logged with its cause.
    receive
        {jvm_log, error, #{what := jvm_exited, os_pid := OsPid, cause := Cause}} ->
            ?assertEqual({signal, sigkill}, Cause)
    after 0 ->
        ct:fail(death_not_logged)
    end,
    %% The new JVM never saw the old handle.
    ?assertError(badarg, rocksdb_jnode:put(Db, <<"k">>, <<"v">>, [])).

wait_for_pong(Node, Acc) ->
    T0 = erlang:monotonic_time(millisecond),
    case rocksdb_jnode:ping() of
        pong ->
            Acc;
        Other ->
            %% "Not hangs": every failed call comes back well within a second.
            ?assert(erlang:monotonic_time(millisecond) - T0 < 1000),
            length(Acc) < 100000 orelse ct:fail(no_restart),
            receive after 10 -> ok end,
            wait_for_pong(Node, [Other | Acc])
    end.

cookie_not_on_any_command_line(_Config) ->
    Saved = erlang:get_cookie(),
    Cookie = list_to_atom("c" ++ integer_to_list(erlang:unique_integer([positive]))
                          ++ "x" ++ integer_to_list(rand:uniform(1 bsl 40))),
    true = erlang:set_cookie(node(), Cookie),
    try
        {ok, _} = application:ensure_all_started(rocksdb_jnode),
        pong = rocksdb_jnode:ping(),
        OsPid = jvm_os_pid(),
        {ok, Mine} = file:read_file("/proc/" ++ integer_to_list(OsPid) ++ "/cmdline"),
        ?assertNotEqual(nomatch, binary:match(Mine, <<"--exit-on-stdin-eof">>)),
        Needle = atom_to_binary(Cookie),
        Hits = [P || P <- filelib:wildcard("/proc/[0-9]*/cmdline"),
                     case file:read_file(P) of
                         {ok, B} -> binary:match(B, Needle) =/= nomatch;
                         _ -> false
                     end],
        ?assertEqual([], Hits),
        %% Also the nodes rocksdb_jnode_node starts (scripts, tests).
        {ok, Info} = rocksdb_jnode_node:start(#{}),
        try
            {ok, Other} = file:read_file("/proc/" ++ integer_to_list(maps:get(os_pid, Info))
                                         ++ "/cmdline"),
            ?assertEqual(nomatch, binary:match(Other, Needle))
        after
            ok = rocksdb_jnode_node:stop(Info)
        end
    after
        ok = application:stop(rocksdb_jnode),
        true = erlang:set_cookie(node(), Saved)
    end.

bad_option_fails_start(_Config) ->
    Bad = [{jvm_args, "-Xmx1g"}, {java, 42}, {java, "/nonexistent/java"}, {jar, ""},
           {jar, "/nonexistent/rocksdb-jnode.jar"}, {node_args, [x]}, {start_timeout, 0}],
    lists:foreach(
      fun({Key, Value}) ->
              ok = application:set_env(rocksdb_jnode, Key, Value),
              ?assertMatch({error, {rocksdb_jnode, {{bad_option, Key}, _}}},
                           application:ensure_all_started(rocksdb_jnode)),
              ok = application:unset_env(rocksdb_jnode, Key)
      end, Bad),
    %% A JVM that exits before it is ready: its status and last lines.
    ok = application:set_env(rocksdb_jnode, node_args, ["--no-such-flag"]),
    ?assertMatch({error, {rocksdb_jnode, {{jvm_exited, 2, [_ | _]}, _}}},
                 application:ensure_all_started(rocksdb_jnode)).

%% A BEAM that is not distributed: the start says why, and so does a call.
not_distributed(_Config) ->
    Out = run_beam(nodist,
                   "io:format(\"START ~0p~n\", [application:ensure_all_started(rocksdb_jnode)]),"
                   "application:set_env(rocksdb_jnode, node, 'x@127.0.0.1'),"
                   "io:format(\"PING ~0p~n\", [rocksdb_jnode:ping()]),"
                   "halt().", halt),
    ct:log("~s", [Out]),
    ?assertNotEqual(nomatch, string:find(Out, "START {error,{rocksdb_jnode,{not_distributed")),
    ?assertNotEqual(nomatch, string:find(Out, "PING {error,not_distributed}")).

wrong_cookie_is_connection_refused(_Config) ->
    {ok, #{node := Node} = Info} = rocksdb_jnode_node:start(#{}),
    try
        ?assertEqual(pong, rocksdb_jnode:ping(Node)),
        true = erlang:disconnect_node(Node),
        true = erlang:set_cookie(Node, wrong_cookie),
        ?assertEqual({error, {connection_refused, Node}}, rocksdb_jnode:ping(Node)),
        Absent = rocksdb_jnode_jvm:unique_name("absent"),
        ?assertEqual({error, {nodedown, Absent}}, rocksdb_jnode:ping(Absent))
    after
        true = erlang:set_cookie(Node, erlang:get_cookie()),
        ok = rocksdb_jnode_node:stop(Info)
    end.

java_lines_become_logger_events(_Config) ->
    ok = logger:add_handler(?MODULE, ?MODULE, #{config => #{pid => self()}}),
    ok = logger:set_module_level(rocksdb_jnode_jvm, all),
    try
        {ok, _} = application:ensure_all_started(rocksdb_jnode),
        Banner = receive
                     {java_log, info, #{text := <<"rocksdb_jnode ready ", _/binary>>} = R} -> R
                 after 10000 -> ct:fail(no_java_log_event)
                 end,
        ct:log("~p", [Banner])
    after
        ok = logger:unset_module_level(rocksdb_jnode_jvm),
        ok = logger:remove_handler(?MODULE)
    end,
    ?assertEqual({warning, #{source => <<"io.rocksdbjnode.Main">>, text => <<"stdin closed">>}},
                 rocksdb_jnode_jvm:parse_log_line(
                   <<"2026-11-29T23:50:17.123 WARNING io.rocksdbjnode.Main: stdin closed">>)),
    ?assertMatch({error, _}, rocksdb_jnode_jvm:parse_log_line(
                               <<"2026-11-29T23:50:17.123 SEVERE x.Y: boom">>)),
    ?assertMatch({error, _}, rocksdb_jnode_jvm:parse_log_line(<<"\tat x.Y.z(Y.java:1)">>)).

%% logger handler callback: forwards the Java node's events to the test.
log(#{level := Level, msg := {report, Report}, meta := #{domain := [rocksdb_jnode, java]}},
    #{config := #{pid := Pid}}) ->
    Pid ! {java_log, Level, Report};
log(#{level := Level, msg := {report, Report}, meta := #{domain := [rocksdb_jnode]}},
    #{config := #{pid := Pid}}) ->
    Pid ! {jvm_log, Level, Report};
log(_, _) ->
    ok.

halt_leaves_no_orphan(_Config) ->
    no_orphan(halt).

kill9_of_beam_leaves_no_orphan(_Config) ->
    no_orphan(kill).

%% A separate BEAM starts the application (so owns a JVM), prints both OS pids, then halts
%% (or waits to be killed with kill -9). The JVM must be gone within 2 s.
no_orphan(How) ->
    Script = "{ok, _} = application:ensure_all_started(rocksdb_jnode),"
        "pong = rocksdb_jnode:ping(),"
        "#{os_pid := J} = gen_server:call(rocksdb_jnode_jvm, info),"
        "io:format(\"PIDS ~s ~p~n\", [os:getpid(), J]),",
    Rest = case How of
               halt -> "halt().";
               kill -> "receive after infinity -> ok end."
           end,
    {Port, Beam, Jvm} = start_beam(dist, Script ++ Rest),
    ct:log("BEAM ~p, JVM ~p", [Beam, Jvm]),
    _ = How =:= kill andalso os:cmd("kill -9 " ++ integer_to_list(Beam)) =:= "",
    await_port_exit(Port),
    T0 = erlang:monotonic_time(millisecond),
    jnode_ct:wait_until(fun() -> not jnode_ct:os_pid_alive(Jvm) end, 2000, {orphan_jvm, Jvm}),
    ct:log("JVM gone ~p ms after its BEAM", [erlang:monotonic_time(millisecond) - T0]).

%%%===================================================================
%%% Helpers
%%%===================================================================

jvm_os_pid() ->
    case whereis(rocksdb_jnode_jvm) of
        undefined -> undefined;
        _ -> maps:get(os_pid, gen_server:call(rocksdb_jnode_jvm, info))
    end.

beam_args(Dist, Eval) ->
    Name = "mj_" ++ integer_to_list(erlang:unique_integer([positive])) ++ "@127.0.0.1",
    Paths = [filename:dirname(code:which(M)) || M <- [rocksdb_jnode]],
    ["-noshell"] ++ case Dist of dist -> ["-name", Name]; nodist -> [] end
        ++ ["-pa" | Paths] ++ ["-eval", Eval].

open_beam(Dist, Eval) ->
    Erl = os:find_executable("erl"),
    open_port({spawn_executable, Erl}, [{args, beam_args(Dist, Eval)}, {line, 4096},
                                        exit_status, stderr_to_stdout, binary]).

%% Runs a BEAM to its end; its output.
run_beam(Dist, Eval, halt) ->
    Port = open_beam(Dist, Eval),
    collect(Port, []).

collect(Port, Acc) ->
    receive
        {Port, {data, {_, Line}}} -> collect(Port, [Acc, Line, $\n]);
        {Port, {exit_status, _}} -> binary_to_list(iolist_to_binary(Acc))
    after 60000 -> ct:fail({beam_silent, iolist_to_binary(Acc)})
    end.

start_beam(Dist, Eval) ->
    Port = open_beam(Dist, Eval),
    await_pids(Port).

await_pids(Port) ->
    receive
        {Port, {data, {_, <<"PIDS ", Pids/binary>>}}} ->
            [B, J] = string:lexemes(binary_to_list(Pids), " "),
            {Port, list_to_integer(B), list_to_integer(J)};
        {Port, {data, {_, Line}}} ->
            ct:log("beam: ~s", [Line]),
            await_pids(Port);
        {Port, {exit_status, S}} ->
            ct:fail({beam_exited, S})
    after 60000 ->
        ct:fail(beam_silent)
    end.

await_port_exit(Port) ->
    receive
        {Port, {exit_status, _}} -> ok;
        {Port, {data, _}} -> await_port_exit(Port)
    after 10000 -> ct:fail(beam_did_not_exit)
    end.

%% The jar: the `jar' setting, else $ROCKSDB_JNODE_JAR, else priv/; nothing else is searched.
jar_only_where_put(Config) ->
    Priv = filename:join(code:priv_dir(rocksdb_jnode), "rocksdb-jnode.jar"),
    Saved = os:getenv("ROCKSDB_JNODE_JAR"),
    Planted = filename:join(?config(priv_dir, Config), "planted.jar"),
    ok = file:write_file(Planted, <<"not a jar">>),
    try
        true = os:unsetenv("ROCKSDB_JNODE_JAR"),
        ?assertEqual(Priv, rocksdb_jnode_jvm:find_jar()),
        true = os:putenv("ROCKSDB_JNODE_JAR", Planted),
        ?assertEqual(Planted, rocksdb_jnode_jvm:find_jar()),
        ok = application:set_env(rocksdb_jnode, jar, Priv),
        ?assertEqual(Priv, rocksdb_jnode_jvm:find_jar())
    after
        ok = application:unset_env(rocksdb_jnode, jar),
        case Saved of
            false -> os:unsetenv("ROCKSDB_JNODE_JAR");
            _ -> os:putenv("ROCKSDB_JNODE_JAR", Saved)
        end
    end.

%% What README shows a user's suite: a private node in two calls.
ct_helper(Config) ->
    Config1 = rocksdb_jnode_ct:init_per_suite(Config),
    #{node := Node, os_pid := OsPid} = rocksdb_jnode_ct:info(Config1),
    ?assertEqual(Node, rocksdb_jnode_config:node()),
    ?assertEqual(pong, rocksdb_jnode:ping()),
    %% node is set: the application owns no JVM.
    ?assertEqual(undefined, whereis(rocksdb_jnode_jvm)),
    ok = rocksdb_jnode_ct:end_per_suite(Config1),
    ?assertNot(jnode_ct:os_pid_alive(OsPid)).

%% A JVM that does not answer the stop request (stopped with SIGSTOP) is killed: the
%% application's stop still ends it, within the 5 s of grace and the kill.
stop_of_wedged_jvm_kills_it(_Config) ->
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    OsPid = jvm_os_pid(),
    "" = os:cmd("kill -STOP " ++ integer_to_list(OsPid)),
    T0 = erlang:monotonic_time(millisecond),
    ok = application:stop(rocksdb_jnode),
    Took = erlang:monotonic_time(millisecond) - T0,
    ct:log("stopped a wedged JVM in ~p ms", [Took]),
    ?assertNot(jnode_ct:os_pid_alive(OsPid)),
    ?assert(Took < 11000).
