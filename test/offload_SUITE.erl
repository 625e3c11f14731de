%% @doc rocksdb_jnode_offload: backups of a database kept with erlang-rocksdb, made by a Java
%% node's backup engine, on demand and on a schedule.
%%
%% The NIF is not built here, so a second Java node stands in for it: node A holds the live
%% database (opened with rocksdb_jnode on A) and the checkpoint function given to the helper
%% calls rocksdb_jnode:checkpoint/2 there; node B holds the backup engine, which backs up the
%% checkpoint by path. In this test node the module `rocksdb' is this project's facade, so the
%% helper must refuse to run without a checkpoint function.
-module(offload_SUITE).

-export([all/0, groups/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([backup_restores_db_contents/1, backup_with_metadata/1,
         checkpoint_fun_returns_error/1, checkpoint_fun_raises/1,
         backup_fails_on_incomplete_checkpoint/1, backup_fails_on_closed_engine/1,
         retention_keeps_n/1, refuses_without_nif/1, refuses_existing_checkpoint_dir/1,
         refuses_checkpoint_dir_inside_db/1, refuses_path_without_db/1, bad_options/1,
         never_touches_db_dir/1, caller_killed_mid_run/1,
         scheduler_runs_and_reports/1, scheduler_no_overlap/1,
         scheduler_failed_run_retried/1, scheduler_engine_fun/1, scheduler_refuses_without_nif/1,
         scheduler_stop_waits_for_run/1, scheduler_under_supervisor/1]).
%% A logger handler (events to the test process) and a supervisor callback.
-export([log/2, init/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

-define(SUFFIX, ".jnode-checkpoint-").
-define(HANDLER, offload_SUITE_handler).

suite() ->
    [{timetrap, {seconds, 60}}].

all() ->
    [{group, on_demand}, {group, scheduler}].

groups() ->
    [{on_demand, [], [backup_restores_db_contents, backup_with_metadata,
                      checkpoint_fun_returns_error, checkpoint_fun_raises,
                      backup_fails_on_incomplete_checkpoint, backup_fails_on_closed_engine,
                      retention_keeps_n, refuses_without_nif, refuses_existing_checkpoint_dir,
                      refuses_checkpoint_dir_inside_db, refuses_path_without_db, bad_options,
                      never_touches_db_dir, caller_killed_mid_run]},
     {scheduler, [], [scheduler_runs_and_reports, scheduler_no_overlap,
                      scheduler_failed_run_retried, scheduler_engine_fun,
                      scheduler_refuses_without_nif,
                      scheduler_stop_waits_for_run, scheduler_under_supervisor]}].

init_per_suite(Config) ->
    %% Node A plays the NIF (it holds the live DB), node B holds the backup engines. Names
    %% take this node's host, so it is made distributed first.
    ok = jnode_ct:init_dist(),
    A = jnode_ct:start_node(Config, #{name => rocksdb_jnode_jvm:unique_name("offload_a")}),
    B = jnode_ct:start_node(Config, #{name => rocksdb_jnode_jvm:unique_name("offload_b")}),
    [{node_a, A}, {node_b, B} | Config].

end_per_suite(Config) ->
    ok = jnode_ct:stop_node(?config(node_a, Config)),
    ok = jnode_ct:stop_node(?config(node_b, Config)).

%% Each case gets a live DB on A (owned by the case's process) with ten keys, and an engine
%% on B in a fresh directory; log events of the helper come to the case's process.
init_per_testcase(_Case, Config) ->
    #{node := NodeA} = ?config(node_a, Config),
    #{node := NodeB} = ?config(node_b, Config),
    DbPath = jnode_ct:dir(Config, "live_db"),
    {ok, Db} = rocksdb_jnode:open(DbPath, [{create_if_missing, true}, {node, NodeA}]),
    [ok = rocksdb_jnode:put(Db, key(I), value(I), []) || I <- lists:seq(1, 10)],
    {ok, Engine} = rocksdb_jnode:open_backup_engine(jnode_ct:dir(Config, "backups"),
                                                    [{node, NodeB}]),
    ok = logger:add_handler(?HANDLER, ?MODULE, #{level => all, config => #{pid => self()}}),
    ok = logger:set_module_level(rocksdb_jnode_offload, all),
    [{db, Db}, {db_path, DbPath}, {engine, Engine} | Config].

end_per_testcase(_Case, Config) ->
    _ = logger:remove_handler(?HANDLER),
    ok = logger:unset_module_level(rocksdb_jnode_offload),
    %% No case leaves a checkpoint behind, and both nodes still serve.
    ?assertEqual([], checkpoints(?config(db_path, Config))),
    pong = rocksdb_jnode:ping(maps:get(node, ?config(node_a, Config))),
    pong = rocksdb_jnode:ping(maps:get(node, ?config(node_b, Config))),
    ok.

%%%===================================================================
%%% On demand
%%%===================================================================

%% A run makes a backup on B whose restore holds the DB's contents; the checkpoint is gone.
backup_restores_db_contents(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    {ok, Info} = rocksdb_jnode_offload:backup(Engine, Db, DbPath, [checkpoint_on_a()]),
    ct:log("info: ~p", [Info]),
    #{backup_id := 1, size := Size, number_files := Files, checkpoint_dir := Dir,
      checkpoint_ms := CMs, backup_ms := BMs, purge := not_requested} = Info,
    ?assert(Size > 0 andalso Files > 0 andalso CMs >= 0 andalso BMs >= 0),
    ?assertEqual(DbPath ++ ?SUFFIX, lists:sublist(Dir, length(DbPath ++ ?SUFFIX))),
    ?assertNot(filelib:is_dir(Dir)),
    ?assertEqual([], checkpoints(DbPath)),
    ?assertMatch({ok, [#{id := 1}]}, rocksdb_jnode:get_backup_info(Engine)),
    %% Writes after the run are not in the backup.
    ok = rocksdb_jnode:put(Db, <<"later">>, <<"x">>, []),
    Target = jnode_ct:dir(Config, "restored"),
    ok = rocksdb_jnode:restore_db_from_backup(Engine, 1, Target),
    check_restored(Config, Target, lists:seq(1, 10), [<<"later">>]).

%% backup_options reach create_new_backup: the metadata is in the backup's info.
backup_with_metadata(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    {ok, #{backup_id := 1}} =
        rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                     [checkpoint_on_a(),
                                      {backup_options, [{metadata, <<"nightly">>}]}]),
    ?assertMatch({ok, [#{id := 1, app_metadata := <<"nightly">>}]},
                 rocksdb_jnode:get_backup_info(Engine)).

%% The checkpoint function fails after creating part of the directory: the error is returned,
%% the directory removed, no backup made.
checkpoint_fun_returns_error(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Fail = fun(_Db, Dir) ->
                   ok = file:make_dir(Dir),
                   ok = file:write_file(filename:join(Dir, "partial.sst"), <<"half">>),
                   {error, disk_full}
           end,
    ?assertEqual({error, {checkpoint_failed, disk_full}},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath, [{checkpoint_fun, Fail}])),
    ?assertEqual([], checkpoints(DbPath)),
    %% Anything but ok is a failure too.
    ?assertEqual({error, {checkpoint_failed, what}},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                              [{checkpoint_fun, fun(_, _) -> what end}])),
    ?assertEqual({ok, []}, rocksdb_jnode:get_backup_info(Engine)).

%% The checkpoint function raises (each class): returned as checkpoint_raised, dir removed.
checkpoint_fun_raises(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Raise = fun(Class) ->
                    fun(_Db, Dir) ->
                            ok = file:make_dir(Dir),
                            erlang:raise(Class, boom, [])
                    end
            end,
    [?assertEqual({error, {checkpoint_raised, {Class, boom}}},
                  rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                               [{checkpoint_fun, Raise(Class)}]))
     || Class <- [throw, error, exit]],
    ?assertEqual([], checkpoints(DbPath)),
    ?assertEqual({ok, []}, rocksdb_jnode:get_backup_info(Engine)).

%% A checkpoint function that leaves an incomplete directory (no DB in it): the backup fails,
%% the error says so, the directory is removed.
backup_fails_on_incomplete_checkpoint(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Incomplete = fun(_Db, Dir) ->
                         ok = file:make_dir(Dir),
                         file:write_file(filename:join(Dir, "000001.sst"), <<"not a table">>)
                 end,
    {error, {backup_failed, Reason}} =
        rocksdb_jnode_offload:backup(Engine, Db, DbPath, [{checkpoint_fun, Incomplete}]),
    ct:log("backup_failed: ~p", [Reason]),
    ?assertEqual([], checkpoints(DbPath)),
    ?assertEqual({ok, []}, rocksdb_jnode:get_backup_info(Engine)).

%% A closed engine: create_new_backup raises badarg, returned as backup_raised; the (real)
%% checkpoint is removed.
backup_fails_on_closed_engine(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    ok = rocksdb_jnode:close_backup_engine(Engine),
    Self = self(),
    Checkpoint = fun(D, Dir) ->
                         ok = rocksdb_jnode:checkpoint(D, Dir),
                         Self ! {checkpoint_made, filelib:is_file(filename:join(Dir, "CURRENT"))},
                         ok
                 end,
    ?assertEqual({error, {backup_raised, {error, badarg}}},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath, [{checkpoint_fun, Checkpoint}])),
    receive {checkpoint_made, Made} -> ?assert(Made) after 0 -> ct:fail(no_checkpoint) end,
    ?assertEqual([], checkpoints(DbPath)).

%% {keep, N}: after each run only the newest N backups remain.
retention_keeps_n(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Ids = [begin
               ok = rocksdb_jnode:put(Db, <<"round">>, integer_to_binary(I), []),
               {ok, #{backup_id := Id, purge := ok}} =
                   rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                                [checkpoint_on_a(), {keep, 2}]),
               Id
           end || I <- lists:seq(1, 4)],
    ?assertEqual([1, 2, 3, 4], Ids),
    {ok, Left} = rocksdb_jnode:get_backup_info(Engine),
    ?assertEqual([3, 4], [Id || #{id := Id} <- Left]).

%% Without a checkpoint function the helper needs erlang-rocksdb's NIF; in this node `rocksdb'
%% is the facade (no NIFs), which must be refused, never called.
refuses_without_nif(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    {module, rocksdb} = code:ensure_loaded(rocksdb),
    ?assertEqual(code:lib_dir(rocksdb_compat, ebin), filename:dirname(code:which(rocksdb))),
    ?assertNot(rocksdb_jnode_offload:nif_loaded()),
    %% Db is a live handle the facade's checkpoint/2 would accept: a call would make a dir.
    ?assertEqual({error, nif_not_loaded},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath, [])),
    ?assertEqual({error, nif_not_loaded},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath, [{keep, 1}])),
    ?assertEqual([], checkpoints(DbPath)),
    ?assertEqual({ok, []}, rocksdb_jnode:get_backup_info(Engine)).

