%% @doc Column families and the writes beyond put and delete (docs/DATA_API.md), through the
%% drop-in `rocksdb' module against a real Java node: the cases of erlang-rocksdb's
%% `column_family' and `db_range' test modules, in our words, and what the handles add: a
%% handle of the wrong kind, a family of another DB, a destroyed family or a closed DB
%% (`badarg'), a dropped family (readable, not writable), reopening with every family,
%% `write/3' with operations in several families at once (all or nothing).
-module(cf_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1, init_per_testcase/2,
         end_per_testcase/2]).
-export([open_lists_creates_and_drops/1, destroy_keeps_the_family_listed/1,
         reopen_with_every_family/1, dropping_default_is_an_error/1, kvs_per_family/1,
         single_delete_in_a_family/1, delete_range/1, delete_range_in_a_family/1,
         open_without_default_descriptor/1, open2_of_db_with_families/1,
         list_while_open_and_of_missing_db/1, create_existing_name/1,
         read_only_opens/1, open_with_cf_names/1,
         dropped_family_readable_not_writable/1, dropped_family_closes_with_db/1,
         wrong_handle_kind/1, family_of_another_db/1, destroyed_family_is_badarg/1,
         families_of_a_closed_db_are_badarg/1, destroy_default_handle_keeps_db/1,
         write_mixed_families/1, write_is_all_or_nothing/1, write_bad_actions/1,
         merge_without_operator/1, merge_uint64add/1, bad_arguments/1,
         owner_exit_closes_db_with_families/1,
         backup_by_path_has_every_family/1, backup_of_handle_has_every_family/1,
         backup_of_read_only_subset_refused/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

suite() ->
    [{timetrap, {seconds, 60}}].

all() ->
    [open_lists_creates_and_drops, destroy_keeps_the_family_listed, reopen_with_every_family,
     dropping_default_is_an_error, kvs_per_family, single_delete_in_a_family, delete_range,
     delete_range_in_a_family, open_without_default_descriptor, open2_of_db_with_families,
     list_while_open_and_of_missing_db, create_existing_name, read_only_opens,
     open_with_cf_names, dropped_family_readable_not_writable, dropped_family_closes_with_db,
     wrong_handle_kind, family_of_another_db, destroyed_family_is_badarg,
     families_of_a_closed_db_are_badarg, destroy_default_handle_keeps_db,
     write_mixed_families, write_is_all_or_nothing, write_bad_actions,
     merge_without_operator, merge_uint64add, bad_arguments,
     owner_exit_closes_db_with_families, backup_by_path_has_every_family,
     backup_of_handle_has_every_family, backup_of_read_only_subset_refused].

init_per_suite(Config) ->
    Info = jnode_ct:start_node(Config),
    [{jnode, Info} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

init_per_testcase(_Case, Config) ->
    Config.

%% Every test leaves the node serving.
end_per_testcase(_Case, Config) ->
    #{os_pid := OsPid} = ?config(jnode, Config),
    pong = rocksdb:ping(),
    true = jnode_ct:os_pid_alive(OsPid),
    ok.

%% A new DB opened with the default family only: {Path, Db, DefaultCf}.
fresh(Config) ->
    Path = jnode_ct:dir(Config, "cf"),
    {ok, Db, [Default]} = rocksdb:open(Path, [{create_if_missing, true}], [{"default", []}]),
    {Path, Db, Default}.

%%%===================================================================
%%% erlang-rocksdb's column_family cases
%%%===================================================================

open_lists_creates_and_drops(Config) ->
    {Path, Db, _} = fresh(Config),
    ?assertEqual({ok, ["default"]}, rocksdb:list_column_families(Path, [])),
    {ok, Cf} = rocksdb:create_column_family(Db, "test", []),
    ?assert(is_reference(Cf)),
    ?assertEqual({ok, ["default", "test"]}, rocksdb:list_column_families(Path, [])),
    ok = rocksdb:drop_column_family(Db, Cf),
    ?assertEqual({ok, ["default"]}, rocksdb:list_column_families(Path, [])),
    ok = rocksdb:close(Db).

destroy_keeps_the_family_listed(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "test", []),
    ok = rocksdb:destroy_column_family(Db, Cf),
    ?assertEqual({ok, ["default", "test"]}, rocksdb:list_column_families(Path, [])),
    ok = rocksdb:close(Db).

%% A family created, the DB closed and reopened with all its families: the handles come back
%% in descriptor order, with the data.
reopen_with_every_family(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "test", []),
    ok = rocksdb:put(Db, Cf, <<"k">>, <<"in test">>, []),
    ok = rocksdb:close(Db),
    {ok, Db2, [Default, Test]} = rocksdb:open(Path, [], [{"default", []}, {"test", []}]),
    ?assertEqual({ok, <<"in test">>}, rocksdb:get(Db2, Test, <<"k">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db2, Default, <<"k">>, [])),
    ok = rocksdb:drop_column_family(Db2, Test),
    ?assertEqual({ok, ["default"]}, rocksdb:list_column_families(Path, [])),
    ok = rocksdb:close(Db2),
    %% The order of the descriptors is the order of the handles.
    {ok, Db3, [Default3]} = rocksdb:open(Path, [], [{"default", []}]),
    ok = rocksdb:put(Db3, Default3, <<"a">>, <<"1">>, []),
    {ok, _} = rocksdb:create_column_family(Db3, "x", []),
    ok = rocksdb:close(Db3),
    {ok, Db4, [X, D4]} = rocksdb:open(Path, [], [{"x", []}, {"default", []}]),
    ?assertEqual({ok, <<"1">>}, rocksdb:get(Db4, D4, <<"a">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db4, X, <<"a">>, [])),
    ok = rocksdb:close(Db4).

dropping_default_is_an_error(Config) ->
    {Path, Db, Default} = fresh(Config),
    ?assertMatch({error, {error, _}}, rocksdb:drop_column_family(Db, Default)),
    ?assertMatch({error, {error, _}}, rocksdb:drop_column_family(Default)),
    ok = rocksdb:close(Db),
    {ok, Db2, [Default2]} = rocksdb:open(Path, [], [{"default", []}]),
    ?assertMatch({error, {error, _}}, rocksdb:drop_column_family(Db2, Default2)),
    ?assertEqual({ok, <<"v">>}, begin ok = rocksdb:put(Db2, Default2, <<"k">>, <<"v">>, []),
                                      rocksdb:get(Db2, Default2, <<"k">>, []) end),
    ok = rocksdb:close(Db2).

%% Keys per family: the same key in two families is two keys; count/2 counts a family's.
kvs_per_family(Config) ->
    {_Path, Db, Default} = fresh(Config),
    ok = rocksdb:put(Db, Default, <<"a">>, <<"a1">>, []),
    ?assertEqual({ok, <<"a1">>}, rocksdb:get(Db, Default, <<"a">>, [])),
    ?assertEqual({ok, <<"a1">>}, rocksdb:get(Db, <<"a">>, [])),
    ok = rocksdb:put(Db, Default, <<"b">>, <<"b1">>, []),
    ?assertEqual(2, rocksdb:count(Db, Default)),
    ok = rocksdb:delete(Db, Default, <<"b">>, []),
    ?assertEqual(not_found, rocksdb:get(Db, Default, <<"b">>, [])),
    ?assertEqual(1, rocksdb:count(Db, Default)),
    {ok, Test} = rocksdb:create_column_family(Db, "test", []),
    ok = rocksdb:put(Db, Test, <<"a">>, <<"a2">>, []),
    ?assertEqual({ok, <<"a2">>}, rocksdb:get(Db, Test, <<"a">>, [])),
    ?assertEqual({ok, <<"a1">>}, rocksdb:get(Db, Default, <<"a">>, [])),
    ?assertEqual(1, rocksdb:count(Db, Test)),
    ok = rocksdb:close(Db).

single_delete_in_a_family(Config) ->
    {_Path, Db, Default} = fresh(Config),
    {ok, Test} = rocksdb:create_column_family(Db, "test", []),
    [begin
         ok = rocksdb:put(Db, Cf, <<"c">>, <<"c1">>, []),
         ?assertEqual({ok, <<"c1">>}, rocksdb:get(Db, Cf, <<"c">>, [])),
         ok = rocksdb:single_delete(Db, Cf, <<"c">>, []),
         ?assertEqual(not_found, rocksdb:get(Db, Cf, <<"c">>, []))
     end || Cf <- [Default, Test]],
    ok = rocksdb:put(Db, <<"d">>, <<"d1">>, []),
    ok = rocksdb:single_delete(Db, <<"d">>, []),
    ?assertEqual(not_found, rocksdb:get(Db, <<"d">>, [])),
    ok = rocksdb:close(Db).

%%%===================================================================
%%% erlang-rocksdb's db_range cases
%%%===================================================================

keys(Db, Cf, Keys) ->
    [K || K <- Keys, {ok, _} <- [rocksdb:get(Db, Cf, K, [])]].

%% The range removes its begin key and what lies before its end key, not the end key.
delete_range(Config) ->
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "range"), [{create_if_missing, true}]),
    Keys = [<<"a">>, <<"b">>, <<"c">>, <<"d">>, <<"e">>],
    [ok = rocksdb:put(Db, K, K, []) || K <- Keys],
    ok = rocksdb:delete_range(Db, <<"b">>, <<"e">>, []),
    ?assertEqual([<<"a">>, <<"e">>], [K || K <- Keys, {ok, _} <- [rocksdb:get(Db, K, [])]]),
    ok = rocksdb:close(Db).

delete_range_in_a_family(Config) ->
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "range"), [{create_if_missing, true}]),
    {ok, Cf} = rocksdb:create_column_family(Db, "r", []),
    Keys = [<<"a">>, <<"b">>, <<"c">>, <<"d">>, <<"e">>],
    [ok = rocksdb:put(Db, Cf, K, K, []) || K <- Keys],
    [ok = rocksdb:put(Db, K, K, []) || K <- Keys],
    ok = rocksdb:delete_range(Db, Cf, <<"b">>, <<"e">>, []),
    ?assertEqual([<<"a">>, <<"e">>], keys(Db, Cf, Keys)),
    %% The default family is untouched.
    ?assertEqual(Keys, [K || K <- Keys, {ok, _} <- [rocksdb:get(Db, K, [])]]),
    ok = rocksdb:close(Db).

