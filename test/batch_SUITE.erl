%% @doc Batches, kept in the client (docs/DATA_API.md, "Batches live in the client"), through
%% the drop-in `rocksdb' module against a real Java node: erlang-rocksdb's `batch' test cases
%% in our words, savepoints, the data size against rocksdbjni's own, the owner's exit, release,
%% and a batch shared by two processes.
-module(batch_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1, init_per_testcase/2,
         end_per_testcase/2]).
-export([put_count_write/1, delete_in_batch/1, single_delete_in_batch/1,
         delete_of_missing_key/1, tolist_in_order/1, families_in_batch/1,
         savepoint_and_rollback/1, nested_savepoints/1, rollback_without_savepoint/1,
         clear_drops_ops_and_savepoints/1, write_empties_the_batch/1,
         write_error_empties_the_batch/1, data_size_is_rocksdbs/1,
         data_size_with_a_family/1, owner_exit_drops_batch/1, released_batch_is_badarg/1,
         two_processes_one_batch/1, bad_arguments/1, cf_of_another_db_in_batch/1,
         batch_is_one_request/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

suite() ->
    [{timetrap, {seconds, 60}}].

all() ->
    [put_count_write, delete_in_batch, single_delete_in_batch, delete_of_missing_key,
     tolist_in_order, families_in_batch, savepoint_and_rollback, nested_savepoints,
     rollback_without_savepoint, clear_drops_ops_and_savepoints, write_empties_the_batch,
     write_error_empties_the_batch, data_size_is_rocksdbs, data_size_with_a_family,
     owner_exit_drops_batch, released_batch_is_badarg, two_processes_one_batch, bad_arguments,
     cf_of_another_db_in_batch, batch_is_one_request].

init_per_suite(Config) ->
    Info = jnode_ct:start_node(Config),
    [{jnode, Info} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

init_per_testcase(_Case, Config) ->
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "batch"), [{create_if_missing, true}]),
    [{db, Db} | Config].

end_per_testcase(_Case, Config) ->
    _ = (catch rocksdb:close(?config(db, Config))),
    pong = rocksdb:ping(),
    ok.

%%%===================================================================
%%% erlang-rocksdb's batch cases
%%%===================================================================

put_count_write(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"v1">>),
    ok = rocksdb:batch_put(B, <<"b">>, <<"v2">>),
    ?assertEqual(2, rocksdb:batch_count(B)),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db, <<"b">>, [])),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual({ok, <<"v1">>}, rocksdb:get(Db, <<"a">>, [])),
    ?assertEqual({ok, <<"v2">>}, rocksdb:get(Db, <<"b">>, [])),
    ok = rocksdb:release_batch(B).

delete_in_batch(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"v1">>),
    ok = rocksdb:batch_put(B, <<"b">>, <<"v2">>),
    ok = rocksdb:batch_delete(B, <<"b">>),
    ?assertEqual(3, rocksdb:batch_count(B)),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual({ok, <<"v1">>}, rocksdb:get(Db, <<"a">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db, <<"b">>, [])),
    ok = rocksdb:release_batch(B).

single_delete_in_batch(Config) ->
    Db = ?config(db, Config),
    ok = rocksdb:put(Db, <<"a">>, <<"v1">>, []),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_single_delete(B, <<"a">>),
    ?assertEqual(1, rocksdb:batch_count(B)),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    ok = rocksdb:release_batch(B).

delete_of_missing_key(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"v1">>),
    ok = rocksdb:batch_put(B, <<"b">>, <<"v2">>),
    ok = rocksdb:batch_delete(B, <<"c">>),
    ?assertEqual(3, rocksdb:batch_count(B)),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual(not_found, rocksdb:get(Db, <<"c">>, [])),
    ok = rocksdb:release_batch(B).

tolist_in_order(_Config) ->
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"v1">>),
    ok = rocksdb:batch_put(B, <<"b">>, <<"v2">>),
    ?assertEqual([{put, <<"a">>, <<"v1">>}, {put, <<"b">>, <<"v2">>}], rocksdb:batch_tolist(B)),
    ok = rocksdb:batch_delete(B, <<"a">>),
    ok = rocksdb:batch_single_delete(B, <<"b">>),
    ok = rocksdb:batch_merge(B, <<"m">>, <<"x">>),
    ?assertEqual([{put, <<"a">>, <<"v1">>}, {put, <<"b">>, <<"v2">>}, {delete, <<"a">>},
                  {single_delete, <<"b">>}, {merge, <<"m">>, <<"x">>}],
                 rocksdb:batch_tolist(B)),
    ok = rocksdb:release_batch(B).

