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
-export([]).
%% Batches, kept in the client (issue 7, docs/DATA_API.md).
-export([]).
%% Reads: iterators, folds, snapshots, properties (issue 7, docs/DATA_API.md).
-export([snapshot/1, release_snapshot/1, get_snapshot_sequence/1,
         iterator/2, iterator/3, iterators/3, iterator_move/2, iterator_refresh/1,
         iterator_close/1, fold/4, fold/5, fold_keys/4, fold_keys/5,
         is_empty/1, get_property/2, get_property/3, stats/1, stats/2,
         get_latest_sequence_number/1, get_approximate_sizes/3, get_approximate_sizes/4,
         get_approximate_memtable_stats/3, get_approximate_memtable_stats/4]).
%% Maintenance and transactions (issue 7, docs/DATA_API.md).
-export([]).
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
-type backup_info() :: rocksdb_jnode:backup_info().
-type restore_error() :: rocksdb_jnode:restore_error().

-export_type([db_handle/0, backup_engine/0, backup_info/0]).

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
-spec create_new_backup(Engine, DbOrPath, Options) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbOrPath :: db_handle() | rocksdb_jnode:path(),
      Options :: rocksdb_jnode:backup_options(),
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
          ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:restore_options(),
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
-spec restore_db_from_latest_backup(Engine, DbDir, WalDir, Options) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: rocksdb_jnode:path(),
      WalDir :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:restore_options(),
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

%%%===================================================================
%%% Batches
%%%===================================================================
%% Batches, kept in the client: see docs/DATA_API.md.

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