%%%===================================================================
%%% Opening and listing
%%%===================================================================

open_without_default_descriptor(Config) ->
    Path = jnode_ct:dir(Config, "nodefault"),
    ?assertMatch({error, {db_open, _}}, rocksdb:open(Path, [{create_if_missing, true}], [])),
    {_, Db, _} = fresh(Config),
    ok = rocksdb:close(Db).

%% RocksDB wants every family named: open/2 of a DB that has more than "default" fails, and so
%% does a descriptor list that leaves one out.
open2_of_db_with_families(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, _} = rocksdb:create_column_family(Db, "extra", []),
    ok = rocksdb:close(Db),
    ?assertMatch({error, {db_open, _}}, rocksdb:open(Path, [])),
    ?assertMatch({error, {db_open, _}}, rocksdb:open(Path, [], [{"default", []}])),
    ?assertMatch({error, {db_open, _}}, rocksdb:open(Path, [], [{"default", []}, {"nope", []}])),
    {ok, Db2, [_, _]} = rocksdb:open(Path, [], [{"default", []}, {"extra", []}]),
    ok = rocksdb:close(Db2).

list_while_open_and_of_missing_db(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, _} = rocksdb:create_column_family(Db, "one", []),
    {ok, _} = rocksdb:create_column_family(Db, "two", []),
    ?assertEqual({ok, ["default", "one", "two"]}, rocksdb:list_column_families(Path, [])),
    ok = rocksdb:close(Db),
    ?assertEqual({ok, ["default", "one", "two"]}, rocksdb:list_column_families(Path, [])),
    ?assertMatch({error, {db_open, _}},
                 rocksdb:list_column_families(jnode_ct:dir(Config, "missing"), [])).

