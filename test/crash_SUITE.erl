%% @doc Crashes and stops of the Java node: kill -9 during acknowledged puts, during a backup and
%% during a restore, followed by a restart under the same name on the same directories; calls
%% while the node is down and after it is back; a graceful stop by SIGTERM and by the `stop'
%% request while work is in flight; a wedged (SIGSTOPped) node.
%%
%% kill -9 is rocksdb_jnode_node:kill/1; a restart is a new Java node with the same node name
%% (jnode_ct:start_node/2 with that name) and the same DB and backup paths.
-module(crash_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([kill_during_puts/1, kill_during_backup/1, kill_during_restore/1,
         node_down_calls_return_errors/1, sigterm_graceful/1, stop_request_exits_zero/1,
         wedged_node/1, write_and_read_options_end_to_end/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

%% Values of the big DB: 100 incompressible values of 64 KiB (6.4 MB), so that a backup or a
%% restore rate-limited to 1 MB/s takes several seconds.
-define(BIG_KEYS, 100).
-define(BIG_VALUE, 65536).
-define(SLOW_RATE, 1000000).
%% A backup of the big DB at this rate takes about 13 s: far longer than a graceful stop may take,
%% so a stop that let it run to its end would show.
-define(SLOWER_RATE, 500000).
-define(WRITERS, 4).

all() ->
    [kill_during_puts, kill_during_backup, kill_during_restore,
     node_down_calls_return_errors, sigterm_graceful, stop_request_exits_zero, wedged_node,
     write_and_read_options_end_to_end].

suite() ->
    [{timetrap, {seconds, 90}}].

init_per_suite(Config) ->
    ok = jnode_ct:init_dist(),
    ok = own_ct:registry_start(),
    Config.

end_per_suite(_Config) ->
    own_ct:registry_stop().

init_per_testcase(wedged_node, Config) ->
    Keys = [call_timeout, heartbeat_interval, heartbeat_misses],
    Saved = [{K, application:get_env(rocksdb_jnode, K)} || K <- Keys],
    [{saved_env, Saved} | init_per_testcase(any, Config)];
init_per_testcase(_Case, Config) ->
    _ = own_ct:flush(),
    Config.

end_per_testcase(_Case, Config) ->
    own_ct:cleanup(),
    lists:foreach(fun({K, undefined}) -> application:unset_env(rocksdb_jnode, K);
                     ({K, {ok, V}}) -> application:set_env(rocksdb_jnode, K, V)
                  end, proplists:get_value(saved_env, Config, [])),
    ok.

%%%===================================================================
%%% kill -9 during acknowledged puts
%%%===================================================================

%% Several writers put keys as fast as they can, each counting the puts that returned ok; the node
%% is killed with kill -9 and restarted, three times. After each restart every acknowledged put
%% of every round is there.
kill_during_puts(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    Info0 = start(Config),
    Rounds = 3,
    {Info, Acked} =
        lists:foldl(
          fun(Round, {Info1, AckedSoFar}) ->
                  {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
                  Writers = start_writers(Db, Round),
                  timer:sleep(1500),
                  ok = kill(Info1),
                  Results = collect_writers(Writers, 10000),
                  ct:log("round ~b: writers' results ~p", [Round, Results]),
                  [?assertMatch({error, _}, Last) || {_, _, Last} <- Results],
                  RoundAcked = [{Round, W, N} || {W, N, _} <- Results],
                  Info2 = restart(Config, Info1),
                  {ok, Db2} = rocksdb:open(DbPath, []),
                  AllAcked = AckedSoFar ++ RoundAcked,
                  Missing = missing_puts(Db2, AllAcked),
                  ok = rocksdb:close(Db2),
                  ct:log("round ~b: ~b puts acknowledged this round, ~b in all; missing: ~p",
                         [Round, lists:sum([N || {_, _, N} <- RoundAcked]),
                          lists:sum([N || {_, _, N} <- AllAcked]), Missing]),
                  ?assertEqual([], Missing),
                  {Info2, AllAcked}
          end, {Info0, []}, lists:seq(1, Rounds)),
    stop(Info),
    Total = lists:sum([N || {_, _, N} <- Acked]),
    ?assert(Total > 0),
    {comment, lists:flatten(io_lib:format("~b kills survived; ~b acknowledged puts, all ~b "
                                          "recovered", [Rounds, Total, Total]))}.

%%%===================================================================
%%% kill -9 during a backup
%%%===================================================================

%% Backup 1 is made; backup 2, rate-limited, is cut by kill -9 while its files are being copied.
%% After a restart the engine opens, backup 1 verifies with checksums, backup 2 is not listed;
%% leftovers of the partial backup (.tmp files, private/2, shared files no meta lists) are
%% recorded, and gc_backup_engine removes them all. A new backup then gets id 2 and verifies.
kill_during_backup(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    BackupDir = jnode_ct:dir(Config, "backup"),
    Info = start(Config),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    ok = put_small(Db),
    ok = rocksdb:flush(Db, []),
    {ok, Fast} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:create_new_backup(Fast, Db),
    ok = rocksdb:close_backup_engine(Fast),
    ok = put_big(Db),
    ok = rocksdb:flush(Db, []),
    {ok, Slow} = rocksdb:open_backup_engine(BackupDir, [{backup_rate_limit, ?SLOW_RATE}]),
    Backup = async(fun() -> rocksdb:create_new_backup(Slow, Db) end),
    jnode_ct:wait_until(fun() -> partial_backup(BackupDir, 2) =/= [] end, 10000,
                        backup_2_in_progress),
    timer:sleep(500),
    Before = partial_backup(BackupDir, 2),
    ok = kill(Info),
    ?assertMatch({error, {nodedown, _}}, await_async(Backup, 5000)),
    AfterKill = leftovers(BackupDir),
    ct:log("partial backup files before the kill: ~p~nleftovers after the kill: ~p",
           [Before, AfterKill]),

    Info2 = restart(Config, Info),
    {ok, Engine} = rocksdb:open_backup_engine(BackupDir),
    {ok, Infos} = rocksdb:get_backup_info(Engine),
    ?assertMatch([#{id := 1}], Infos),
    ok = rocksdb:verify_backup(Engine, 1, [{verify_with_checksum, true}]),
    AfterOpen = leftovers(BackupDir),
    ok = rocksdb:gc_backup_engine(Engine),
    AfterGc = leftovers(BackupDir),
    ct:log("leftovers after the restart and engine open: ~p~nafter gc_backup_engine: ~p",
           [AfterOpen, AfterGc]),
    ?assertEqual([], AfterGc),
    ok = rocksdb:verify_backup(Engine, 1, [{verify_with_checksum, true}]),
    %% Backup 1 restores with its data; a new backup of the recovered DB works and gets id 2.
    Restored = jnode_ct:dir(Config, "restored"),
    ok = rocksdb:restore_db_from_backup(Engine, 1, Restored),
    {ok, R} = rocksdb:open(Restored, []),
    ok = check_small(R),
    ?assertEqual(not_found, rocksdb:get(R, big_key(1), [])),
    ok = rocksdb:close(R),
    {ok, Db2} = rocksdb:open(DbPath, []),
    ok = check_big(Db2),
    ok = rocksdb:create_new_backup(Engine, Db2),
    ?assertMatch({ok, [#{id := 1}, #{id := 2}]}, rocksdb:get_backup_info(Engine)),
    ok = rocksdb:verify_backup(Engine, 2, [{verify_with_checksum, true}]),
    ok = rocksdb:close_backup_engine(Engine),
    ok = rocksdb:close(Db2),
    stop(Info2),
    {comment, lists:flatten(io_lib:format("leftovers after kill: ~b (~s); after open: ~b; "
                                          "after gc: ~b",
                                          [length(AfterKill), summary(AfterKill),
                                           length(AfterOpen), length(AfterGc)]))}.

%% Files of the partial backup Id: its private directory's files and .tmp files.
partial_backup(Dir, Id) ->
    Private = filename:join([Dir, "private", integer_to_list(Id)]),
    [F || F <- all_files(Dir),
          lists:prefix(Private ++ "/", F) orelse is_tmp(F)].

%% What a partial backup may leave: .tmp files, private/<id> directories of ids that no meta file
%% names, and shared files that no meta file lists.
leftovers(Dir) ->
    Files = all_files(Dir),
    Metas = [filename:basename(F) || F <- Files,
                                      filename:dirname(F) =:= filename:join(Dir, "meta"),
                                      not is_tmp(F)],
    Listed = lists:append([meta_files(Dir, M) || M <- Metas]),
    Tmp = [F || F <- Files, is_tmp(F)],
    PrivateDirs = case file:list_dir(filename:join(Dir, "private")) of
                      {ok, Ids} -> [filename:join([Dir, "private", Id]) || Id <- Ids,
                                                                         not lists:member(Id, Metas)];
                      {error, _} -> []
                  end,
    Unlisted = [F || F <- Files,
                     lists:prefix(filename:join(Dir, "shared"), F),
                     not is_tmp(F),
                     not lists:member(F, Listed)],
    lists:usort([{tmp, F} || F <- Tmp] ++ [{private, D} || D <- PrivateDirs]
                ++ [{unlisted_shared, F} || F <- Unlisted]).

%% The absolute paths of the files a meta file lists.
meta_files(Dir, Id) ->
    {ok, Bin} = file:read_file(filename:join([Dir, "meta", Id])),
    Lines = string:lexemes(binary_to_list(Bin), "\n"),
    [filename:join(Dir, hd(string:lexemes(L, " "))) || L <- Lines,
                                                        lists:prefix("shared", L)
                                                            orelse lists:prefix("private", L)].

is_tmp(F) ->
    filename:extension(F) =:= ".tmp".

all_files(Dir) ->
    case file:list_dir(Dir) of
        {ok, Names} ->
            lists:append([case filelib:is_dir(P) of
                              true -> all_files(P);
                              false -> [P]
                          end || N <- lists:sort(Names), P <- [filename:join(Dir, N)]]);
        {error, _} ->
            []
    end.

summary(Leftovers) ->
    Kinds = [K || {K, _} <- Leftovers],
    string:join([io_lib:format("~p ~b", [K, length([x || K2 <- Kinds, K2 =:= K])])
                 || K <- lists:usort(Kinds)], ", ").

%%%===================================================================
%%% kill -9 during a restore
%%%===================================================================

%% A rate-limited restore is cut by kill -9; after a restart, the next restore into the same
%% directory succeeds and the DB opens with all its data.
kill_during_restore(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    BackupDir = jnode_ct:dir(Config, "backup"),
    Target = jnode_ct:dir(Config, "target"),
    Info = start(Config),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    ok = put_small(Db),
    ok = put_big(Db),
    {ok, Fast} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:create_new_backup(Fast, Db),
    ok = rocksdb:close_backup_engine(Fast),
    ok = rocksdb:close(Db),
    {ok, Slow} = rocksdb:open_backup_engine(BackupDir, [{restore_rate_limit, ?SLOW_RATE}]),
    Restore = async(fun() -> rocksdb:restore_db_from_backup(Slow, 1, Target) end),
    jnode_ct:wait_until(fun() -> all_files(Target) =/= [] end, 10000, restore_in_progress),
    timer:sleep(500),
    ok = kill(Info),
    ?assertMatch({error, {nodedown, _}}, await_async(Restore, 5000)),
    Partial = all_files(Target),
    ct:log("target after the kill: ~p", [[{F, filelib:file_size(F)} || F <- Partial]]),
    ?assertNotEqual([], Partial),

    Info2 = restart(Config, Info),
    {ok, Engine} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:restore_db_from_backup(Engine, 1, Target),
    {ok, R} = rocksdb:open(Target, []),
    ok = check_small(R),
    ok = check_big(R),
    ok = rocksdb:close(R),
    ok = rocksdb:close_backup_engine(Engine),
    stop(Info2),
    {comment, lists:flatten(io_lib:format("~b partial files in the target after the kill",
                                          [length(Partial)]))}.

%%%===================================================================
%%% Calls while the node is down, and after it is back
%%%===================================================================

%% With the node dead, calls return {error, {nodedown, Node}} at once, quick and long ones alike
%% (the times are logged; the bound only tells "at once" from waiting out a timeout); with a node back under the same name, new calls work without
%% restarting the client application (old handles are unknown to the new node: badarg).
node_down_calls_return_errors(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    Info = #{node := Node} = start(Config),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    {ok, Engine} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "backup")),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, [{sync, true}]),
    Sup = whereis(rocksdb_jnode_sup),
    ok = kill(Info),
    Down = {error, {nodedown, Node}},
    Timed = [{open, timed(fun() -> rocksdb:open(jnode_ct:dir(Config, "other"),
                                                [{create_if_missing, true}]) end)},
             {put, timed(fun() -> rocksdb:put(Db, <<"k2">>, <<"v">>, []) end)},
             {get, timed(fun() -> rocksdb:get(Db, <<"k">>, []) end)},
             {get_backup_info, timed(fun() -> rocksdb:get_backup_info(Engine) end)},
             {create_new_backup, timed(fun() -> rocksdb:create_new_backup(Engine, Db) end)},
             {open_backup_engine, timed(fun() -> rocksdb:open_backup_engine(
                                                   jnode_ct:dir(Config, "b2")) end)},
             {ping, timed(fun() -> rocksdb:ping() end)}],
    ct:log("calls while the node is down: ~p", [Timed]),
    [?assertEqual({What, Down}, {What, Result}) || {What, {Result, _}} <- Timed],
    %% Not a speed goal: call_timeout is 30 s, so 10 s tells "answered at once" from "waited for a
    %% reply that could not come", even on a loaded 2-core machine.
    [?assertEqual({What, fast}, {What, if Ms < 10000 -> fast; true -> Ms end})
     || {What, {_, Ms}} <- Timed],

    Info2 = restart(Config, Info),
    ?assertEqual(Sup, whereis(rocksdb_jnode_sup)),
    ?assertEqual(pong, rocksdb:ping()),
    {ok, Db2} = rocksdb:open(DbPath, []),
    ?assertEqual({ok, <<"v">>}, rocksdb:get(Db2, <<"k">>, [])),
    ok = rocksdb:put(Db2, <<"k3">>, <<"v3">>, []),
    ?assertEqual({ok, <<"v3">>}, rocksdb:get(Db2, <<"k3">>, [])),
    %% The old handles name the same node, which never minted them.
    ?assertError(badarg, rocksdb:get(Db, <<"k">>, [])),
    ?assertError(badarg, rocksdb:get_backup_info(Engine)),
    ok = rocksdb:close(Db2),
    stop(Info2),
    ?assertEqual([], own_ct:flush()),
    {comment, lists:flatten(io_lib:format("while down: ~w ms",
                                          [[Ms || {_, {_, Ms}} <- Timed]]))}.

%%%===================================================================
%%% Graceful stops
%%%===================================================================

%% SIGTERM while puts and a rate-limited backup are in flight: the OS process exits with status
%% 0; every writer's last call got {error, shutting_down} (none hangs); every acknowledged put is
%% there after a restart; the backup, which would need about 13 s more, is stopped: it returns
%% {error, incomplete} and is not listed.
sigterm_graceful(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    BackupDir = jnode_ct:dir(Config, "backup"),
    Info = #{os_pid := OsPid} = start(Config),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    ok = put_small(Db),
    {ok, Fast} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:create_new_backup(Fast, Db),
    ok = rocksdb:close_backup_engine(Fast),
    ok = put_big(Db),
    {ok, Slow} = rocksdb:open_backup_engine(BackupDir, [{backup_rate_limit, ?SLOWER_RATE}]),
    Exit = watch_exit(Info),
    Writers = start_writers(Db, 1),
    Backup = async(fun() -> rocksdb:create_new_backup(Slow, Db, [{flush_before_backup, true}])
                   end),
    jnode_ct:wait_until(fun() -> partial_backup(BackupDir, 2) =/= [] end, 10000,
                        backup_2_in_progress),
    timer:sleep(500),
    T0 = own_ct:now_ms(),
    own_ct:os_kill(OsPid, "TERM"),
    %% Within 10 s of the signal (call_timeout is 30 s: a call that had to time out would be a
    %% hang here; and the backup, left to run, would need about 13 s).
    {Status, ExitMs} = await_exit(Exit, T0, 10000),
    Results = collect_writers(Writers, 10000),
    BackupResult = await_async(Backup, 10000),
    ct:log("SIGTERM: exit status ~p after ~b ms; writers ~p; backup ~p",
           [Status, ExitMs, Results, BackupResult]),
    ?assertEqual(0, Status),
    [?assertEqual({W, {error, shutting_down}}, {W, Last}) || {W, _, Last} <- Results],
    ?assertEqual({error, incomplete}, BackupResult),

    Info2 = restart(Config, Info),
    {ok, Db2} = rocksdb:open(DbPath, []),
    Acked = [{1, W, N} || {W, N, _} <- Results],
    ?assertEqual([], missing_puts(Db2, Acked)),
    ok = check_big(Db2),
    {ok, Engine} = rocksdb:open_backup_engine(BackupDir),
    ?assertMatch({ok, [#{id := 1}]}, rocksdb:get_backup_info(Engine)),
    ok = rocksdb:verify_backup(Engine, 1, [{verify_with_checksum, true}]),
    Leftovers = leftovers(BackupDir),
    ct:log("backup dir leftovers after the graceful stop: ~p", [Leftovers]),
    ok = rocksdb:close_backup_engine(Engine),
    ok = rocksdb:close(Db2),
    stop(Info2),
    Total = lists:sum([N || {_, _, N} <- Acked]),
    {comment, lists:flatten(io_lib:format("exit 0 after ~b ms; ~b acked puts recovered; "
                                          "backup: ~p; ~b leftovers",
                                          [ExitMs, Total, BackupResult, length(Leftovers)]))}.

%% The `stop' request (rocksdb_jnode_node:stop/1) while puts are in flight: exit status 0, each
%% writer's last put gets {error, shutting_down}, and the acknowledged puts are there after a
%% restart.
stop_request_exits_zero(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    Info = start(Config),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    Exit = watch_exit(Info),
    Writers = start_writers(Db, 1),
    timer:sleep(500),
    T0 = own_ct:now_ms(),
    ok = rocksdb_jnode_node:stop(Info),
    {Status, ExitMs} = await_exit(Exit, T0, 10000),
    Results = collect_writers(Writers, 10000),
    ct:log("stop request: exit status ~p after ~b ms; writers ~p", [Status, ExitMs, Results]),
    ?assertEqual(0, Status),
    [?assertEqual({W, {error, shutting_down}}, {W, Last}) || {W, _, Last} <- Results],
    Info2 = restart(Config, Info),
    {ok, Db2} = rocksdb:open(DbPath, []),
    Acked = [{1, W, N} || {W, N, _} <- Results],
    ?assertEqual([], missing_puts(Db2, Acked)),
    ok = rocksdb:close(Db2),
    stop(Info2),
    {comment, lists:flatten(io_lib:format("exit 0 after ~b ms; ~b acked puts recovered",
                                          [ExitMs, lists:sum([N || {_, _, N} <- Acked])]))}.

%% The keeper of the node's port (rocksdb_jnode_node) exits with {exit_status, Status} when the
%% OS process ends: monitor it.
watch_exit(#{port := Port}) ->
    {connected, Keeper} = erlang:port_info(Port, connected),
    erlang:monitor(process, Keeper).

await_exit(MRef, T0, Timeout) ->
    receive
        {'DOWN', MRef, process, _, {exit_status, Status}} -> {Status, own_ct:now_ms() - T0};
        {'DOWN', MRef, process, _, Other} -> ct:fail({keeper_exit, Other})
    after Timeout ->
        ct:fail(node_did_not_exit)
    end.

%%%===================================================================
%%% A wedged node
%%%===================================================================

%% The node's OS process is stopped (SIGSTOP). A long call gives up with
%% {error, {node_unresponsive, Node}} after about heartbeat_misses heartbeats (each an interval's
%% wait plus a ping that times out after an interval); a quick call returns {error, timeout}
%% after call_timeout. After SIGCONT the late replies reach nobody: nothing lands in this
%% process's mailbox.
wedged_node(Config) ->
    Interval = 300,
    Misses = 3,
    CallTimeout = 1000,
    ok = application:set_env(rocksdb_jnode, heartbeat_interval, Interval),
    ok = application:set_env(rocksdb_jnode, heartbeat_misses, Misses),
    ok = application:set_env(rocksdb_jnode, call_timeout, CallTimeout),
    Info = #{node := Node, os_pid := OsPid} = start(Config),
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
    ok = put_small(Db),
    {ok, Engine} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "backup")),
    ok = rocksdb:create_new_backup(Engine, Db),
    ?assertEqual([], own_ct:flush()),

    own_ct:os_kill(OsPid, "STOP"),
    {Long1, Long1Ms} = timed(fun() -> rocksdb:create_new_backup(Engine, Db) end),
    {Long2, Long2Ms} = timed(fun() -> rocksdb:verify_backup(Engine, 1,
                                                            [{verify_with_checksum, true}])
                             end),
    {Quick1, Quick1Ms} = timed(fun() -> rocksdb:put(Db, <<"k">>, <<"v">>, []) end),
    {Quick2, Quick2Ms} = timed(fun() -> rocksdb:get(Db, <<"k">>, []) end),
    own_ct:os_kill(OsPid, "CONT"),
    ct:log("wedged: create_new_backup ~p in ~b ms; verify_backup ~p in ~b ms; "
           "put ~p in ~b ms; get ~p in ~b ms",
           [Long1, Long1Ms, Long2, Long2Ms, Quick1, Quick1Ms, Quick2, Quick2Ms]),
    ?assertEqual({error, {node_unresponsive, Node}}, Long1),
    ?assertEqual({error, {node_unresponsive, Node}}, Long2),
    ?assertEqual({error, timeout}, Quick1),
    ?assertEqual({error, timeout}, Quick2),
    %% A long call waits Misses times for an interval and a failed ping of an interval, so it
    %% cannot give up sooner; a quick call not before call_timeout. The upper bounds are not
    %% timing goals (the times are logged): they only tell giving up from hanging, with room
    %% for a loaded 2-core machine.
    [?assert(Ms >= Interval * Misses andalso Ms =< 2 * Interval * Misses + 10000)
     || Ms <- [Long1Ms, Long2Ms]],
    [?assert(Ms >= CallTimeout andalso Ms =< CallTimeout + 10000) || Ms <- [Quick1Ms, Quick2Ms]],

    %% Resumed, the node answers again and runs what was queued; its late replies go nowhere.
    jnode_ct:wait_until(fun() -> rocksdb:ping() =:= pong end, 10000, node_resumed),
    jnode_ct:wait_until(fun() -> rocksdb:get(Db, <<"k">>, []) =:= {ok, <<"v">>} end, 10000,
                        queued_put_ran),
    timer:sleep(1000),
    ok = kill(Info),
    timer:sleep(200),
    Stray = own_ct:flush(),
    ?assertEqual([], Stray),
    ?assertEqual({message_queue_len, 0}, process_info(self(), message_queue_len)),
    {comment, lists:flatten(io_lib:format("long calls gave up after ~b/~b ms, quick calls "
                                          "after ~b/~b ms", [Long1Ms, Long2Ms, Quick1Ms,
                                                             Quick2Ms]))}.

