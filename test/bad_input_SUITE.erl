%% @doc Bad inputs, each with its documented reply, against a real Java node: wrong types
%% through the client (`badarg' in the caller), raw `gen_server' calls to the node's mailbox
%% (the wire replies of docs/PROTOCOL.md), handles of a stopped node, and messages that are not
%% calls at all. After each case the node still answers `ping' and serves a put/get, and at the
%% end its OS process is alive and its log shows no unexpected failure.
-module(bad_input_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([client_wrong_types/1, client_bad_options/1, client_forged_and_closed_handles/1,
         handles_of_stopped_node/1,
         raw_unknown_and_malformed_requests/1, raw_bad_handles/1, raw_bad_paths/1,
         raw_bad_integers_and_options/1, raw_open_failures/1,
         rejected_engine_options_leave_no_directory/1,
         messages_that_are_not_calls/1, node_alive_after_all/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

suite() ->
    [{timetrap, {seconds, 60}}].

all() ->
    [client_wrong_types, client_bad_options, client_forged_and_closed_handles,
     handles_of_stopped_node,
     raw_unknown_and_malformed_requests, raw_bad_handles, raw_bad_paths,
     raw_bad_integers_and_options, raw_open_failures,
     rejected_engine_options_leave_no_directory, messages_that_are_not_calls, node_alive_after_all].

init_per_suite(Config) ->
    [{jnode, jnode_ct:start_node(Config)} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

%% Every case gets an open DB with a key and an engine with one backup of it, owned by the
%% test case's process.
init_per_testcase(Case, Config) ->
    Config1 = case Case of
                  handles_of_stopped_node ->
                      Other = jnode_ct:start_node(Config),
                      %% start_node/1 made it the default node: back to the suite's node.
                      ok = jnode_ct:use_node(?config(jnode, Config)),
                      [{other_jnode, Other} | Config];
                  _ ->
                      Config
              end,
    DbPath = jnode_ct:dir(Config, "db"),
    {ok, Db} = rocksdb:open(DbPath, [{create_if_missing, true}]),
    ok = rocksdb:put(Db, <<"key">>, <<"value">>, []),
    BackupDir = jnode_ct:dir(Config, "backups"),
    {ok, E} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:create_new_backup(E, Db),
    [{db, Db}, {db_path, DbPath}, {engine, E}, {backup_dir, BackupDir} | Config1].

end_per_testcase(_Case, Config) ->
    _ = (catch rocksdb:close(?config(db, Config))),
    _ = (catch rocksdb:close_backup_engine(?config(engine, Config))),
    case proplists:get_value(other_jnode, Config) of
        undefined -> ok;
        Other -> jnode_ct:stop_node(Other)
    end,
    ok.

%%%===================================================================
%%% Through the client
%%%===================================================================

%% Arguments of the wrong type raise badarg in the caller, as the NIF does.
client_wrong_types(Config) ->
    Db = ?config(db, Config),
    E = ?config(engine, Config),
    P = jnode_ct:dir(Config, "never_made"),
    Cases =
        [{put_list_key, fun() -> rocksdb:put(Db, "key", <<"v">>, []) end},
         {put_atom_key, fun() -> rocksdb:put(Db, key, <<"v">>, []) end},
         {put_integer_value, fun() -> rocksdb:put(Db, <<"k">>, 42, []) end},
         {get_integer_key, fun() -> rocksdb:get(Db, 42, []) end},
         {delete_tuple_key, fun() -> rocksdb:delete(Db, {k}, []) end},
         {open_integer_path, fun() -> rocksdb:open(42, []) end},
         {open_atom_path, fun() -> rocksdb:open(some_atom, [{create_if_missing, true}]) end},
         {open_empty_path, fun() -> rocksdb:open("", [{create_if_missing, true}]) end},
         {open_empty_binary_path, fun() -> rocksdb:open(<<>>, [{create_if_missing, true}]) end},
         {open_nul_in_path,
          fun() -> rocksdb:open(P ++ [0] ++ "x", [{create_if_missing, true}]) end},
         {open_invalid_utf8_path, fun() -> rocksdb:open(<<"/tmp/", 255, 254>>, []) end},
         {open_deep_list_path, fun() -> rocksdb:open([P, "x"], []) end},
         {open_backup_engine_integer_path, fun() -> rocksdb:open_backup_engine(42) end},
         {open_backup_engine_integer_path_2, fun() -> rocksdb:open_backup_engine(42, []) end},
         {destroy_integer_path, fun() -> rocksdb:destroy(42, []) end},
         {checkpoint_integer_path, fun() -> rocksdb:checkpoint(Db, 42) end},
         {create_new_backup_integer_path, fun() -> rocksdb:create_new_backup(E, 42) end},
         {create_new_backup_pid_source, fun() -> rocksdb:create_new_backup(E, self()) end},
         {verify_negative_id, fun() -> rocksdb:verify_backup(E, -1) end},
         {verify_id_2_31, fun() -> rocksdb:verify_backup(E, 1 bsl 31) end},
         {verify_bignum_id, fun() -> rocksdb:verify_backup(E, 1 bsl 80) end},
         {verify_float_id, fun() -> rocksdb:verify_backup(E, 1.0) end},
         {verify_atom_id, fun() -> rocksdb:verify_backup(E, latest, []) end},
         {delete_negative_id, fun() -> rocksdb:delete_backup(E, -1) end},
         {delete_id_2_31, fun() -> rocksdb:delete_backup(E, 1 bsl 31) end},
         {purge_negative, fun() -> rocksdb:purge_old_backup(E, -1) end},
         {purge_2_31, fun() -> rocksdb:purge_old_backup(E, 1 bsl 31) end},
         {restore_negative_id, fun() -> rocksdb:restore_db_from_backup(E, -1, P) end},
         {restore_id_2_31, fun() -> rocksdb:restore_db_from_backup(E, 1 bsl 31, P, P) end},
         {restore_integer_dir, fun() -> rocksdb:restore_db_from_backup(E, 1, 42) end},
         {restore_integer_wal_dir, fun() -> rocksdb:restore_db_from_backup(E, 1, P, 42) end},
         {restore_latest_integer_dir, fun() -> rocksdb:restore_db_from_latest_backup(E, 42) end},
         {restore_from_backup_negative_id, fun() -> rocksdb:restore_from_backup(E, -3, P, P) end},
         {restore_from_latest_integer_dir,
          fun() -> rocksdb:restore_from_latest_backup(E, P, 7) end},
         {ping_not_a_node, fun() -> rocksdb_jnode:ping("node") end}],
    check_badargs(Cases),
    %% None of it touched the disk.
    ?assertNot(filelib:is_file(P)),
    still_serving(Config).

%% Options lists that are not lists, and known options of the wrong type: badarg. Unknown
%% backup engine options: {error, {bad_option, Opt}}.
client_bad_options(Config) ->
    Db = ?config(db, Config),
    E = ?config(engine, Config),
    P = jnode_ct:dir(Config, "never_made"),
    Cases =
        [{open_options_not_list, fun() -> rocksdb:open(P, create_if_missing) end},
         {open_options_improper, fun() -> rocksdb:open(P, [{create_if_missing, true} | x]) end},
         {open_options_map, fun() -> rocksdb:open(P, #{create_if_missing => true}) end},
         {open_option_wrong_type, fun() -> rocksdb:open(P, [{create_if_missing, 1}]) end},
         {open_option_node_not_atom, fun() -> rocksdb:open(P, [{node, "n@h"}]) end},
         {open_option_bad_heir, fun() -> rocksdb:open(P, [{heir, self()}]) end},
         {put_options_not_list, fun() -> rocksdb:put(Db, <<"k">>, <<"v">>, sync) end},
         {put_option_wrong_type, fun() -> rocksdb:put(Db, <<"k">>, <<"v">>, [{sync, 1}]) end},
         {get_options_not_list, fun() -> rocksdb:get(Db, <<"k">>, 0) end},
         {delete_options_not_list, fun() -> rocksdb:delete(Db, <<"k">>, {}) end},
         {flush_options_not_list, fun() -> rocksdb:flush(Db, wait) end},
         {open_backup_engine_options_not_list, fun() -> rocksdb:open_backup_engine(P, sync) end},
         {open_backup_engine_option_wrong_type,
          fun() -> rocksdb:open_backup_engine(P, [{share_table_files, yes}]) end},
         {open_backup_engine_negative_rate,
          fun() -> rocksdb:open_backup_engine(P, [{backup_rate_limit, -1}]) end},
         {open_backup_engine_zero_background,
          fun() -> rocksdb:open_backup_engine(P, [{max_background_operations, 0}]) end},
         {create_options_not_list, fun() -> rocksdb:create_new_backup(E, Db, flush) end},
         {create_option_wrong_type,
          fun() -> rocksdb:create_new_backup(E, Db, [{flush_before_backup, 1}]) end},
         {create_metadata_wrong_type,
          fun() -> rocksdb:create_new_backup(E, Db, [{metadata, 42}]) end},
         {verify_options_not_list, fun() -> rocksdb:verify_backup(E, 1, checksum) end},
         {verify_option_wrong_type,
          fun() -> rocksdb:verify_backup(E, 1, [{verify_with_checksum, maybe}]) end},
         {restore_options_not_list, fun() -> rocksdb:restore_db_from_backup(E, 1, P, P, keep) end},
         {restore_option_wrong_type,
          fun() -> rocksdb:restore_db_from_backup(E, 1, P, P, [{keep_log_files, 0}]) end},
         {restore_latest_options_not_list,
          fun() -> rocksdb:restore_db_from_latest_backup(E, P, P, keep) end}],
    check_badargs(Cases),
    ?assertEqual({ok, [1]}, backup_ids(E)),
    ?assertNot(filelib:is_file(filename:join(P, "CURRENT"))),
    %% Unknown backup engine options are a value, not an exception.
    ?assertEqual({error, {bad_option, {bogus, 1}}}, rocksdb:open_backup_engine(P, [{bogus, 1}])),
    ?assertEqual({error, {bad_option, bogus}}, rocksdb:open_backup_engine(P, [bogus])),
    still_serving(Config).

%% Handles: a reference made here, a non-reference, the wrong kind, a closed one.
client_forged_and_closed_handles(Config) ->
    Db = ?config(db, Config),
    E = ?config(engine, Config),
    Ref = make_ref(),
    P = jnode_ct:dir(Config, "never_made"),
    {ok, Db2} = rocksdb:open(jnode_ct:dir(Config, "closed_db"), [{create_if_missing, true}]),
    ok = rocksdb:close(Db2),
    {ok, E2} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "closed_engine")),
    ok = rocksdb:close_backup_engine(E2),
    Cases =
        [{local_ref_get_backup_info, fun() -> rocksdb:get_backup_info(Ref) end},
         {local_ref_close, fun() -> rocksdb:close(Ref) end},
         {local_ref_get, fun() -> rocksdb:get(Ref, <<"k">>, []) end},
         {local_ref_stop_backup, fun() -> rocksdb:stop_backup(Ref) end},
         {local_ref_close_backup_engine, fun() -> rocksdb:close_backup_engine(Ref) end},
         {local_ref_as_source, fun() -> rocksdb:create_new_backup(E, Ref) end},
         {integer_handle, fun() -> rocksdb:get_backup_info(42) end},
         {atom_handle, fun() -> rocksdb:close(db) end},
         {tuple_handle, fun() -> rocksdb:get({Db}, <<"k">>, []) end},
         {db_as_engine_info, fun() -> rocksdb:get_backup_info(Db) end},
         {db_as_engine_create, fun() -> rocksdb:create_new_backup(Db, Db) end},
         {db_as_engine_verify, fun() -> rocksdb:verify_backup(Db, 1) end},
         {db_as_engine_stop, fun() -> rocksdb:stop_backup(Db) end},
         {db_as_engine_delete, fun() -> rocksdb:delete_backup(Db, 1) end},
         {db_as_engine_restore, fun() -> rocksdb:restore_db_from_backup(Db, 1, P) end},
         {db_as_engine_close, fun() -> rocksdb:close_backup_engine(Db) end},
         {engine_as_db_get, fun() -> rocksdb:get(E, <<"k">>, []) end},
         {engine_as_db_put, fun() -> rocksdb:put(E, <<"k">>, <<"v">>, []) end},
         {engine_as_db_close, fun() -> rocksdb:close(E) end},
         {engine_as_db_flush, fun() -> rocksdb:flush(E, []) end},
         {engine_as_source, fun() -> rocksdb:create_new_backup(E, E) end},
         {closed_db_get, fun() -> rocksdb:get(Db2, <<"k">>, []) end},
         {closed_db_put, fun() -> rocksdb:put(Db2, <<"k">>, <<"v">>, []) end},
         {closed_db_close, fun() -> rocksdb:close(Db2) end},
         {closed_db_count, fun() -> rocksdb:count(Db2) end},
         {closed_db_as_source, fun() -> rocksdb:create_new_backup(E, Db2) end},
         {closed_engine_info, fun() -> rocksdb:get_backup_info(E2) end},
         {closed_engine_create, fun() -> rocksdb:create_new_backup(E2, Db) end},
         {closed_engine_stop, fun() -> rocksdb:stop_backup(E2) end},
         {closed_engine_close, fun() -> rocksdb:close_backup_engine(E2) end}],
    check_badargs(Cases),
    %% The live handles are untouched.
    ?assertEqual({ok, <<"value">>}, rocksdb:get(Db, <<"key">>, [])),
    ?assertEqual({ok, [1]}, backup_ids(E)),
    still_serving(Config).

%% Handles of a node that was stopped: every call returns {error, {nodedown, Node}} (a
%% transport error is a value, per the module doc); the suite's node is unaffected.
handles_of_stopped_node(Config) ->
    #{node := OtherNode} = Other = ?config(other_jnode, Config),
    P = jnode_ct:dir(Config, "other_db"),
    {ok, ODb} = rocksdb:open(P, [{node, OtherNode}, {create_if_missing, true}]),
    {ok, OE} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "other_backups"),
                                          [{node, OtherNode}]),
    ?assertEqual(OtherNode, node(ODb)),
    ?assertEqual(OtherNode, node(OE)),
    ok = rocksdb:put(ODb, <<"k">>, <<"v">>, []),
    %% The other node's handles are unknown to the suite's node.
    #{node := Node} = Main = ?config(jnode, Config),
    ?assertEqual({error, {badarg, {unknown_handle, OE}}},
                 jnode_ct:call(Main, {get_backup_info, OE})),
    ?assertEqual({error, {badarg, {unknown_handle, ODb}}},
                 jnode_ct:call(Main, {get, ODb, <<"k">>, []})),
    %% A DB of the other node as the source of an engine of this one.
    E = ?config(engine, Config),
    ?assertEqual(badarg, raises(fun() -> rocksdb:create_new_backup(E, ODb) end)),
    ok = jnode_ct:stop_node(Other),
    Down = {error, {nodedown, OtherNode}},
    Cases =
        [{get_backup_info, fun() -> rocksdb:get_backup_info(OE) end},
         {create_new_backup, fun() -> rocksdb:create_new_backup(OE, ODb) end},
         {create_new_backup_path, fun() -> rocksdb:create_new_backup(OE, P, []) end},
         {verify_backup, fun() -> rocksdb:verify_backup(OE, 1) end},
         {stop_backup, fun() -> rocksdb:stop_backup(OE) end},
         {delete_backup, fun() -> rocksdb:delete_backup(OE, 1) end},
         {purge_old_backup, fun() -> rocksdb:purge_old_backup(OE, 1) end},
         {gc_backup_engine, fun() -> rocksdb:gc_backup_engine(OE) end},
         {restore, fun() -> rocksdb:restore_db_from_backup(OE, 1, P) end},
         {restore_latest, fun() -> rocksdb:restore_db_from_latest_backup(OE, P) end},
         {close_backup_engine, fun() -> rocksdb:close_backup_engine(OE) end},
         {get, fun() -> rocksdb:get(ODb, <<"k">>, []) end},
         {put, fun() -> rocksdb:put(ODb, <<"k">>, <<"v">>, []) end},
         {close, fun() -> rocksdb:close(ODb) end},
         {open_on_that_node, fun() -> rocksdb:open(P, [{node, OtherNode}]) end},
         {open_backup_engine_on_that_node,
          fun() -> rocksdb:open_backup_engine(P, [{node, OtherNode}]) end},
         {ping, fun() -> rocksdb:ping(OtherNode) end}],
    [?assertEqual({Name, Down}, {Name, timed(Name, Fun, 10000)}) || {Name, Fun} <- Cases],
    %% Wrong types still raise badarg before anything is sent.
    ?assertEqual(badarg, raises(fun() -> rocksdb:verify_backup(OE, -1) end)),
    ?assertEqual(pong, rocksdb_jnode:ping(Node)),
    still_serving(Config).

%%%===================================================================
%%% Raw calls to the mailbox
%%%===================================================================

raw_unknown_and_malformed_requests(Config) ->
    N = ?config(jnode, Config),
    Table =
        [{foo, {error, {unknown_request, foo}}},
         {{foo}, {error, {unknown_request, foo}}},
         {{foo, 1, 2}, {error, {unknown_request, foo}}},
         {{backup, <<"/tmp">>}, {error, {unknown_request, backup}}},
         {{'$gen_call', x}, {error, {unknown_request, '$gen_call'}}},
         {{ping, extra}, {error, {unknown_request, ping}}},
         {{stop, now}, {error, {unknown_request, stop}}},
         {open, {error, {badarg, {arity, open, 0, [2, 3]}}}},
         {{open, <<"/tmp/x">>}, {error, {badarg, {arity, open, 1, [2, 3]}}}},
         {{open, <<"/tmp/x">>, [], extra, more}, {error, {badarg, {arity, open, 4, [2, 3]}}}},
         {{open, <<"/tmp/x">>, [], extra}, {error, {badarg, {bad_argument, column_families}}}},
         {{get_backup_info}, {error, {badarg, {arity, get_backup_info, 0, [1]}}}},
         {{get_backup_info, a, b}, {error, {badarg, {arity, get_backup_info, 2, [1]}}}},
         {{close}, {error, {badarg, {arity, close, 0, [1]}}}},
         {{create_new_backup, a}, {error, {badarg, {arity, create_new_backup, 1, [2, 3]}}}},
         {{verify_backup, a}, {error, {badarg, {arity, verify_backup, 1, [2, 3]}}}},
         {{restore_db_from_backup, a, 1},
          {error, {badarg, {arity, restore_db_from_backup, 2, [3, 4, 5]}}}},
         {{restore_db_from_latest_backup, a},
          {error, {badarg, {arity, restore_db_from_latest_backup, 1, [2, 3, 4]}}}},
         {{restore_from_backup, a, 1, <<"/x">>},
          {error, {badarg, {arity, restore_from_backup, 3, [4]}}}},
         {{give_away, a}, {error, {badarg, {arity, give_away, 1, [3, 4]}}}},
         {42, {error, bad_request}},
         {3.5, {error, bad_request}},
         {"open", {error, bad_request}},
         {<<"open">>, {error, bad_request}},
         {[open], {error, bad_request}},
         {[], {error, bad_request}},
         {{}, {error, bad_request}},
         {{1, 2}, {error, bad_request}},
         {{"open", <<"/tmp/x">>, []}, {error, bad_request}},
         {{{open}, x}, {error, bad_request}},
         {make_ref(), {error, bad_request}},
         {self(), {error, bad_request}},
         {#{open => x}, {error, bad_request}}],
    check_raw(N, Table),
    still_serving(Config).

raw_bad_handles(Config) ->
    N = ?config(jnode, Config),
    Db = ?config(db, Config),
    E = ?config(engine, Config),
    Ref = make_ref(),
    P = list_to_binary(jnode_ct:dir(Config, "never_made")),
    %% Handles opened and closed through raw calls.
    {ok, CDb} = jnode_ct:call(N, {open, list_to_binary(jnode_ct:dir(Config, "raw_db")),
                                  [{create_if_missing, true}]}),
    ok = jnode_ct:call(N, {close, CDb}),
    {ok, CE} = jnode_ct:call(N, {open_backup_engine,
                                 list_to_binary(jnode_ct:dir(Config, "raw_backups")), []}),
    ok = jnode_ct:call(N, {close_backup_engine, CE}),
    Table =
        [{{get_backup_info, Ref}, {error, {badarg, {unknown_handle, Ref}}}},
         {{close, Ref}, {error, {badarg, {unknown_handle, Ref}}}},
         {{get, Ref, <<"k">>, []}, {error, {badarg, {unknown_handle, Ref}}}},
         {{put, Ref, <<"k">>, <<"v">>, []}, {error, {badarg, {unknown_handle, Ref}}}},
         {{stop_backup, Ref}, {error, {badarg, {unknown_handle, Ref}}}},
         {{create_new_backup, E, Ref, []}, {error, {badarg, {unknown_handle, Ref}}}},
         {{create_new_backup, Ref, Db, []}, {error, {badarg, {unknown_handle, Ref}}}},
         {{give_away, Ref, self(), x}, {error, {badarg, {unknown_handle, Ref}}}},
         {{get_backup_info, 42}, {error, {badarg, {bad_argument, backup_engine}}}},
         {{get_backup_info, <<"ref">>}, {error, {badarg, {bad_argument, backup_engine}}}},
         {{get, 42, <<"k">>, []}, {error, {badarg, {bad_argument, db}}}},
         {{close, self()}, {error, {badarg, {bad_argument, db}}}},
         {{get_backup_info, Db}, {error, {badarg, {wrong_handle_kind, Db, backup_engine}}}},
         {{close_backup_engine, Db}, {error, {badarg, {wrong_handle_kind, Db, backup_engine}}}},
         {{verify_backup, Db, 1, []}, {error, {badarg, {wrong_handle_kind, Db, backup_engine}}}},
         {{restore_db_from_backup, Db, 1, P, P, []},
          {error, {badarg, {wrong_handle_kind, Db, backup_engine}}}},
         {{get, E, <<"k">>, []}, {error, {badarg, {wrong_handle_kind, E, db}}}},
         {{close, E}, {error, {badarg, {wrong_handle_kind, E, db}}}},
         {{create_new_backup, E, E, []}, {error, {badarg, {wrong_handle_kind, E, db}}}},
         {{get, CDb, <<"k">>, []}, {error, {badarg, {closed_handle, CDb}}}},
         {{put, CDb, <<"k">>, <<"v">>, []}, {error, {badarg, {closed_handle, CDb}}}},
         {{close, CDb}, {error, {badarg, {closed_handle, CDb}}}},
         {{count, CDb}, {error, {badarg, {closed_handle, CDb}}}},
         {{create_new_backup, E, CDb, []}, {error, {badarg, {closed_handle, CDb}}}},
         {{get_backup_info, CE}, {error, {badarg, {closed_handle, CE}}}},
         {{close_backup_engine, CE}, {error, {badarg, {closed_handle, CE}}}},
         {{create_new_backup, CE, Db, []}, {error, {badarg, {closed_handle, CE}}}},
         {{verify_backup, CE, 1, []}, {error, {badarg, {closed_handle, CE}}}}],
    check_raw(N, Table),
    ?assertEqual({ok, <<"value">>}, jnode_ct:call(N, {get, Db, <<"key">>, []})),
    ?assertEqual({ok, [1]}, backup_ids(E)),
    still_serving(Config).

raw_bad_paths(Config) ->
    N = ?config(jnode, Config),
    Db = ?config(db, Config),
    E = ?config(engine, Config),
    Abs = list_to_binary(jnode_ct:dir(Config, "never_made")),
    Create = [{create_if_missing, true}],
    BadPath = fun(Name) -> {error, {badarg, {bad_path, Name}}} end,
    Relative = fun(Name) -> {error, {badarg, {relative_path, Name}}} end,
    Table =
        [{{open, <<"/tmp/", 255, 254, "x">>, Create}, BadPath(path)},
         {{open, <<Abs/binary, 0, "x">>, Create}, BadPath(path)},
         {{open, binary_to_list(Abs) ++ [0], Create}, BadPath(path)},
         {{open, [$/, $t, 16#D800], Create}, BadPath(path)},
         {{open, 42, Create}, BadPath(path)},
         {{open, an_atom, Create}, BadPath(path)},
         {{open, {<<"/tmp/x">>}, Create}, BadPath(path)},
         {{open, <<"relative/db">>, Create}, Relative(path)},
         {{open, "relative", Create}, Relative(path)},
         {{open, <<>>, Create}, Relative(path)},
         {{open, "", Create}, Relative(path)},
         {{destroy, <<"relative">>, []}, Relative(path)},
         {{destroy, <<255>>, []}, BadPath(path)},
         {{checkpoint, Db, <<"relative_cp">>}, Relative(path)},
         {{checkpoint, Db, <<"/tmp/", 0>>}, BadPath(path)},
         {{open_backup_engine, <<"relative">>, []}, Relative(path)},
         {{open_backup_engine, <<192, 128>>, []}, BadPath(path)},
         {{create_new_backup, E, <<"relative">>, []}, Relative(db)},
         {{create_new_backup, E, <<"/tmp/", 255>>, []}, BadPath(db)},
         {{create_new_backup, E, 42, []}, BadPath(db)},
         {{restore_db_from_backup, E, 1, <<"relative">>, Abs, []}, Relative(db_dir)},
         {{restore_db_from_backup, E, 1, Abs, <<"relative">>, []}, Relative(wal_dir)},
         {{restore_db_from_backup, E, 1, <<Abs/binary, 0>>, Abs, []}, BadPath(db_dir)},
         {{restore_db_from_latest_backup, E, Abs, <<255>>, []}, BadPath(wal_dir)},
         {{restore_db_from_latest_backup, E, "rel", Abs, []}, Relative(db_dir)}],
    check_raw(N, Table),
    ?assertNot(filelib:is_file(Abs)),
    ?assertNot(filelib:is_file("relative")),
    ?assertNot(filelib:is_file("relative_cp")),
    still_serving(Config).

raw_bad_integers_and_options(Config) ->
    N = ?config(jnode, Config),
    Db = ?config(db, Config),
    E = ?config(engine, Config),
    Abs = list_to_binary(jnode_ct:dir(Config, "never_made")),
    Arg = fun(Name) -> {error, {badarg, {bad_argument, Name}}} end,
    Table =
        [{{verify_backup, E, -1, []}, Arg(backup_id)},
         {{verify_backup, E, 1 bsl 31, []}, Arg(backup_id)},
         {{verify_backup, E, 1 bsl 70, []}, Arg(backup_id)},
         {{verify_backup, E, <<"1">>, []}, Arg(backup_id)},
         {{delete_backup, E, -1}, Arg(backup_id)},
         {{delete_backup, E, a}, Arg(backup_id)},
         {{purge_old_backup, E, -5}, Arg(num_backups_to_keep)},
         {{purge_old_backup, E, 1 bsl 31}, Arg(num_backups_to_keep)},
         {{restore_db_from_backup, E, -1, Abs, Abs, []}, Arg(backup_id)},
         {{put, Db, 1, <<"v">>, []}, Arg(key)},
         {{put, Db, <<"k">>, "v", []}, Arg(value)},
         {{get, Db, k, []}, Arg(key)},
         {{delete, Db, [], []}, Arg(key)},
         {{open, Abs, not_a_list}, Arg(options)},
         {{open, Abs, [42]}, Arg(options)},
         {{open, Abs, [{create_if_missing, 1}]}, Arg(create_if_missing)},
         {{open, Abs, [{create_if_missing, true}, {max_open_files, -2}]}, Arg(max_open_files)},
         {{open, Abs, [{create_if_missing, true}, {write_buffer_size, 1 bsl 64}]},
          Arg(write_buffer_size)},
         {{put, Db, <<"k">>, <<"v">>, not_a_list}, Arg(write_options)},
         {{put, Db, <<"k">>, <<"v">>, [{sync, yes}]}, Arg(sync)},
         {{get, Db, <<"k">>, 42}, Arg(read_options)},
         {{open_backup_engine, Abs, [{share_table_files, 1}]}, Arg(share_table_files)},
         {{open_backup_engine, Abs, [{backup_rate_limit, -1}]}, Arg(backup_rate_limit)},
         {{open_backup_engine, Abs, [{max_background_operations, 0}]},
          Arg(max_background_operations)},
         {{open_backup_engine, Abs, [{bogus, 1}]}, {error, {bad_option, {bogus, 1}}}},
         {{open_backup_engine, Abs, [bogus]}, {error, {bad_option, bogus}}},
         {{create_new_backup, E, Db, not_a_list}, Arg(options)},
         {{create_new_backup, E, Db, [{flush_before_backup, 1}]}, Arg(flush_before_backup)},
         {{create_new_backup, E, Db, [{metadata, 42}]}, Arg(metadata)},
         {{create_new_backup, E, Db, [{bogus, 1}]}, {error, {bad_option, {bogus, 1}}}},
         {{verify_backup, E, 1, [{verify_with_checksum, 1}]}, Arg(verify_with_checksum)},
         {{verify_backup, E, 1, [{bogus, 1}]}, {error, {bad_option, {bogus, 1}}}},
         {{restore_db_from_backup, E, 1, Abs, Abs, [{keep_log_files, 1}]}, Arg(keep_log_files)},
         {{restore_db_from_backup, E, 1, Abs, Abs, [{bogus, 1}]},
          {error, {bad_option, {bogus, 1}}}}],
    check_raw(N, Table),
    %% Nothing was restored, backed up or opened.
    ?assertNot(filelib:is_file(filename:join(Abs, "CURRENT"))),
    ?assertEqual({ok, [1]}, backup_ids(E)),
    still_serving(Config).

%% Opens that reach the file system and fail there.
raw_open_failures(Config) ->
    N = ?config(jnode, Config),
    Missing = jnode_ct:dir(Config, "missing_db"),
    {error, {db_open, Text1}} = jnode_ct:call(N, {open, list_to_binary(Missing), []}),
    ct:log("missing: ~ts", [Text1]),
    ?assertMatch("Invalid argument: " ++ _, Text1),
    ?assertNotEqual(nomatch, string:find(Text1, "does not exist")),
    %% (RocksDB itself creates the directory and its info LOG before it looks for CURRENT,
    %% as under the NIF; no DB is made.)
    ?assertNot(filelib:is_file(filename:join(Missing, "CURRENT"))),
    %% Through the client as well.
    ?assertEqual({error, {db_open, Text1}}, rocksdb:open(Missing, [])),
    File = jnode_ct:dir(Config, "regular_file"),
    ok = file:write_file(File, <<"x">>),
    {error, {db_open, Text2}} = jnode_ct:call(N, {open, list_to_binary(File ++ "/db"),
                                                  [{create_if_missing, true}]}),
    ct:log("under a file: ~ts", [Text2]),
    ?assertMatch("IO error: " ++ _, Text2),
    {error, {db_open, Text3}} = jnode_ct:call(N, {open, <<"/proc/rocksdb_jnode_db">>,
                                                  [{create_if_missing, true}]}),
    ct:log("/proc: ~ts", [Text3]),
    ?assert(io_lib:printable_unicode_list(Text3)),
    {error, {backup_engine_open, Text4}} =
        jnode_ct:call(N, {open_backup_engine, <<"/proc/rocksdb_jnode_b/x">>, []}),
    ct:log("engine under /proc: ~ts", [Text4]),
    ?assert(io_lib:printable_unicode_list(Text4)),
    {error, {backup_engine_open, Text5}} =
        jnode_ct:call(N, {open_backup_engine, list_to_binary(File), []}),
    ?assertMatch("IO error: " ++ _, Text5),
    %% Open twice: RocksDB's lock.
    {error, {db_open, Text6}} = jnode_ct:call(N, {open, list_to_binary(?config(db_path, Config)),
                                                  []}),
    ct:log("open twice: ~ts", [Text6]),
    ?assertMatch("IO error: " ++ _, Text6),
    {error, {error, Text7}} = jnode_ct:call(N, {checkpoint, ?config(db, Config),
                                                <<"/proc/rocksdb_jnode_cp">>}),
    ct:log("checkpoint under /proc: ~ts", [Text7]),
    ?assert(io_lib:printable_unicode_list(Text7)),
    ?assertEqual({ok, <<"x">>}, file:read_file(File)),
    still_serving(Config).

%% An open_backup_engine refused for its options (an unknown option, or a known one of the
%% wrong type) makes no directory: a rejected request leaves no trace on the disk, like the
%% other rejected requests above.
rejected_engine_options_leave_no_directory(Config) ->
    N = ?config(jnode, Config),
    Cases = [{[{bogus, 1}], {error, {bad_option, {bogus, 1}}}},
             {[sync, bogus], {error, {bad_option, bogus}}},
             {[{sync, 1}], {error, {badarg, {bad_argument, sync}}}},
             {[{backup_rate_limit, -1}], {error, {badarg, {bad_argument, backup_rate_limit}}}},
             {not_a_list, {error, {badarg, {bad_argument, options}}}}],
    Made = [begin
                Dir = jnode_ct:dir(Config, "rejected_engine"),
                ?assertEqual({Opts, Reply},
                             {Opts, jnode_ct:call(N, {open_backup_engine,
                                                      list_to_binary(Dir), Opts})}),
                {Opts, filelib:is_dir(Dir)}
            end || {Opts, Reply} <- Cases],
    ct:log("directory made: ~p", [Made]),
    still_serving(Config),
    ?assertEqual([], [Opts || {Opts, true} <- Made]).

%%%===================================================================
%%% Messages that are not calls
%%%===================================================================

messages_that_are_not_calls(Config) ->
    #{node := Node, mailbox := Mailbox, log := Log} = ?config(jnode, Config),
    DroppedBefore = count_in_log(Log, <<"WARNING io.rocksdbjnode.wire.NodeServer: dropped a">>),
    Dest = {Mailbox, Node},
    Tag = make_ref(),
    Deep = lists:foldl(fun(_, Acc) -> [Acc] end, [], lists:seq(1, 200000)),
    Messages =
        [hello,
         ping,
         stop,
         {'$gen_cast', x},
         {'$gen_cast', stop},
         {'$gen_call', self(), ping},
         {'$gen_call', {self()}, ping},
         {'$gen_call', {not_a_pid, Tag}, ping},
         {'$gen_call', {self(), Tag}, ping, extra},
         {'$gen_call', {self(), Tag}},
         {self(), ping},
         {system, {self(), Tag}, get_status},
         binary:copy(<<16#AB>>, 50 * 1024 * 1024),
         {'$gen_call', binary:copy(<<1>>, 50 * 1024 * 1024), ping},
         Deep],
    [begin
         flush_mailbox(),
         Dest ! Msg,
         ?assertEqual({describe(Msg), no_reply}, {describe(Msg), await_any(300)}),
         ?assertEqual({describe(Msg), pong}, {describe(Msg), rocksdb:ping()})
     end || Msg <- Messages],
    %% A call whose reply pid is on another node is dropped too (the node does not dial it).
    Forged = forged_pid('nowhere@127.0.0.1'),
    Dest ! {'$gen_call', {Forged, Tag}, ping},
    ?assertEqual(no_reply, await_any(300)),
    ?assertEqual(pong, rocksdb:ping()),
    %% A well-formed call whose request is nested very deep is still a call: it is answered,
    %% bad_request (a list is not a request) when the node decodes it, {bad_request, too_deep}
    %% when the request is too deep for its decoder; never silence.
    Dest ! {'$gen_call', {self(), Tag}, Deep},
    DeepReply = await_any(10000),
    ct:log("deep request: ~p", [DeepReply]),
    ?assert(lists:member(DeepReply, [{message, {Tag, {error, bad_request}}},
                                     {message, {Tag, {error, {bad_request, too_deep}}}}])),
    ?assertEqual(pong, rocksdb:ping()),
    %% Each of the others reached the node and was dropped there (not lost on the way).
    DroppedAfter = count_in_log(Log, <<"WARNING io.rocksdbjnode.wire.NodeServer: dropped a">>),
    ?assertEqual(length(Messages) + 1, DroppedAfter - DroppedBefore),
    %% Control: a well-formed call sent the same way does get its reply, so the silences above
    %% are the node's.
    Dest ! {'$gen_call', {self(), Tag}, ping},
    ?assertEqual({message, {Tag, pong}}, await_any(5000)),
    still_serving(Config).

%%%===================================================================
%%% Last
%%%===================================================================

%% After everything: the OS process is alive, the node serves, and its log shows no request
%% that failed unexpectedly (an internal error) and no uncaught exception.
node_alive_after_all(Config) ->
    #{os_pid := OsPid, log := Log} = ?config(jnode, Config),
    ?assert(jnode_ct:os_pid_alive(OsPid)),
    still_serving(Config),
    Path = jnode_ct:dir(Config, "last"),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    ok = rocksdb:put(Db, <<"a">>, <<"1">>, []),
    {ok, E} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "last_backups")),
    ok = rocksdb:create_new_backup(E, Db),
    ok = rocksdb:verify_backup(E, 1, [{verify_with_checksum, true}]),
    ok = rocksdb:close_backup_engine(E),
    ok = rocksdb:close(Db),
    {ok, LogText} = file:read_file(Log),
    [?assertEqual({Bad, nomatch}, {Bad, binary:match(LogText, Bad)})
     || Bad <- [<<"failed unexpectedly">>, <<"Exception in thread">>, <<"OutOfMemoryError">>,
                <<"SIGSEGV">>, <<"hs_err">>]],
    ok.

%%%===================================================================
%%% Helpers
%%%===================================================================

%% Each fun must raise error:badarg.
check_badargs(Cases) ->
    [?assertEqual({Name, badarg}, {Name, raises(Fun)}) || {Name, Fun} <- Cases],
    ok.

raises(Fun) ->
    try Fun() of
        Other -> {returned, Other}
    catch
        error:badarg -> badarg;
        Class:Reason -> {Class, Reason}
    end.

%% Each raw request must get exactly its reply.
check_raw(N, Table) ->
    [?assertEqual({Request, Expected}, {Request, jnode_ct:call(N, Request)})
     || {Request, Expected} <- Table],
    ok.

%% Runs Fun, failing when it takes longer than Ms.
timed(Name, Fun, Ms) ->
    {Us, Result} = timer:tc(Fun),
    ?assert(Us div 1000 < Ms, {Name, took, Us div 1000}),
    Result.

backup_ids(E) ->
    case rocksdb:get_backup_info(E) of
        {ok, Infos} -> {ok, [maps:get(id, I) || I <- Infos]};
        Other -> Other
    end.

%% The node answers ping and serves a put and a get on the test case's DB.
still_serving(Config) ->
    Db = ?config(db, Config),
    ?assertEqual(pong, rocksdb:ping()),
    Key = <<"alive_", (integer_to_binary(erlang:unique_integer([positive])))/binary>>,
    ?assertEqual(ok, rocksdb:put(Db, Key, <<"yes">>, [])),
    ?assertEqual({ok, <<"yes">>}, rocksdb:get(Db, Key, [])),
    ?assertEqual({ok, <<"value">>}, rocksdb:get(Db, <<"key">>, [])),
    ok.

count_in_log(Log, Pattern) ->
    {ok, Text} = file:read_file(Log),
    length(binary:matches(Text, Pattern)).

flush_mailbox() ->
    receive _ -> flush_mailbox() after 0 -> ok end.

await_any(Ms) ->
    receive Msg -> {message, Msg} after Ms -> no_reply end.

describe(Msg) when is_binary(Msg), byte_size(Msg) > 64 -> {binary, byte_size(Msg)};
describe(Msg) when is_list(Msg) -> deep_list;
describe({'$gen_call', From, Req}) -> {'$gen_call', describe(From), describe(Req)};
describe(Msg) -> Msg.

%% A pid of the node Node (which need not exist), built from the external term format.
forged_pid(Node) ->
    Name = atom_to_binary(Node, utf8),
    binary_to_term(<<131, 88, 119, (byte_size(Name)), Name/binary, 1:32, 0:32, 1:32>>).