create_existing_name(Config) ->
    {_Path, Db, _} = fresh(Config),
    {ok, _} = rocksdb:create_column_family(Db, "same", []),
    ?assertMatch({error, {error, _}}, rocksdb:create_column_family(Db, "same", [])),
    ?assertMatch({error, {error, _}}, rocksdb:create_column_family(Db, "default", [])),
    ok = rocksdb:close(Db).

read_only_opens(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "ro", []),
    ok = rocksdb:put(Db, Cf, <<"k">>, <<"v">>, []),
    ok = rocksdb:put(Db, <<"k">>, <<"d">>, []),
    ok = rocksdb:close(Db),
    {ok, R1} = rocksdb:open_readonly(Path, [{create_if_missing, true}]),
    ?assertEqual({ok, <<"d">>}, rocksdb:get(R1, <<"k">>, [])),
    ?assertMatch({error, {error, _}}, rocksdb:put(R1, <<"k">>, <<"x">>, [])),
    ok = rocksdb:close(R1),
    {ok, R2, [_, RoCf]} = rocksdb:open_readonly(Path, [], [{"default", []}, {"ro", []}]),
    ?assertEqual({ok, <<"v">>}, rocksdb:get(R2, RoCf, <<"k">>, [])),
    ?assertMatch({error, {error, _}}, rocksdb:put(R2, RoCf, <<"k">>, <<"x">>, [])),
    ?assertMatch({error, {error, _}}, rocksdb:create_column_family(R2, "new", [])),
    ok = rocksdb:close(R2),
    {ok, R3, [_, _]} = rocksdb:open_with_cf_readonly(Path, [], [{"default", []}, {"ro", []}]),
    ok = rocksdb:close(R3),
    ?assertMatch({error, {db_open, _}},
                 rocksdb:open_readonly(jnode_ct:dir(Config, "missing"), [])).