%% Operations in families carry the family's handle, which write/3 takes back.
families_in_batch(Config) ->
    Db = ?config(db, Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "f", []),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, Cf, <<"a">>, <<"1">>),
    ok = rocksdb:batch_put(B, <<"a">>, <<"2">>),
    ok = rocksdb:batch_put(B, Cf, <<"d">>, <<"x">>),
    ok = rocksdb:batch_delete(B, Cf, <<"d">>),
    ok = rocksdb:batch_put(B, Cf, <<"s">>, <<"x">>),
    ok = rocksdb:batch_single_delete(B, Cf, <<"s">>),
    List = rocksdb:batch_tolist(B),
    ?assertEqual([{put, Cf, <<"a">>, <<"1">>}, {put, <<"a">>, <<"2">>},
                  {put, Cf, <<"d">>, <<"x">>}, {delete, Cf, <<"d">>},
                  {put, Cf, <<"s">>, <<"x">>}, {single_delete, Cf, <<"s">>}], List),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual({ok, <<"1">>}, rocksdb:get(Db, Cf, <<"a">>, [])),
    ?assertEqual({ok, <<"2">>}, rocksdb:get(Db, <<"a">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db, Cf, <<"d">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db, Cf, <<"s">>, [])),
    %% The list is what write/3 takes.
    ok = rocksdb:write(Db, List, []),
    ?assertEqual({ok, <<"1">>}, rocksdb:get(Db, Cf, <<"a">>, [])),
    ok = rocksdb:release_batch(B).

%%%===================================================================
%%% Savepoints
%%%===================================================================

savepoint_and_rollback(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"v1">>),
    ok = rocksdb:batch_put(B, <<"b">>, <<"v2">>),
    ok = rocksdb:batch_savepoint(B),
    ok = rocksdb:batch_put(B, <<"c">>, <<"v3">>),
    ?assertEqual(3, rocksdb:batch_count(B)),
    ?assertEqual(3, length(rocksdb:batch_tolist(B))),
    ok = rocksdb:batch_rollback(B),
    ?assertEqual(2, rocksdb:batch_count(B)),
    ?assertEqual([{put, <<"a">>, <<"v1">>}, {put, <<"b">>, <<"v2">>}], rocksdb:batch_tolist(B)),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual(not_found, rocksdb:get(Db, <<"c">>, [])),
    ?assertEqual({ok, <<"v2">>}, rocksdb:get(Db, <<"b">>, [])),
    ok = rocksdb:release_batch(B).

nested_savepoints(_Config) ->
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ok = rocksdb:batch_savepoint(B),
    ok = rocksdb:batch_put(B, <<"b">>, <<"2">>),
    ok = rocksdb:batch_savepoint(B),
    ok = rocksdb:batch_put(B, <<"c">>, <<"3">>),
    ok = rocksdb:batch_savepoint(B),
    ok = rocksdb:batch_rollback(B),
    ?assertEqual(3, rocksdb:batch_count(B)),
    ok = rocksdb:batch_rollback(B),
    ?assertEqual(2, rocksdb:batch_count(B)),
    ok = rocksdb:batch_put(B, <<"d">>, <<"4">>),
    ok = rocksdb:batch_rollback(B),
    ?assertEqual([{put, <<"a">>, <<"1">>}], rocksdb:batch_tolist(B)),
    ?assertMatch({error, {error, "NotFound: " ++ _}}, rocksdb:batch_rollback(B)),
    ok = rocksdb:release_batch(B).