%% A checkpoint directory that exists is refused and left as it was; the function not called.
refuses_existing_checkpoint_dir(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Dir = DbPath ++ ?SUFFIX ++ "taken",
    ok = file:make_dir(Dir),
    ok = file:write_file(filename:join(Dir, "keep_me"), <<"mine">>),
    Self = self(),
    Spy = fun(_, _) -> Self ! called, ok end,
    ?assertEqual({error, {checkpoint_dir_exists, Dir}},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                              [{checkpoint_fun, Spy}, {checkpoint_dir, Dir}])),
    ?assertEqual({ok, <<"mine">>}, file:read_file(filename:join(Dir, "keep_me"))),
    %% A plain file, or a dangling link, at that name counts as existing too.
    Link = DbPath ++ ?SUFFIX ++ "link",
    ok = file:make_symlink("/nonexistent/target", Link),
    ?assertEqual({error, {checkpoint_dir_exists, Link}},
                 rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                              [{checkpoint_fun, Spy}, {checkpoint_dir, Link}])),
    receive called -> ct:fail(checkpoint_fun_called) after 0 -> ok end,
    ok = file:delete(Link),
    ok = file:del_dir_r(Dir).

%% An explicit checkpoint directory inside the live DB directory (or the DB dir itself) is
%% refused.
refuses_checkpoint_dir_inside_db(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Before = listing(DbPath),
    [?assertEqual({error, {checkpoint_dir_inside_db, Dir}},
                  rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                               [checkpoint_on_a(), {checkpoint_dir, Dir}]))
     || Dir <- [filename:join(DbPath, "cp"), filename:join([DbPath, "a", "b"]), DbPath]],
    ?assertEqual(Before, listing(DbPath)).