%% The listed names, as erlang-rocksdb's cleanup case reopens a DB.
open_with_cf_names(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, _} = rocksdb:create_column_family(Db, "a", []),
    {ok, _} = rocksdb:create_column_family(Db, "b", []),
    ok = rocksdb:close(Db),
    {ok, Names} = rocksdb:list_column_families(Path, []),
    {ok, Db2, Cfs} = rocksdb:open_with_cf(Path, [], [{Name, []} || Name <- Names]),
    ?assertEqual(3, length(Cfs)),
    ok = rocksdb:close(Db2).

%%%===================================================================
%%% Handles
%%%===================================================================

%% A dropped family stays readable through its handle until destroyed; writes to it fail.
dropped_family_readable_not_writable(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "gone", []),
    ok = rocksdb:put(Db, Cf, <<"k">>, <<"v">>, []),
    ok = rocksdb:drop_column_family(Cf),
    ?assertEqual({ok, ["default"]}, rocksdb:list_column_families(Path, [])),
    ?assertEqual({ok, <<"v">>}, rocksdb:get(Db, Cf, <<"k">>, [])),
    ?assertMatch({error, {error, _}}, rocksdb:put(Db, Cf, <<"k2">>, <<"v">>, [])),
    ?assertMatch({error, {error, _}}, rocksdb:write(Db, [{put, Cf, <<"k3">>, <<"v">>}], [])),
    ?assertMatch({error, {error, _}}, rocksdb:drop_column_family(Db, Cf)),
    ok = rocksdb:destroy_column_family(Cf),
    ?assertError(badarg, rocksdb:get(Db, Cf, <<"k">>, [])),
    ok = rocksdb:close(Db).

dropped_family_closes_with_db(Config) ->
    {Path, Db, _} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "gone", []),
    ok = rocksdb:drop_column_family(Db, Cf),
    ok = rocksdb:close(Db),
    ?assertError(badarg, rocksdb:get(Db, Cf, <<"k">>, [])),
    {ok, Db2, [_]} = rocksdb:open(Path, [], [{"default", []}]),
    ok = rocksdb:close(Db2).

wrong_handle_kind(Config) ->
    {_Path, Db, Cf} = fresh(Config),
    {ok, Engine} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "engine")),
    ?assertError(badarg, rocksdb:get(Db, Engine, <<"k">>, [])),
    ?assertError(badarg, rocksdb:get(Cf, Cf, <<"k">>, [])),
    ?assertError(badarg, rocksdb:put(Cf, <<"k">>, <<"v">>, [])),
    ?assertError(badarg, rocksdb:drop_column_family(Db)),
    ?assertError(badarg, rocksdb:destroy_column_family(Engine)),
    ?assertError(badarg, rocksdb:create_column_family(Cf, "x", [])),
    ?assertError(badarg, rocksdb:write(Db, [{put, Db, <<"k">>, <<"v">>}], [])),
    ?assertError(badarg, rocksdb:count(Db, Db)),
    %% A reference made here is no handle at all.
    ?assertError(badarg, rocksdb:get(Db, make_ref(), <<"k">>, [])),
    ok = rocksdb:close_backup_engine(Engine),
    ok = rocksdb:close(Db).