%% As RocksDB (through rocksdbjni, checked by the node's WriteOpsTest): NotFound.
rollback_without_savepoint(_Config) ->
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ?assertEqual({error, {error, "NotFound: "}}, rocksdb:batch_rollback(B)),
    ?assertEqual(1, rocksdb:batch_count(B)),
    ok = rocksdb:release_batch(B).

clear_drops_ops_and_savepoints(_Config) ->
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ok = rocksdb:batch_savepoint(B),
    ok = rocksdb:batch_put(B, <<"b">>, <<"2">>),
    ok = rocksdb:batch_clear(B),
    ?assertEqual(0, rocksdb:batch_count(B)),
    ?assertEqual([], rocksdb:batch_tolist(B)),
    ?assertEqual({error, {error, "NotFound: "}}, rocksdb:batch_rollback(B)),
    ok = rocksdb:batch_put(B, <<"c">>, <<"3">>),
    ?assertEqual([{put, <<"c">>, <<"3">>}], rocksdb:batch_tolist(B)),
    ok = rocksdb:release_batch(B).

%%%===================================================================
%%% write_batch/3
%%%===================================================================

write_empties_the_batch(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ok = rocksdb:write_batch(Db, B, [{sync, true}]),
    ?assertEqual(0, rocksdb:batch_count(B)),
    ok = rocksdb:batch_put(B, <<"b">>, <<"2">>),
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual({ok, <<"2">>}, rocksdb:get(Db, <<"b">>, [])),
    ok = rocksdb:release_batch(B).

%% A write that fails (a put into a dropped family) writes nothing and empties the batch too.
write_error_empties_the_batch(Config) ->
    Db = ?config(db, Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "gone", []),
    ok = rocksdb:drop_column_family(Db, Cf),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ok = rocksdb:batch_put(B, Cf, <<"b">>, <<"2">>),
    ?assertMatch({error, {error, _}}, rocksdb:write_batch(Db, B, [])),
    ?assertEqual(0, rocksdb:batch_count(B)),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    ok = rocksdb:release_batch(B).

cf_of_another_db_in_batch(Config) ->
    Db = ?config(db, Config),
    {ok, Other} = rocksdb:open(jnode_ct:dir(Config, "other"), [{create_if_missing, true}]),
    {ok, Cf} = rocksdb:create_column_family(Other, "o", []),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ok = rocksdb:batch_put(B, Cf, <<"b">>, <<"2">>),
    ?assertError(badarg, rocksdb:write_batch(Db, B, [])),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    ok = rocksdb:close(Other),
    ok = rocksdb:release_batch(B).

%% A batch of 1,000 puts travels as one request.
batch_is_one_request(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    [ok = rocksdb:batch_put(B, <<I:32>>, <<"v">>) || I <- lists:seq(1, 1000)],
    Self = self(),
    Tracer = spawn_link(fun() -> count_calls(0) end),
    _ = erlang:trace_pattern({rocksdb_jnode_call, request, 2}, true, [local]),
    _ = erlang:trace(Self, true, [call, {tracer, Tracer}]),
    ok = rocksdb:write_batch(Db, B, []),
    _ = erlang:trace(Self, false, [call]),
    _ = erlang:trace_pattern({rocksdb_jnode_call, request, 2}, false, [local]),
    Ref = erlang:trace_delivered(Self),
    receive {trace_delivered, Self, Ref} -> ok end,
    Tracer ! {done, Self},
    receive {calls, N} -> ?assertEqual(1, N) end,
    ?assertEqual({ok, <<"v">>}, rocksdb:get(Db, <<1000:32>>, [])),
    ok = rocksdb:release_batch(B).

count_calls(N) ->
    receive
        {trace, _, call, _} -> count_calls(N + 1);
        {done, From} -> From ! {calls, N}
    end.

%%%===================================================================
%%% batch_data_size/1
%%%===================================================================

%% RocksDB's serialized size: the 12-byte header, then per put a tag byte, the key and the
%% value each with a varint length (rocksdbjni's getDataSize, checked by the node's
%% WriteOpsTest against a WriteBatch of its own).
data_size_is_rocksdbs(_Config) ->
    {ok, B} = rocksdb:batch(),
    ?assertEqual(12, rocksdb:batch_data_size(B)),
    ok = rocksdb:batch_put(B, <<"a">>, <<"v1">>),
    ?assertEqual(12 + 1 + 1 + 1 + 1 + 2, rocksdb:batch_data_size(B)),
    ok = rocksdb:batch_delete(B, <<"key">>),
    ?assertEqual(18 + 1 + 1 + 3, rocksdb:batch_data_size(B)),
    ok = rocksdb:batch_put(B, <<"k">>, binary:copy(<<"x">>, 200)),
    ?assertEqual(23 + 1 + 1 + 1 + 2 + 200, rocksdb:batch_data_size(B)),
    ok = rocksdb:release_batch(B).

%% An operation in a family adds the family's id (a varint) and uses another tag.
data_size_with_a_family(Config) ->
    Db = ?config(db, Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "f", []),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, Cf, <<"a">>, <<"v1">>),
    ?assertEqual(12 + 1 + 1 + 1 + 1 + 1 + 2, rocksdb:batch_data_size(B)),
    ok = rocksdb:release_batch(B).

%%%===================================================================
%%% Ownership, release, sharing
%%%===================================================================

owner_exit_drops_batch(_Config) ->
    Self = self(),
    {Pid, MRef} = spawn_monitor(fun() ->
                                        {ok, B} = rocksdb:batch(),
                                        ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
                                        Self ! {batch, B},
                                        receive go -> ok end
                                end),
    B = receive {batch, Batch} -> Batch end,
    %% Another process may use it while its owner lives.
    ?assertEqual(1, rocksdb:batch_count(B)),
    ok = rocksdb:batch_put(B, <<"b">>, <<"2">>),
    Pid ! go,
    receive {'DOWN', MRef, process, Pid, _} -> ok end,
    jnode_ct:wait_until(fun() ->
                                try rocksdb:batch_count(B), false
                                catch error:badarg -> true
                                end
                        end, 5000, batch_dropped),
    ?assertEqual([], ets:match_object(rocksdb_jnode_batch, {{B, '_'}, '_'})),
    ?assertEqual([], ets:match_object(rocksdb_jnode_batch, {{B, '_'}, '_', '_', '_'})).

released_batch_is_badarg(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    ok = rocksdb:batch_put(B, <<"a">>, <<"1">>),
    ok = rocksdb:release_batch(B),
    ?assertError(badarg, rocksdb:batch_put(B, <<"a">>, <<"1">>)),
    ?assertError(badarg, rocksdb:batch_delete(B, <<"a">>)),
    ?assertError(badarg, rocksdb:batch_count(B)),
    ?assertError(badarg, rocksdb:batch_tolist(B)),
    ?assertError(badarg, rocksdb:batch_data_size(B)),
    ?assertError(badarg, rocksdb:batch_clear(B)),
    ?assertError(badarg, rocksdb:batch_savepoint(B)),
    ?assertError(badarg, rocksdb:batch_rollback(B)),
    ?assertError(badarg, rocksdb:write_batch(Db, B, [])),
    ?assertError(badarg, rocksdb:release_batch(B)),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    %% Never a batch: a reference of this node, a handle, anything else.
    ?assertError(badarg, rocksdb:batch_count(make_ref())),
    ?assertError(badarg, rocksdb:batch_put(Db, <<"a">>, <<"1">>)),
    ?assertError(badarg, rocksdb:batch_tolist('_')).

%% Two processes add to one batch at once: every operation is there once, and each
%% process's operations keep their order.
two_processes_one_batch(Config) ->
    Db = ?config(db, Config),
    {ok, B} = rocksdb:batch(),
    Self = self(),
    Writers = [spawn_link(fun() ->
                                  [ok = rocksdb:batch_put(B, <<W, I:16>>, <<I:16>>)
                                   || I <- lists:seq(1, 500)],
                                  Self ! {done, self()}
                          end) || W <- [$x, $y]],
    [receive {done, W} -> ok end || W <- Writers],
    ?assertEqual(1000, rocksdb:batch_count(B)),
    List = rocksdb:batch_tolist(B),
    [?assertEqual([{put, <<W, I:16>>, <<I:16>>} || I <- lists:seq(1, 500)],
                  [Op || {put, <<X, _:16>>, _} = Op <- List, X =:= W])
     || W <- [$x, $y]],
    ok = rocksdb:write_batch(Db, B, []),
    ?assertEqual({ok, <<500:16>>}, rocksdb:get(Db, <<$y, 500:16>>, [])),
    ok = rocksdb:release_batch(B).

bad_arguments(_Config) ->
    {ok, B} = rocksdb:batch(),
    ?assertError(badarg, rocksdb:batch_put(B, "a", <<"1">>)),
    ?assertError(badarg, rocksdb:batch_put(B, <<"a">>, 1)),
    ?assertError(badarg, rocksdb:batch_put(B, make_ref(), <<"a">>, <<"1">>)),
    ?assertError(badarg, rocksdb:batch_merge(B, <<"a">>, atom)),
    ?assertError(badarg, rocksdb:batch_delete(B, 1)),
    ?assertError(badarg, rocksdb:batch_single_delete(B, not_a_cf, <<"a">>)),
    ?assertEqual(0, rocksdb:batch_count(B)),
    ok = rocksdb:release_batch(B).
