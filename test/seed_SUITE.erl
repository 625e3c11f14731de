%% @doc The seed document's backup example, as written, against a real Java node: the drop-in
%% `rocksdb' module, the restore calls under the seed's names, and the shipped example module.
-module(seed_SUITE).

-export([all/0, init_per_suite/1, end_per_suite/1]).
-export([seed_example_as_written/1, restore_as_written/1, shipped_example/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

all() -> [seed_example_as_written, restore_as_written, shipped_example].

%% As a user's suite would: the helper the application ships (README, "In a common_test suite").
init_per_suite(Config) -> rocksdb_jnode_ct:init_per_suite(Config).
end_per_suite(Config) -> rocksdb_jnode_ct:end_per_suite(Config).

%% The first block of the seed, with its `rocksdb:put(...)' placeholders filled in.
seed_example_as_written(Config) ->
    Path = jnode_ct:dir(Config, "erocksdb.fold.test"),
    Options = [{create_if_missing, true}],
    {ok, DB} = rocksdb:open(Path, Options),

    BackupDir = jnode_ct:dir(Config, "rocksdb_backup"),

    {ok, Backup} = rocksdb:open_backup_engine(BackupDir),

    ok = rocksdb:put(DB, <<"k1">>, <<"v1">>, []), %% do your thing

    ok = rocksdb:create_new_backup(Backup, DB),

    ok = rocksdb:put(DB, <<"k2">>, <<"v2">>, []), %% make some more changes
    ok = rocksdb:create_new_backup(Backup, DB),

    {ok, BackupInfos} = rocksdb:get_backup_info(Backup),

    ok = rocksdb:verify_backup(Backup, 1),
    ok = rocksdb:verify_backup(Backup, 2),

    ok = rocksdb:close_backup_engine(Backup),
    ok = rocksdb:close(DB),

    ?assertMatch([#{id := 1, backup_id := 1}, #{id := 2, backup_id := 2}], BackupInfos),
    [?assert(is_integer(maps:get(K, I))) || I <- BackupInfos, K <- [timestamp, size]],
    %% number_files is the true count (the NIF puts the id there): the files the backup's meta
    %% file lists, each of which exists.
    [begin
         Files = meta_files(BackupDir, Id),
         ?assertEqual({Id, length(Files)}, {Id, N}),
         [?assert(filelib:is_regular(filename:join(BackupDir, F))) || F <- Files]
     end || #{id := Id, number_files := N} <- BackupInfos],
    ?assert(lists:all(fun(#{number_files := N}) -> N > 1 end, BackupInfos)),
    {save_config, [{seed_backup_dir, BackupDir}]}.

%% The seed's restore block: restore_from_backup/4 back into a DB directory, then
%% restore_from_latest_backup/3.
restore_as_written(Config) ->
    {seed_example_as_written, Saved} = ?config(saved_config, Config),
    BackupDir = ?config(seed_backup_dir, Saved),
    Target = jnode_ct:dir(Config, "rocksdb"),
    {ok, Backup2} = rocksdb:open_backup_engine(BackupDir),
    ok = rocksdb:restore_from_backup(Backup2, 1, Target, Target),
    {ok, Db1} = rocksdb:open(Target, []),
    ?assertEqual({ok, <<"v1">>}, rocksdb:get(Db1, <<"k1">>, [])),
    ?assertEqual(not_found, rocksdb:get(Db1, <<"k2">>, [])),
    ok = rocksdb:close(Db1),
    Latest = jnode_ct:dir(Config, "rocksdb_latest"),
    ok = rocksdb:restore_from_latest_backup(Backup2, Latest, Latest),
    {ok, Db2} = rocksdb:open(Latest, []),
    ?assertEqual({ok, <<"v1">>}, rocksdb:get(Db2, <<"k1">>, [])),
    ?assertEqual({ok, <<"v2">>}, rocksdb:get(Db2, <<"k2">>, [])),
    ok = rocksdb:close(Db2),
    ok = rocksdb:close_backup_engine(Backup2).

%% What `bash scripts/demo.sh' runs.
shipped_example(Config) ->
    ok = rocksdb_seed_example:run(jnode_ct:dir(Config, "example")).

%% The files (relative to the backup directory) that meta/Id lists: after its timestamp,
%% sequence number, optional metadata line and file count, one line per file.
meta_files(BackupDir, Id) ->
    {ok, Bin} = file:read_file(filename:join([BackupDir, "meta", integer_to_list(Id)])),
    Lines = string:lexemes(binary_to_list(Bin), "\n"),
    [hd(string:lexemes(L, " ")) || L <- Lines,
                                   lists:prefix("shared", L) orelse lists:prefix("private", L)].