%% A DB path with no database in it (no CURRENT): refused before anything is written.
refuses_path_without_db(Config) ->
    {Engine, Db, _DbPath} = fixture(Config),
    Empty = jnode_ct:dir(Config, "not_a_db"),
    ok = file:make_dir(Empty),
    ?assertEqual({error, {not_a_db_dir, Empty}},
                 rocksdb_jnode_offload:backup(Engine, Db, Empty, [checkpoint_on_a()])),
    Missing = jnode_ct:dir(Config, "missing"),
    ?assertEqual({error, {not_a_db_dir, Missing}},
                 rocksdb_jnode_offload:backup(Engine, Db, Missing, [checkpoint_on_a()])),
    ?assertEqual([], checkpoints(Empty)).

%% Bad options are errors; arguments of the wrong type raise badarg.
bad_options(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    [?assertEqual({error, {bad_option, Opt}},
                  rocksdb_jnode_offload:backup(Engine, Db, DbPath, [Opt]))
     || Opt <- [{keep, 0}, {keep, x}, {checkpoint_fun, fun(_) -> ok end}, {checkpoint_dir, 1},
                {backup_options, x}, bogus]],
    ?assertError(badarg, rocksdb_jnode_offload:backup(not_an_engine, Db, DbPath, [])),
    ?assertError(badarg, rocksdb_jnode_offload:backup(Engine, Db, 42, [])),
    ?assertError(badarg, rocksdb_jnode_offload:backup(Engine, Db, DbPath, #{})).

%% Runs that succeed and runs that fail leave the live DB directory's listing as it was.
never_touches_db_dir(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    %% An empty memtable: the checkpoint then has nothing to flush into the DB's own files.
    ok = rocksdb_jnode:flush(Db, []),
    Before = listing(DbPath),
    {ok, _} = rocksdb_jnode_offload:backup(Engine, Db, DbPath, [checkpoint_on_a(), {keep, 1}]),
    {error, _} = rocksdb_jnode_offload:backup(Engine, Db, DbPath,
                                              [{checkpoint_fun, fun(_, _) -> {error, x} end}]),
    {ok, _} = rocksdb_jnode_offload:backup(Engine, Db, DbPath, [checkpoint_on_a()]),
    ?assertEqual(Before, listing(DbPath)),
    ct:log("DB dir: ~p", [Before]).

%% The caller is killed while the checkpoint is being made: the worker finishes that step,
%% makes no backup, and removes the checkpoint.
caller_killed_mid_run(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Self = self(),
    Slow = fun(D, Dir) ->
                   Self ! {checkpointing, self()},
                   timer:sleep(500),
                   R = rocksdb_jnode:checkpoint(D, Dir),
                   Self ! {checkpointed, R, filelib:is_file(filename:join(Dir, "CURRENT"))},
                   R
           end,
    Caller = spawn(fun() ->
                           Self ! {result, rocksdb_jnode_offload:backup(
                                             Engine, Db, DbPath, [{checkpoint_fun, Slow}])}
                   end),
    receive {checkpointing, _} -> ok after 5000 -> ct:fail(no_run) end,
    exit(Caller, kill),
    receive {checkpointed, R, Made} -> ?assertEqual({ok, true}, {R, Made})
    after 5000 -> ct:fail(checkpoint_not_finished)
    end,
    jnode_ct:wait_until(fun() -> checkpoints(DbPath) =:= [] end, 5000, checkpoint_removed),
    timer:sleep(300),
    ?assertEqual({ok, []}, rocksdb_jnode:get_backup_info(Engine)),
    receive {result, Result} -> ct:fail({caller_not_killed, Result}) after 0 -> ok end.

%%%===================================================================
%%% The scheduler
%%%===================================================================

%% Every interval a run: each reported to the subscriber and logged at info; retention
%% applied; the server stops on stop/1.
scheduler_runs_and_reports(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    {ok, Pid} = rocksdb_jnode_offload:start_link(
                  #{engine => Engine, db => Db, db_path => DbPath, interval_ms => 300,
                    initial_delay_ms => 0, keep => 2, subscriber => self(),
                    checkpoint_fun => checkpoint_fun_a()}),
    Reports = [receive_report(Pid, 5000) || _ <- lists:seq(1, 3)],
    ok = rocksdb_jnode_offload:stop(Pid),
    ?assertEqual([1, 2, 3], [N || #{run := N} <- Reports]),
    ?assertEqual([1, 2, 3], [Id || #{result := {ok, #{backup_id := Id}}} <- Reports]),
    ?assert(lists:all(fun(#{trigger := Tr, db_path := P, started_at := S}) ->
                              Tr =:= interval andalso P =:= DbPath andalso is_integer(S)
                      end, Reports)),
    %% Ticks 300 ms apart: the three runs are spread over at least 600 ms.
    [#{started_at := S1}, _, #{started_at := S3}] = Reports,
    ?assert(S3 - S1 >= 550),
    Logged = logged(info, offload_backup),
    ?assert(length(Logged) >= 3),
    ?assertMatch([#{run := 1, db_path := DbPath, info := #{backup_id := 1}} | _], Logged),
    %% keep => 2: the last two backups are left. A fourth run may have started before stop/1
    %% arrived (stop waits for it), so the last is 3 or 4.
    {ok, Left} = rocksdb_jnode:get_backup_info(Engine),
    [Kept1, Kept2] = [Id || #{id := Id} <- Left],
    ?assertEqual(Kept1 + 1, Kept2),
    ?assert(lists:member(Kept2, [3, 4])),
    ?assertNot(is_process_alive(Pid)).

%% A run slower than the interval: runs never overlap, the ticks meanwhile are skipped (and
%% logged), run_now says already_running.
scheduler_no_overlap(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Active = atomics:new(2, []),   % 1: runs in their checkpoint now, 2: the most at once
    Slow = fun(D, Dir) ->
                   Now = atomics:add_get(Active, 1, 1),
                   Now > atomics:get(Active, 2) andalso atomics:put(Active, 2, Now),
                   timer:sleep(700),
                   atomics:sub(Active, 1, 1),
                   rocksdb_jnode:checkpoint(D, Dir)
           end,
    {ok, Pid} = rocksdb_jnode_offload:start_link(
                  #{engine => Engine, db => Db, db_path => DbPath, interval_ms => 100,
                    initial_delay_ms => 0, subscriber => self(), checkpoint_fun => Slow}),
    timer:sleep(200),
    ?assertEqual({error, already_running}, rocksdb_jnode_offload:run_now(Pid)),
    Reports = [receive_report(Pid, 5000) || _ <- lists:seq(1, 2)],
    ok = rocksdb_jnode_offload:stop(Pid),
    ?assertEqual(1, atomics:get(Active, 2)),
    ?assertMatch([#{result := {ok, #{backup_id := 1}}}, #{result := {ok, #{backup_id := 2}}}],
                 Reports),
    %% At most one more run (the one stop/1 waited for): no queue of missed ticks.
    {ok, Backups} = rocksdb_jnode:get_backup_info(Engine),
    ?assert(length(Backups) =< 3),
    ?assertMatch([_ | _], logged(notice, offload_run_skipped)).

%% A failed run is reported (warning) and the next interval tries again; run_now triggers
%% one out of schedule.
scheduler_failed_run_retried(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Calls = counters:new(1, []),
    FailFirst = fun(D, Dir) ->
                        counters:add(Calls, 1, 1),
                        case counters:get(Calls, 1) of
                            1 -> {error, transient};
                            _ -> rocksdb_jnode:checkpoint(D, Dir)
                        end
                end,
    {ok, Pid} = rocksdb_jnode_offload:start_link(
                  #{engine => Engine, db => Db, db_path => DbPath, interval_ms => 400,
                    initial_delay_ms => 0, subscriber => self(), checkpoint_fun => FailFirst}),
    #{run := 1, result := {error, {checkpoint_failed, transient}}} = receive_report(Pid, 5000),
    #{run := 2, trigger := interval, result := {ok, #{backup_id := 1}}} =
        receive_report(Pid, 5000),
    ok = rocksdb_jnode_offload:run_now(Pid),
    #{run := 3, trigger := run_now, result := {ok, #{backup_id := 2}}} =
        receive_report(Pid, 5000),
    ok = rocksdb_jnode_offload:stop(Pid),
    ?assertMatch([#{run := 1, reason := {checkpoint_failed, transient}}],
                 logged(warning, offload_backup_failed)).

%% An engine given as a fun is asked at each run: when the engine a run used is closed (its
%% JVM restarted, say) and the fun returns a fresh one, the next runs back up there; a fun that
%% has no engine fails its run alone.
scheduler_engine_fun(Config) ->
    {Engine1, Db, DbPath} = fixture(Config),
    #{node := NodeB} = ?config(node_b, Config),
    Current = ets:new(current_engine, [public]),
    true = ets:insert(Current, {engine, Engine1}),
    EngineFun = fun() ->
                        case ets:lookup(Current, engine) of
                            [{engine, none}] -> erlang:error(no_engine_yet);
                            [{engine, E}] -> {ok, E}
                        end
                end,
    {ok, Pid} = rocksdb_jnode_offload:start_link(
                  #{engine => EngineFun, db => Db, db_path => DbPath, interval_ms => 60000,
                    initial_delay_ms => 0, subscriber => self(),
                    checkpoint_fun => checkpoint_fun_a()}),
    #{run := 1, result := {ok, #{backup_id := 1}}} = receive_report(Pid, 5000),
    ok = rocksdb_jnode:close_backup_engine(Engine1),
    true = ets:insert(Current, {engine, none}),
    ok = rocksdb_jnode_offload:run_now(Pid),
    #{run := 2, result := {error, {engine_unavailable, {error, no_engine_yet}}}} =
        receive_report(Pid, 5000),
    {ok, Engine2} = rocksdb_jnode:open_backup_engine(jnode_ct:dir(Config, "backups2"),
                                                     [{node, NodeB}]),
    true = ets:insert(Current, {engine, Engine2}),
    ok = rocksdb_jnode_offload:run_now(Pid),
    #{run := 3, result := {ok, #{backup_id := 1}}} = receive_report(Pid, 5000),
    ok = rocksdb_jnode_offload:stop(Pid),
    ?assertMatch({ok, [#{id := 1}]}, rocksdb_jnode:get_backup_info(Engine2)),
    ok = rocksdb_jnode:close_backup_engine(Engine2),
    %% A fun is a valid setting; anything else but an engine or a fun of no argument is not.
    Base = #{db => Db, db_path => DbPath, interval_ms => 100, checkpoint_fun => checkpoint_fun_a()},
    ?assertEqual({error, {bad_option, engine}},
                 rocksdb_jnode_offload:start_link(Base#{engine => fun(_) -> ok end})).

%% Without the NIF and without a checkpoint function the scheduler does not start; bad
%% settings are named.
scheduler_refuses_without_nif(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Base = #{engine => Engine, db => Db, db_path => DbPath, interval_ms => 100},
    ?assertEqual({error, nif_not_loaded}, rocksdb_jnode_offload:start_link(Base)),
    ?assertEqual({error, {bad_option, interval_ms}},
                 rocksdb_jnode_offload:start_link(Base#{interval_ms => 0})),
    ?assertEqual({error, {bad_option, db_path}},
                 rocksdb_jnode_offload:start_link(maps:remove(db_path, Base))),
    ?assertEqual({error, {bad_option, colour}},
                 rocksdb_jnode_offload:start_link(Base#{colour => red})),
    ?assertEqual({error, {bad_option, engine}},
                 rocksdb_jnode_offload:start_link(Base#{engine => x})),
    timer:sleep(300),
    ?assertEqual([], checkpoints(DbPath)),
    ?assertEqual({ok, []}, rocksdb_jnode:get_backup_info(Engine)).

%% stop/1 during a run waits for it: the run is reported and its checkpoint is gone.
scheduler_stop_waits_for_run(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Self = self(),
    Slow = fun(D, Dir) ->
                   Self ! started,
                   timer:sleep(500),
                   rocksdb_jnode:checkpoint(D, Dir)
           end,
    {ok, Pid} = rocksdb_jnode_offload:start_link(
                  #{engine => Engine, db => Db, db_path => DbPath, interval_ms => 60000,
                    initial_delay_ms => 60000, subscriber => self(), checkpoint_fun => Slow,
                    name => offload_stop_test}),
    ok = rocksdb_jnode_offload:run_now(offload_stop_test),
    receive started -> ok after 5000 -> ct:fail(not_started) end,
    ok = rocksdb_jnode_offload:stop(offload_stop_test),
    ?assertEqual([], checkpoints(DbPath)),
    #{run := 1, trigger := run_now, result := {ok, #{backup_id := 1}}} =
        receive_report(Pid, 0).

%% Under the application's supervisor (child_spec/1): runs, and a supervisor shutdown in the
%% middle of a run leaves no checkpoint.
scheduler_under_supervisor(Config) ->
    {Engine, Db, DbPath} = fixture(Config),
    Self = self(),
    Slow = fun(D, Dir) ->
                   Self ! started,
                   timer:sleep(300),
                   rocksdb_jnode:checkpoint(D, Dir)
           end,
    Spec = rocksdb_jnode_offload:child_spec(
             #{engine => Engine, db => Db, db_path => DbPath, interval_ms => 100,
               initial_delay_ms => 0, subscriber => self(), checkpoint_fun => Slow}),
    ?assertMatch(#{id := {rocksdb_jnode_offload, DbPath}, restart := permanent}, Spec),
    process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, Spec}),
    [{_, Pid, worker, _}] = supervisor:which_children(Sup),
    #{run := 1, result := {ok, _}} = receive_report(Pid, 5000),
    receive started -> ok after 5000 -> ct:fail(not_started) end,   % run 1
    receive started -> ok after 5000 -> ct:fail(not_started) end,   % run 2, in flight
    exit(Sup, shutdown),
    receive {'EXIT', Sup, shutdown} -> ok after 10000 -> ct:fail(sup_not_stopped) end,
    process_flag(trap_exit, false),
    ?assertEqual([], checkpoints(DbPath)),
    #{run := 2, result := {ok, #{backup_id := 2}}} = receive_report(Pid, 0).

%%%===================================================================
%%% Callbacks: logger handler, supervisor
%%%===================================================================

log(#{level := Level, msg := {report, Report}, meta := #{domain := [rocksdb_jnode, offload]}},
    #{config := #{pid := Pid}}) ->
    Pid ! {logged, Level, Report};
log(_Event, _Config) ->
    ok.

init({sup, Spec}) ->
    {ok, {#{strategy => one_for_one, intensity => 1, period => 5}, [Spec]}}.

%%%===================================================================
%%% Helpers
%%%===================================================================

fixture(Config) ->
    {?config(engine, Config), ?config(db, Config), ?config(db_path, Config)}.

%% The stand-in for the NIF's rocksdb:checkpoint/2: a checkpoint of the DB on node A.
checkpoint_fun_a() ->
    fun(Db, Dir) -> rocksdb_jnode:checkpoint(Db, Dir) end.

checkpoint_on_a() ->
    {checkpoint_fun, checkpoint_fun_a()}.

key(I) -> <<"key", (integer_to_binary(I))/binary>>.
value(I) -> <<"value", (integer_to_binary(I))/binary>>.

%% The helper's checkpoint directories next to the DB.
checkpoints(DbPath) ->
    Parent = filename:dirname(DbPath),
    Prefix = filename:basename(DbPath) ++ ?SUFFIX,
    {ok, Names} = file:list_dir(Parent),
    [N || N <- Names, lists:prefix(Prefix, N)].

%% The DB directory's tree: names (relative), for before/after comparison.
listing(Dir) ->
    lists:sort(filelib:wildcard("**", Dir)).

%% Opens the restored DB on node B and checks its keys.
check_restored(Config, Target, Present, Absent) ->
    #{node := NodeB} = ?config(node_b, Config),
    {ok, R} = rocksdb_jnode:open(Target, [{node, NodeB}]),
    [?assertEqual({ok, value(I)}, rocksdb_jnode:get(R, key(I), [])) || I <- Present],
    [?assertEqual(not_found, rocksdb_jnode:get(R, K, [])) || K <- Absent],
    ok = rocksdb_jnode:close(R).

receive_report(Pid, Timeout) ->
    receive
        {rocksdb_jnode_offload, Pid, Report} ->
            ct:log("report: ~p", [Report]),
            Report
    after Timeout ->
        ct:fail({no_report, Pid})
    end.

%% The reports logged so far at Level whose `what' is What, oldest first.
logged(Level, What) ->
    receive
        {logged, Level, #{what := What} = Report} -> [Report | logged(Level, What)]
    after 0 ->
        []
    end.
