%% @doc The node at the edges of what its process may have (issue 11): threads under a pids
%% limit, a heap too small for a request, rate limits RocksDB cannot honour, an engine whose
%% directory vanished. Each case starts its own Java node where it needs special settings, and
%% every answer must be a reply, never the node's death (except the one fatal error, which must
%% end it with a non-zero status).
-module(limits_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1]).
-export([thread_limit_refused_not_aborted/1,
         nproc_limit_refused_not_aborted/1,
         oversized_put_refused_by_client/1,
         request_too_large_for_heap_replied/1,
         fatal_error_exits_non_zero/1,
         rate_limit_below_ten_badarg/1,
         engine_directory_removed/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

all() ->
    [thread_limit_refused_not_aborted,
     nproc_limit_refused_not_aborted,
     oversized_put_refused_by_client,
     request_too_large_for_heap_replied,
     fatal_error_exits_non_zero,
     rate_limit_below_ten_badarg,
     engine_directory_removed].

suite() ->
    [{timetrap, {minutes, 3}}].

init_per_suite(Config) ->
    ok = jnode_ct:init_dist(),
    Config.

end_per_suite(_Config) ->
    ok.

%%%===================================================================
%%% Threads
%%%===================================================================

%% Under a pids limit (a cgroup's pids.max, as systemd's TasksMax sets), engines whose copy
%% threads would pass it are refused with {error, {thread_limit, Text}}; the node lives on and
%% serves the engines it has; closing one makes room again. Without the budget, RocksDB's
%% thread creation fails in C++ and the JVM aborts.
thread_limit_refused_not_aborted(Config) ->
    case pids_cgroup() of
        {skip, _} = Skip ->
            Skip;
        {ok, Cgroup} ->
            try
                thread_limit(Config, Cgroup)
            after
                ok = file:del_dir(Cgroup)
            end
    end.

thread_limit(Config, Cgroup) ->
    Wrapper = wrapper(Config, "java_in_cgroup.sh", ["echo $$ > ", Cgroup, "/cgroup.procs\nexec ",
                                                    os:find_executable("java"), " \"$@\""]),
    Info = jnode_ct:start_node(Config, #{java => Wrapper,
                                         extra_args => ["--quick-threads", "2",
                                                        "--long-threads", "2"]}),
    try
        %% Room for the node's reserve (2 + 2 + 48) and some 30 copy threads more.
        Current = read_int(filename:join(Cgroup, "pids.current")),
        ok = file:write_file(filename:join(Cgroup, "pids.max"),
                             integer_to_list(Current + 2 + 2 + 48 + 30)),
        engines_until_refused(Info, jnode_ct:dir(Config, "bk"))
    after
        jnode_ct:stop_node(Info)
    end.

%% The same under RLIMIT_NPROC (`ulimit -u'), which binds a non-root user only: the node runs
%% as `nobody' with a limit of 150 tasks, which its own threads and the reserve leave about 30
%% of. (The limit counts every process of the user: nothing else should run as nobody here.)
nproc_limit_refused_not_aborted(Config) ->
    Setpriv = os:find_executable("setpriv"),
    Prlimit = os:find_executable("prlimit"),
    Nobody = string:trim(os:cmd("id -u nobody 2>/dev/null")),
    case {os:cmd("id -u"), Setpriv, Prlimit, Nobody} of
        {"0\n", S, P, N} when S =/= false, P =/= false, N =/= "" ->
            %% nobody cannot reach the checkout nor ct's directories (a clone under a mktemp -d
            %% is 0700): the jar and the data go to a directory of its own under /tmp.
            Base = "/tmp/rocksdb_jnode_nobody_" ++ os:getpid() ++ "_"
                ++ integer_to_list(erlang:unique_integer([positive])),
            ok = file:make_dir(Base),
            try
                ok = file:change_mode(Base, 8#777),
                Jar = filename:join(Base, "rocksdb-jnode.jar"),
                {ok, _} = file:copy(filename:join(code:priv_dir(rocksdb_jnode), "rocksdb-jnode.jar"), Jar),
                ok = file:change_mode(Jar, 8#644),
                Wrapper = wrapper(Config, "java_as_nobody.sh",
                                  ["exec ", S, " --reuid=", N, " --regid=", N, " --clear-groups ",
                                   P, " --nproc=150 ", os:find_executable("java"), " \"$@\""]),
                Info = jnode_ct:start_node(Config, #{java => Wrapper, jar => Jar,
                                                     extra_args => ["--quick-threads", "2",
                                                                    "--long-threads", "2"]}),
                try
                    engines_until_refused(Info, filename:join(Base, "bk"))
                after
                    jnode_ct:stop_node(Info)
                end
            after
                file:del_dir_r(Base)
            end;
        _ ->
            {skip, "needs root, setpriv, prlimit and a nobody user"}
    end.

wrapper(Config, Name, Body) ->
    Wrapper = filename:join(?config(priv_dir, Config), Name),
    ok = file:write_file(Wrapper, ["#!/bin/sh\n", Body, "\n"]),
    ok = file:change_mode(Wrapper, 8#755),
    Wrapper.

%% Opens engines of 8 copy threads each until the node refuses one for threads, then checks
%% that it lives on, serves what it opened, and opens again once one is closed.
engines_until_refused(Info, Prefix) ->
    Open = fun(I) ->
                   rocksdb:open_backup_engine(Prefix ++ integer_to_list(I),
                                              [{max_background_operations, 8}])
           end,
    Results = [Open(I) || I <- lists:seq(1, 20)],
    {Opened, Refused} = lists:partition(fun(R) -> element(1, R) =:= ok end, Results),
    ct:log("~b engines opened, then ~p", [length(Opened), Refused]),
    ?assert(length(Opened) >= 2),
    ?assertMatch([{error, {thread_limit, _}} | _], Refused),
    [{error, {thread_limit, Text}} | _] = Refused,
    ?assertNotEqual(nomatch, string:find(Text, "open_backup_engine needs 8 thread(s)")),
    %% Alive, and the engines it opened work.
    ?assertEqual(pong, rocksdb_jnode:ping(maps:get(node, Info))),
    [{ok, E1} | _] = Opened,
    ?assertEqual({ok, []}, rocksdb:get_backup_info(E1)),
    %% Closing one makes room for another.
    ok = rocksdb:close_backup_engine(E1),
    {ok, E2} = Open(100),
    [ok = rocksdb:close_backup_engine(E) || {ok, E} <- [{ok, E2} | tl(Opened)]],
    ok.

%% A fresh cgroup with the pids controller that this (root) test may write, v1 or v2.
pids_cgroup() ->
    Name = "rocksdb_jnode_ct_" ++ os:getpid() ++ "_" ++ integer_to_list(erlang:unique_integer([positive])),
    Candidates = [filename:join("/sys/fs/cgroup/pids", Name), filename:join("/sys/fs/cgroup", Name)],
    pids_cgroup(Candidates).

pids_cgroup([]) ->
    {skip, "no writable cgroup with the pids controller here (needs root and /sys/fs/cgroup)"};
pids_cgroup([Dir | Rest]) ->
    case file:make_dir(Dir) of
        ok ->
            case filelib:is_regular(filename:join(Dir, "pids.max")) of
                true -> {ok, Dir};
                false -> _ = file:del_dir(Dir), pids_cgroup(Rest)
            end;
        {error, _} ->
            pids_cgroup(Rest)
    end.

read_int(File) ->
    {ok, Bin} = file:read_file(File),
    binary_to_integer(string:trim(Bin)).

%%%===================================================================
%%% Heap
%%%===================================================================

%% The client refuses a put above max_value_size before sending it.
oversized_put_refused_by_client(Config) ->
    Info = jnode_ct:start_node(Config),
    {ok, Max} = application:get_env(rocksdb_jnode, max_value_size),
    try
        {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
        ok = application:set_env(rocksdb_jnode, max_value_size, 1024),
        ?assertEqual({error, {too_large, 1025, 1024}}, rocksdb:put(Db, <<"k">>, <<0:8192>>, [])),
        ?assertEqual(ok, rocksdb:put(Db, <<"k">>, <<0:8184>>, [])),
        ?assertEqual(not_found, rocksdb:get(Db, <<"kk">>, [])),
        ok = rocksdb:close(Db)
    after
        application:set_env(rocksdb_jnode, max_value_size, Max),
        jnode_ct:stop_node(Info)
    end.

%% A request whose frame fits the node's heap but whose decoded terms do not gets
%% {error, {bad_request, too_large}} (sent raw, past the client's check); the node serves on.
request_too_large_for_heap_replied(Config) ->
    Info = jnode_ct:start_node(Config, #{jvm_args => ["-Xmx256m"]}),
    try
        {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
        Big = binary:copy(<<7>>, 150 * 1024 * 1024),
        %% A failed call's exit reason holds the request: keep the 150 MB out of the logs.
        Reply = try jnode_ct:call(Info, {put, Db, <<"big">>, Big, []})
                catch exit:{Reason, _Call} -> {exit, Reason}
                end,
        ?assertEqual({error, {bad_request, too_large}}, Reply),
        ?assertEqual(pong, rocksdb_jnode:ping(maps:get(node, Info))),
        ok = rocksdb:put(Db, <<"small">>, <<"v">>, []),
        ?assertEqual({ok, <<"v">>}, rocksdb:get(Db, <<"small">>, [])),
        ok = rocksdb:close(Db)
    after
        jnode_ct:stop_node(Info)
    end.

%% A request too large even to be read (JInterface's connection reader runs out of heap) is a
%% fatal error: the node logs it and exits with status 70, not 0, so a supervisor restarts it.
fatal_error_exits_non_zero(Config) ->
    #{port := Port, log := Log} = Info = jnode_ct:start_node(Config, #{jvm_args => ["-Xmx64m"]}),
    {connected, Keeper} = erlang:port_info(Port, connected),
    MRef = erlang:monitor(process, Keeper),
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
    Big = binary:copy(<<7>>, 100 * 1024 * 1024),
    Caller = spawn(fun() -> catch jnode_ct:call(Info, {put, Db, <<"big">>, Big, []}) end),
    Status = receive
                 {'DOWN', MRef, process, Keeper, Reason} -> Reason
             after 60000 ->
                 ct:fail(node_did_not_exit)
             end,
    exit(Caller, kill),
    ?assertEqual({exit_status, 70}, Status),
    {ok, Text} = file:read_file(Log),
    ?assertNotEqual(nomatch, binary:match(Text, <<"fatal error in thread">>)),
    ?assertNotEqual(nomatch, binary:match(Text, <<"OutOfMemoryError">>)),
    false = jnode_ct:os_pid_alive(maps:get(os_pid, Info)),
    ok.

%%%===================================================================
%%% Rates and vanished directories
%%%===================================================================

%% RocksDB refills a tenth of the rate every 100 ms: below 10 bytes/s a backup spins for ever
%% at 100% CPU and ignores stop_backup. Such rates are badarg; 0 (none) and 10 are accepted.
rate_limit_below_ten_badarg(Config) ->
    Info = jnode_ct:start_node(Config),
    try
        Dir = jnode_ct:dir(Config, "bk"),
        [?assertError(badarg, rocksdb:open_backup_engine(Dir, [{Key, Rate}]))
         || Key <- [backup_rate_limit, restore_rate_limit], Rate <- [1, 9]],
        {ok, E} = rocksdb:open_backup_engine(Dir, [{backup_rate_limit, 10}, {restore_rate_limit, 0}]),
        ok = rocksdb:close_backup_engine(E)
    after
        jnode_ct:stop_node(Info)
    end.

%% After rm -rf of an open engine's directory, get_backup_info and verify_backup say that the
%% directory is gone instead of listing backups that no longer exist.
engine_directory_removed(Config) ->
    Info = jnode_ct:start_node(Config),
    try
        DbPath = jnode_ct:dir(Config, "db"),
        Dir = jnode_ct:dir(Config, "bk"),
        {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
        ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
        {ok, E} = rocksdb:open_backup_engine(Dir),
        ok = rocksdb:create_new_backup(E, Db),
        {ok, [_]} = rocksdb:get_backup_info(E),
        ok = file:del_dir_r(Dir),
        {error, {error, InfoText}} = rocksdb:get_backup_info(E),
        {error, {error, VerifyText}} = rocksdb:verify_backup(E, 1),
        Expected = "IO error: " ++ Dir ++ ": the backup directory is gone",
        ?assertEqual(Expected, lists:sublist(InfoText, length(Expected))),
        ?assertEqual(Expected, lists:sublist(VerifyText, length(Expected))),
        ok = rocksdb:close_backup_engine(E),
        ok = rocksdb:close(Db)
    after
        jnode_ct:stop_node(Info)
    end.
