%% @doc Async backups and restores ({notify, Pid}) and the node's stats (issue 8), against a real
%% Java node: progress messages of a backup and a restore of a DB of a few hundred MB (monotone,
%% bounded by the total, ending in it, then one completion with the synchronous result and
%% nothing after), stop_backup and the owner's exit during an async backup, a notified pid on a
%% node the Java node cannot reach, and the stats map before and after a known sequence of calls.
-module(async_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1, end_per_testcase/2]).
-export([backup_progress/1, restore_progress/1, progress_helper_line/1,
         stop_async_backup/1, owner_exit_during_async_backup/1,
         notify_to_unconnected_node_refused/1, bad_async_options/1,
         stats_deltas/1, stats_bare_call/1, reader_serves_what_is_in_memory/1,
         reader_serves_nothing_when_told_not_to/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

%% The big DB: N incompressible values of 1 MB.
-define(N, 300).
-define(VALUE, 1048576).
%% Bytes per second: a backup or restore of the big DB lasts about 3 s, several intervals.
-define(RATE, 100 * 1000 * 1000).
-define(SLOW_RATE, 20 * 1000 * 1000).

suite() ->
    [{timetrap, {minutes, 5}}].

all() ->
    [backup_progress, restore_progress, progress_helper_line, stop_async_backup,
     owner_exit_during_async_backup, notify_to_unconnected_node_refused, bad_async_options,
     stats_deltas, stats_bare_call, reader_serves_what_is_in_memory,
     reader_serves_nothing_when_told_not_to].

init_per_suite(Config) ->
    Info = jnode_ct:start_node(Config),
    Config1 = [{jnode, Info} | Config],
    BigDb = jnode_ct:dir(Config1, "big_db"),
    {ok, Db} = rocksdb:open(BigDb, [{create_if_missing, true}]),
    [ok = rocksdb:put(Db, key(I), crypto:strong_rand_bytes(?VALUE), []) || I <- lists:seq(1, ?N)],
    ok = rocksdb:flush(Db, []),
    ok = rocksdb:close(Db),
    [{big_db, BigDb} | Config1].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

end_per_testcase(_Case, Config) ->
    #{os_pid := OsPid} = ?config(jnode, Config),
    pong = rocksdb:ping(),
    true = jnode_ct:os_pid_alive(OsPid),
    ok.

key(I) ->
    <<"key", I:32>>.

%%%===================================================================
%%% Progress
%%%===================================================================

backup_progress(Config) ->
    {ok, Db} = rocksdb:open(?config(big_db, Config), []),
    Dir = jnode_ct:dir(Config, "bk"),
    {ok, E} = rocksdb:open_backup_engine(Dir, [{backup_rate_limit, ?RATE}]),
    {ok, Ref} = rocksdb:create_new_backup(E, Db, [{notify, self()}]),
    ?assert(is_reference(Ref)),
    ?assertEqual(node(E), node(Ref)),
    %% Running: the stats see it at the first progress message.
    receive {rocksdb_jnode, Ref, {progress, _}} -> ok after 5000 -> ct:fail(no_progress) end,
    {ok, #{backups_running := 1}} = rocksdb_jnode:stats(),
    {Progress, Result} = collect(Ref, 60000),
    ?assertEqual(ok, Result),
    {ok, [#{id := 1, size := Size, number_files := Files}]} = rocksdb:get_backup_info(E),
    check_progress(Progress),
    #{bytes_total := Total, files_total := FilesTotal} = lists:last(Progress),
    ct:log("~b progress messages; estimated ~b bytes in ~b files, backup is ~b bytes in ~b files",
           [length(Progress), Total, FilesTotal, Size, Files]),
    %% A first backup of a flushed DB copies exactly its live files.
    ?assertEqual(Size, Total),
    ?assertEqual(Files, FilesTotal),
    ?assert(length(Progress) >= 3),
    ok = rocksdb:verify_backup(E, 1, [{verify_with_checksum, true}]),
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E).

restore_progress(Config) ->
    {ok, Db} = rocksdb:open(?config(big_db, Config), []),
    Dir = jnode_ct:dir(Config, "bk"),
    {ok, E0} = rocksdb:open_backup_engine(Dir),
    ok = rocksdb:create_new_backup(E0, Db),
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E0),
    {ok, E} = rocksdb:open_backup_engine(Dir, [{restore_rate_limit, ?RATE}]),
    {ok, [#{id := 1, size := Size, number_files := Files}]} = rocksdb:get_backup_info(E),
    Target = jnode_ct:dir(Config, "restored"),
    %% A target holding old files: they are not counted as restored.
    ok = filelib:ensure_dir(filename:join(Target, "x")),
    ok = file:write_file(filename:join(Target, "OLD-FILE"), crypto:strong_rand_bytes(1000000)),
    {ok, Ref} = rocksdb:restore_db_from_backup(E, 1, Target, Target,
                                               [{notify, self()}, {progress_interval, 250}]),
    {Progress, Result} = collect(Ref, 60000),
    ?assertEqual(ok, Result),
    check_progress(Progress),
    ?assertMatch(#{bytes_total := Size, files_total := Files}, lists:last(Progress)),
    ?assert(length(Progress) >= 3),
    %% The latest, the same way, with the default interval.
    Target2 = jnode_ct:dir(Config, "restored_latest"),
    {ok, Ref2} = rocksdb:restore_db_from_latest_backup(E, Target2, Target2, [{notify, self()}]),
    {Progress2, ok} = collect(Ref2, 60000),
    check_progress(Progress2),
    ok = rocksdb:close_backup_engine(E),
    {ok, R} = rocksdb:open(Target, []),
    ?assertMatch({ok, <<_:?VALUE/binary>>}, rocksdb:get(R, key(?N), [])),
    ok = rocksdb:close(R).

%% The shell helper's line, from a progress map (the helper itself draws on the group leader).
progress_helper_line(Config) ->
    Line = rocksdb_jnode_progress:line("backup", #{bytes_done => 150000000, bytes_total => 300000000,
                                                   files_done => 1, files_total => 4}, 3000),
    ct:log("~s", [Line]),
    ?assertNotEqual(nomatch, string:find(Line, "50.0%")),
    ?assertNotEqual(nomatch, string:find(Line, "150.0 of 300.0 MB")),
    ?assertNotEqual(nomatch, string:find(Line, "50.0 MB/s")),
    ?assertNotEqual(nomatch, string:find(Line, "0:03 left")),
    %% And it runs a backup to its result (output captured by a group leader of ours).
    {ok, Db} = rocksdb:open(?config(big_db, Config), []),
    {ok, E} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "bk"), [{backup_rate_limit, ?RATE}]),
    {Result, Output} = capture(fun() -> rocksdb_jnode_progress:backup(E, Db) end),
    ct:log("~ts", [Output]),
    ?assertEqual(ok, Result),
    ?assertNotEqual(nomatch, string:find(Output, "\rbackup 100.0%")),
    ?assertNotEqual(nomatch, string:find(Output, "backup: ok")),
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E).

%% The messages of Ref until its completion, then nothing more within a second.
collect(Ref, Timeout) ->
    collect(Ref, Timeout, []).

collect(Ref, Timeout, Acc) ->
    receive
        {rocksdb_jnode, Ref, {progress, P}} ->
            collect(Ref, Timeout, [P | Acc]);
        {rocksdb_jnode, Ref, {done, Result}} ->
            receive
                {rocksdb_jnode, Ref, Late} -> ct:fail({message_after_completion, Late})
            after 1000 -> ok
            end,
            {lists:reverse(Acc), Result};
        {rocksdb_jnode, Ref, Other} ->
            ct:fail({unexpected_message, Other})
    after Timeout ->
        ct:fail({no_completion, lists:reverse(Acc)})
    end.

%% Monotone, bounded by a fixed total, the last one the total.
check_progress([First | _] = Progress) ->
    #{bytes_total := T, files_total := FT} = First,
    ?assert(T > 0),
    lists:foldl(fun(#{bytes_done := B, files_done := F, bytes_total := T1, files_total := FT1}, {B0, F0}) ->
                        ?assertEqual({T, FT}, {T1, FT1}),
                        ?assert(B >= B0 andalso B =< T),
                        ?assert(F >= F0 andalso F =< FT),
                        {B, F}
                end, {0, 0}, Progress),
    ?assertMatch(#{bytes_done := T, files_done := FT}, lists:last(Progress)),
    %% Before the end, some partial figure was seen.
    ?assert(lists:any(fun(#{bytes_done := B}) -> B > 0 andalso B < T end, Progress)).

capture(Fun) ->
    Self = self(),
    Leader = spawn_link(fun() -> io_server(Self, []) end),
    Old = group_leader(),
    group_leader(Leader, self()),
    Result = try Fun() after group_leader(Old, self()) end,
    Leader ! {stop, self()},
    receive {output, Leader, Text} -> {Result, Text} end.

io_server(Owner, Acc) ->
    receive
        {io_request, From, ReplyAs, Req} ->
            Text = io_text(Req),
            From ! {io_reply, ReplyAs, ok},
            io_server(Owner, [Text | Acc]);
        {stop, Owner} ->
            Owner ! {output, self(), lists:flatten(lists:reverse(Acc))}
    end.

io_text({put_chars, unicode, Chars}) -> unicode:characters_to_list(Chars);
io_text({put_chars, unicode, M, F, A}) -> unicode:characters_to_list(apply(M, F, A));
io_text({put_chars, Chars}) -> unicode:characters_to_list(Chars);
io_text({put_chars, M, F, A}) -> unicode:characters_to_list(apply(M, F, A));
io_text(_) -> "".

%%%===================================================================
%%% Stopping
%%%===================================================================

stop_async_backup(Config) ->
    {ok, Db} = rocksdb:open(?config(big_db, Config), []),
    Dir = jnode_ct:dir(Config, "bk"),
    {ok, E} = rocksdb:open_backup_engine(Dir, [{backup_rate_limit, ?SLOW_RATE}]),
    {ok, Ref} = rocksdb:create_new_backup(E, Db, [{notify, self()}, {progress_interval, 100}]),
    %% Stopped once some bytes are copied.
    wait_progress(Ref),
    ok = rocksdb:stop_backup(E),
    {_Progress, Result} = collect(Ref, 30000),
    ?assertEqual({error, incomplete}, Result),
    ?assertEqual({ok, []}, rocksdb:get_backup_info(E)),
    %% The engine goes on: a synchronous backup after it succeeds.
    ok = rocksdb:create_new_backup(E, Db),
    ?assertMatch({ok, [_]}, rocksdb:get_backup_info(E)),
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E).

%% The engine's owner exits during an async backup: the backup stops, the notified pid gets
%% exactly one completion, and the engine is closed, leaving no backup and no partial file.
owner_exit_during_async_backup(Config) ->
    {ok, Db} = rocksdb:open(?config(big_db, Config), []),
    Dir = jnode_ct:dir(Config, "bk"),
    Self = self(),
    Owner = spawn(fun() ->
                          {ok, E} = rocksdb:open_backup_engine(Dir, [{backup_rate_limit, ?SLOW_RATE}]),
                          Self ! {engine, self(), E, rocksdb:create_new_backup(E, Db, [{notify, Self}, {progress_interval, 100}])},
                          receive exit -> ok end
                  end),
    {E, Ref} = receive {engine, Owner, E0, {ok, R}} -> {E0, R} after 30000 -> ct:fail(no_engine) end,
    wait_progress(Ref),
    Owner ! exit,
    {_Progress, Result} = collect(Ref, 30000),
    ?assertEqual({error, incomplete}, Result),
    jnode_ct:wait_until(fun() -> closed(E) end, 10000, engine_closed),
    ?assertEqual([], [F || F <- files_under(Dir), string:find(F, "meta/") =:= nomatch]),
    {ok, E2} = rocksdb:open_backup_engine(Dir),
    ?assertEqual({ok, []}, rocksdb:get_backup_info(E2)),
    ok = rocksdb:close_backup_engine(E2),
    ok = rocksdb:close(Db).

wait_progress(Ref) ->
    receive
        {rocksdb_jnode, Ref, {progress, #{bytes_done := B}}} when B > 0 -> ok;
        {rocksdb_jnode, Ref, {progress, _}} -> wait_progress(Ref);
        {rocksdb_jnode, Ref, {done, R}} -> ct:fail({done_before_stop, R})
    after 30000 -> ct:fail(no_progress)
    end.

closed(E) ->
    try rocksdb:get_backup_info(E) of
        _ -> false
    catch
        error:badarg -> true
    end.

files_under(Dir) ->
    filelib:fold_files(Dir, ".*", true, fun(F, Acc) -> [F -- (Dir ++ "/") | Acc] end, []).

%%%===================================================================
%%% Refusals
%%%===================================================================

%% A pid of a node that is not connected to the Java node cannot be told: refused as
%% give_away's not_connected, and nothing starts.
notify_to_unconnected_node_refused(Config) ->
    Info = ?config(jnode, Config),
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    {ok, E} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "bk")),
    Far = pid_on('nowhere@127.0.0.1'),
    ?assertEqual({error, {badarg, {not_connected, 'nowhere@127.0.0.1'}}},
                 jnode_ct:call(Info, {create_new_backup, E, Db, [{notify, Far}]})),
    ?assertError(badarg, rocksdb:create_new_backup(E, Db, [{notify, Far}])),
    ?assertError(badarg, rocksdb:restore_db_from_latest_backup(E, jnode_ct:dir(Config, "r"),
                                                               jnode_ct:dir(Config, "r"),
                                                               [{notify, Far}])),
    ?assertEqual({ok, []}, rocksdb:get_backup_info(E)),
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E).

%% A pid of node Node (made from its external term format: NEW_PID_EXT with a small UTF-8 atom).
pid_on(Node) ->
    Name = atom_to_binary(Node),
    binary_to_term(<<131, 88, 119, (byte_size(Name)), Name/binary, 1:32, 0:32, 1:32>>).

bad_async_options(Config) ->
    Info = ?config(jnode, Config),
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
    {ok, E} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "bk")),
    ?assertEqual({error, {badarg, {bad_argument, notify}}},
                 jnode_ct:call(Info, {create_new_backup, E, Db, [{notify, self}]})),
    ?assertEqual({error, {badarg, {bad_argument, progress_interval}}},
                 jnode_ct:call(Info, {create_new_backup, E, Db, [{notify, self()}, {progress_interval, 9}]})),
    %% A refusal before the work starts is the call's reply, with no message.
    Missing = jnode_ct:dir(Config, "missing"),
    ?assertMatch({error, {error, "IO error: " ++ _}},
                 rocksdb:create_new_backup(E, Missing, [{notify, self()}])),
    ?assertMatch({error, {error, "NotFound: " ++ _}} when true,
                 begin
                     {ok, Ref} = rocksdb:restore_db_from_backup(E, 7, jnode_ct:dir(Config, "r"),
                                                                jnode_ct:dir(Config, "r"),
                                                                [{notify, self()}]),
                     {_, R} = collect(Ref, 30000),
                     R
                 end),
    receive {rocksdb_jnode, _, _} = M -> ct:fail({stray, M}) after 0 -> ok end,
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E).

%%%===================================================================
%%% Stats
%%%===================================================================

-define(COUNTED, [open, put, get, destroy, open_backup_engine, create_new_backup,
                  restore_db_from_backup, close, close_backup_engine, stats]).

stats_deltas(Config) ->
    {ok, Before} = rocksdb_jnode:stats(),
    ct:log("before: ~p", [Before]),
    Path = jnode_ct:dir(Config, "db"),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    [ok = rocksdb:put(Db, <<I>>, <<"v">>, []) || I <- lists:seq(1, 3)],
    {ok, <<"v">>} = rocksdb:get(Db, <<1>>, []),
    not_found = rocksdb:get(Db, <<"nope">>, []),
    {error, {db_in_use, _}} = rocksdb:destroy(Path, []),
    {error, {bad_option, _}} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "bk0"), [{nonsense, 1}]),
    {ok, E} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "bk")),
    ok = rocksdb:create_new_backup(E, Db),
    {ok, [#{size := Size}]} = rocksdb:get_backup_info(E),
    {error, {error, _}} = rocksdb:restore_db_from_backup(E, 9, jnode_ct:dir(Config, "r9")),
    ok = rocksdb:restore_db_from_backup(E, 1, jnode_ct:dir(Config, "r1")),
    %% A call's figures are counted before it is answered: this one sees Before's.
    {ok, During} = rocksdb_jnode:stats(),
    ok = rocksdb:close(Db),
    ok = rocksdb:close_backup_engine(E),
    {ok, After} = rocksdb_jnode:stats(),
    ct:log("during: ~p~nafter: ~p", [During, After]),
    ?assertEqual(#{open => {1, 0}, put => {3, 0}, get => {2, 0}, destroy => {1, 1},
                   open_backup_engine => {2, 1}, create_new_backup => {1, 0},
                   restore_db_from_backup => {2, 1}, close => {0, 0}, close_backup_engine => {0, 0},
                   stats => {1, 0}},
                 deltas(Before, During)),
    ?assertEqual(#{open => {1, 0}, put => {3, 0}, get => {2, 0}, destroy => {1, 1},
                   open_backup_engine => {2, 1}, create_new_backup => {1, 0},
                   restore_db_from_backup => {2, 1}, close => {1, 0}, close_backup_engine => {1, 0},
                   stats => {2, 0}},
                 deltas(Before, After)),
    %% Handles by kind, and owners (this process owns the two).
    #{handles := H0, owners := O0} = Before,
    #{handles := H1, owners := O1} = During,
    #{handles := H2} = After,
    ?assertEqual(#{db => 1, backup_engine => 1, column_family => 0, iterator => 0, snapshot => 0,
                   transaction => 0},
                 maps:map(fun(K, N) -> N - maps:get(K, H0) end, H1)),
    ?assertEqual(H0, H2),
    ?assertEqual(O0 + 1, O1),
    ?assertEqual(Size, maps:get(bytes_backed_up, After) - maps:get(bytes_backed_up, Before)),
    ?assertEqual(Size, maps:get(bytes_restored, After) - maps:get(bytes_restored, Before)),
    ?assertMatch(#{backups_running := 0, restores_running := 0, requests_in_flight := 1}, After),
    ?assert(maps:get(uptime_ms, After) >= maps:get(uptime_ms, Before)),
    ?assert(maps:get(jvm_heap_used, After) > 0),
    ?assert(maps:get(jvm_heap_max, After) >= maps:get(jvm_heap_used, After)).

deltas(#{requests := R0}, #{requests := R1}) ->
    maps:from_list([{Name, {served(R1, Name) - served(R0, Name), failed(R1, Name) - failed(R0, Name)}}
                    || Name <- ?COUNTED]).

served(R, Name) -> maps:get(served, maps:get(Name, R, #{}), 0).
failed(R, Name) -> maps:get(failed, maps:get(Name, R, #{}), 0).

%% The same map from a bare gen_server:call, and for a node named explicitly.
stats_bare_call(Config) ->
    #{node := Node} = Info = ?config(jnode, Config),
    {ok, #{uptime_ms := _, handles := #{db := _}, requests := #{}}} = jnode_ct:call(Info, stats),
    {ok, #{owners := _}} = rocksdb_jnode:stats(Node),
    {ok, Routes} = jnode_ct:call(Info, routes),
    ?assert(lists:member({stats, 0, quick}, Routes)).

%% A get the node can answer from memory, and a put or delete with default options, are answered
%% by the connection's reader thread (requests_on_reader); a get of a value only on disk, and a
%% synced put, are handed on to the quick pool (requests_handed_on), with the same answers.
reader_serves_what_is_in_memory(Config) ->
    Path = jnode_ct:dir(Config, "rdb"),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    S0 = reader_counts(),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    {ok, <<"v">>} = rocksdb:get(Db, <<"k">>, []),
    not_found = rocksdb:get(Db, <<"absent">>, []),
    ok = rocksdb:delete(Db, <<"absent">>, [{sync, false}]),
    S1 = reader_counts(),
    ?assertEqual({4, 0}, minus(S1, S0)),
    ok = rocksdb:put(Db, <<"s">>, <<"synced">>, [{sync, true}]),
    S2 = reader_counts(),
    ?assertEqual({0, 1}, minus(S2, S1)),
    %% Reopened, the values are in a table file and not yet in the block cache.
    ok = rocksdb:close(Db),
    {ok, Db2} = rocksdb:open(Path, []),
    S3 = reader_counts(),
    {ok, <<"v">>} = rocksdb:get(Db2, <<"k">>, []),
    S4 = reader_counts(),
    ?assertEqual({0, 1}, minus(S4, S3)),
    %% The pool's read filled the cache: the next get is the reader's.
    {ok, <<"v">>} = rocksdb:get(Db2, <<"k">>, []),
    {ok, <<"synced">>} = rocksdb:get(Db2, <<"s">>, []),
    ?assertEqual({2, 0}, minus(reader_counts(), S4)),
    ok = rocksdb:close(Db2).

%% With --reader-serves false every request goes to a pool, and answers the same.
reader_serves_nothing_when_told_not_to(Config) ->
    #{node := Default} = ?config(jnode, Config),
    Info = jnode_ct:start_node(Config, #{extra_args => ["--reader-serves", "false"]}),
    try
        {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "pdb"), [{create_if_missing, true}]),
        ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
        {ok, <<"v">>} = rocksdb:get(Db, <<"k">>, []),
        not_found = rocksdb:get(Db, <<"absent">>, []),
        ?assertEqual({0, 0}, reader_counts()),
        ok = rocksdb:close(Db)
    after
        jnode_ct:stop_node(Info),
        jnode_ct:use_node(#{node => Default})
    end.

reader_counts() ->
    {ok, #{requests_on_reader := OnReader, requests_handed_on := HandedOn}} = rocksdb_jnode:stats(),
    {OnReader, HandedOn}.

minus({A, B}, {C, D}) -> {A - C, B - D}.