%%%===================================================================
%%% Write and read options, end to end
%%%===================================================================

%% Puts with no options, {sync, true} and {sync, false} survive a kill -9 of the node (they are
%% in the WAL, which the OS holds even when the process dies); a put with {disable_wal, true}
%% that no flush wrote to a table file is only in the memtable, and is gone after the kill,
%% which shows the option reached RocksDB. Gets with verify_checksums and fill_cache, either
%% way, read the same values.
write_and_read_options_end_to_end(Config) ->
    DbPath = jnode_ct:dir(Config, "db"),
    Info = start(Config),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    Puts = [{<<"plain">>, []}, {<<"synced">>, [{sync, true}]}, {<<"unsynced">>, [{sync, false}]},
            {<<"wal_on">>, [{disable_wal, false}]}, {<<"no_wal">>, [{disable_wal, true}]}],
    [?assertEqual({K, ok}, {K, rocksdb:put(Db, K, K, Opts)}) || {K, Opts} <- Puts],
    ReadOpts = [[], [{verify_checksums, true}], [{verify_checksums, false}],
                [{fill_cache, true}], [{fill_cache, false}],
                [{verify_checksums, true}, {fill_cache, false}]],
    [?assertEqual({K, R, {ok, K}}, {K, R, rocksdb:get(Db, K, R)}) || {K, _} <- Puts, R <- ReadOpts],
    ok = kill(Info),
    Info2 = restart(Config, Info),
    {ok, Db2} = rocksdb:open(DbPath, []),
    After = [{K, rocksdb:get(Db2, K, [])} || {K, _} <- Puts],
    ct:log("after kill -9: ~p", [After]),
    ?assertEqual([{K, {ok, K}} || {K, _} <- Puts, K =/= <<"no_wal">>] ++ [{<<"no_wal">>, not_found}],
                 After),
    %% Flushed, a disable_wal put survives too.
    ok = rocksdb:put(Db2, <<"no_wal_flushed">>, <<"x">>, [{disable_wal, true}]),
    ok = rocksdb:flush(Db2, []),
    ok = kill(Info2),
    Info3 = restart(Config, Info2),
    {ok, Db3} = rocksdb:open(DbPath, []),
    ?assertEqual({ok, <<"x">>}, rocksdb:get(Db3, <<"no_wal_flushed">>, [])),
    ok = rocksdb:close(Db3),
    stop(Info3).