family_of_another_db(Config) ->
    {_, Db1, _} = fresh(Config),
    {_, Db2, _} = fresh(Config),
    {ok, Cf2} = rocksdb:create_column_family(Db2, "two", []),
    ?assertError(badarg, rocksdb:put(Db1, Cf2, <<"k">>, <<"v">>, [])),
    ?assertError(badarg, rocksdb:get(Db1, Cf2, <<"k">>, [])),
    ?assertError(badarg, rocksdb:drop_column_family(Db1, Cf2)),
    ?assertError(badarg, rocksdb:destroy_column_family(Db1, Cf2)),
    ?assertError(badarg, rocksdb:count(Db1, Cf2)),
    ?assertError(badarg, rocksdb:write(Db1, [{put, <<"a">>, <<"1">>},
                                             {put, Cf2, <<"k">>, <<"v">>}], [])),
    ?assertEqual(not_found, rocksdb:get(Db1, <<"a">>, [])),
    %% The family still works with its own DB.
    ok = rocksdb:put(Db2, Cf2, <<"k">>, <<"v">>, []),
    ok = rocksdb:close(Db1),
    ok = rocksdb:close(Db2).

destroyed_family_is_badarg(Config) ->
    {_Path, Db, _} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "t", []),
    ok = rocksdb:destroy_column_family(Db, Cf),
    ?assertError(badarg, rocksdb:put(Db, Cf, <<"k">>, <<"v">>, [])),
    ?assertError(badarg, rocksdb:get(Db, Cf, <<"k">>, [])),
    ?assertError(badarg, rocksdb:delete(Db, Cf, <<"k">>, [])),
    ?assertError(badarg, rocksdb:count(Db, Cf)),
    ?assertError(badarg, rocksdb:write(Db, [{delete, Cf, <<"k">>}], [])),
    ?assertError(badarg, rocksdb:destroy_column_family(Cf)),
    ?assertError(badarg, rocksdb:drop_column_family(Cf)),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    ok = rocksdb:close(Db).

families_of_a_closed_db_are_badarg(Config) ->
    {_Path, Db, Default} = fresh(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "t", []),
    ok = rocksdb:close(Db),
    [?assertError(badarg, rocksdb:get(Db, H, <<"k">>, [])) || H <- [Default, Cf]],
    ?assertError(badarg, rocksdb:drop_column_family(Cf)),
    ?assertError(badarg, rocksdb:destroy_column_family(Cf)),
    ?assertError(badarg, rocksdb:create_column_family(Db, "u", [])).

%% The handle of the "default" descriptor is the DB's own default family in rocksdbjni: its
%% destroy must leave the DB working (a node that freed it would crash at the next write).
destroy_default_handle_keeps_db(Config) ->
    {Path, Db, Default} = fresh(Config),
    ok = rocksdb:destroy_column_family(Db, Default),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    ok = rocksdb:flush(Db, []),
    ?assertEqual({ok, <<"v">>}, rocksdb:get(Db, <<"k">>, [])),
    ok = rocksdb:close(Db),
    {ok, Db2, [_]} = rocksdb:open(Path, [], [{"default", []}]),
    ?assertEqual({ok, <<"v">>}, rocksdb:get(Db2, <<"k">>, [])),
    ok = rocksdb:close(Db2).

%%%===================================================================
%%% write/3
%%%===================================================================

write_mixed_families(Config) ->
    {_Path, Db, Default} = fresh(Config),
    {ok, T} = rocksdb:create_column_family(Db, "t", []),
    ok = rocksdb:put(Db, <<"old">>, <<"x">>, []),
    ok = rocksdb:put(Db, T, <<"old">>, <<"x">>, []),
    ok = rocksdb:write(Db, [{put, <<"a">>, <<"1">>},
                            {put, T, <<"a">>, <<"2">>},
                            {put, Default, <<"b">>, <<"3">>},
                            {delete, <<"old">>},
                            {delete, T, <<"old">>},
                            {put, T, <<"s">>, <<"x">>},
                            {single_delete, T, <<"s">>},
                            {put, <<"r1">>, <<"x">>},
                            {delete_range, <<"r">>, <<"r2">>},
                            {put, T, <<"r1">>, <<"x">>},
                            {delete_range, T, <<"r">>, <<"s">>}], [{sync, true}]),
    ?assertEqual({ok, <<"1">>}, rocksdb:get(Db, <<"a">>, [])),
    ?assertEqual({ok, <<"2">>}, rocksdb:get(Db, T, <<"a">>, [])),
    ?assertEqual({ok, <<"3">>}, rocksdb:get(Db, <<"b">>, [])),
    [?assertEqual(not_found, rocksdb:get(Db, Cf, K, []))
     || {Cf, K} <- [{Default, <<"old">>}, {T, <<"old">>}, {T, <<"s">>}, {Default, <<"r1">>},
                    {T, <<"r1">>}]],
    ?assertEqual(ok, rocksdb:write(Db, [], [])),
    ok = rocksdb:close(Db).

