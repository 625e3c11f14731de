%% @doc Stress: many Erlang processes racing puts, gets, deletes, closes and reopens on shared
%% DB paths while others back up, verify, purge and restore on two engines. rocksdbjni crashes
%% the JVM when a closed native object is used; no interleaving may do that, every call must
%% get a reply, and every acknowledged write must survive.
%%
%% The seed: `STRESS_SEED=N' replays the random choices of each process (not the
%% interleaving); otherwise it comes from the clock. It is logged.
-module(stress_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([mixed_load/1, close_during_puts/1, close_engine_during_backup/1,
         close_db_during_backup/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

-define(DURATION, 45000).
-define(DB_WORKERS, 32).
-define(PATHS, 4).
%% A call that takes longer than this counts as hung.
-define(CALL_LIMIT, 60000).
%% How long after the run the workers may take to finish their last call.
-define(FINISH_LIMIT, 90000).
%% Keys each DB worker writes at most (so the check afterwards stays quick).
-define(MAX_KEYS, 2500).

suite() ->
    %% bench/soak.sh runs mixed_load for longer, with STRESS_SECONDS.
    [{timetrap, {seconds, duration() div 1000 + 240}}].

all() ->
    [mixed_load, close_during_puts, close_engine_during_backup, close_db_during_backup].

init_per_suite(Config) ->
    Seed = case os:getenv("STRESS_SEED") of
               false -> erlang:system_time(microsecond) rem 1000000007;
               S -> list_to_integer(S)
           end,
    ct:pal("stress seed ~p (replay the choices with STRESS_SEED=~p)", [Seed, Seed]),
    Info = jnode_ct:start_node(Config),
    [{seed, Seed}, {jnode, Info} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

init_per_testcase(_Case, Config) ->
    assert_node_up(?config(jnode, Config)),
    Config.

end_per_testcase(_Case, Config) ->
    assert_node_up(?config(jnode, Config)).

%%%===================================================================
%%% The mixed load
%%%===================================================================

%% 32 processes put, get, delete, count, close and reopen on 4 shared DB paths while 8 more
%% back up, verify (with checksums), stop, purge, delete, garbage-collect and restore on two
%% backup engines, for 45 s. Then: the JVM is up, every call got a reply (none slower than
%% 60 s, no timeout), every acknowledged write is there (and every acknowledged delete is
%% gone), every remaining backup verifies with checksums, and the latest backup of each
%% engine, restored, holds every write acknowledged before that backup began.
mixed_load(Config) ->
    Seed = ?config(seed, Config),
    Info = ?config(jnode, Config),
    Paths = [jnode_ct:dir(Config, "shared_db_" ++ integer_to_list(I)) || I <- lists:seq(1, ?PATHS)],
    Dbs = ets:new(stress_dbs, [public, set]),
    [begin
         {ok, H} = rocksdb_jnode:open(P, [{create_if_missing, true}]),
         ets:insert(Dbs, {I, H})
     end || {I, P} <- lists:zip(lists:seq(1, ?PATHS), Paths)],
    Engines = [begin
                   {ok, E} = rocksdb_jnode:open_backup_engine(jnode_ct:dir(Config, "be")),
                   E
               end || _ <- [1, 2]],
    Deadline = erlang:monotonic_time(millisecond) + duration(),
    Common = #{seed => Seed, paths => list_to_tuple(Paths), dbs => Dbs, deadline => Deadline},
    Self = self(),
    Pinger = spawn_link(fun() -> pinger(Self, Info, Deadline, #{n => 0, bad => [], max_ms => 0}) end),
    DbWorkers = [spawn_worker(fun() -> db_worker(Common#{id => W}) end)
                 || W <- lists:seq(1, ?DB_WORKERS)],
    BackupWorkers =
        [spawn_worker(fun() -> backup_worker(Role, Common#{id => 1000 * EI + RI,
                                                           engine => E, engine_index => EI,
                                                           restore_dir => jnode_ct:dir(Config, "restore")})
                      end)
         || {EI, E} <- lists:zip([1, 2], Engines),
            {RI, Role} <- lists:zip(lists:seq(1, 4), [creator, verifier, purger, restorer])],
    Results = collect(DbWorkers ++ BackupWorkers, Deadline + ?FINISH_LIMIT),
    PingStats = receive {Pinger, P} -> P after 10000 -> ct:fail(pinger_stuck) end,
    Hung = [W || {W, hung} <- Results],
    Done = [R || {_, R} <- Results, is_map(R)],
    Counts = merge_counts([maps:get(counts, R) || R <- Done]),
    MaxMs = merge_max([maps:get(max_ms, R) || R <- Done]),
    Unexpected = lists:append([maps:get(unexpected, R) || R <- Done]),
    Ops = lists:sum(maps:values(Counts)),
    ct:log("seed ~p; ~p DB processes, ~p backup processes, 1 pinger; ~p s~n"
           "~p calls in all; by kind and outcome:~n~s~nslowest call by kind (ms): ~p~n"
           "pinger: ~p~nhung processes: ~p~nunexpected replies (~p): ~p",
           [Seed, ?DB_WORKERS, length(BackupWorkers), duration() div 1000, Ops,
            format_counts(Counts), MaxMs, PingStats, Hung, length(Unexpected),
            lists:sublist(Unexpected, 50)]),
    ct:comment("seed ~p: ~p processes, ~p calls", [Seed, ?DB_WORKERS + length(BackupWorkers),
                                                   Ops]),
    assert_node_up(Info),
    ?assertEqual([], Hung),
    ?assertEqual([], maps:get(bad, PingStats)),
    ?assertEqual([], Unexpected),
    ?assertEqual([], [{K, Ms} || {K, Ms} <- maps:to_list(MaxMs), Ms > ?CALL_LIMIT]),
    %% Every acknowledged write (and delete) is there, in the live DBs.
    [begin
         _ = (catch rocksdb_jnode:close(H))
     end || {_, H} <- ets:tab2list(Dbs)],
    Acked = lists:append([maps:get(acked, R, []) || R <- Done]),
    ct:log("~p acknowledged writes, ~p of them deleted afterwards",
           [length(Acked), length([x || {_, _, _, _, {deleted, _, _}} <- Acked])]),
    LiveMissing = check_paths(Paths, Acked),
    ?assertEqual([], LiveMissing),
    %% Every remaining backup verifies with checksums; the latest of each engine, restored,
    %% holds the writes acknowledged before it began.
    Made = lists:append([maps:get(backups, R, []) || R <- Done]),
    [check_engine(Config, EI, E, Made, Acked) || {EI, E} <- lists:zip([1, 2], Engines)],
    [ok = rocksdb_jnode:close_backup_engine(E) || E <- Engines],
    assert_node_up(Info).

spawn_worker(Fun) ->
    Parent = self(),
    spawn_link(fun() -> Parent ! {self(), Fun()} end).

collect(Workers, Deadline) ->
    [receive
         {W, R} -> {W, R}
     after max(0, Deadline - erlang:monotonic_time(millisecond)) ->
             {W, hung}
     end || W <- Workers].

%% Pings the node's mailbox every 250 ms; every ping must answer pong, and the OS process
%% must be alive.
pinger(Parent, #{node := Node, os_pid := OsPid} = Info, Deadline,
       #{n := N, bad := Bad, max_ms := Max} = S) ->
    case erlang:monotonic_time(millisecond) > Deadline of
        true ->
            Parent ! {self(), S};
        false ->
            T0 = erlang:monotonic_time(millisecond),
            R = rocksdb_jnode:ping(Node),
            Ms = erlang:monotonic_time(millisecond) - T0,
            Alive = jnode_ct:os_pid_alive(OsPid),
            Bad1 = case {R, Alive} of
                       {pong, true} -> Bad;
                       _ -> [{N, R, Alive} | Bad]
                   end,
            timer:sleep(250),
            pinger(Parent, Info, Deadline, S#{n := N + 1, bad := Bad1, max_ms := max(Max, Ms)})
    end.

%%%===================================================================
%%% DB workers
%%%===================================================================

%% Each key is written once, by one worker, with a unique value: <<"w", W:16, Seq:32>>
%% (at most ?MAX_KEYS attempts per worker). Reopens outnumber closes, so that the DBs are
%% open most of the time and the puts race the closes rather than meet closed handles.
db_worker(#{seed := Seed, id := W} = C) ->
    rand:seed(exsss, {Seed, W, 16#db}),
    db_loop(C, #{seq => 0, acked => #{}, recent => [], deleted => 0}).

db_loop(#{deadline := Deadline} = C, S) ->
    case erlang:monotonic_time(millisecond) > Deadline of
        true ->
            finish(#{acked => [{K, I, V, T, Del} || {K, {I, V, T, Del}} <- maps:to_list(maps:get(acked, S))]});
        false ->
            S1 = case rand:uniform(100) of
                     N when N =< 50 -> do_put(C, S);
                     N when N =< 70 -> do_get(C, S);
                     N when N =< 75 -> do_delete(C, S);
                     N when N =< 78 -> do_count(C, S);
                     N when N =< 82 -> do_close(C, S);
                     N when N =< 98 -> do_reopen(C, S);
                     _ -> do_flush(C, S)
                 end,
            db_loop(C, S1)
    end.

current(#{dbs := Dbs}, I) ->
    [{I, H}] = ets:lookup(Dbs, I),
    H.

pick_db(_C) ->
    rand:uniform(?PATHS).

do_put(#{id := W} = C, #{seq := Seq, acked := Acked, recent := Recent} = S) when Seq < ?MAX_KEYS ->
    I = pick_db(C),
    H = current(C, I),
    Key = <<"w", W:16, Seq:32>>,
    Value = <<Key/binary, (crypto:strong_rand_bytes(8 + rand:uniform(100)))/binary>>,
    case timed(put, fun() -> rocksdb_jnode:put(H, Key, Value, []) end) of
        ok ->
            T = erlang:monotonic_time(microsecond),
            S#{seq := Seq + 1, acked := Acked#{Key => {I, Value, T, live}},
               recent := lists:sublist([Key | Recent], 50)};
        _ ->
            S#{seq := Seq + 1}
    end;
do_put(C, S) ->
    do_get(C, S).

%% A get of one of this worker's acknowledged keys must give its value (or badarg, for a
%% handle closed meanwhile); a key never written gives not_found.
do_get(#{id := W} = C, #{recent := Recent, acked := Acked} = S) ->
    case Recent =/= [] andalso rand:uniform(10) > 1 of
        true ->
            Key = lists:nth(rand:uniform(length(Recent)), Recent),
            {I, Value, _, Del} = maps:get(Key, Acked),
            H = current(C, I),
            Expected = case Del of
                           live -> {ok, Value};
                           {deleted, _, _} -> not_found
                       end,
            timed(get, fun() -> rocksdb_jnode:get(H, Key, []) end, Expected),
            S;
        false ->
            I = pick_db(C),
            H = current(C, I),
            Key = <<"never", W:16, (rand:uniform(1000000)):32>>,
            timed(get, fun() -> rocksdb_jnode:get(H, Key, []) end, not_found),
            S
    end.

do_delete(C, #{recent := Recent, acked := Acked} = S) ->
    Live = [K || K <- Recent, element(4, maps:get(K, Acked)) =:= live],
    case Live of
        [] ->
            S;
        _ ->
            Key = lists:nth(rand:uniform(length(Live)), Live),
            {I, V, T, live} = maps:get(Key, Acked),
            H = current(C, I),
            Start = erlang:monotonic_time(microsecond),
            case timed(delete, fun() -> rocksdb_jnode:delete(H, Key, []) end) of
                ok ->
                    Ack = erlang:monotonic_time(microsecond),
                    S#{acked := Acked#{Key := {I, V, T, {deleted, Start, Ack}}},
                       deleted := maps:get(deleted, S) + 1};
                _ ->
                    S
            end
    end.

do_count(C, S) ->
    H = current(C, pick_db(C)),
    timed(count, fun() -> rocksdb_jnode:count(H) end),
    S.

do_flush(C, S) ->
    H = current(C, pick_db(C)),
    timed(flush, fun() -> rocksdb_jnode:flush(H, []) end),
    S.

do_close(C, S) ->
    H = current(C, pick_db(C)),
    timed(close, fun() -> rocksdb_jnode:close(H) end),
    S.

%% Opens the path again; while the DB is still open there, RocksDB refuses (its LOCK).
do_reopen(#{paths := Paths, dbs := Dbs} = C, S) ->
    I = pick_db(C),
    case timed(open, fun() -> rocksdb_jnode:open(element(I, Paths), []) end) of
        {ok, H} -> ets:insert(Dbs, {I, H});
        _ -> ok
    end,
    S.

%%%===================================================================
%%% Backup workers
%%%===================================================================

backup_worker(Role, #{seed := Seed, id := Id} = C) ->
    rand:seed(exsss, {Seed, Id, 16#bac}),
    backup_loop(Role, C, #{made => [], n => 0}).

backup_loop(Role, #{deadline := Deadline} = C, S) ->
    case erlang:monotonic_time(millisecond) > Deadline of
        true -> finish(#{backups => maps:get(made, S)});
        false -> backup_loop(Role, C, backup_step(Role, C, S))
    end.

%% The only process that creates backups on its engine, so the newest id after its
%% successful create is the backup it made.
backup_step(creator, #{engine := E, engine_index := EI} = C, #{made := Made} = S) ->
    I = pick_db(C),
    H = current(C, I),
    Flush = rand:uniform(2) =:= 1,
    Start = erlang:monotonic_time(microsecond),
    case timed(create_new_backup,
               fun() -> rocksdb_jnode:create_new_backup(E, H, [{flush_before_backup, Flush}]) end) of
        ok ->
            End = erlang:monotonic_time(microsecond),
            case timed(get_backup_info, fun() -> rocksdb_jnode:get_backup_info(E) end) of
                {ok, [_ | _] = Infos} ->
                    #{id := BId} = lists:last(Infos),
                    S#{made := [{EI, BId, I, Start, End} | Made]};
                _ ->
                    S
            end;
        _ ->
            S
    end;
backup_step(verifier, #{engine := E}, S) ->
    case rand:uniform(20) of
        1 ->
            timed(stop_backup, fun() -> rocksdb_jnode:stop_backup(E) end);
        _ ->
            case random_backup(E) of
                none -> timer:sleep(50);
                Id -> timed(verify_backup, fun() -> rocksdb_jnode:verify_backup(
                                                      E, Id, [{verify_with_checksum, true}])
                                           end)
            end
    end,
    S;
backup_step(purger, #{engine := E}, S) ->
    timer:sleep(300),
    case rand:uniform(6) of
        1 -> timed(gc_backup_engine, fun() -> rocksdb_jnode:gc_backup_engine(E) end);
        2 ->
            case timed(get_backup_info, fun() -> rocksdb_jnode:get_backup_info(E) end) of
                {ok, [#{id := Oldest}, _ | _]} ->
                    timed(delete_backup, fun() -> rocksdb_jnode:delete_backup(E, Oldest) end);
                _ ->
                    ok
            end;
        _ -> timed(purge_old_backup, fun() -> rocksdb_jnode:purge_old_backup(E, 3) end)
    end,
    S;
backup_step(restorer, #{engine := E, restore_dir := Dir}, #{n := N} = S) ->
    case random_backup(E) of
        none ->
            timer:sleep(50);
        Id ->
            case timed(restore_db_from_backup,
                       fun() -> rocksdb_jnode:restore_db_from_backup(E, Id, Dir, Dir) end) of
                ok ->
                    case timed(open_restored, fun() -> rocksdb_jnode:open(Dir, []) end) of
                        {ok, H} ->
                            timed(count, fun() -> rocksdb_jnode:count(H) end),
                            timed(close, fun() -> rocksdb_jnode:close(H) end);
                        _ ->
                            ok
                    end;
                _ ->
                    ok
            end
    end,
    S#{n := N + 1}.

random_backup(E) ->
    case timed(get_backup_info, fun() -> rocksdb_jnode:get_backup_info(E) end) of
        {ok, [_ | _] = Infos} ->
            #{id := Id} = lists:nth(rand:uniform(length(Infos)), Infos),
            Id;
        _ ->
            none
    end.

%%%===================================================================
%%% Timing and classifying calls
%%%===================================================================

timed(Kind, Fun) ->
    timed(Kind, Fun, any).

%% Runs one call, measures it, and records {Kind, Outcome} in the process dictionary; a reply
%% outside what Kind may return (or not the Expected value) is recorded as unexpected.
timed(Kind, Fun, Expected) ->
    T0 = erlang:monotonic_time(millisecond),
    R = try
            Fun()
        catch
            error:badarg -> '$badarg';
            Class:Reason -> {'$raised', Class, Reason}
        end,
    Ms = erlang:monotonic_time(millisecond) - T0,
    Outcome = outcome(Kind, R, Expected),
    bump({Kind, Outcome}),
    put({max_ms, Kind}, max(Ms, case get({max_ms, Kind}) of undefined -> 0; M -> M end)),
    case Outcome of
        {unexpected, _} -> put(unexpected, [{Kind, R, Expected} | get_list(unexpected)]);
        _ -> ok
    end,
    R.

outcome(_, '$badarg', _) -> badarg;
outcome(get, R, Expected) when Expected =/= any ->
    if
        R =:= Expected, is_tuple(R) -> value;
        R =:= Expected -> not_found;
        true -> {unexpected, R}
    end;
outcome(_, ok, _) -> ok;
outcome(open, {ok, _}, _) -> ok;
outcome(open_restored, {ok, _}, _) -> ok;
outcome(get_backup_info, {ok, L}, _) when is_list(L) -> ok;
outcome(count, N, _) when is_integer(N), N >= 0 -> integer;
outcome(open, {error, {db_open, Text}} = R, _) ->
    case string:find(Text, "lock") of
        nomatch -> {unexpected, R};
        _ -> db_locked
    end;
outcome(create_new_backup, {error, incomplete}, _) -> incomplete;
outcome(Kind, {error, {error, "NotFound" ++ _}}, _)
  when Kind =:= verify_backup; Kind =:= delete_backup; Kind =:= restore_db_from_backup ->
    %% The backup was purged between get_backup_info and this call.
    not_found_backup;
outcome(_, R, _) ->
    {unexpected, R}.

bump(Key) ->
    put({count, Key}, case get({count, Key}) of undefined -> 1; N -> N + 1 end).

get_list(Key) ->
    case get(Key) of undefined -> []; L -> L end.

%% The process's tallies, plus Extra.
finish(Extra) ->
    Counts = maps:from_list([{K, V} || {{count, K}, V} <- get()]),
    MaxMs = maps:from_list([{K, V} || {{max_ms, K}, V} <- get()]),
    Extra#{counts => Counts, max_ms => MaxMs, unexpected => lists:reverse(get_list(unexpected))}.

%%%===================================================================
%%% Checks afterwards
%%%===================================================================

%% Reopens each path and checks every acknowledged key of it (in 8 parallel readers).
check_paths(Paths, Acked) ->
    lists:append(
      [begin
           {ok, H} = open_retry(Path, 50),
           Keys = [A || {_, I1, _, _, _} = A <- Acked, I1 =:= I],
           Missing = lists:append(pmap(fun(Chunk) -> check_keys(H, Chunk) end,
                                       chunks(Keys, 8))),
           ok = rocksdb_jnode:close(H),
           ct:log("path ~p: ~p keys checked, ~p wrong", [I, length(Keys), length(Missing)]),
           Missing
       end || {I, Path} <- lists:zip(lists:seq(1, length(Paths)), Paths)]).

check_keys(H, Keys) ->
    [{Key, Want, Got}
     || {Key, _, V, _, Del} <- Keys,
        Want <- [case Del of live -> {ok, V}; _ -> not_found end],
        Got <- [rocksdb_jnode:get(H, Key, [])],
        Got =/= Want].

%% The handles of this test were all closed; a close by an exiting owner may still be under
%% way, so the open retries briefly on RocksDB's lock error.
open_retry(Path, N) ->
    case rocksdb_jnode:open(Path, []) of
        {error, {db_open, _}} when N > 0 -> timer:sleep(100), open_retry(Path, N - 1);
        R -> R
    end.

check_engine(Config, EI, E, Made, Acked) ->
    {ok, Infos} = rocksdb_jnode:get_backup_info(E),
    Verified = [{Id, rocksdb_jnode:verify_backup(E, Id, [{verify_with_checksum, true}])}
                || #{id := Id} <- Infos],
    ct:log("engine ~p: ~p backups made, ~p remain; verify with checksums: ~p",
           [EI, length([x || {EI1, _, _, _, _} <- Made, EI1 =:= EI]), length(Infos), Verified]),
    ?assertEqual([], [V || {_, R} = V <- Verified, R =/= ok]),
    ?assert(Infos =/= []),
    #{id := Latest} = lists:last(Infos),
    %% Made is newest first: the newest backup made under that id.
    case [M || {EI1, Id, _, _, _} = M <- Made, EI1 =:= EI, Id =:= Latest] of
        [{_, _, I, Start, End} | _] ->
            Dir = jnode_ct:dir(Config, "latest_restore"),
            ok = rocksdb_jnode:restore_db_from_backup(E, Latest, Dir, Dir),
            {ok, H} = rocksdb_jnode:open(Dir, []),
            %% Live at backup time, so live in the backup (`live' for check_keys), even when
            %% deleted after the backup ended.
            Must = [{K, I1, V, T, live} || {K, I1, V, T, Del} <- Acked, I1 =:= I, T < Start,
                                          case Del of
                                              live -> true;
                                              {deleted, DelStart, _} -> DelStart > End
                                          end],
            MustNot = [{K, I1, V, T, Del} || {K, I1, V, T, {deleted, _, DelAck} = Del} <- Acked,
                                             I1 =:= I, DelAck < Start],
            Wrong = lists:append(pmap(fun(Chunk) -> check_keys(H, Chunk) end,
                                      chunks(Must ++ MustNot, 8))),
            ok = rocksdb_jnode:close(H),
            ct:log("engine ~p: latest backup ~p (of path ~p) restored: ~p keys must be there, "
                   "~p must be gone; wrong: ~p",
                   [EI, Latest, I, length(Must), length(MustNot), lists:sublist(Wrong, 20)]),
            ?assertEqual([], Wrong);
        [] ->
            ct:fail({latest_backup_not_made_by_creator, EI, Latest})
    end.