%%%===================================================================
%%% Helpers
%%%===================================================================

start(Config) ->
    Info = jnode_ct:start_node(Config),
    own_ct:track({java, Info}),
    Info.

%% A new Java node with the name of the one in Info.
restart(Config, #{node := Node} = Old) ->
    own_ct:untrack({java, Old}),
    Info = jnode_ct:start_node(Config, #{name => Node}),
    own_ct:track({java, Info}),
    Info.

kill(Info) ->
    jnode_ct:kill_node(Info).

stop(Info) ->
    jnode_ct:stop_node(Info),
    own_ct:untrack({java, Info}).

%% Writers put <<"w<Round>-<W>-<I>">> for I = 1, 2, ... until a put does not return ok.
start_writers(Db, Round) ->
    Parent = self(),
    [begin
         Pid = spawn(fun() -> writer(Parent, Db, Round, W, 1) end),
         own_ct:track({proc, Pid}),
         {W, Pid}
     end || W <- lists:seq(1, ?WRITERS)].

writer(Parent, Db, Round, W, I) ->
    Key = writer_key(Round, W, I),
    case rocksdb:put(Db, Key, Key, []) of
        ok -> writer(Parent, Db, Round, W, I + 1);
        Other -> Parent ! {writer_done, self(), I - 1, Other}
    end.

writer_key(Round, W, I) ->
    iolist_to_binary(io_lib:format("w~b-~b-~8..0b", [Round, W, I])).

%% [{W, AckedCount, LastResult}]; fails when a writer does not finish in time (a hung call).
collect_writers(Writers, Timeout) ->
    Deadline = own_ct:now_ms() + Timeout,
    [receive
         {writer_done, Pid, N, Last} -> own_ct:untrack({proc, Pid}), {W, N, Last}
     after max(0, Deadline - own_ct:now_ms()) ->
         ct:fail({writer_hung, W})
     end || {W, Pid} <- Writers].

%% The acknowledged puts that are not in Db (one reader per writer and round).
missing_puts(Db, Acked) ->
    Parent = self(),
    Refs = [begin
                Ref = make_ref(),
                _ = spawn_link(fun() ->
                                       Parent ! {Ref, [{Round, W, I} || I <- lists:seq(1, N),
                                                       not is_put(Db, writer_key(Round, W, I))]}
                               end),
                Ref
            end || {Round, W, N} <- Acked],
    lists:append([receive {Ref, Missing} -> Missing end || Ref <- Refs]).

is_put(Db, Key) ->
    rocksdb:get(Db, Key, []) =:= {ok, Key}.

put_small(Db) ->
    lists:foreach(fun(I) -> ok = rocksdb:put(Db, small_key(I), small_key(I), []) end,
                  lists:seq(1, 100)).

check_small(Db) ->
    lists:foreach(fun(I) -> ?assertEqual({ok, small_key(I)}, rocksdb:get(Db, small_key(I), []))
                  end, lists:seq(1, 100)).

small_key(I) ->
    <<"small-", (integer_to_binary(I))/binary>>.

put_big(Db) ->
    lists:foreach(fun(I) -> ok = rocksdb:put(Db, big_key(I), big_value(I), []) end,
                  lists:seq(1, ?BIG_KEYS)),
    ok = rocksdb:flush(Db, []).

check_big(Db) ->
    lists:foreach(fun(I) -> ?assert({ok, big_value(I)} =:= rocksdb:get(Db, big_key(I), []))
                  end, lists:seq(1, ?BIG_KEYS)).

big_key(I) ->
    <<"big-", (integer_to_binary(I))/binary>>.

%% Incompressible and the same for the same I.
big_value(I) ->
    State = rand:seed_s(exsss, {I, I * 7, I * 13}),
    {Bytes, _} = rand:bytes_s(?BIG_VALUE, State),
    Bytes.

%% Runs Fun in a new process; await_async/2 gets its result.
async(Fun) ->
    Parent = self(),
    Ref = make_ref(),
    Pid = spawn(fun() -> Parent ! {Ref, Fun()} end),
    own_ct:track({proc, Pid}),
    {Ref, Pid}.

await_async({Ref, Pid}, Timeout) ->
    receive
        {Ref, Result} -> own_ct:untrack({proc, Pid}), Result
    after Timeout ->
        ct:fail({call_hung, Timeout})
    end.

%% {Result, Ms}.
timed(Fun) ->
    T0 = own_ct:now_ms(),
    Result = Fun(),
    {Result, own_ct:now_ms() - T0}.