%% A write is one RocksDB batch: a refused operation anywhere in it writes nothing, and other
%% processes never see half of one.
write_is_all_or_nothing(Config) ->
    {_Path, Db, _} = fresh(Config),
    {ok, T} = rocksdb:create_column_family(Db, "t", []),
    ok = rocksdb:destroy_column_family(T),
    ?assertError(badarg, rocksdb:write(Db, [{put, <<"a">>, <<"1">>}, {put, T, <<"b">>, <<"2">>}], [])),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    %% The same as the bare request {write, Db, Ops, Opts}, which the node decodes op by op (the
    %% client sends write_packed): refused whole, nothing written.
    ?assertMatch({error, {badarg, _}},
                 jnode_ct:call(?config(jnode, Config),
                               {write, Db, [{put, <<"a">>, <<"1">>}, {put, T, <<"b">>, <<"2">>}], []})),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    {ok, U} = rocksdb:create_column_family(Db, "u", []),
    Self = self(),
    Reader = spawn_link(fun() -> read_pairs(Db, U, Self, 0) end),
    [ok = rocksdb:write(Db, [{put, <<"x">>, integer_to_binary(I)},
                             {put, U, <<"x">>, integer_to_binary(I)}], [])
     || I <- lists:seq(1, 200)],
    Reader ! stop,
    receive {torn, Reader, Torn} -> ?assertEqual(0, Torn) end,
    ok = rocksdb:close(Db).

%% Counts the reads that saw one family ahead of the other by more than a write could explain
%% (the two gets are not one snapshot: the second may see later writes, never earlier ones).
read_pairs(Db, U, Parent, Torn) ->
    receive
        stop -> Parent ! {torn, self(), Torn}
    after 0 ->
        A = value(rocksdb:get(Db, <<"x">>, [])),
        B = value(rocksdb:get(Db, U, <<"x">>, [])),
        read_pairs(Db, U, Parent, Torn + case B >= A of true -> 0; false -> 1 end)
    end.

value(not_found) -> 0;
value({ok, V}) -> binary_to_integer(V).

write_bad_actions(Config) ->
    {_Path, Db, _} = fresh(Config),
    Bad = [clear, {put, <<"k">>}, {put, <<"k">>, 1}, {put, "k", <<"v">>}, {erase, <<"k">>},
           {delete, <<"a">>, <<"b">>, <<"c">>}, {delete_range, <<"a">>}, {}],
    [?assertError(badarg, rocksdb:write(Db, [{put, <<"a">>, <<"1">>}, B], [])) || B <- Bad],
    ?assertError(badarg, rocksdb:write(Db, not_a_list, [])),
    ?assertError(badarg, rocksdb:write(Db, [{put, <<"a">>, <<"1">>} | tail], [])),
    ?assertError(badarg, rocksdb:write(Db, [], not_a_list)),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    %% The node refuses them alike when they come as a bare tuple.
    Info = ?config(jnode, Config),
    [?assertMatch({error, {badarg, _}},
                  jnode_ct:call(Info, {write, Db, [{put, <<"a">>, <<"1">>}, B], []})) || B <- Bad],
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    ok = rocksdb:close(Db).

%%%===================================================================
%%% merge
%%%===================================================================

merge_without_operator(Config) ->
    {_Path, Db, Default} = fresh(Config),
    ?assertMatch({error, {error, _}}, rocksdb:merge(Db, <<"k">>, <<"1">>, [])),
    ?assertMatch({error, {error, _}}, rocksdb:merge(Db, Default, <<"k">>, <<"1">>, [])),
    %% In a batch, RocksDB would fail the write and then every later write to the DB until it
    %% is reopened: the node refuses such a batch whole, before writing it, and the DB goes on.
    {ok, Other} = rocksdb:create_column_family(Db, "counters", [{merge_operator, uint64add}]),
    NoOperator = {error, {error, "Invalid argument: Merge requires "
                                 "`ColumnFamilyOptions::merge_operator != nullptr`"}},
    ?assertEqual(NoOperator, rocksdb:write(Db, [{put, <<"a">>, <<"1">>},
                                                {merge, <<"k">>, <<"1">>}], [])),
    ?assertEqual(NoOperator, rocksdb:write(Db, [{merge, Other, <<"n">>, <<1:64/little>>},
                                                {merge, Default, <<"k">>, <<"1">>}], [])),
    {ok, Batch} = rocksdb:batch(),
    ok = rocksdb:batch_merge(Batch, <<"k">>, <<"1">>),
    ?assertEqual(NoOperator, rocksdb:write_batch(Db, Batch, [])),
    ok = rocksdb:release_batch(Batch),
    ?assertEqual(not_found, rocksdb:get(Db, <<"a">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db, Other, <<"n">>, [])),
    ok = rocksdb:put(Db, <<"after">>, <<"still writable">>, []),
    ok = rocksdb:write(Db, [{merge, Other, <<"n">>, <<1:64/little>>}], []),
    ?assertEqual({ok, <<1:64/little>>}, rocksdb:get(Db, Other, <<"n">>, [])),
    ?assertEqual({ok, <<"still writable">>}, rocksdb:get(Db, <<"after">>, [])),
    ok = rocksdb:close(Db).

