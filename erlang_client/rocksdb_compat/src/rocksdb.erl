%% @doc A drop-in `rocksdb' module: erlang-rocksdb's backup API and the DB functions it needs,
%% served by a Java node through {@link rocksdb_jnode}.
%%
%% Every function delegates to the function of the same name and arity in `rocksdb_jnode',
%% whose documentation states the contracts, including where they differ from the NIF
%% (handles are owned by the opening process, like ETS tables; transport errors such as
%% `{error, {nodedown, Node}}'). Code written for erlang-rocksdb's backup API, such as the
%% examples of its backup page, runs unchanged.
%%
%% This module has the name of erlang-rocksdb's own module, so it lives in its own
%% application, `rocksdb_compat': a release that also carries erlang-rocksdb leaves
%% `rocksdb_compat' out and calls `rocksdb_jnode' directly.
-module(rocksdb).

-export([open/2, close/1, put/4, get/3, delete/3, destroy/2, count/1, flush/2, checkpoint/2]).
%% Column families and the writes beyond put and delete (issue 7, docs/DATA_API.md).
-export([open/3, open_with_cf/3, open_readonly/2, open_readonly/3, open_with_cf_readonly/3,
         list_column_families/2, create_column_family/3,
         drop_column_family/1, drop_column_family/2,
         destroy_column_family/1, destroy_column_family/2,
         put/5, get/4, delete/4, count/2, single_delete/3, single_delete/4,
         delete_range/4, delete_range/5, merge/4, merge/5, write/3]).
%% Batches, kept in the client (issue 7, docs/DATA_API.md).
-export([batch/0, batch_put/3, batch_put/4, batch_merge/3, batch_merge/4,
         batch_delete/2, batch_delete/3, batch_single_delete/2, batch_single_delete/3,
         batch_count/1, batch_data_size/1, batch_clear/1, batch_savepoint/1, batch_rollback/1,
         batch_tolist/1, write_batch/3, release_batch/1]).
%% Reads: iterators, folds, snapshots, properties (issue 7, docs/DATA_API.md).
-export([snapshot/1, release_snapshot/1, get_snapshot_sequence/1,
         iterator/2, iterator/3, iterators/3, iterator_move/2, iterator_refresh/1,
         iterator_close/1, fold/4, fold/5, fold_keys/4, fold_keys/5,
         is_empty/1, get_property/2, get_property/3, stats/1, stats/2,
         get_latest_sequence_number/1, get_approximate_sizes/3, get_approximate_sizes/4,
         get_approximate_memtable_stats/3, get_approximate_memtable_stats/4]).
%% Maintenance and transactions (issue 7, docs/DATA_API.md).
-export([repair/2, compact_range/4, compact_range/5, sync_wal/1, flush/3,
         open_optimistic_transaction_db/2, open_optimistic_transaction_db/3,
         transaction/2, transaction_put/3, transaction_put/4, transaction_get/3,
         transaction_get/4, transaction_delete/2, transaction_delete/3,
         transaction_iterator/2, transaction_iterator/3, transaction_commit/1,
         transaction_rollback/1, release_transaction/1]).
-export([open_backup_engine/1, open_backup_engine/2,
         create_new_backup/2, create_new_backup/3,
         get_backup_info/1,
         verify_backup/2, verify_backup/3,
         stop_backup/1, delete_backup/2, purge_old_backup/2, gc_backup_engine/1,
         close_backup_engine/1,
         restore_db_from_backup/3, restore_db_from_backup/4, restore_db_from_backup/5,
         restore_db_from_latest_backup/2, restore_db_from_latest_backup/3,
         restore_db_from_latest_backup/4,
         restore_from_backup/4, restore_from_latest_backup/3]).
-export([give_away/3, set_heir/3, ping/0, ping/1]).

-type db_handle() :: rocksdb_jnode:db_handle().
-type backup_engine() :: rocksdb_jnode:backup_engine().
-type cf_handle() :: rocksdb_jnode:cf_handle().
-type batch_handle() :: rocksdb_jnode:batch_handle().
-type backup_info() :: rocksdb_jnode:backup_info().
-type restore_error() :: rocksdb_jnode:restore_error().

-export_type([db_handle/0, backup_engine/0, backup_info/0]).
-export_type([cf_handle/0, batch_handle/0]).

%% @doc See {@link rocksdb_jnode:open/2}.
-spec open(Path, Options) -> {ok, Db} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:db_options(),
      Db :: db_handle(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
open(Path, Options) ->
    rocksdb_jnode:open(Path, Options).

%% @doc See {@link rocksdb_jnode:close/1}.
-spec close(Db) -> ok | {error, Reason} when
      Db :: db_handle(),
      Reason :: rocksdb_jnode:node_error().
close(Db) ->
    rocksdb_jnode:close(Db).

%% @doc See {@link rocksdb_jnode:put/4}.
-spec put(Db, Key, Value, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
put(Db, Key, Value, WriteOptions) ->
    rocksdb_jnode:put(Db, Key, Value, WriteOptions).

%% @doc See {@link rocksdb_jnode:get/3}.
-spec get(Db, Key, ReadOptions) -> {ok, Value} | not_found | {error, Reason} when
      Db :: db_handle(),
      Key :: rocksdb_jnode:key(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Value :: rocksdb_jnode:value(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
get(Db, Key, ReadOptions) ->
    rocksdb_jnode:get(Db, Key, ReadOptions).

%% @doc See {@link rocksdb_jnode:delete/3}.
-spec delete(Db, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: rocksdb_jnode:key(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
delete(Db, Key, WriteOptions) ->
    rocksdb_jnode:delete(Db, Key, WriteOptions).

%% @doc See {@link rocksdb_jnode:destroy/2}.
-spec destroy(Path, Options) -> ok | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:destroy_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {db_in_use, binary()}
              | rocksdb_jnode:path_error() | rocksdb_jnode:node_error().
destroy(Path, Options) ->
    rocksdb_jnode:destroy(Path, Options).

%% @doc See {@link rocksdb_jnode:count/1}.
-spec count(Db) -> Count | {error, Reason} when
      Db :: db_handle(),
      Count :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
count(Db) ->
    rocksdb_jnode:count(Db).

%% @doc See {@link rocksdb_jnode:flush/2}.
-spec flush(Db, FlushOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      FlushOptions :: rocksdb_jnode:flush_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
flush(Db, FlushOptions) ->
    rocksdb_jnode:flush(Db, FlushOptions).

%% @doc See {@link rocksdb_jnode:checkpoint/2}.
-spec checkpoint(Db, ToPath) -> ok | {error, Reason} when
      Db :: db_handle(),
      ToPath :: rocksdb_jnode:path(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
checkpoint(Db, ToPath) ->
    rocksdb_jnode:checkpoint(Db, ToPath).

%% @doc See {@link rocksdb_jnode:open_backup_engine/1}.
-spec open_backup_engine(Path) -> {ok, Engine} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Engine :: backup_engine(),
      Reason :: {backup_engine_open, rocksdb_jnode:error_text()} | {bad_option, term()}
              | rocksdb_jnode:path_error() | rocksdb_jnode:node_error().
open_backup_engine(Path) ->
    rocksdb_jnode:open_backup_engine(Path).

%% @doc See {@link rocksdb_jnode:open_backup_engine/2}.
-spec open_backup_engine(Path, Options) -> {ok, Engine} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:backup_engine_options(),
      Engine :: backup_engine(),
      Reason :: {backup_engine_open, rocksdb_jnode:error_text()} | {bad_option, term()}
              | rocksdb_jnode:path_error() | rocksdb_jnode:node_error().
open_backup_engine(Path, Options) ->
    rocksdb_jnode:open_backup_engine(Path, Options).

%% @doc See {@link rocksdb_jnode:create_new_backup/2}.
-spec create_new_backup(Engine, DbOrPath) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbOrPath :: db_handle() | rocksdb_jnode:path(),
      Reason :: incomplete | {error, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
create_new_backup(Engine, DbOrPath) ->
    rocksdb_jnode:create_new_backup(Engine, DbOrPath).

%% @doc See {@link rocksdb_jnode:create_new_backup/3}.
-spec create_new_backup(Engine, DbOrPath, Options) -> ok | {ok, Ref} | {error, Reason} when
      Engine :: backup_engine(),
      DbOrPath :: db_handle() | rocksdb_jnode:path(),
      Options :: rocksdb_jnode:backup_options(),
      Ref :: rocksdb_jnode:async_ref(),
      Reason :: incomplete | {error, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
create_new_backup(Engine, DbOrPath, Options) ->
    rocksdb_jnode:create_new_backup(Engine, DbOrPath, Options).

%% @doc See {@link rocksdb_jnode:get_backup_info/1}.
-spec get_backup_info(Engine) -> {ok, [Info]} | {error, Reason} when
      Engine :: backup_engine(),
      Info :: backup_info(),
      Reason :: rocksdb_jnode:node_error().
get_backup_info(Engine) ->
    rocksdb_jnode:get_backup_info(Engine).

%% @doc See {@link rocksdb_jnode:verify_backup/2}.
-spec verify_backup(Engine, BackupId) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
verify_backup(Engine, BackupId) ->
    rocksdb_jnode:verify_backup(Engine, BackupId).

%% @doc See {@link rocksdb_jnode:verify_backup/3}.
-spec verify_backup(Engine, BackupId, Options) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      Options :: rocksdb_jnode:verify_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
verify_backup(Engine, BackupId, Options) ->
    rocksdb_jnode:verify_backup(Engine, BackupId, Options).

%% @doc See {@link rocksdb_jnode:stop_backup/1}.
-spec stop_backup(Engine) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      Reason :: rocksdb_jnode:node_error().
stop_backup(Engine) ->
    rocksdb_jnode:stop_backup(Engine).

%% @doc See {@link rocksdb_jnode:delete_backup/2}.
-spec delete_backup(Engine, BackupId) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
delete_backup(Engine, BackupId) ->
    rocksdb_jnode:delete_backup(Engine, BackupId).

%% @doc See {@link rocksdb_jnode:purge_old_backup/2}.
-spec purge_old_backup(Engine, NumBackupsToKeep) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      NumBackupsToKeep :: non_neg_integer(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
purge_old_backup(Engine, NumBackupsToKeep) ->
    rocksdb_jnode:purge_old_backup(Engine, NumBackupsToKeep).

%% @doc See {@link rocksdb_jnode:gc_backup_engine/1}.
-spec gc_backup_engine(Engine) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
gc_backup_engine(Engine) ->
    rocksdb_jnode:gc_backup_engine(Engine).

%% @doc See {@link rocksdb_jnode:close_backup_engine/1}.
-spec close_backup_engine(Engine) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      Reason :: rocksdb_jnode:node_error().
close_backup_engine(Engine) ->
    rocksdb_jnode:close_backup_engine(Engine).

%% @doc See {@link rocksdb_jnode:restore_db_from_backup/3}.
-spec restore_db_from_backup(Engine, BackupId, DbDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      Reason :: restore_error().
restore_db_from_backup(Engine, BackupId, DbDir) ->
    rocksdb_jnode:restore_db_from_backup(Engine, BackupId, DbDir).

%% @doc See {@link rocksdb_jnode:restore_db_from_backup/4}.
-spec restore_db_from_backup(Engine, BackupId, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Reason :: restore_error().
restore_db_from_backup(Engine, BackupId, DbDir, WalDir) ->
    rocksdb_jnode:restore_db_from_backup(Engine, BackupId, DbDir, WalDir).

%% @doc See {@link rocksdb_jnode:restore_db_from_backup/5}.
-spec restore_db_from_backup(Engine, BackupId, DbDir, WalDir, Options) ->
          ok | {ok, Ref} | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:restore_options(),
      Ref :: rocksdb_jnode:async_ref(),
      Reason :: restore_error().
restore_db_from_backup(Engine, BackupId, DbDir, WalDir, Options) ->
    rocksdb_jnode:restore_db_from_backup(Engine, BackupId, DbDir, WalDir, Options).

%% @doc See {@link rocksdb_jnode:restore_db_from_latest_backup/2}.
-spec restore_db_from_latest_backup(Engine, DbDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: rocksdb_jnode:path(),
      Reason :: restore_error().
restore_db_from_latest_backup(Engine, DbDir) ->
    rocksdb_jnode:restore_db_from_latest_backup(Engine, DbDir).

%% @doc See {@link rocksdb_jnode:restore_db_from_latest_backup/3}.
-spec restore_db_from_latest_backup(Engine, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Reason :: restore_error().
restore_db_from_latest_backup(Engine, DbDir, WalDir) ->
    rocksdb_jnode:restore_db_from_latest_backup(Engine, DbDir, WalDir).

%% @doc See {@link rocksdb_jnode:restore_db_from_latest_backup/4}.
-spec restore_db_from_latest_backup(Engine, DbDir, WalDir, Options) ->
          ok | {ok, Ref} | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:restore_options(),
      Ref :: rocksdb_jnode:async_ref(),
      Reason :: restore_error().
restore_db_from_latest_backup(Engine, DbDir, WalDir, Options) ->
    rocksdb_jnode:restore_db_from_latest_backup(Engine, DbDir, WalDir, Options).

%% @doc See {@link rocksdb_jnode:restore_from_backup/4}: the seed document's name of
%% {@link restore_db_from_backup/4}.
-spec restore_from_backup(Engine, BackupId, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Reason :: restore_error().
restore_from_backup(Engine, BackupId, DbDir, WalDir) ->
    rocksdb_jnode:restore_from_backup(Engine, BackupId, DbDir, WalDir).

%% @doc See {@link rocksdb_jnode:restore_from_latest_backup/3}: the seed document's name of
%% {@link restore_db_from_latest_backup/3}.
-spec restore_from_latest_backup(Engine, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Reason :: restore_error().
restore_from_latest_backup(Engine, DbDir, WalDir) ->
    rocksdb_jnode:restore_from_latest_backup(Engine, DbDir, WalDir).

%% @doc See {@link rocksdb_jnode:give_away/3}.
-spec give_away(Handle, Pid, GiftData) -> ok | {error, Reason} when
      Handle :: rocksdb_jnode:handle(),
      Pid :: pid(),
      GiftData :: term(),
      Reason :: rocksdb_jnode:node_error().
give_away(Handle, Pid, GiftData) ->
    rocksdb_jnode:give_away(Handle, Pid, GiftData).

%% @doc See {@link rocksdb_jnode:set_heir/3}.
-spec set_heir(Handle, Heir, HeirData) -> ok | {error, Reason} when
      Handle :: rocksdb_jnode:handle(),
      Heir :: pid() | none,
      HeirData :: term(),
      Reason :: rocksdb_jnode:node_error().
set_heir(Handle, Heir, HeirData) ->
    rocksdb_jnode:set_heir(Handle, Heir, HeirData).

%% @doc See {@link rocksdb_jnode:ping/0}.
-spec ping() -> pong | {error, Reason} when
      Reason :: rocksdb_jnode:node_error().
ping() ->
    rocksdb_jnode:ping().

%% @doc See {@link rocksdb_jnode:ping/1}.
-spec ping(Node) -> pong | {error, Reason} when
      Node :: node(),
      Reason :: rocksdb_jnode:node_error().
ping(Node) ->
    rocksdb_jnode:ping(Node).

%%%===================================================================
%%% Column families and writes
%%%===================================================================
%% Column families and the writes beyond put and delete: see docs/DATA_API.md.

%% @doc See {@link rocksdb_jnode:open/3}.
-spec open(Path, DbOptions, CfDescriptors) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      DbOptions :: rocksdb_jnode:db_options(),
      CfDescriptors :: [rocksdb_jnode:cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
open(Path, DbOptions, CfDescriptors) ->
    rocksdb_jnode:open(Path, DbOptions, CfDescriptors).

%% @doc See {@link rocksdb_jnode:open_with_cf/3}.
-spec open_with_cf(Path, DbOptions, CfDescriptors) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      DbOptions :: rocksdb_jnode:db_options(),
      CfDescriptors :: [rocksdb_jnode:cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
open_with_cf(Path, DbOptions, CfDescriptors) ->
    rocksdb_jnode:open_with_cf(Path, DbOptions, CfDescriptors).

%% @doc See {@link rocksdb_jnode:open_readonly/2}.
-spec open_readonly(Path, Options) -> {ok, Db} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:db_options(),
      Db :: db_handle(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
open_readonly(Path, Options) ->
    rocksdb_jnode:open_readonly(Path, Options).

%% @doc See {@link rocksdb_jnode:open_readonly/3}.
-spec open_readonly(Path, DbOptions, CfDescriptors) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      DbOptions :: rocksdb_jnode:db_options(),
      CfDescriptors :: [rocksdb_jnode:cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
open_readonly(Path, DbOptions, CfDescriptors) ->
    rocksdb_jnode:open_readonly(Path, DbOptions, CfDescriptors).

%% @doc See {@link rocksdb_jnode:open_with_cf_readonly/3}.
-spec open_with_cf_readonly(Path, DbOptions, CfDescriptors) ->
          {ok, Db, [Cf]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      DbOptions :: rocksdb_jnode:db_options(),
      CfDescriptors :: [rocksdb_jnode:cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
open_with_cf_readonly(Path, DbOptions, CfDescriptors) ->
    rocksdb_jnode:open_with_cf_readonly(Path, DbOptions, CfDescriptors).

%% @doc See {@link rocksdb_jnode:list_column_families/2}.
-spec list_column_families(Path, DbOptions) -> {ok, [Name]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      DbOptions :: rocksdb_jnode:db_options(),
      Name :: string(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
list_column_families(Path, DbOptions) ->
    rocksdb_jnode:list_column_families(Path, DbOptions).

%% @doc See {@link rocksdb_jnode:create_column_family/3}.
-spec create_column_family(Db, Name, CfOptions) -> {ok, Cf} | {error, Reason} when
      Db :: db_handle(),
      Name :: string(),
      CfOptions :: rocksdb_jnode:cf_options(),
      Cf :: cf_handle(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
create_column_family(Db, Name, CfOptions) ->
    rocksdb_jnode:create_column_family(Db, Name, CfOptions).

%% @doc See {@link rocksdb_jnode:drop_column_family/1}.
-spec drop_column_family(Cf) -> ok | {error, Reason} when
      Cf :: cf_handle(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
drop_column_family(Cf) ->
    rocksdb_jnode:drop_column_family(Cf).

%% @doc See {@link rocksdb_jnode:drop_column_family/2}.
-spec drop_column_family(Db, Cf) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
drop_column_family(Db, Cf) ->
    rocksdb_jnode:drop_column_family(Db, Cf).

%% @doc See {@link rocksdb_jnode:destroy_column_family/1}.
-spec destroy_column_family(Cf) -> ok | {error, Reason} when
      Cf :: cf_handle(),
      Reason :: rocksdb_jnode:node_error().
destroy_column_family(Cf) ->
    rocksdb_jnode:destroy_column_family(Cf).

%% @doc See {@link rocksdb_jnode:destroy_column_family/2}.
-spec destroy_column_family(Db, Cf) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: rocksdb_jnode:node_error().
destroy_column_family(Db, Cf) ->
    rocksdb_jnode:destroy_column_family(Db, Cf).

%% @doc See {@link rocksdb_jnode:put/5}.
-spec put(Db, Cf, Key, Value, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()}
              | rocksdb_jnode:node_error().
put(Db, Cf, Key, Value, WriteOptions) ->
    rocksdb_jnode:put(Db, Cf, Key, Value, WriteOptions).

%% @doc See {@link rocksdb_jnode:get/4}.
-spec get(Db, Cf, Key, ReadOptions) -> {ok, Value} | not_found | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Value :: rocksdb_jnode:value(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
get(Db, Cf, Key, ReadOptions) ->
    rocksdb_jnode:get(Db, Cf, Key, ReadOptions).

%% @doc See {@link rocksdb_jnode:delete/4}.
-spec delete(Db, Cf, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
delete(Db, Cf, Key, WriteOptions) ->
    rocksdb_jnode:delete(Db, Cf, Key, WriteOptions).

%% @doc See {@link rocksdb_jnode:count/2}.
-spec count(Db, Cf) -> Count | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Count :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
count(Db, Cf) ->
    rocksdb_jnode:count(Db, Cf).

%% @doc See {@link rocksdb_jnode:single_delete/3}.
-spec single_delete(Db, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: rocksdb_jnode:key(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
single_delete(Db, Key, WriteOptions) ->
    rocksdb_jnode:single_delete(Db, Key, WriteOptions).

%% @doc See {@link rocksdb_jnode:single_delete/4}.
-spec single_delete(Db, Cf, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
single_delete(Db, Cf, Key, WriteOptions) ->
    rocksdb_jnode:single_delete(Db, Cf, Key, WriteOptions).

%% @doc See {@link rocksdb_jnode:delete_range/4}.
-spec delete_range(Db, BeginKey, EndKey, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      BeginKey :: rocksdb_jnode:key(),
      EndKey :: rocksdb_jnode:key(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
delete_range(Db, BeginKey, EndKey, WriteOptions) ->
    rocksdb_jnode:delete_range(Db, BeginKey, EndKey, WriteOptions).

%% @doc See {@link rocksdb_jnode:delete_range/5}.
-spec delete_range(Db, Cf, BeginKey, EndKey, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      BeginKey :: rocksdb_jnode:key(),
      EndKey :: rocksdb_jnode:key(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
delete_range(Db, Cf, BeginKey, EndKey, WriteOptions) ->
    rocksdb_jnode:delete_range(Db, Cf, BeginKey, EndKey, WriteOptions).

%% @doc See {@link rocksdb_jnode:merge/4}.
-spec merge(Db, Key, Operand, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: rocksdb_jnode:key(),
      Operand :: binary(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()}
              | rocksdb_jnode:node_error().
merge(Db, Key, Operand, WriteOptions) ->
    rocksdb_jnode:merge(Db, Key, Operand, WriteOptions).

%% @doc See {@link rocksdb_jnode:merge/5}.
-spec merge(Db, Cf, Key, Operand, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      Operand :: binary(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()}
              | rocksdb_jnode:node_error().
merge(Db, Cf, Key, Operand, WriteOptions) ->
    rocksdb_jnode:merge(Db, Cf, Key, Operand, WriteOptions).

%% @doc See {@link rocksdb_jnode:write/3}.
-spec write(Db, Actions, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Actions :: [rocksdb_jnode:write_action()],
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()}
              | rocksdb_jnode:node_error().
write(Db, Actions, WriteOptions) ->
    rocksdb_jnode:write(Db, Actions, WriteOptions).

%%%===================================================================
%%% Batches
%%%===================================================================
%% Batches, kept in the client: see docs/DATA_API.md.

%% @doc See {@link rocksdb_jnode:batch/0}.
-spec batch() -> {ok, Batch} | {error, Reason} when
      Batch :: batch_handle(),
      Reason :: term().
batch() ->
    rocksdb_jnode:batch().

%% @doc See {@link rocksdb_jnode:batch_put/3}.
-spec batch_put(Batch, Key, Value) -> ok when
      Batch :: batch_handle(),
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value().
batch_put(Batch, Key, Value) ->
    rocksdb_jnode:batch_put(Batch, Key, Value).

%% @doc See {@link rocksdb_jnode:batch_put/4}.
-spec batch_put(Batch, Cf, Key, Value) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value().
batch_put(Batch, Cf, Key, Value) ->
    rocksdb_jnode:batch_put(Batch, Cf, Key, Value).

%% @doc See {@link rocksdb_jnode:batch_merge/3}.
-spec batch_merge(Batch, Key, Operand) -> ok when
      Batch :: batch_handle(),
      Key :: rocksdb_jnode:key(),
      Operand :: binary().
batch_merge(Batch, Key, Operand) ->
    rocksdb_jnode:batch_merge(Batch, Key, Operand).

%% @doc See {@link rocksdb_jnode:batch_merge/4}.
-spec batch_merge(Batch, Cf, Key, Operand) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key(),
      Operand :: binary().
batch_merge(Batch, Cf, Key, Operand) ->
    rocksdb_jnode:batch_merge(Batch, Cf, Key, Operand).

%% @doc See {@link rocksdb_jnode:batch_delete/2}.
-spec batch_delete(Batch, Key) -> ok when
      Batch :: batch_handle(),
      Key :: rocksdb_jnode:key().
batch_delete(Batch, Key) ->
    rocksdb_jnode:batch_delete(Batch, Key).

%% @doc See {@link rocksdb_jnode:batch_delete/3}.
-spec batch_delete(Batch, Cf, Key) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key().
batch_delete(Batch, Cf, Key) ->
    rocksdb_jnode:batch_delete(Batch, Cf, Key).

%% @doc See {@link rocksdb_jnode:batch_single_delete/2}.
-spec batch_single_delete(Batch, Key) -> ok when
      Batch :: batch_handle(),
      Key :: rocksdb_jnode:key().
batch_single_delete(Batch, Key) ->
    rocksdb_jnode:batch_single_delete(Batch, Key).

%% @doc See {@link rocksdb_jnode:batch_single_delete/3}.
-spec batch_single_delete(Batch, Cf, Key) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: rocksdb_jnode:key().
batch_single_delete(Batch, Cf, Key) ->
    rocksdb_jnode:batch_single_delete(Batch, Cf, Key).

%% @doc See {@link rocksdb_jnode:batch_count/1}.
-spec batch_count(Batch) -> Count when
      Batch :: batch_handle(),
      Count :: non_neg_integer().
batch_count(Batch) ->
    rocksdb_jnode:batch_count(Batch).

%% @doc See {@link rocksdb_jnode:batch_data_size/1}.
-spec batch_data_size(Batch) -> Size | {error, Reason} when
      Batch :: batch_handle(),
      Size :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
batch_data_size(Batch) ->
    rocksdb_jnode:batch_data_size(Batch).

%% @doc See {@link rocksdb_jnode:batch_clear/1}.
-spec batch_clear(Batch) -> ok when
      Batch :: batch_handle().
batch_clear(Batch) ->
    rocksdb_jnode:batch_clear(Batch).

%% @doc See {@link rocksdb_jnode:batch_savepoint/1}.
-spec batch_savepoint(Batch) -> ok when
      Batch :: batch_handle().
batch_savepoint(Batch) ->
    rocksdb_jnode:batch_savepoint(Batch).

%% @doc See {@link rocksdb_jnode:batch_rollback/1}.
-spec batch_rollback(Batch) -> ok | {error, {error, Text}} when
      Batch :: batch_handle(),
      Text :: rocksdb_jnode:error_text().
batch_rollback(Batch) ->
    rocksdb_jnode:batch_rollback(Batch).

%% @doc See {@link rocksdb_jnode:batch_tolist/1}.
-spec batch_tolist(Batch) -> [Action] when
      Batch :: batch_handle(),
      Action :: rocksdb_jnode:write_action().
batch_tolist(Batch) ->
    rocksdb_jnode:batch_tolist(Batch).

%% @doc See {@link rocksdb_jnode:write_batch/3}.
-spec write_batch(Db, Batch, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Batch :: batch_handle(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()}
              | rocksdb_jnode:node_error().
write_batch(Db, Batch, WriteOptions) ->
    rocksdb_jnode:write_batch(Db, Batch, WriteOptions).

%% @doc See {@link rocksdb_jnode:release_batch/1}.
-spec release_batch(Batch) -> ok when
      Batch :: batch_handle().
release_batch(Batch) ->
    rocksdb_jnode:release_batch(Batch).

%%%===================================================================
%%% Reads
%%%===================================================================
%% Reads: iterators, folds, snapshots, properties: see docs/DATA_API.md.

%% @doc See {@link rocksdb_jnode:snapshot/1}.
-spec snapshot(Db) -> {ok, Snapshot} | {error, Reason} when
      Db :: db_handle(),
      Snapshot :: rocksdb_jnode:snapshot_handle(),
      Reason :: rocksdb_jnode:node_error().
snapshot(Db) ->
    rocksdb_jnode:snapshot(Db).

%% @doc See {@link rocksdb_jnode:release_snapshot/1}.
-spec release_snapshot(Snapshot) -> ok | {error, Reason} when
      Snapshot :: rocksdb_jnode:snapshot_handle(),
      Reason :: rocksdb_jnode:node_error().
release_snapshot(Snapshot) ->
    rocksdb_jnode:release_snapshot(Snapshot).

%% @doc See {@link rocksdb_jnode:get_snapshot_sequence/1}.
-spec get_snapshot_sequence(Snapshot) -> Sequence | {error, Reason} when
      Snapshot :: rocksdb_jnode:snapshot_handle(),
      Sequence :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
get_snapshot_sequence(Snapshot) ->
    rocksdb_jnode:get_snapshot_sequence(Snapshot).

%% @doc See {@link rocksdb_jnode:iterator/2}.
-spec iterator(Db, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Db :: db_handle(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Iterator :: rocksdb_jnode:itr_handle(),
      Reason :: rocksdb_jnode:node_error().
iterator(Db, ReadOptions) ->
    rocksdb_jnode:iterator(Db, ReadOptions).

%% @doc See {@link rocksdb_jnode:iterator/3}.
-spec iterator(Db, Cf, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Iterator :: rocksdb_jnode:itr_handle(),
      Reason :: rocksdb_jnode:node_error().
iterator(Db, Cf, ReadOptions) ->
    rocksdb_jnode:iterator(Db, Cf, ReadOptions).

%% @doc See {@link rocksdb_jnode:iterators/3}.
-spec iterators(Db, Cfs, ReadOptions) -> {ok, [Iterator]} | {error, Reason} when
      Db :: db_handle(),
      Cfs :: [reference()],
      ReadOptions :: rocksdb_jnode:read_options(),
      Iterator :: rocksdb_jnode:itr_handle(),
      Reason :: rocksdb_jnode:node_error().
iterators(Db, Cfs, ReadOptions) ->
    rocksdb_jnode:iterators(Db, Cfs, ReadOptions).

%% @doc See {@link rocksdb_jnode:iterator_move/2}.
-spec iterator_move(Iterator, Action) -> {ok, Key, Value} | {error, Reason} when
      Iterator :: rocksdb_jnode:itr_handle(),
      Action :: first | last | next | prev | rocksdb_jnode:key() | {seek, rocksdb_jnode:key()} | {seek_for_prev, rocksdb_jnode:key()},
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value(),
      Reason :: invalid_iterator | einval | {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
iterator_move(Iterator, Action) ->
    rocksdb_jnode:iterator_move(Iterator, Action).

%% @doc See {@link rocksdb_jnode:iterator_refresh/1}.
-spec iterator_refresh(Iterator) -> ok | {error, Reason} when
      Iterator :: rocksdb_jnode:itr_handle(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
iterator_refresh(Iterator) ->
    rocksdb_jnode:iterator_refresh(Iterator).

%% @doc See {@link rocksdb_jnode:iterator_close/1}.
-spec iterator_close(Iterator) -> ok | {error, Reason} when
      Iterator :: rocksdb_jnode:itr_handle(),
      Reason :: rocksdb_jnode:node_error().
iterator_close(Iterator) ->
    rocksdb_jnode:iterator_close(Iterator).

%% @doc See {@link rocksdb_jnode:fold/4}.
-spec fold(Db, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Fun :: fun(({Key :: rocksdb_jnode:key(), Value :: rocksdb_jnode:value()}, AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Acc :: term().
fold(Db, Fun, Acc0, ReadOptions) ->
    rocksdb_jnode:fold(Db, Fun, Acc0, ReadOptions).

%% @doc See {@link rocksdb_jnode:fold/5}.
-spec fold(Db, Cf, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Cf :: reference(),
      Fun :: fun(({Key :: rocksdb_jnode:key(), Value :: rocksdb_jnode:value()}, AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Acc :: term().
fold(Db, Cf, Fun, Acc0, ReadOptions) ->
    rocksdb_jnode:fold(Db, Cf, Fun, Acc0, ReadOptions).

%% @doc See {@link rocksdb_jnode:fold_keys/4}.
-spec fold_keys(Db, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Fun :: fun((Key :: rocksdb_jnode:key(), AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Acc :: term().
fold_keys(Db, Fun, Acc0, ReadOptions) ->
    rocksdb_jnode:fold_keys(Db, Fun, Acc0, ReadOptions).

%% @doc See {@link rocksdb_jnode:fold_keys/5}.
-spec fold_keys(Db, Cf, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Cf :: reference(),
      Fun :: fun((Key :: rocksdb_jnode:key(), AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Acc :: term().
fold_keys(Db, Cf, Fun, Acc0, ReadOptions) ->
    rocksdb_jnode:fold_keys(Db, Cf, Fun, Acc0, ReadOptions).

%% @doc See {@link rocksdb_jnode:is_empty/1}.
-spec is_empty(Db) -> boolean() | {error, Reason} when
      Db :: db_handle(),
      Reason :: rocksdb_jnode:node_error().
is_empty(Db) ->
    rocksdb_jnode:is_empty(Db).

%% @doc See {@link rocksdb_jnode:get_property/2}.
-spec get_property(Db, Property) -> {ok, Value} | error | {error, Reason} when
      Db :: db_handle(),
      Property :: binary(),
      Value :: binary(),
      Reason :: rocksdb_jnode:node_error().
get_property(Db, Property) ->
    rocksdb_jnode:get_property(Db, Property).

%% @doc See {@link rocksdb_jnode:get_property/3}.
-spec get_property(Db, Cf, Property) -> {ok, Value} | error | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Property :: binary(),
      Value :: binary(),
      Reason :: rocksdb_jnode:node_error().
get_property(Db, Cf, Property) ->
    rocksdb_jnode:get_property(Db, Cf, Property).

%% @doc See {@link rocksdb_jnode:stats/1}.
-spec stats(Db) -> {ok, Stats} | error | {error, Reason} when
      Db :: db_handle(),
      Stats :: binary(),
      Reason :: rocksdb_jnode:node_error().
stats(Db) ->
    rocksdb_jnode:stats(Db).

%% @doc See {@link rocksdb_jnode:stats/2}.
-spec stats(Db, Cf) -> {ok, Stats} | error | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Stats :: binary(),
      Reason :: rocksdb_jnode:node_error().
stats(Db, Cf) ->
    rocksdb_jnode:stats(Db, Cf).

%% @doc See {@link rocksdb_jnode:get_latest_sequence_number/1}.
-spec get_latest_sequence_number(Db) -> Sequence | {error, Reason} when
      Db :: db_handle(),
      Sequence :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
get_latest_sequence_number(Db) ->
    rocksdb_jnode:get_latest_sequence_number(Db).

%% @doc See {@link rocksdb_jnode:get_approximate_sizes/3}.
-spec get_approximate_sizes(Db, Ranges, Flag) -> [Size] | {error, Reason} when
      Db :: db_handle(),
      Ranges :: [{Start :: rocksdb_jnode:key(), Limit :: rocksdb_jnode:key()}],
      Flag :: rocksdb_jnode:size_approximation_flag(),
      Size :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
get_approximate_sizes(Db, Ranges, Flag) ->
    rocksdb_jnode:get_approximate_sizes(Db, Ranges, Flag).

%% @doc See {@link rocksdb_jnode:get_approximate_sizes/4}.
-spec get_approximate_sizes(Db, Cf, Ranges, Flag) -> [Size] | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Ranges :: [{Start :: rocksdb_jnode:key(), Limit :: rocksdb_jnode:key()}],
      Flag :: rocksdb_jnode:size_approximation_flag(),
      Size :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
get_approximate_sizes(Db, Cf, Ranges, Flag) ->
    rocksdb_jnode:get_approximate_sizes(Db, Cf, Ranges, Flag).

%% @doc See {@link rocksdb_jnode:get_approximate_memtable_stats/3}.
-spec get_approximate_memtable_stats(Db, Start, Limit) -> {ok, {Count, Size}} | {error, Reason} when
      Db :: db_handle(),
      Start :: rocksdb_jnode:key(),
      Limit :: rocksdb_jnode:key(),
      Count :: non_neg_integer(),
      Size :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
get_approximate_memtable_stats(Db, Start, Limit) ->
    rocksdb_jnode:get_approximate_memtable_stats(Db, Start, Limit).

%% @doc See {@link rocksdb_jnode:get_approximate_memtable_stats/4}.
-spec get_approximate_memtable_stats(Db, Cf, Start, Limit) ->
          {ok, {Count, Size}} | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Start :: rocksdb_jnode:key(),
      Limit :: rocksdb_jnode:key(),
      Count :: non_neg_integer(),
      Size :: non_neg_integer(),
      Reason :: rocksdb_jnode:node_error().
get_approximate_memtable_stats(Db, Cf, Start, Limit) ->
    rocksdb_jnode:get_approximate_memtable_stats(Db, Cf, Start, Limit).

%%%===================================================================
%%% Maintenance and transactions
%%%===================================================================
%% Maintenance and transactions: see docs/DATA_API.md.

% @doc See {@link rocksdb_jnode:repair/2}.
-spec repair(Path, Options) -> ok | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:db_options(),
      Reason :: {error_db_repair, rocksdb_jnode:error_text()} | {db_in_use, binary()} | rocksdb_jnode:path_error()
              | rocksdb_jnode:node_error().
repair(Path, Options) ->
    rocksdb_jnode:repair(Path, Options).

% @doc See {@link rocksdb_jnode:compact_range/4}.
-spec compact_range(Db, Begin, End, Options) -> ok | {error, Reason} when
      Db :: rocksdb_jnode:db_handle(),
      Begin :: rocksdb_jnode:key() | undefined,
      End :: rocksdb_jnode:key() | undefined,
      Options :: rocksdb_jnode:compact_range_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {thread_limit, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
compact_range(Db, Begin, End, Options) ->
    rocksdb_jnode:compact_range(Db, Begin, End, Options).

% @doc See {@link rocksdb_jnode:compact_range/5}.
-spec compact_range(Db, Cf, Begin, End, Options) -> ok | {error, Reason} when
      Db :: rocksdb_jnode:db_handle(),
      Cf :: rocksdb_jnode:column_family(),
      Begin :: rocksdb_jnode:key() | undefined,
      End :: rocksdb_jnode:key() | undefined,
      Options :: rocksdb_jnode:compact_range_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | {thread_limit, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
compact_range(Db, Cf, Begin, End, Options) ->
    rocksdb_jnode:compact_range(Db, Cf, Begin, End, Options).

% @doc See {@link rocksdb_jnode:sync_wal/1}.
-spec sync_wal(Db) -> ok | {error, Reason} when
      Db :: rocksdb_jnode:db_handle(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
sync_wal(Db) ->
    rocksdb_jnode:sync_wal(Db).

% @doc See {@link rocksdb_jnode:flush/3}.
-spec flush(Db, Target, FlushOptions) -> ok | {error, Reason} when
      Db :: rocksdb_jnode:db_handle(),
      Target :: rocksdb_jnode:flush_target(),
      FlushOptions :: rocksdb_jnode:flush_options(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
flush(Db, Target, FlushOptions) ->
    rocksdb_jnode:flush(Db, Target, FlushOptions).

% @doc See {@link rocksdb_jnode:open_optimistic_transaction_db/2}.
-spec open_optimistic_transaction_db(Path, Options) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:db_options(),
      Db :: rocksdb_jnode:db_handle(),
      Cf :: rocksdb_jnode:column_family(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error() | rocksdb_jnode:node_error().
open_optimistic_transaction_db(Path, Options) ->
    rocksdb_jnode:open_optimistic_transaction_db(Path, Options).

% @doc See {@link rocksdb_jnode:open_optimistic_transaction_db/3}.
-spec open_optimistic_transaction_db(Path, Options, CfDescriptors) ->
          {ok, Db, [Cf]} | {error, Reason} when
      Path :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:db_options(),
      CfDescriptors :: [rocksdb_jnode:cf_descriptor()],
      Db :: rocksdb_jnode:db_handle(),
      Cf :: rocksdb_jnode:column_family(),
      Reason :: {db_open, rocksdb_jnode:error_text()} | rocksdb_jnode:path_error() | rocksdb_jnode:node_error().
open_optimistic_transaction_db(Path, Options, CfDescriptors) ->
    rocksdb_jnode:open_optimistic_transaction_db(Path, Options, CfDescriptors).

% @doc See {@link rocksdb_jnode:transaction/2}.
-spec transaction(Db, WriteOptions) -> {ok, Transaction} | {error, Reason} when
      Db :: rocksdb_jnode:db_handle(),
      WriteOptions :: rocksdb_jnode:write_options(),
      Transaction :: rocksdb_jnode:transaction(),
      Reason :: rocksdb_jnode:node_error().
transaction(Db, WriteOptions) ->
    rocksdb_jnode:transaction(Db, WriteOptions).

% @doc See {@link rocksdb_jnode:transaction_put/3}.
-spec transaction_put(Transaction, Key, Value) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()} | rocksdb_jnode:node_error().
transaction_put(Transaction, Key, Value) ->
    rocksdb_jnode:transaction_put(Transaction, Key, Value).

% @doc See {@link rocksdb_jnode:transaction_put/4}.
-spec transaction_put(Transaction, Cf, Key, Value) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Cf :: rocksdb_jnode:column_family(),
      Key :: rocksdb_jnode:key(),
      Value :: rocksdb_jnode:value(),
      Reason :: {error, rocksdb_jnode:error_text()} | {too_large, pos_integer(), pos_integer()} | rocksdb_jnode:node_error().
transaction_put(Transaction, Cf, Key, Value) ->
    rocksdb_jnode:transaction_put(Transaction, Cf, Key, Value).

% @doc See {@link rocksdb_jnode:transaction_get/3}.
-spec transaction_get(Transaction, Key, ReadOptions) -> {ok, Value} | not_found | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Key :: rocksdb_jnode:key(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Value :: rocksdb_jnode:value(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
transaction_get(Transaction, Key, ReadOptions) ->
    rocksdb_jnode:transaction_get(Transaction, Key, ReadOptions).

% @doc See {@link rocksdb_jnode:transaction_get/4}.
-spec transaction_get(Transaction, Cf, Key, ReadOptions) ->
          {ok, Value} | not_found | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Cf :: rocksdb_jnode:column_family(),
      Key :: rocksdb_jnode:key(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Value :: rocksdb_jnode:value(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
transaction_get(Transaction, Cf, Key, ReadOptions) ->
    rocksdb_jnode:transaction_get(Transaction, Cf, Key, ReadOptions).

% @doc See {@link rocksdb_jnode:transaction_delete/2}.
-spec transaction_delete(Transaction, Key) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Key :: rocksdb_jnode:key(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
transaction_delete(Transaction, Key) ->
    rocksdb_jnode:transaction_delete(Transaction, Key).

% @doc See {@link rocksdb_jnode:transaction_delete/3}.
-spec transaction_delete(Transaction, Cf, Key) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Cf :: rocksdb_jnode:column_family(),
      Key :: rocksdb_jnode:key(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
transaction_delete(Transaction, Cf, Key) ->
    rocksdb_jnode:transaction_delete(Transaction, Cf, Key).

% @doc See {@link rocksdb_jnode:transaction_iterator/2}.
-spec transaction_iterator(Transaction, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Iterator :: rocksdb_jnode:iterator(),
      Reason :: rocksdb_jnode:node_error().
transaction_iterator(Transaction, ReadOptions) ->
    rocksdb_jnode:transaction_iterator(Transaction, ReadOptions).

% @doc See {@link rocksdb_jnode:transaction_iterator/3}.
-spec transaction_iterator(Transaction, Cf, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Cf :: rocksdb_jnode:column_family(),
      ReadOptions :: rocksdb_jnode:read_options(),
      Iterator :: rocksdb_jnode:iterator(),
      Reason :: rocksdb_jnode:node_error().
transaction_iterator(Transaction, Cf, ReadOptions) ->
    rocksdb_jnode:transaction_iterator(Transaction, Cf, ReadOptions).

% @doc See {@link rocksdb_jnode:transaction_commit/1}.
-spec transaction_commit(Transaction) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
transaction_commit(Transaction) ->
    rocksdb_jnode:transaction_commit(Transaction).

% @doc See {@link rocksdb_jnode:transaction_rollback/1}.
-spec transaction_rollback(Transaction) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Reason :: {error, rocksdb_jnode:error_text()} | rocksdb_jnode:node_error().
transaction_rollback(Transaction) ->
    rocksdb_jnode:transaction_rollback(Transaction).

% @doc See {@link rocksdb_jnode:release_transaction/1}.
-spec release_transaction(Transaction) -> ok | {error, Reason} when
      Transaction :: rocksdb_jnode:transaction(),
      Reason :: rocksdb_jnode:node_error().
release_transaction(Transaction) ->
    rocksdb_jnode:release_transaction(Transaction).
