%% @doc The options table through a real Java node: erlang-rocksdb's option lists open DBs
%% (db.erl's and db_options.erl's), the merge operators the node offers open, the NIF's own
%% merge operators are refused with `badarg' (`{unsupported_option, merge_operator}' on the
%% wire), wrong types are `badarg' and unknown keys are ignored. Merging itself is tested in
%% JUnit (MergeOperatorOptionsTest) until merge/4 is served.
-module(options_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1, end_per_testcase/2]).
-export([offered_merge_operators_open/1, nif_merge_operators_refused/1,
         db_options_reach_the_options_file/1, prefix_extractors_open/1,
         wrong_type_is_badarg/1, unknown_options_are_ignored/1, paths_outside_roots_refused/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

suite() ->
    [{timetrap, {seconds, 60}}].

all() ->
    [offered_merge_operators_open, nif_merge_operators_refused, db_options_reach_the_options_file,
     prefix_extractors_open, wrong_type_is_badarg, unknown_options_are_ignored,
     paths_outside_roots_refused].

init_per_suite(Config) ->
    [{jnode, jnode_ct:start_node(Config)} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

%% Every test leaves the node serving.
end_per_testcase(_Case, Config) ->
    #{os_pid := OsPid} = ?config(jnode, Config),
    pong = rocksdb:ping(),
    true = jnode_ct:os_pid_alive(OsPid),
    ok.

offered_merge_operators_open(Config) ->
    lists:foreach(
      fun(Op) ->
              Path = jnode_ct:dir(Config, "merge"),
              {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}, {merge_operator, Op}]),
              ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
              ?assertEqual({ok, <<"v">>}, rocksdb:get(Db, <<"k">>, [])),
              ok = rocksdb:close(Db),
              ?assertNotEqual(nomatch, string:find(options_file(Path), merge_operator_name(Op)))
      end,
      [uint64add, {string_append, <<",">>}, {string_append, ","}, max]).

merge_operator_name(uint64add) -> "merge_operator=UInt64AddOperator";
merge_operator_name({string_append, _}) -> "merge_operator={id=StringAppendOperator;delimiter=,;}";
merge_operator_name(max) -> "merge_operator=MaxOperator".

nif_merge_operators_refused(Config) ->
    Info = ?config(jnode, Config),
    lists:foreach(
      fun(Op) ->
              Path = jnode_ct:dir(Config, "refused"),
              Opts = [{create_if_missing, true}, {merge_operator, Op}],
              ?assertError(badarg, rocksdb:open(Path, Opts)),
              ?assertEqual({error, {badarg, {unsupported_option, merge_operator}}},
                           jnode_ct:call(Info, {open, list_to_binary(Path), Opts})),
              ?assertNot(filelib:is_dir(Path)),
              %% Nothing of the refused open lingers: the path opens at once.
              {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
              ok = rocksdb:close(Db)
      end,
      [erlang_merge_operator, bitset_merge_operator, {bitset_merge_operator, 1024},
       counter_merge_operator]).

%% db_options.erl (EMQX): some 35 DB options, with WAL and log directories as strings, open a DB
%% and reach the OPTIONS file RocksDB writes.
db_options_reach_the_options_file(Config) ->
    Path = jnode_ct:dir(Config, "db_options"),
    Wal = jnode_ct:dir(Config, "wal"),
    Log = jnode_ct:dir(Config, "log"),
    Opts = [{create_if_missing, true}, {create_missing_column_families, true},
            {error_if_exists, false}, {paranoid_checks, true}, {max_open_files, 1000},
            {max_total_wal_size, 64 * 1024 * 1024}, {use_fsync, false}, {db_log_dir, Log},
            {wal_dir, Wal}, {delete_obsolete_files_period_micros, 3600000000},
            {max_background_jobs, 4}, {max_log_file_size, 1024 * 1024},
            {log_file_time_to_roll, 0}, {keep_log_file_num, 10}, {max_manifest_file_size, 1 bsl 30},
            {table_cache_numshardbits, 6}, {wal_ttl_seconds, 600}, {manual_wal_flush, false},
            {wal_size_limit_mb, 32}, {manifest_preallocation_size, 4 * 1024 * 1024},
            {allow_mmap_reads, false}, {allow_mmap_writes, false}, {allow_fallocate, false},
            {is_fd_close_on_exec, true}, {stats_dump_period_sec, 600},
            {advise_random_on_open, true}, {compaction_readahead_size, 0},
            {use_adaptive_mutex, false}, {bytes_per_sync, 0},
            {skip_stats_update_on_db_open, false}, {wal_recovery_mode, point_in_time_recovery},
            {allow_concurrent_memtable_write, true}, {enable_write_thread_adaptive_yield, true},
            {db_write_buffer_size, 0}, {max_subcompactions, 1}, {atomic_flush, false},
            {enable_pipelined_write, false},
            {compression, lz4}, {bottommost_compression, zstd},
            {block_based_table_options, [{block_size, 16384}, {bloom_filter_policy, 10},
                                         {cache_index_and_filter_blocks, true},
                                         {block_cache_size, 8 * 1024 * 1024}]},
            {compaction_options_fifo, [{allow_compaction, false}]},
            {optimize_filters_for_hits, true}],
    {ok, Db} = rocksdb:open(Path, Opts),
    ok = rocksdb:put(Db, <<"a">>, <<"1">>, [{sync, true}, {no_slowdown, true}, {low_pri, false},
                                           {ignore_missing_column_families, true}]),
    ?assertEqual({ok, <<"1">>}, rocksdb:get(Db, <<"a">>, [{read_tier, read_all_tier},
                                                          {verify_checksums, true}])),
    ok = rocksdb:close(Db),
    {ok, [_ | _]} = file:list_dir(Wal),
    {ok, [_ | _]} = file:list_dir(Log),
    File = options_file(Path),
    [?assertNotEqual(nomatch, string:find(File, Line), Line)
     || Line <- ["WAL_ttl_seconds=600", "WAL_size_limit_MB=32",
                 "wal_recovery_mode=kPointInTimeRecovery", "allow_fallocate=false",
                 "max_open_files=1000", "table_cache_numshardbits=6", "max_background_jobs=4",
                 "compression=kLZ4Compression", "bottommost_compression=kZSTD",
                 "block_size=16384", "optimize_filters_for_hits=true"]].

%% db.erl's fixed and capped prefix extractors in open/2's options.
prefix_extractors_open(Config) ->
    lists:foreach(
      fun(Kind) ->
              Path = jnode_ct:dir(Config, atom_to_list(Kind)),
              {ok, Db} = rocksdb:open(Path, [{create_if_missing, true},
                                             {prefix_extractor, {Kind, 1}}]),
              ok = rocksdb:put(Db, <<"k1">>, <<"v1">>, []),
              ok = rocksdb:put(Db, <<"k2">>, <<"v2">>, []),
              ?assertEqual({ok, <<"v2">>}, rocksdb:get(Db, <<"k2">>, [])),
              ok = rocksdb:close(Db)
      end,
      [fixed_prefix_transform, capped_prefix_transform]).

wrong_type_is_badarg(Config) ->
    Info = ?config(jnode, Config),
    Path = jnode_ct:dir(Config, "wrong"),
    lists:foreach(
      fun({Key, Value}) ->
              Opts = [{create_if_missing, true}, {Key, Value}],
              ?assertError(badarg, rocksdb:open(Path, Opts)),
              ?assertEqual({error, {badarg, {bad_argument, Key}}},
                           jnode_ct:call(Info, {open, list_to_binary(Path), Opts}))
      end,
      [{compression, 5}, {compaction_style, sideways}, {max_open_files, -2},
       {wal_recovery_mode, "strict"}, {rate_limiter, fast}, {num_levels, 0}]),
    ?assertEqual({error, {badarg, {bad_argument, block_size}}},
                 jnode_ct:call(Info, {open, list_to_binary(Path),
                                      [{block_based_table_options, [{block_size, -1}]}]})),
    ?assertNot(filelib:is_dir(Path)),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    ?assertError(badarg, rocksdb:put(Db, <<"k">>, <<"v">>, [{no_slowdown, 1}])),
    ?assertError(badarg, rocksdb:get(Db, <<"k">>, [{read_tier, disk}])),
    ok = rocksdb:close(Db).

unknown_options_are_ignored(Config) ->
    Path = jnode_ct:dir(Config, "unknown"),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true},
                                   {new_table_reader_for_compaction_inputs, true},
                                   {no_such_option, [1, 2, 3]}, {env, memenv},
                                   {in_memory_mode, true}]),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, [{no_such_write_option, x}]),
    ?assertEqual({ok, <<"v">>}, rocksdb:get(Db, <<"k">>, [{no_such_read_option, x}])),
    ok = rocksdb:close(Db).

%% Path options are checked like the DB path: relative ones are badarg.
paths_outside_roots_refused(Config) ->
    Path = jnode_ct:dir(Config, "rel"),
    ?assertError(badarg, rocksdb:open(Path, [{create_if_missing, true}, {wal_dir, "relative/wal"}])),
    ?assertNot(filelib:is_dir(Path)).

%% The newest OPTIONS file RocksDB wrote in the DB directory `Path'.
options_file(Path) ->
    {ok, Names} = file:list_dir(Path),
    [Newest | _] = lists:reverse(lists:sort([N || "OPTIONS-" ++ _ = N <- Names])),
    {ok, Bin} = file:read_file(filename:join(Path, Newest)),
    binary_to_list(Bin).