%% rocksdbjni's uint64add: 8-byte little-endian counters (docs/DATA_API.md, "Merge operators").
merge_uint64add(Config) ->
    Path = jnode_ct:dir(Config, "merge"),
    Opts = [{merge_operator, uint64add}],
    {ok, Db, [Default]} = rocksdb:open(Path, [{create_if_missing, true}], [{"default", Opts}]),
    {ok, C} = rocksdb:create_column_family(Db, "c", Opts),
    case rocksdb:merge(Db, <<"n">>, <<1:64/little>>, []) of
        {error, {error, _}} ->
            ok = rocksdb:close(Db),
            {skip, "the merge_operator option is not mapped yet (the options table)"};
        ok ->
            ok = rocksdb:merge(Db, Default, <<"n">>, <<2:64/little>>, []),
            ok = rocksdb:merge(Db, C, <<"n">>, <<5:64/little>>, []),
            ok = rocksdb:write(Db, [{merge, <<"n">>, <<10:64/little>>},
                                    {merge, C, <<"n">>, <<10:64/little>>}], []),
            ?assertEqual({ok, <<13:64/little>>}, rocksdb:get(Db, <<"n">>, [])),
            ?assertEqual({ok, <<15:64/little>>}, rocksdb:get(Db, C, <<"n">>, [])),
            ok = rocksdb:close(Db)
    end.

%%%===================================================================
%%% Arguments and ownership
%%%===================================================================

bad_arguments(Config) ->
    {Path, Db, Cf} = fresh(Config),
    ?assertError(badarg, rocksdb:open(Path, [], [{<<"default">>, []}])),
    ?assertError(badarg, rocksdb:open(Path, [], [{"default", not_a_list}])),
    ?assertError(badarg, rocksdb:open(Path, [], [default])),
    ?assertError(badarg, rocksdb:open(Path, [], not_a_list)),
    ?assertError(badarg, rocksdb:create_column_family(Db, <<"bin">>, [])),
    ?assertError(badarg, rocksdb:create_column_family(Db, "x", not_a_list)),
    ?assertError(badarg, rocksdb:put(Db, Cf, "k", <<"v">>, [])),
    ?assertError(badarg, rocksdb:get(Db, Cf, <<"k">>, not_a_list)),
    ?assertError(badarg, rocksdb:delete_range(Db, <<"a">>, b, [])),
    ?assertError(badarg, rocksdb:merge(Db, <<"a">>, 1, [])),
    ?assertError(badarg, rocksdb:single_delete(Db, Cf, 1, [])),
    ?assertError(badarg, rocksdb:list_column_families("", [])),
    %% Relative paths are this node's.
    {ok, Cwd} = file:get_cwd(),
    Rel = filename:basename(Path),
    ok = file:set_cwd(filename:dirname(Path)),
    try
        ?assertEqual({ok, ["default"]}, rocksdb:list_column_families(Rel, []))
    after
        ok = file:set_cwd(Cwd)
    end,
    ok = rocksdb:close(Db).

%% An open with families is owned by its opener: its exit closes the DB and its families.
owner_exit_closes_db_with_families(Config) ->
    Path = jnode_ct:dir(Config, "owned"),
    Self = self(),
    {Pid, MRef} = spawn_monitor(fun() ->
                                        {ok, Db, [Cf]} = rocksdb:open(Path, [{create_if_missing, true}],
                                                                      [{"default", []}]),
                                        Self ! {opened, Db, Cf}
                                end),
    {Db, Cf} = receive {opened, D, C} -> {D, C} end,
    receive {'DOWN', MRef, process, Pid, _} -> ok end,
    jnode_ct:wait_until(fun() ->
                                try rocksdb:get(Db, Cf, <<"k">>, []), false
                                catch error:badarg -> true
                                end
                        end, 5000, families_closed),
    {ok, Db2, [_]} = rocksdb:open(Path, [], [{"default", []}]),
    ok = rocksdb:close(Db2).