%%%===================================================================
%%% Closes racing in-flight work
%%%===================================================================

%% A close of a DB while 8 processes hammer puts on it: the close returns ok, each hammerer's
%% puts return ok until they raise badarg, nothing else; every acknowledged put is there
%% after a reopen. Five rounds on the same path.
close_during_puts(Config) ->
    Seed = ?config(seed, Config),
    Path = jnode_ct:dir(Config, "close_race"),
    Rounds = [close_round(Path, Seed, R) || R <- lists:seq(1, 5)],
    ct:log("rounds {acked puts, close ms, hammerer outcomes}: ~p", [Rounds]),
    {ok, Db} = rocksdb_jnode:open(Path, []),
    ok = rocksdb_jnode:close(Db),
    assert_node_up(?config(jnode, Config)).

close_round(Path, Seed, Round) ->
    {ok, Db} = rocksdb_jnode:open(Path, [{create_if_missing, true}]),
    Parent = self(),
    Hammerers = [spawn_link(fun() -> Parent ! {self(), hammer(Db, Round, N, 0, [])} end)
                 || N <- lists:seq(1, 8)],
    rand:seed(exsss, {Seed, Round, 16#c105e}),
    timer:sleep(200 + rand:uniform(300)),
    T0 = erlang:monotonic_time(millisecond),
    ?assertEqual(ok, rocksdb_jnode:close(Db)),
    CloseMs = erlang:monotonic_time(millisecond) - T0,
    Results = [receive {H, R} -> R after 30000 -> ct:fail({hammerer_stuck, H}) end
               || H <- Hammerers],
    Ends = [End || {End, _} <- Results],
    ?assertEqual([badarg], lists:usort(Ends)),
    Acked = lists:append([A || {_, A} <- Results]),
    {ok, Db2} = rocksdb_jnode:open(Path, []),
    Wrong = [{K, G} || {K, V} <- Acked, G <- [rocksdb_jnode:get(Db2, K, [])], G =/= {ok, V}],
    ok = rocksdb_jnode:close(Db2),
    ?assertEqual([], Wrong),
    {length(Acked), CloseMs, Ends}.

%% Puts unique keys until a put raises badarg (the handle was closed); any other reply ends
%% the hammering with that reply.
hammer(Db, Round, N, Seq, Acked) ->
    Key = <<"r", Round:8, "h", N:8, Seq:32>>,
    Value = <<Key/binary, "value">>,
    try rocksdb_jnode:put(Db, Key, Value, []) of
        ok -> hammer(Db, Round, N, Seq + 1, [{Key, Value} | Acked]);
        Other -> {Other, Acked}
    catch
        error:badarg -> {badarg, Acked}
    end.

%% close_backup_engine while create_new_backup runs on it (the backup copies 16 MB at
%% 4 MB/s, about 4 s): the close returns ok, and the directory opened again holds only complete
%% backups, which verify. Once the backup has begun copying (a file is in its directory), the
%% close stops it: {error, incomplete}, and no backup is left. A close sent 0 or 50 ms after the
%% backup races with its start: it may come first (the backup then raises badarg), or between
%% the backup's start and its first copy (the backup may then run to its end, ok).
close_engine_during_backup(Config) ->
    Db = big_db(Config),
    Rounds = [engine_close_round(Config, Db, Delay)
              || Delay <- [0, 50, started, {started, 200}, {started, 1500}]],
    ct:log("rounds {delay, backup result, close ms, backup ms, backups after}: ~p", [Rounds]),
    ok = rocksdb_jnode:close(Db).

engine_close_round(Config, Db, Delay) ->
    Dir = jnode_ct:dir(Config, "be_close"),
    {ok, E} = rocksdb_jnode:open_backup_engine(Dir, [{backup_rate_limit, 4 * 1024 * 1024}]),
    Parent = self(),
    Backup = spawn_link(fun() ->
                                T0 = erlang:monotonic_time(millisecond),
                                R = try rocksdb_jnode:create_new_backup(E, Db)
                                    catch error:badarg -> badarg
                                    end,
                                Parent ! {self(), R, erlang:monotonic_time(millisecond) - T0}
                        end),
    case Delay of
        started -> wait_files(Dir);
        {started, Ms0} -> wait_files(Dir), timer:sleep(Ms0);
        Ms0 -> timer:sleep(Ms0)
    end,
    T0 = erlang:monotonic_time(millisecond),
    ?assertEqual(ok, rocksdb_jnode:close_backup_engine(E)),
    CloseMs = erlang:monotonic_time(millisecond) - T0,
    {Result, BackupMs} = receive {Backup, R, Ms} -> {R, Ms} after 60000 -> ct:fail(backup_stuck) end,
    Allowed = case is_integer(Delay) of
                  true -> [ok, {error, incomplete}, badarg];
                  false -> [{error, incomplete}]
              end,
    ?assertEqual({Delay, allowed}, {Delay, case lists:member(Result, Allowed) of
                                               true -> allowed;
                                               false -> Result
                                           end}),
    %% Not a speed goal (the times are logged): a close that waited for the whole backup
    %% instead of stopping it would take about 4 s, one that hung 60.
    ?assert(CloseMs < 30000),
    {ok, E2} = rocksdb_jnode:open_backup_engine(Dir),
    {ok, Infos} = rocksdb_jnode:get_backup_info(E2),
    case Result of
        ok -> ?assertMatch([_], Infos);
        _ -> ?assertEqual([], Infos)
    end,
    [?assertEqual(ok, rocksdb_jnode:verify_backup(E2, Id, [{verify_with_checksum, true}]))
     || #{id := Id} <- Infos],
    ok = rocksdb_jnode:gc_backup_engine(E2),
    ok = rocksdb_jnode:close_backup_engine(E2),
    assert_node_up(?config(jnode, Config)),
    {Delay, Result, CloseMs, BackupMs, length(Infos)}.

%% close of a DB while a backup of it runs: the close waits for the backup, which completes.
close_db_during_backup(Config) ->
    Db = big_db(Config),
    Dir = jnode_ct:dir(Config, "be_dbclose"),
    {ok, E} = rocksdb_jnode:open_backup_engine(Dir, [{backup_rate_limit, 8 * 1024 * 1024}]),
    Parent = self(),
    Backup = spawn_link(fun() -> Parent ! {self(), rocksdb_jnode:create_new_backup(E, Db)} end),
    wait_files(Dir),
    T0 = erlang:monotonic_time(millisecond),
    ?assertEqual(ok, rocksdb_jnode:close(Db)),
    CloseMs = erlang:monotonic_time(millisecond) - T0,
    Result = receive {Backup, R} -> R after 60000 -> ct:fail(backup_stuck) end,
    ct:log("backup ~p; the close took ~p ms", [Result, CloseMs]),
    ?assertEqual(ok, Result),
    ?assertError(badarg, rocksdb_jnode:put(Db, <<"k">>, <<"v">>, [])),
    {ok, [#{id := Id}]} = rocksdb_jnode:get_backup_info(E),
    ?assertEqual(ok, rocksdb_jnode:verify_backup(E, Id, [{verify_with_checksum, true}])),
    ok = rocksdb_jnode:close_backup_engine(E).

%% A DB with 16 MB of incompressible values, flushed to table files.
big_db(Config) ->
    {ok, Db} = rocksdb_jnode:open(jnode_ct:dir(Config, "big"), [{create_if_missing, true}]),
    [ok = rocksdb_jnode:put(Db, <<N:32>>, crypto:strong_rand_bytes(64 * 1024), [])
     || N <- lists:seq(1, 256)],
    ok = rocksdb_jnode:flush(Db, []),
    Db.

%%%===================================================================
%%% Helpers
%%%===================================================================

%% Waits until a backup has begun copying: a file is in its directory.
wait_files(Dir) ->
    jnode_ct:wait_until(fun() -> filelib:fold_files(Dir, "", true, fun(F, A) -> [F | A] end, [])
                                     =/= []
                        end, 10000, {files_in, Dir}).

assert_node_up(#{node := Node, os_pid := OsPid}) ->
    ?assert(jnode_ct:os_pid_alive(OsPid)),
    ?assertEqual(pong, rocksdb_jnode:ping(Node)).

pmap(Fun, List) ->
    Parent = self(),
    Pids = [spawn_link(fun() -> Parent ! {self(), Fun(X)} end) || X <- List],
    [receive {P, R} -> R end || P <- Pids].

chunks(List, N) ->
    [[X || {I, X} <- lists:zip(lists:seq(1, length(List)), List), I rem N =:= R]
     || R <- lists:seq(0, N - 1)].

merge_counts(Maps) ->
    lists:foldl(fun(M, Acc) ->
                        maps:fold(fun(K, V, A) -> maps:update_with(K, fun(X) -> X + V end, V, A)
                                  end, Acc, M)
                end, #{}, Maps).

merge_max(Maps) ->
    lists:foldl(fun(M, Acc) ->
                        maps:fold(fun(K, V, A) -> maps:update_with(K, fun(X) -> max(X, V) end, V, A)
                                  end, Acc, M)
                end, #{}, Maps).

format_counts(M) ->
    [io_lib:format("  ~p ~p: ~p~n", [K, O, V]) || {{K, O}, V} <- lists:sort(maps:to_list(M))].

%% How long mixed_load runs, in ms: ?DURATION, or $STRESS_SECONDS (for bench/soak.sh).
duration() ->
    case os:getenv("STRESS_SECONDS") of
        false -> ?DURATION;
        S -> 1000 * list_to_integer(S)
    end.
