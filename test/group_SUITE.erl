%% @doc Group commit (rocksdb_jnode_group) against a real Java node: concurrent puts and deletes
%% travel as shared `write_packed' requests and every caller gets its own reply; a lone caller
%% is sent directly; a batch that fails leaves each caller to its own direct call, so each gets
%% exactly a direct call's reply; callers that time out get no stray message; the group process
%% dying costs no write; and `group_commit' false turns it off.
-module(group_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1, init_per_testcase/2,
         end_per_testcase/2]).
-export([concurrent_puts_are_grouped/1, lone_caller_is_sent_directly/1,
         grouped_writes_in_families_and_deletes/1, synced_puts_are_grouped_apart/1,
         failed_batch_answers_each_caller_as_direct/1, timed_out_callers_get_no_stray/1,
         group_process_killed_loses_nothing/1, group_commit_off/1,
         unconnected_node_is_left_to_the_callers/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

-define(CALLERS, 32).
-define(PUTS, 100).

suite() ->
    [{timetrap, {seconds, 120}}].

all() ->
    [concurrent_puts_are_grouped, lone_caller_is_sent_directly,
     grouped_writes_in_families_and_deletes, synced_puts_are_grouped_apart,
     failed_batch_answers_each_caller_as_direct, timed_out_callers_get_no_stray,
     group_process_killed_loses_nothing, group_commit_off,
     unconnected_node_is_left_to_the_callers].

init_per_suite(Config) ->
    Info = jnode_ct:start_node(Config),
    [{jnode, Info} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

init_per_testcase(_Case, Config) ->
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "group"), [{create_if_missing, true}]),
    [{db, Db} | Config].

end_per_testcase(_Case, Config) ->
    application:set_env(rocksdb_jnode, group_commit, true),
    application:set_env(rocksdb_jnode, call_timeout, 30000),
    _ = (catch rocksdb:close(?config(db, Config))),
    pong = rocksdb:ping(),
    ok.

%%%===================================================================
%%% Cases
%%%===================================================================

concurrent_puts_are_grouped(Config) ->
    Db = ?config(db, Config),
    Before = counts(),
    Results = in_parallel(?CALLERS, fun(C) ->
                                            [rocksdb:put(Db, key(C, I), value(C, I), [])
                                             || I <- lists:seq(1, ?PUTS)]
                                    end),
    ?assertEqual([ok], lists:usort(lists:append(Results))),
    [?assertEqual({ok, value(C, I)}, rocksdb:get(Db, key(C, I), []))
     || C <- lists:seq(1, ?CALLERS), I <- lists:seq(1, ?PUTS)],
    #{put := Puts, write_packed := Batches} = minus(counts(), Before),
    ct:log("~p puts sent alone, ~p batches", [Puts, Batches]),
    %% Some writes shared a request: fewer requests than writes.
    ?assert(Batches > 0),
    ?assert(Puts + Batches < ?CALLERS * ?PUTS).

lone_caller_is_sent_directly(Config) ->
    Db = ?config(db, Config),
    Before = counts(),
    [ok = rocksdb:put(Db, key(0, I), value(0, I), []) || I <- lists:seq(1, ?PUTS)],
    [ok = rocksdb:delete(Db, key(0, I), []) || I <- lists:seq(1, 10)],
    ?assertEqual(#{put => ?PUTS, delete => 10, write_packed => 0}, sent(minus(counts(), Before))).

grouped_writes_in_families_and_deletes(Config) ->
    Db = ?config(db, Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "other", []),
    Results = in_parallel(?CALLERS,
                          fun(C) ->
                                  [begin
                                       ok = rocksdb:put(Db, Cf, key(C, I), value(C, I), []),
                                       ok = rocksdb:put(Db, key(C, I), <<"gone">>, []),
                                       rocksdb:delete(Db, key(C, I), [])
                                   end || I <- lists:seq(1, 20)]
                          end),
    ?assertEqual([ok], lists:usort(lists:append(Results))),
    [begin
         ?assertEqual({ok, value(C, I)}, rocksdb:get(Db, Cf, key(C, I), [])),
         ?assertEqual(not_found, rocksdb:get(Db, key(C, I), []))
     end || C <- lists:seq(1, ?CALLERS), I <- lists:seq(1, 20)],
    ok = rocksdb:drop_column_family(Db, Cf).

%% Synced and unsynced puts mixed: each batch holds writes of one set of options; all are written.
synced_puts_are_grouped_apart(Config) ->
    Db = ?config(db, Config),
    Results = in_parallel(?CALLERS,
                          fun(C) ->
                                  [case I rem 2 of
                                       0 -> rocksdb:put(Db, key(C, I), value(C, I), [{sync, true}]);
                                       1 -> rocksdb:put(Db, key(C, I), value(C, I), [])
                                   end || I <- lists:seq(1, 20)]
                          end),
    ?assertEqual([ok], lists:usort(lists:append(Results))),
    [?assertEqual({ok, value(C, I)}, rocksdb:get(Db, key(C, I), []))
     || C <- lists:seq(1, ?CALLERS), I <- lists:seq(1, 20)].

%% Writes to a closed DB: each concurrent caller gets what a direct call gets (badarg raised,
%% for a closed handle), whether its write was in a batch or not.
failed_batch_answers_each_caller_as_direct(Config) ->
    Db = ?config(db, Config),
    ok = rocksdb:close(Db),
    Direct = catch_put(Db, key(0, 0)),
    ?assertMatch({error, badarg}, Direct),
    Before = counts(),
    Results = in_parallel(?CALLERS, fun(C) -> [catch_put(Db, key(C, I)) || I <- lists:seq(1, 20)] end),
    ?assertEqual([Direct], lists:usort(lists:append(Results))),
    #{write_packed := Batches, failed_write_packed := Failed} = minus(counts(), Before),
    ct:log("~p batches, ~p failed", [Batches, Failed]),
    ?assertEqual(Batches, Failed).

%% Callers whose call times out while their batch is queued or in flight get {error, timeout}
%% or ok, and no message after.
timed_out_callers_get_no_stray(Config) ->
    Db = ?config(db, Config),
    application:set_env(rocksdb_jnode, call_timeout, 1),
    Results = in_parallel(?CALLERS,
                          fun(C) ->
                                  R = [rocksdb:put(Db, key(C, I), value(C, I), []) || I <- lists:seq(1, 20)],
                                  timer:sleep(300),
                                  Stray = receive M -> {stray, M} after 0 -> none end,
                                  [Stray | R]
                          end),
    application:set_env(rocksdb_jnode, call_timeout, 30000),
    All = lists:append(Results),
    ct:log("~p", [lists:usort(All)]),
    ?assertEqual([], [R || R <- All, R =/= ok, R =/= {error, timeout}, R =/= none]),
    %% The group process is still there and serves.
    ?assert(is_pid(whereis(rocksdb_jnode_group))),
    ok = rocksdb:put(Db, <<"after">>, <<"v">>, []).

%% The group process killed while writes wait on it: each caller's write is then sent directly
%% (a batch in flight may have been written; written again, it is the same put). The supervisor
%% starts a new one.
group_process_killed_loses_nothing(Config) ->
    Db = ?config(db, Config),
    Self = self(),
    Killer = spawn_link(fun() ->
                                receive go -> ok end,
                                [begin
                                     timer:sleep(20),
                                     catch exit(whereis(rocksdb_jnode_group), kill)
                                 end || _ <- lists:seq(1, 5)],
                                Self ! killed
                        end),
    Killer ! go,
    Results = in_parallel(?CALLERS,
                          fun(C) -> [rocksdb:put(Db, key(C, I), value(C, I), []) || I <- lists:seq(1, ?PUTS)] end),
    receive killed -> ok end,
    ?assertEqual([ok], lists:usort(lists:append(Results))),
    [?assertEqual({ok, value(C, I)}, rocksdb:get(Db, key(C, I), []))
     || C <- lists:seq(1, ?CALLERS), I <- lists:seq(1, ?PUTS)],
    ok = wait_for_group(50).

group_commit_off(Config) ->
    Db = ?config(db, Config),
    application:set_env(rocksdb_jnode, group_commit, false),
    Before = counts(),
    Results = in_parallel(?CALLERS, fun(C) -> [rocksdb:put(Db, key(C, I), value(C, I), []) || I <- lists:seq(1, 20)] end),
    ?assertEqual([ok], lists:usort(lists:append(Results))),
    ?assertEqual(#{put => ?CALLERS * 20, delete => 0, write_packed => 0}, sent(minus(counts(), Before))),
    application:set_env(rocksdb_jnode, group_commit, nonsense),
    ?assertError({badconfig, {group_commit, nonsense}}, rocksdb:put(Db, <<"k">>, <<"v">>, [])).

%% A write for a node this Erlang node is not connected to is not sent by the group process
%% (sending would make it connect, and wait, holding up every other batch): its caller is told
%% to retry, which it does directly, and nothing is kept for it.
unconnected_node_is_left_to_the_callers(_Config) ->
    Node = 'not_connected@127.0.0.9',
    Key = {{rocksdb, Node}, make_ref(), []},
    ?assertEqual(retry, gen_server:call(rocksdb_jnode_group, {write, Key, {put, <<"k">>, <<"v">>}, 5000})),
    ?assertNot(lists:member(Node, nodes(connected))),
    ?assertEqual(#{}, sys:get_state(rocksdb_jnode_group)).

%%%===================================================================
%%% Helpers
%%%===================================================================

key(C, I) -> <<"k", C:32, I:32>>.
value(C, I) -> <<"value of ", C:32, I:32>>.

catch_put(Db, Key) ->
    try rocksdb:put(Db, Key, <<"v">>, []) of
        R -> R
    catch
        error:badarg -> {error, badarg}
    end.

%% Runs Fun(C) for C in 1..N, each in its own process, started together; their results in order.
in_parallel(N, Fun) ->
    Self = self(),
    Pids = [spawn_link(fun() ->
                               receive go -> ok end,
                               Self ! {self(), Fun(C)}
                       end) || C <- lists:seq(1, N)],
    [P ! go || P <- Pids],
    [receive {P, R} -> R end || P <- Pids].

%% The node's served counts of put, delete and write_packed (and write_packed's failures).
counts() ->
    {ok, #{requests := R}} = rocksdb_jnode:stats(),
    Served = fun(Name) -> maps:get(served, maps:get(Name, R, #{}), 0) end,
    #{put => Served(put), delete => Served(delete), write_packed => Served(write_packed),
      failed_write_packed => maps:get(failed, maps:get(write_packed, R, #{}), 0)}.

minus(A, B) ->
    maps:map(fun(K, V) -> V - maps:get(K, B) end, A).

%% The request counts alone (not the failures).
sent(Counts) ->
    maps:with([put, delete, write_packed], Counts).

wait_for_group(0) ->
    ct:fail(group_process_not_restarted);
wait_for_group(N) ->
    case whereis(rocksdb_jnode_group) of
        undefined -> timer:sleep(20), wait_for_group(N - 1);
        _ -> ok
    end.