%%%===================================================================
%%% Backups of a DB with column families
%%%===================================================================

%% A closed DB with families "default" and "cf1", a key in each: its path.
closed_db_with_family(Config) ->
    Path = jnode_ct:dir(Config, "cfdb"),
    {ok, Db, [D, Cf1]} = rocksdb:open_with_cf(Path, [{create_if_missing, true},
                                                     {create_missing_column_families, true}],
                                              [{"default", []}, {"cf1", []}]),
    ok = rocksdb:put(Db, D, <<"k0">>, <<"in default">>, []),
    ok = rocksdb:put(Db, Cf1, <<"k1">>, <<"in cf1">>, []),
    ok = rocksdb:close(Db),
    Path.

%% Restores the latest backup of engine directory `Bk' and reads both keys back from it.
restored_contents(Config, Bk) ->
    {ok, E} = rocksdb:open_backup_engine(Bk),
    Target = jnode_ct:dir(Config, "cfrestored"),
    ok = rocksdb:restore_db_from_latest_backup(E, Target),
    ok = rocksdb:close_backup_engine(E),
    {ok, Db, [D, Cf1]} = rocksdb:open_with_cf(Target, [], [{"default", []}, {"cf1", []}]),
    Got = {rocksdb:get(Db, D, <<"k0">>, []), rocksdb:get(Db, Cf1, <<"k1">>, [])},
    ok = rocksdb:close(Db),
    Got.

%% A backup by path opens the DB read-only with every family: the restored DB opens and holds
%% each family's data (with the default family alone, cf1's table file was left out of the
%% backup and the restored DB did not open).
backup_by_path_has_every_family(Config) ->
    Path = closed_db_with_family(Config),
    Bk = jnode_ct:dir(Config, "cfbk"),
    {ok, E} = rocksdb:open_backup_engine(Bk),
    ok = rocksdb:create_new_backup(E, Path),
    ok = rocksdb:verify_backup(E, 1),
    ok = rocksdb:close_backup_engine(E),
    ?assertEqual({{ok, <<"in default">>}, {ok, <<"in cf1">>}}, restored_contents(Config, Bk)).

%% A backup of an open handle (read-write, and read-only with every family) has every family.
backup_of_handle_has_every_family(Config) ->
    Path = closed_db_with_family(Config),
    Families = [{"default", []}, {"cf1", []}],
    lists:foreach(
      fun(Open) ->
              {ok, Db, [_, _]} = Open(Path, [], Families),
              Bk = jnode_ct:dir(Config, "cfbk"),
              {ok, E} = rocksdb:open_backup_engine(Bk),
              ok = rocksdb:create_new_backup(E, Db),
              ok = rocksdb:close_backup_engine(E),
              ok = rocksdb:close(Db),
              ?assertEqual({{ok, <<"in default">>}, {ok, <<"in cf1">>}},
                           restored_contents(Config, Bk))
      end, [fun rocksdb:open_with_cf/3, fun rocksdb:open_with_cf_readonly/3]).

%% A read-only open may leave families out; a backup of such a handle would lack their files,
%% so it is refused, and no backup is made.
backup_of_read_only_subset_refused(Config) ->
    Path = closed_db_with_family(Config),
    {ok, Db} = rocksdb:open_readonly(Path, []),
    Bk = jnode_ct:dir(Config, "cfbk"),
    {ok, E} = rocksdb:open_backup_engine(Bk),
    {error, {error, Text}} = rocksdb:create_new_backup(E, Db),
    ?assertMatch({match, _}, re:run(Text, "without its column families \\[cf1\\]")),
    ?assertEqual({ok, []}, rocksdb:get_backup_info(E)),
    ok = rocksdb:close(Db),
    %% Closed, the same DB is backed up by path, whole.
    ok = rocksdb:create_new_backup(E, Path),
    ok = rocksdb:close_backup_engine(E),
    ?assertEqual({{ok, <<"in default">>}, {ok, <<"in cf1">>}}, restored_contents(Config, Bk)).
