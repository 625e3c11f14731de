%% @doc RocksDB databases and backup engines held by a Java node, with the function names,
%% arities and reply shapes of erlang-rocksdb's `rocksdb' module.
%%
%% A Java node (JInterface and rocksdbjni) owns the databases and backup engines; this module
%% calls it over Erlang distribution. Replies are those of the NIF: `{ok, Db}',
%% `{error, {db_open, Text}}', `{error, {error, Text}}', `not_found', `{error, incomplete}',
%% and so on, with `Text' a charlist. Arguments of the wrong type raise `badarg' in the caller
%% before anything is sent, as the NIF raises it; so does a handle the node does not know
%% (closed, never opened, of the wrong kind, or not owned by the caller for {@link give_away/3}
%% and {@link set_heir/3}).
%%
%% == Where this differs from the NIF ==
%% <ul>
%% <li><b>Handles are owned.</b> A DB or backup engine is owned by the process that opened it,
%% as an ETS table is: when the owner exits, the Java node closes its handles. Ownership moves
%% with {@link give_away/3}, and an heir set with {@link set_heir/3} (or an `{heir, Pid, Data}'
%% open option) receives the handles of an owner that exits, with the message
%% `{'ROCKSDB-TRANSFER', Handle, OldOwner, Data}'. A handle used by another process still
%% works, as the NIF's would. When the connection to the Java node drops, the node closes all
%% handles of this Erlang node.</li>
%% <li><b>The shell exception.</b> A handle opened at the Erlang shell prompt is owned by the
%% shell process, not by the evaluator that ran the expression, so an expression that raises
%% (which replaces the evaluator) does not close the handles opened at the prompt. They are
%% closed when the shell itself exits. (Only for a shell whose group leader is on this node.)</li>
%% <li><b>Where requests go.</b> {@link open/2}, {@link destroy/2} and
%% {@link open_backup_engine/2} go to the node of the application environment `node'
%% (unset by default: then the Java node the started application owns), or to `Node' when the options hold `{node, Node}'
%% (stripped before sending). Every other call goes to the node that minted its handle,
%% `node(Handle)'. A reference made on this Erlang node is never a handle: `badarg'.</li>
%% <li><b>Transport errors are values.</b> Every call may also return
%% `{error, not_distributed}' (this Erlang node is not distributed), `{error, not_started}'
%% (no `node' set and the application, which would own the node, not started),
%% `{error, {nodedown, Node}}' (the node is down or unreachable, or it is the application's own
%% node and its JVM is being restarted), `{error, {connection_refused, Node}}' (a node of that
%% name is registered in epmd but the connection failed: most often a wrong cookie),
%% `{error, timeout}' (no reply
%% within the application's `call_timeout', 30 s by default, or `long_call_timeout' for the
%% long calls) or `{error, {node_unresponsive, Node}}' (a long call that waits without a bound
%% gave up because the node stopped answering its heartbeat: `heartbeat_misses' pings in a row,
%% one every `heartbeat_interval' ms). A request that times out may still complete on the
%% node. `{error, {noproc, {Mailbox, Node}}}' and `{error, {exit, Reason}}' are possible only
%% for a misconfigured mailbox.</li>
%% <li><b>Paths.</b> A path is a non-empty string (a flat charlist, Unicode allowed) or a UTF-8
%% binary. Relative paths are resolved against this Erlang node's working directory, since the
%% Java node's differs; the node receives absolute UTF-8 binaries. A node started with
%% `--root' confines paths: `{error, {forbidden_path, Path}}'.</li>
%% <li><b>Keys and values</b> are binaries. Backup ids and counts are integers in
%% `0 .. 2^31-1'.</li>
%% </ul>
%% A function whose doc says "a long call" waits `long_call_timeout' (without a bound by
%% default, as long as the node answers its heartbeat): the node runs it on its long pool, where
%% it may wait on other long work. The others are quick calls and wait `call_timeout'.
-module(rocksdb_jnode).

%% Databases (the subset of erlang-rocksdb's DB API that the backup API needs).
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
%% Backups.
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
%% Ownership and liveness.
-export([give_away/3, set_heir/3, ping/0, ping/1, stats/0]).
%% The shell's text for the badarg errors raised here.
-export([format_error/2]).

%% The argument checks, and the one way a request travels: each function below reads as its
%% checks and its request.
-import(rocksdb_jnode_args, [handle/2, handle_on/3, binary/2, int/2, options/2, path/2,
                             node_name/1, heir/1, recipient/2, target/1, owned_target/1,
                             owner/0, within_max_value_size/2,
                             name/2, cf_descriptors/1, write_actions/2]).
-import(rocksdb_jnode_args, [range_bound/2, flush_target/2, owned_options/3]).
-import(rocksdb_jnode_call, [request/2]).

-type db_handle() :: reference().
%% Reads (issue 7): iterators and snapshots.
-type itr_handle() :: reference().
-type snapshot_handle() :: reference().
-type size_approximation_flag() :: none | include_memtables | include_files | include_both.
-export_type([itr_handle/0, snapshot_handle/0, size_approximation_flag/0]).
-type backup_engine() :: reference().
%% A column family of an open DB (docs/DATA_API.md): it lives as long as its DB.
-type cf_handle() :: reference().
%% A batch, kept in this Erlang node (rocksdb_jnode_batch).
-opaque batch_handle() :: reference().
-type handle() :: db_handle() | backup_engine().
-type path() :: string() | binary().
-type key() :: binary().
-type value() :: binary().
-type backup_id() :: non_neg_integer().
-type error_text() :: string().

-type db_options() :: [{node, node()}
                       | {create_if_missing, boolean()}
                       | {error_if_exists, boolean()}
                       | {paranoid_checks, boolean()}
                       | {max_open_files, integer()}
                       | {write_buffer_size, non_neg_integer()}
                       | {max_write_buffer_number, non_neg_integer()}
                       | {target_file_size_base, non_neg_integer()}
                       | {max_background_jobs, integer()}
                       | {read_only, boolean()}
                       | {heir, pid(), term()} | {heir, none}
                       | {atom(), term()}].
%% Column family options: those of db_options() that are the family's (write buffers, table
%% files, `{merge_operator, ...}'); docs/DATA_API.md.
-type cf_options() :: [{atom(), term()}].
-type cf_descriptor() :: {Name :: string(), cf_options()}.
-type write_action() :: {put, key(), value()} | {put, cf_handle(), key(), value()}
                      | {merge, key(), binary()} | {merge, cf_handle(), key(), binary()}
                      | {delete, key()} | {delete, cf_handle(), key()}
                      | {single_delete, key()} | {single_delete, cf_handle(), key()}
                      | {delete_range, key(), key()} | {delete_range, cf_handle(), key(), key()}.
-type destroy_options() :: [{node, node()} | {atom(), term()}].
-type write_options() :: [{sync, boolean()} | {disable_wal, boolean()} | {atom(), term()}].
-type flush_options() :: [{wait, boolean()} | {atom(), term()}].
-type read_options() :: [{verify_checksums, boolean()} | {fill_cache, boolean()}
                         | {atom(), term()}].
-type backup_engine_options() :: [{node, node()}
                                  | {share_table_files, boolean()}
                                  | {share_files_with_checksum, boolean()}
                                  | {sync, boolean()}
                                  | {destroy_old_data, boolean()}
                                  | {backup_log_files, boolean()}
                                  | {backup_rate_limit, non_neg_integer()}
                                  | {restore_rate_limit, non_neg_integer()}
                                  | {max_background_operations, pos_integer()}
                                  | {heir, pid(), term()} | {heir, none}].
-type backup_options() :: [{flush_before_backup, boolean()} | {metadata, binary() | string()}
                          | async_option()].
-type verify_options() :: [{verify_with_checksum, boolean()}].
-type restore_options() :: [{keep_log_files, boolean()} | async_option()].

%% `id' and `backup_id' carry the same id (the NIF's typespec says `id', the NIF sets
%% `backup_id'); `app_metadata' is present when the backup was made with metadata.
-type backup_info() :: #{id := backup_id(),
                         backup_id := backup_id(),
                         timestamp := non_neg_integer(),
                         size := non_neg_integer(),
                         number_files := non_neg_integer(),
                         app_metadata => binary()}.

%% What any call may return besides its own replies.
-type node_error() :: timeout
                    | not_distributed
                    | not_started
                    | {nodedown, node()}
                    | {connection_refused, node()}
                    | {node_unresponsive, node()}
                    | {noproc, {atom(), node()}}
                    | {exit, term()}.
%% What a call that takes a path may return besides.
-type path_error() :: {forbidden_path, binary()}.
%% The errors of the restores.
-type restore_error() :: {error, error_text()} | {db_in_use, binary()} | path_error()
                       | node_error().

-export_type([cf_handle/0, batch_handle/0, cf_options/0, cf_descriptor/0, write_action/0]).
%% Async backups and restores (see create_new_backup/3): `{notify, Pid}' makes the call return
%% `{ok, Ref}' at once; Pid then receives `{rocksdb_jnode, Ref, {progress, progress()}}' every
%% `progress_interval' ms (500 by default, at least 10) and exactly one
%% `{rocksdb_jnode, Ref, {done, Result}}'.
-type async_option() :: {notify, pid()} | {progress_interval, pos_integer()}.
%% A reference minted by the Java node that names one async backup or restore in its messages.
-type async_ref() :: reference().
-type progress() :: #{bytes_done := non_neg_integer(), bytes_total := non_neg_integer(),
                      files_done := non_neg_integer(), files_total := non_neg_integer()}.
%% What the Java node reports of itself: see stats/1.
-type node_stats() :: #{uptime_ms := non_neg_integer(),
                        handles := #{atom() => non_neg_integer()},
                        owners := non_neg_integer(),
                        requests := #{atom() => #{served := non_neg_integer(),
                                                  failed := non_neg_integer()}},
                        requests_in_flight := non_neg_integer(),
                        requests_on_reader := non_neg_integer(),
                        requests_handed_on := non_neg_integer(),
                        bytes_backed_up := non_neg_integer(),
                        bytes_restored := non_neg_integer(),
                        backups_running := non_neg_integer(),
                        restores_running := non_neg_integer(),
                        jvm_heap_used := non_neg_integer(),
                        jvm_heap_max := non_neg_integer() | undefined}.
-export_type([async_option/0, async_ref/0, progress/0, node_stats/0]).

-export_type([db_handle/0, backup_engine/0, handle/0, path/0, key/0, value/0, backup_id/0,
              error_text/0, db_options/0, destroy_options/0, write_options/0, flush_options/0,
              read_options/0, backup_engine_options/0, backup_options/0, verify_options/0,
              restore_options/0, backup_info/0, node_error/0, path_error/0, restore_error/0]).

%% Maintenance and transactions (docs/DATA_API.md).
%% A transaction of an optimistic transaction DB; a column family; an iterator.
-type transaction() :: reference().
-type column_family() :: cf_handle().
-type iterator() :: reference().
-type compact_range_options() :: [{exclusive_manual_compaction, boolean()}
                                  | {change_level, boolean()}
                                  | {target_level, integer()}
                                  | {allow_write_stall, boolean()}
                                  | {max_subcompactions, non_neg_integer()}
                                  | {atom(), term()}].
-type flush_target() :: default_column_family | column_family() | [column_family()].

-export_type([transaction/0, column_family/0, iterator/0,
              compact_range_options/0, flush_target/0]).

%%%===================================================================
%%% Databases
%%%===================================================================

%% @doc Opens (or with `{create_if_missing, true}' creates) the database at `Path'.
%%
%% The caller owns the handle (see the module doc). The Java node is the application's
%% `node', or `Node' of a `{node, Node}' option. Known options with a wrong type raise
%% `badarg'; unknown options are ignored, as by the NIF. A long call.
-spec open(Path, Options) -> {ok, Db} | {error, Reason} when
      Path :: path(),
      Options :: db_options(),
      Db :: db_handle(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open(Path, Options) ->
    AbsPath = path(path, Path),
    {Node, Owner, Opts} = owned_target(Options),
    ok = rocksdb_jnode_owners:opening(Node, Owner),
    request(Node, {open, AbsPath, Opts}).

%% @doc Closes the database `Db' (after the requests running on it; a read-write database's
%% memtables are flushed first). `ok'; `badarg' when it is already closed. A long call.
-spec close(Db) -> ok | {error, Reason} when
      Db :: db_handle(),
      Reason :: node_error().
close(Db) ->
    request(handle(db, Db), {close, Db}).

%% @doc Stores `Value' under `Key'. Write options: `{sync, boolean()}',
%% `{disable_wal, boolean()}'. A key and value of more than `max_value_size' bytes together
%% (an application setting, 64 MiB by default) give `{error, {too_large, Size, Max}}' without
%% being sent: the Java node must hold a put in its heap. Concurrent puts and deletes of one DB
%% with the same options may travel as one write (group commit: README, "Running the node");
%% each returns `ok' only once its own write is in the WAL, and any error as a lone call would.
-spec put(Db, Key, Value, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: key(),
      Value :: value(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
put(Db, Key, Value, WriteOptions) ->
    Node = handle(db, Db),
    K = binary(key, Key),
    V = binary(value, Value),
    Opts = options(write_options, WriteOptions),
    case within_max_value_size(K, V) of
        ok -> request(Node, {put, Db, K, V, Opts});
        TooLarge -> TooLarge
    end.

%% @doc Reads the value stored under `Key': `{ok, Value}' or `not_found'. Read options:
%% `{verify_checksums, boolean()}', `{fill_cache, boolean()}'.
-spec get(Db, Key, ReadOptions) -> {ok, Value} | not_found | {error, Reason} when
      Db :: db_handle(),
      Key :: key(),
      ReadOptions :: read_options(),
      Value :: value(),
      Reason :: {error, error_text()} | node_error().
get(Db, Key, ReadOptions) ->
    Node = handle(db, Db),
    request(Node, {get, Db, binary(key, Key), options(read_options, ReadOptions)}).

%% @doc Deletes `Key'; `ok' whether or not it was there.
-spec delete(Db, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: key(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | node_error().
delete(Db, Key, WriteOptions) ->
    Node = handle(db, Db),
    request(Node, {delete, Db, binary(key, Key), options(write_options, WriteOptions)}).

%% @doc Destroys the database at `Path' (its files; the directory stays). A database or backup
%% engine open on the node in, inside or around `Path', or a backup by path reading it, gives
%% `{error, {db_in_use, Path}}'. Routed like {@link open/2}; a long call.
-spec destroy(Path, Options) -> ok | {error, Reason} when
      Path :: path(),
      Options :: destroy_options(),
      Reason :: {error, error_text()} | {db_in_use, binary()} | path_error() | node_error().
destroy(Path, Options) ->
    AbsPath = path(path, Path),
    {Node, Opts} = target(Options),
    request(Node, {destroy, AbsPath, Opts}).

%% @doc The estimated number of keys (RocksDB's `rocksdb.estimate-num-keys'): an integer, not
%% `{ok, N}', as the NIF returns it.
-spec count(Db) -> Count | {error, Reason} when
      Db :: db_handle(),
      Count :: non_neg_integer(),
      Reason :: node_error().
count(Db) ->
    request(handle(db, Db), {count, Db}).

%% @doc Writes the memtables of `Db' to table files. Options: `{wait, boolean()}' (default
%% `true': return when the flush is done). A long call.
-spec flush(Db, FlushOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      FlushOptions :: flush_options(),
      Reason :: {error, error_text()} | node_error().
flush(Db, FlushOptions) ->
    Node = handle(db, Db),
    request(Node, {flush, Db, options(flush_options, FlushOptions)}).

%% @doc Makes an openable copy of `Db' in the directory `ToPath', which must not exist (hard
%% links where the file system allows). A long call.
-spec checkpoint(Db, ToPath) -> ok | {error, Reason} when
      Db :: db_handle(),
      ToPath :: path(),
      Reason :: {error, error_text()} | path_error() | node_error().
checkpoint(Db, ToPath) ->
    Node = handle(db, Db),
    request(Node, {checkpoint, Db, path(to_path, ToPath)}).

%%%===================================================================
%%% Column families and writes
%%%===================================================================
%% Column families and the writes beyond put and delete: see docs/DATA_API.md.

%% @doc Opens the database at `Path' with its column families: `{ok, Db, [Cf]}', one handle
%% per descriptor, in their order. RocksDB wants every family of the database named,
%% `"default"' too. `DbOptions' are the database-wide options (and routing and ownership, as
%% for {@link open/2}); each descriptor `{Name, CfOptions}' has a charlist name. The column
%% family handles live as long as the database (or until {@link destroy_column_family/2}). A
%% long call.
-spec open(Path, DbOptions, CfDescriptors) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: path(),
      DbOptions :: db_options(),
      CfDescriptors :: [cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open(Path, DbOptions, CfDescriptors) ->
    open_families(open, Path, DbOptions, CfDescriptors).

%% @doc The former name of {@link open/3}; the same call. A long call.
-spec open_with_cf(Path, DbOptions, CfDescriptors) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: path(),
      DbOptions :: db_options(),
      CfDescriptors :: [cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open_with_cf(Path, DbOptions, CfDescriptors) ->
    open_families(open_with_cf, Path, DbOptions, CfDescriptors).

%% @doc {@link open/2}, read-only: writes give `{error, {error, Text}}'. A long call.
-spec open_readonly(Path, Options) -> {ok, Db} | {error, Reason} when
      Path :: path(),
      Options :: db_options(),
      Db :: db_handle(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open_readonly(Path, Options) ->
    AbsPath = path(path, Path),
    {Node, Owner, Opts} = owned_target(Options),
    ok = rocksdb_jnode_owners:opening(Node, Owner),
    request(Node, {open_readonly, AbsPath, Opts}).

%% @doc {@link open/3}, read-only. A long call.
-spec open_readonly(Path, DbOptions, CfDescriptors) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: path(),
      DbOptions :: db_options(),
      CfDescriptors :: [cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open_readonly(Path, DbOptions, CfDescriptors) ->
    open_families(open_readonly, Path, DbOptions, CfDescriptors).

%% @doc The former name of {@link open_readonly/3}; the same call. A long call.
-spec open_with_cf_readonly(Path, DbOptions, CfDescriptors) ->
          {ok, Db, [Cf]} | {error, Reason} when
      Path :: path(),
      DbOptions :: db_options(),
      CfDescriptors :: [cf_descriptor()],
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open_with_cf_readonly(Path, DbOptions, CfDescriptors) ->
    open_families(open_with_cf_readonly, Path, DbOptions, CfDescriptors).

-spec open_families(atom(), term(), term(), term()) -> term().
open_families(Request, Path, DbOptions, CfDescriptors) ->
    AbsPath = path(path, Path),
    Descriptors = cf_descriptors(CfDescriptors),
    {Node, Owner, Opts} = owned_target(DbOptions),
    ok = rocksdb_jnode_owners:opening(Node, Owner),
    request(Node, {Request, AbsPath, Opts, Descriptors}).

%% @doc The names of the column families of the database at `Path' (charlists, `"default"'
%% first), read from its files whether or not it is open. Routed like {@link open/2}.
-spec list_column_families(Path, DbOptions) -> {ok, [Name]} | {error, Reason} when
      Path :: path(),
      DbOptions :: db_options(),
      Name :: string(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
list_column_families(Path, DbOptions) ->
    AbsPath = path(path, Path),
    {Node, Opts} = target(DbOptions),
    request(Node, {list_column_families, AbsPath, Opts}).

%% @doc Creates the column family `Name' (a charlist) in `Db': `{ok, Cf}'. An existing name
%% gives `{error, {error, Text}}'. A long call.
-spec create_column_family(Db, Name, CfOptions) -> {ok, Cf} | {error, Reason} when
      Db :: db_handle(),
      Name :: string(),
      CfOptions :: cf_options(),
      Cf :: cf_handle(),
      Reason :: {error, error_text()} | node_error().
create_column_family(Db, Name, CfOptions) ->
    Node = handle(db, Db),
    request(Node, {create_column_family, Db, name(name, Name),
                   options(cf_options, CfOptions)}).

%% @doc {@link drop_column_family/2} of the family's own database. A long call.
-spec drop_column_family(Cf) -> ok | {error, Reason} when
      Cf :: cf_handle(),
      Reason :: {error, error_text()} | node_error().
drop_column_family(Cf) ->
    request(handle(column_family, Cf), {drop_column_family, Cf}).

%% @doc Drops the column family `Cf' from `Db': it leaves {@link list_column_families/2} and
%% is deleted once no handle uses it. The handle stays usable (its data readable, writes to it
%% `{error, {error, Text}}') until {@link destroy_column_family/2} or the database's close.
%% Dropping `"default"' gives `{error, {error, Text}}'. A long call.
-spec drop_column_family(Db, Cf) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: {error, error_text()} | node_error().
drop_column_family(Db, Cf) ->
    Node = handle(db, Db),
    request(Node, {drop_column_family, Db, handle_on(column_family, Cf, Node)}).

%% @doc {@link destroy_column_family/2} of the family's own database. A long call.
-spec destroy_column_family(Cf) -> ok | {error, Reason} when
      Cf :: cf_handle(),
      Reason :: node_error().
destroy_column_family(Cf) ->
    request(handle(column_family, Cf), {destroy_column_family, Cf}).

%% @doc Frees the handle `Cf' (after its iterators): its later use raises `badarg'. The family
%% itself stays in the database (drop it for that). A long call.
-spec destroy_column_family(Db, Cf) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Reason :: node_error().
destroy_column_family(Db, Cf) ->
    Node = handle(db, Db),
    request(Node, {destroy_column_family, Db, handle_on(column_family, Cf, Node)}).

%% @doc {@link put/4} in the column family `Cf' of `Db'.
-spec put(Db, Cf, Key, Value, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      Value :: value(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
put(Db, Cf, Key, Value, WriteOptions) ->
    Node = handle(db, Db),
    CfH = handle_on(column_family, Cf, Node),
    K = binary(key, Key),
    V = binary(value, Value),
    Opts = options(write_options, WriteOptions),
    case within_max_value_size(K, V) of
        ok -> request(Node, {put, Db, CfH, K, V, Opts});
        TooLarge -> TooLarge
    end.

%% @doc {@link get/3} in the column family `Cf' of `Db'.
-spec get(Db, Cf, Key, ReadOptions) -> {ok, Value} | not_found | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      ReadOptions :: read_options(),
      Value :: value(),
      Reason :: {error, error_text()} | node_error().
get(Db, Cf, Key, ReadOptions) ->
    Node = handle(db, Db),
    request(Node, {get, Db, handle_on(column_family, Cf, Node), binary(key, Key),
                   options(read_options, ReadOptions)}).

%% @doc {@link delete/3} in the column family `Cf' of `Db'.
-spec delete(Db, Cf, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | node_error().
delete(Db, Cf, Key, WriteOptions) ->
    Node = handle(db, Db),
    request(Node, {delete, Db, handle_on(column_family, Cf, Node), binary(key, Key),
                   options(write_options, WriteOptions)}).

%% @doc {@link count/1} of the column family `Cf' of `Db': an integer.
-spec count(Db, Cf) -> Count | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Count :: non_neg_integer(),
      Reason :: node_error().
count(Db, Cf) ->
    Node = handle(db, Db),
    request(Node, {count, Db, handle_on(column_family, Cf, Node)}).

%% @doc Deletes `Key', which must have been put once since its last delete and never merged
%% (RocksDB's SingleDelete; otherwise the result is undefined). `ok' whether or not it was there.
-spec single_delete(Db, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: key(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | node_error().
single_delete(Db, Key, WriteOptions) ->
    Node = handle(db, Db),
    request(Node, {single_delete, Db, binary(key, Key), options(write_options, WriteOptions)}).

%% @doc {@link single_delete/3} in the column family `Cf' of `Db'.
-spec single_delete(Db, Cf, Key, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | node_error().
single_delete(Db, Cf, Key, WriteOptions) ->
    Node = handle(db, Db),
    request(Node, {single_delete, Db, handle_on(column_family, Cf, Node), binary(key, Key),
                   options(write_options, WriteOptions)}).

%% @doc Deletes the keys from `BeginKey' (included) to `EndKey' (excluded).
-spec delete_range(Db, BeginKey, EndKey, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      BeginKey :: key(),
      EndKey :: key(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | node_error().
delete_range(Db, BeginKey, EndKey, WriteOptions) ->
    Node = handle(db, Db),
    request(Node, {delete_range, Db, binary(begin_key, BeginKey), binary(end_key, EndKey),
                   options(write_options, WriteOptions)}).

%% @doc {@link delete_range/4} in the column family `Cf' of `Db'.
-spec delete_range(Db, Cf, BeginKey, EndKey, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      BeginKey :: key(),
      EndKey :: key(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | node_error().
delete_range(Db, Cf, BeginKey, EndKey, WriteOptions) ->
    Node = handle(db, Db),
    request(Node, {delete_range, Db, handle_on(column_family, Cf, Node),
                   binary(begin_key, BeginKey), binary(end_key, EndKey),
                   options(write_options, WriteOptions)}).

%% @doc Merges `Operand' into the value of `Key' with the merge operator the column family was
%% opened with (`{merge_operator, uint64add | max | {string_append, Delimiter}}', see
%% docs/DATA_API.md). Without one, `{error, {error, Text}}'; a merge that fails shows at read
%% time.
-spec merge(Db, Key, Operand, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Key :: key(),
      Operand :: binary(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
merge(Db, Key, Operand, WriteOptions) ->
    Node = handle(db, Db),
    K = binary(key, Key),
    V = binary(operand, Operand),
    Opts = options(write_options, WriteOptions),
    case within_max_value_size(K, V) of
        ok -> request(Node, {merge, Db, K, V, Opts});
        TooLarge -> TooLarge
    end.

%% @doc {@link merge/4} in the column family `Cf' of `Db'.
-spec merge(Db, Cf, Key, Operand, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      Operand :: binary(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
merge(Db, Cf, Key, Operand, WriteOptions) ->
    Node = handle(db, Db),
    CfH = handle_on(column_family, Cf, Node),
    K = binary(key, Key),
    V = binary(operand, Operand),
    Opts = options(write_options, WriteOptions),
    case within_max_value_size(K, V) of
        ok -> request(Node, {merge, Db, CfH, K, V, Opts});
        TooLarge -> TooLarge
    end.

%% @doc Writes `Actions' atomically, in order, as one RocksDB write batch (one request):
%% `{put, K, V}', `{put, Cf, K, V}', `{merge, K, V}', `{merge, Cf, K, V}', `{delete, K}',
%% `{delete, Cf, K}', `{single_delete, K}', `{single_delete, Cf, K}', `{delete_range, B, E}',
%% `{delete_range, Cf, B, E}'. Anything else, or a column family of another database, raises
%% `badarg' and writes nothing. Binaries of more than `max_value_size' bytes together give
%% `{error, {too_large, Size, Max}}' without being sent.
-spec write(Db, Actions, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Actions :: [write_action()],
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
write(Db, Actions, WriteOptions) ->
    Node = handle(db, Db),
    Ops = write_actions(Node, Actions),
    Opts = options(write_options, WriteOptions),
    case rocksdb_jnode_args:within_max_value_size(Ops) of
        ok -> write_packed(Node, Db, Ops, Opts);
        TooLarge -> TooLarge
    end.

%% write/3 and write_batch/3 as the node's `write_packed': the same write as `{write, Db, Ops,
%% Opts}', the operations in one binary (rocksdb_jnode_args:pack_writes/1).
-spec write_packed(node(), db_handle(), [tuple()], list()) -> term().
write_packed(Node, Db, Ops, Opts) ->
    {Families, Packed} = rocksdb_jnode_args:pack_writes(Ops),
    request(Node, {write_packed, Db, Families, Packed, Opts}).

%%%===================================================================
%%% Batches
%%%===================================================================
%% Batches, kept in the client: see docs/DATA_API.md.

%% @doc A new, empty batch: `{ok, Batch}'. The batch lives in this Erlang node, not on a Java
%% node, so adding to it costs no round trip; {@link write_batch/3} sends it as one write. It
%% is owned by the caller (at the shell prompt, the shell) and dropped when its owner exits;
%% any process may use it meanwhile. `{error, Reason}' only when the application, which keeps
%% the batches, cannot start.
-spec batch() -> {ok, Batch} | {error, Reason} when
      Batch :: batch_handle(),
      Reason :: term().
batch() ->
    rocksdb_jnode_batch:new().

%% @doc Adds a put of `Value' under `Key' to `Batch'. A batch that is not one (or was released)
%% raises `badarg', as do a key or value that is not a binary.
-spec batch_put(Batch, Key, Value) -> ok when
      Batch :: batch_handle(),
      Key :: key(),
      Value :: value().
batch_put(Batch, Key, Value) ->
    rocksdb_jnode_batch:add(Batch, {put, binary(key, Key), binary(value, Value)}).

%% @doc {@link batch_put/3} in the column family `Cf' (of the DB the batch will be written to).
-spec batch_put(Batch, Cf, Key, Value) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      Value :: value().
batch_put(Batch, Cf, Key, Value) ->
    _ = handle(column_family, Cf),
    rocksdb_jnode_batch:add(Batch, {put, Cf, binary(key, Key), binary(value, Value)}).

%% @doc Adds a merge of `Operand' into `Key' to `Batch' (see {@link merge/4}).
-spec batch_merge(Batch, Key, Operand) -> ok when
      Batch :: batch_handle(),
      Key :: key(),
      Operand :: binary().
batch_merge(Batch, Key, Operand) ->
    rocksdb_jnode_batch:add(Batch, {merge, binary(key, Key), binary(operand, Operand)}).

%% @doc {@link batch_merge/3} in the column family `Cf'.
-spec batch_merge(Batch, Cf, Key, Operand) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: key(),
      Operand :: binary().
batch_merge(Batch, Cf, Key, Operand) ->
    _ = handle(column_family, Cf),
    rocksdb_jnode_batch:add(Batch, {merge, Cf, binary(key, Key), binary(operand, Operand)}).

%% @doc Adds a delete of `Key' to `Batch'.
-spec batch_delete(Batch, Key) -> ok when
      Batch :: batch_handle(),
      Key :: key().
batch_delete(Batch, Key) ->
    rocksdb_jnode_batch:add(Batch, {delete, binary(key, Key)}).

%% @doc {@link batch_delete/2} in the column family `Cf'.
-spec batch_delete(Batch, Cf, Key) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: key().
batch_delete(Batch, Cf, Key) ->
    _ = handle(column_family, Cf),
    rocksdb_jnode_batch:add(Batch, {delete, Cf, binary(key, Key)}).

%% @doc Adds a single delete of `Key' to `Batch' (see {@link single_delete/3}).
-spec batch_single_delete(Batch, Key) -> ok when
      Batch :: batch_handle(),
      Key :: key().
batch_single_delete(Batch, Key) ->
    rocksdb_jnode_batch:add(Batch, {single_delete, binary(key, Key)}).

%% @doc {@link batch_single_delete/2} in the column family `Cf'.
-spec batch_single_delete(Batch, Cf, Key) -> ok when
      Batch :: batch_handle(),
      Cf :: cf_handle(),
      Key :: key().
batch_single_delete(Batch, Cf, Key) ->
    _ = handle(column_family, Cf),
    rocksdb_jnode_batch:add(Batch, {single_delete, Cf, binary(key, Key)}).

%% @doc The number of operations in `Batch', an integer.
-spec batch_count(Batch) -> Count when
      Batch :: batch_handle(),
      Count :: non_neg_integer().
batch_count(Batch) ->
    rocksdb_jnode_batch:count(Batch).

%% @doc The size in bytes of RocksDB's serialized form of `Batch' (its 12-byte header
%% included), as erlang-rocksdb gives it: an integer. The Java node computes it, since an
%% operation in a column family counts that family's id: the node of the batch's first column
%% family handle, or, for a batch without one, the application's `node'. So it may also return
%% a transport error (`{error, not_started}' when no node is set and the application owns none).
-spec batch_data_size(Batch) -> Size | {error, Reason} when
      Batch :: batch_handle(),
      Size :: non_neg_integer(),
      Reason :: node_error().
batch_data_size(Batch) ->
    Ops = rocksdb_jnode_batch:ops(Batch),
    Node = case [element(2, Op) || Op <- Ops, is_reference(element(2, Op))] of
               [Cf | _] -> node(Cf);
               [] -> rocksdb_jnode_config:node()
           end,
    request(Node, {batch_data_size, Ops}).

%% @doc Empties `Batch' (and drops its savepoints).
-spec batch_clear(Batch) -> ok when
      Batch :: batch_handle().
batch_clear(Batch) ->
    rocksdb_jnode_batch:clear(Batch).

%% @doc Marks the current end of `Batch': {@link batch_rollback/1} drops what is added after it.
%% Savepoints nest.
-spec batch_savepoint(Batch) -> ok when
      Batch :: batch_handle().
batch_savepoint(Batch) ->
    rocksdb_jnode_batch:savepoint(Batch).

%% @doc Drops the operations added since the last savepoint, and that savepoint. Without a
%% savepoint, RocksDB's status `{error, {error, "NotFound: "}}'.
-spec batch_rollback(Batch) -> ok | {error, {error, Text}} when
      Batch :: batch_handle(),
      Text :: error_text().
batch_rollback(Batch) ->
    rocksdb_jnode_batch:rollback(Batch).

%% @doc The operations of `Batch', in the order they were added, in the shapes
%% {@link write/3} takes: `{put, K, V}', `{put, Cf, K, V}', `{merge, ...}', `{delete, ...}',
%% `{single_delete, ...}'. Where erlang-rocksdb shows a column family's numeric id, this
%% shows its handle.
-spec batch_tolist(Batch) -> [Action] when
      Batch :: batch_handle(),
      Action :: write_action().
batch_tolist(Batch) ->
    rocksdb_jnode_batch:ops(Batch).

%% @doc Writes the operations of `Batch' to `Db' atomically, as {@link write/3}, then empties
%% the batch, also when the write fails (as erlang-rocksdb does). A column family of another
%% database raises `badarg'.
-spec write_batch(Db, Batch, WriteOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Batch :: batch_handle(),
      WriteOptions :: write_options(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
write_batch(Db, Batch, WriteOptions) ->
    Node = handle(db, Db),
    Opts = options(write_options, WriteOptions),
    Ops = rocksdb_jnode_batch:ops(Batch),
    try rocksdb_jnode_args:within_max_value_size(Ops) of
        ok -> write_packed(Node, Db, write_actions(Node, Ops), Opts);
        TooLarge -> TooLarge
    after
        rocksdb_jnode_batch:clear(Batch)
    end.

%% @doc Drops `Batch': its later use raises `badarg'. `ok'.
-spec release_batch(Batch) -> ok when
      Batch :: batch_handle().
release_batch(Batch) ->
    rocksdb_jnode_batch:release(Batch).

%%%===================================================================
%%% Reads
%%%===================================================================
%% Reads: iterators, folds, snapshots, properties: see docs/DATA_API.md.
%%
%% Snapshots and iterators are owned by the caller (or its shell, see the module doc), as DBs
%% are: the Java node closes them when the owner exits, and with their DB (an iterator on a
%% column family also with the family). The client names the owner in the request:
%% `{owner, Pid}' in an iterator's read options, and the 2-arity
%% request `{snapshot, Db, [{owner, Pid}]}' for snapshot/1 (`{snapshot, Db}', as a bare shell
%% sends it, makes the calling process the owner).

%% @doc Takes a snapshot of `Db': reads given `{snapshot, Snapshot}' in their read options see
%% the DB as it is now. Owned by the caller; {@link release_snapshot/1} releases it.
-spec snapshot(Db) -> {ok, Snapshot} | {error, Reason} when
      Db :: db_handle(),
      Snapshot :: snapshot_handle(),
      Reason :: node_error().
snapshot(Db) ->
    Node = handle(db, Db),
    request(Node, {snapshot, Db, owned_by_caller(Node, [])}).

%% @doc Releases `Snapshot'. `ok', also when it was released already (as the NIF); iterators
%% made on it keep their view. Reads that name it afterwards raise `badarg'.
-spec release_snapshot(Snapshot) -> ok | {error, Reason} when
      Snapshot :: snapshot_handle(),
      Reason :: node_error().
release_snapshot(Snapshot) ->
    request(handle(snapshot, Snapshot), {release_snapshot, Snapshot}).

%% @doc The sequence number of `Snapshot': an integer. `badarg' once released.
-spec get_snapshot_sequence(Snapshot) -> Sequence | {error, Reason} when
      Snapshot :: snapshot_handle(),
      Sequence :: non_neg_integer(),
      Reason :: node_error().
get_snapshot_sequence(Snapshot) ->
    request(handle(snapshot, Snapshot), {get_snapshot_sequence, Snapshot}).

%% @doc An iterator over `Db', on no entry until {@link iterator_move/2} moves it. Read
%% options: those of {@link get/3}, and `{snapshot, S}', `{iterate_lower_bound, K}',
%% `{iterate_upper_bound, K}', `{prefix_same_as_start, boolean()}', `{total_order_seek,
%% boolean()}', `{tailing, boolean()}'. Owned by the caller; closed by
%% {@link iterator_close/1}, the owner's exit or the DB's close (then using it raises
%% `badarg'). A released snapshot raises `badarg'.
-spec iterator(Db, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Db :: db_handle(),
      ReadOptions :: read_options(),
      Iterator :: itr_handle(),
      Reason :: node_error().
iterator(Db, ReadOptions) ->
    Node = handle(db, Db),
    Opts = options(read_options, ReadOptions),
    request(Node, {iterator, Db, owned_by_caller(Node, Opts)}).

%% @doc {@link iterator/2} over the column family `Cf' of `Db'; the iterator closes also when
%% the family is destroyed.
-spec iterator(Db, Cf, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      ReadOptions :: read_options(),
      Iterator :: itr_handle(),
      Reason :: node_error().
iterator(Db, Cf, ReadOptions) ->
    Node = handle(db, Db),
    Family = handle_on(column_family, Cf, Node),
    Opts = options(read_options, ReadOptions),
    request(Node, {iterator, Db, Family, owned_by_caller(Node, Opts)}).

%% @doc One iterator per column family of `Cfs', in that order, all over one view of `Db'.
-spec iterators(Db, Cfs, ReadOptions) -> {ok, [Iterator]} | {error, Reason} when
      Db :: db_handle(),
      Cfs :: [reference()],
      ReadOptions :: read_options(),
      Iterator :: itr_handle(),
      Reason :: node_error().
iterators(Db, Cfs, ReadOptions) ->
    Node = handle(db, Db),
    Families = [handle_on(column_family, Cf, Node) || Cf <- options(column_families, Cfs)],
    Opts = options(read_options, ReadOptions),
    request(Node, {iterators, Db, Families, owned_by_caller(Node, Opts)}).

%% @doc Moves `Iterator' and returns the entry it lands on, or `{error, invalid_iterator}'
%% when it lands on none. `first', `last'; `next', `prev' (on an iterator on no entry:
%% `{error, invalid_iterator}'); a binary `Key' or `{seek, Key}': the first entry at or after
%% `Key'; `{seek_for_prev, Key}': the last at or before it. A seek target that is not a binary
%% gives `{error, einval}', as the NIF; another action raises `badarg'.
-spec iterator_move(Iterator, Action) -> {ok, Key, Value} | {error, Reason} when
      Iterator :: itr_handle(),
      Action :: first | last | next | prev | key() | {seek, key()} | {seek_for_prev, key()},
      Key :: key(),
      Value :: value(),
      Reason :: invalid_iterator | einval | {error, error_text()} | node_error().
iterator_move(Iterator, Action) ->
    request(handle(iterator, Iterator), {iterator_move, Iterator, Action}).

%% @doc Makes `Iterator' see the DB as it is now; it is then on no entry. An iterator made on a
%% snapshot leaves it (RocksDB's `Refresh()'; the NIF's older RocksDB refused the refresh).
-spec iterator_refresh(Iterator) -> ok | {error, Reason} when
      Iterator :: itr_handle(),
      Reason :: {error, error_text()} | node_error().
iterator_refresh(Iterator) ->
    request(handle(iterator, Iterator), {iterator_refresh, Iterator}).

%% @doc Closes `Iterator'. `ok'; `badarg' when it is closed already (also by its DB's close).
-spec iterator_close(Iterator) -> ok | {error, Reason} when
      Iterator :: itr_handle(),
      Reason :: node_error().
iterator_close(Iterator) ->
    request(handle(iterator, Iterator), {iterator_close, Iterator}).

%% @doc Folds `Fun' over the entries `{Key, Value}' of `Db' in key order, as `lists:foldl/3':
%% the last `Fun' result. Read options as {@link iterator/2}.
%%
%% The entries travel in chunks (many entries per message, each bounded in bytes by the node's
%% `--iterator-chunk'), and the next chunk is asked for before `Fun' runs over the current one.
%% The iterator is the caller's and is closed when the fold ends, also when `Fun' raises (the
%% exception goes on, and no message is left in the caller's mailbox). When `Fun' closes the DB,
%% the fold raises `badarg', as with the NIF. A node or status error ends the fold with
%% `erlang:error({error, Reason})'.
-spec fold(Db, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Fun :: fun(({Key :: key(), Value :: value()}, AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: read_options(),
      Acc :: term().
fold(Db, Fun, Acc0, ReadOptions) ->
    folded(Db, none, Fun, Acc0, ReadOptions, kv).

%% @doc {@link fold/4} over the column family `Cf' of `Db'.
-spec fold(Db, Cf, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Cf :: reference(),
      Fun :: fun(({Key :: key(), Value :: value()}, AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: read_options(),
      Acc :: term().
fold(Db, Cf, Fun, Acc0, ReadOptions) ->
    folded(Db, {cf, Cf}, Fun, Acc0, ReadOptions, kv).

%% @doc {@link fold/4} over the keys of `Db': `Fun' gets each key, without its value (which
%% does not travel).
-spec fold_keys(Db, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Fun :: fun((Key :: key(), AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: read_options(),
      Acc :: term().
fold_keys(Db, Fun, Acc0, ReadOptions) ->
    folded(Db, none, Fun, Acc0, ReadOptions, keys).

%% @doc {@link fold_keys/4} over the column family `Cf' of `Db'.
-spec fold_keys(Db, Cf, Fun, Acc0, ReadOptions) -> Acc when
      Db :: db_handle(),
      Cf :: reference(),
      Fun :: fun((Key :: key(), AccIn :: term()) -> AccOut :: term()),
      Acc0 :: term(),
      ReadOptions :: read_options(),
      Acc :: term().
fold_keys(Db, Cf, Fun, Acc0, ReadOptions) ->
    folded(Db, {cf, Cf}, Fun, Acc0, ReadOptions, keys).

-spec folded(db_handle(), none | {cf, reference()}, fun((term(), term()) -> term()), term(),
             read_options(), kv | keys) -> term().
folded(Db, Family, Fun, Acc0, ReadOptions, Mode) ->
    is_function(Fun, 2) orelse rocksdb_jnode_args:badarg({bad_argument, 'fun'}),
    Opened = case Family of
                 none -> iterator(Db, ReadOptions);
                 {cf, Cf} -> iterator(Db, Cf, ReadOptions)
             end,
    Iterator = case Opened of
                   {ok, It} -> It;
                   {error, _} = Error -> erlang:error(Error)
               end,
    %% Packed chunks: one binary of <<KeyLen:32, Key, ValueLen:32, Value>> (or of keys) per
    %% chunk, cheaper for the node to build than a term per entry (docs/DATA_API.md).
    {Packed, FoldChunk} = case Mode of
                              kv -> {kv_packed, fun(Bin, Acc) -> unpack_kv(Bin, Fun, Acc) end};
                              keys -> {keys_packed, fun(Bin, Acc) -> unpack_keys(Bin, Fun, Acc) end}
                          end,
    try rocksdb_jnode_call:stream(node(Iterator), {iterator_chunk, Iterator, Packed}, FoldChunk,
                                  Acc0) of
        {ok, Acc} -> Acc;
        {error, _} = StreamError -> erlang:error(StreamError)
    after
        %% Raises badarg when the iterator was closed meanwhile (its DB closed by Fun), as the
        %% NIF's fold does.
        _ = iterator_close(Iterator)
    end.

-spec unpack_kv(binary(), fun((term(), term()) -> term()), term()) -> term().
unpack_kv(<<KL:32, K:KL/binary, VL:32, V:VL/binary, Rest/binary>>, Fun, Acc) ->
    unpack_kv(Rest, Fun, Fun({K, V}, Acc));
unpack_kv(<<>>, _Fun, Acc) ->
    Acc.

-spec unpack_keys(binary(), fun((term(), term()) -> term()), term()) -> term().
unpack_keys(<<KL:32, K:KL/binary, Rest/binary>>, Fun, Acc) ->
    unpack_keys(Rest, Fun, Fun(K, Acc));
unpack_keys(<<>>, _Fun, Acc) ->
    Acc.

%% @doc Whether `Db' holds no key: `true' or `false'.
-spec is_empty(Db) -> boolean() | {error, Reason} when
      Db :: db_handle(),
      Reason :: node_error().
is_empty(Db) ->
    request(handle(db, Db), {is_empty, Db}).

%% @doc The value of the RocksDB property `Property' (such as
%% `<<"rocksdb.estimate-num-keys">>'): `{ok, Value}', or `error' when there is no such property.
-spec get_property(Db, Property) -> {ok, Value} | error | {error, Reason} when
      Db :: db_handle(),
      Property :: binary(),
      Value :: binary(),
      Reason :: node_error().
get_property(Db, Property) ->
    request(handle(db, Db), {get_property, Db, binary(property, Property)}).

%% @doc {@link get_property/2} of the column family `Cf'.
-spec get_property(Db, Cf, Property) -> {ok, Value} | error | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Property :: binary(),
      Value :: binary(),
      Reason :: node_error().
get_property(Db, Cf, Property) ->
    Node = handle(db, Db),
    request(Node, {get_property, Db, handle_on(column_family, Cf, Node),
                   binary(property, Property)}).

%% @doc Two things under one name, told apart by the argument. For a DB handle (a reference),
%% erlang-rocksdb's: RocksDB's statistics text of `Db' (the property `rocksdb.stats'). For a
%% node name (an atom), this project's: the figures of the Java node `Node', the reply to the
%% bare request `stats', which `gen_server:call({rocksdb, Node}, stats)' sends too:
%% <ul>
%% <li>`uptime_ms': since the node started serving;</li>
%% <li>`handles': the handles open, by kind (`db', `backup_engine', `column_family',
%% `iterator', `snapshot', `transaction'; every kind present, 0 when none);</li>
%% <li>`owners': the distinct processes owning them;</li>
%% <li>`requests': per request name the node has answered (the names it serves, and `ping'),
%% `#{served => N, failed => F}': `served' counts every answer, `failed' those that were
%% `{error, _}' (an async call counts once, by its completion). This call is not in its own
%% figures; the next call sees it;</li>
%% <li>`requests_in_flight': requests running on the node's pools now, this one included (an
%% async backup or restore until its completion);</li>
%% <li>`requests_on_reader': requests answered by their connection's reader thread without a
%% hand-off to a pool (gets from memory, puts, deletes and `write/3' with default options; see
%% the README, "Threads"); `requests_handed_on': those the reader tried and left to the quick
%% pool (a value on disk, a write RocksDB would stall, a sync);</li>
%% <li>`bytes_backed_up': the sizes (as `get_backup_info' lists them, shared files included) of
%% the backups made since the node started; `bytes_restored': the sizes of the backups
%% restored;</li>
%% <li>`backups_running', `restores_running': now, synchronous and async alike;</li>
%% <li>`jvm_heap_used', `jvm_heap_max' (bytes; `undefined' when the JVM sets no maximum).</li>
%% </ul>
-spec stats(DbOrNode) -> {ok, Stats} | error | {error, Reason} when
      DbOrNode :: db_handle() | node(),
      Stats :: binary() | node_stats(),
      Reason :: node_error().
stats(Node) when is_atom(Node) ->
    request(node_name(Node), stats);
stats(Db) ->
    request(handle(db, Db), {stats, Db}).

%% @doc {@link stats/1} of the column family `Cf'.
-spec stats(Db, Cf) -> {ok, Stats} | error | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Stats :: binary(),
      Reason :: node_error().
stats(Db, Cf) ->
    Node = handle(db, Db),
    request(Node, {stats, Db, handle_on(column_family, Cf, Node)}).

%% @doc The sequence number of the last write to `Db': an integer (0 for a new DB).
-spec get_latest_sequence_number(Db) -> Sequence | {error, Reason} when
      Db :: db_handle(),
      Sequence :: non_neg_integer(),
      Reason :: node_error().
get_latest_sequence_number(Db) ->
    request(handle(db, Db), {get_latest_sequence_number, Db}).

%% @doc The approximate sizes in bytes of the key ranges `[{Start, Limit}]' (`Limit'
%% excluded), one per range, counting the memtables, the table files or both as `Flag' says
%% (`none' counts nothing: every size is 0).
-spec get_approximate_sizes(Db, Ranges, Flag) -> [Size] | {error, Reason} when
      Db :: db_handle(),
      Ranges :: [{Start :: key(), Limit :: key()}],
      Flag :: size_approximation_flag(),
      Size :: non_neg_integer(),
      Reason :: node_error().
get_approximate_sizes(Db, Ranges, Flag) ->
    request(handle(db, Db), {get_approximate_sizes, Db, ranges(Ranges), size_flag(Flag)}).

%% @doc {@link get_approximate_sizes/3} in the column family `Cf'.
-spec get_approximate_sizes(Db, Cf, Ranges, Flag) -> [Size] | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Ranges :: [{Start :: key(), Limit :: key()}],
      Flag :: size_approximation_flag(),
      Size :: non_neg_integer(),
      Reason :: node_error().
get_approximate_sizes(Db, Cf, Ranges, Flag) ->
    Node = handle(db, Db),
    request(Node, {get_approximate_sizes, Db, handle_on(column_family, Cf, Node),
                   ranges(Ranges), size_flag(Flag)}).

%% @doc The approximate number of entries and bytes of the memtables in `[Start, Limit)'.
-spec get_approximate_memtable_stats(Db, Start, Limit) -> {ok, {Count, Size}} | {error, Reason} when
      Db :: db_handle(),
      Start :: key(),
      Limit :: key(),
      Count :: non_neg_integer(),
      Size :: non_neg_integer(),
      Reason :: node_error().
get_approximate_memtable_stats(Db, Start, Limit) ->
    request(handle(db, Db), {get_approximate_memtable_stats, Db, binary(start_key, Start),
                             binary(limit_key, Limit)}).

%% @doc {@link get_approximate_memtable_stats/3} in the column family `Cf'.
-spec get_approximate_memtable_stats(Db, Cf, Start, Limit) ->
          {ok, {Count, Size}} | {error, Reason} when
      Db :: db_handle(),
      Cf :: reference(),
      Start :: key(),
      Limit :: key(),
      Count :: non_neg_integer(),
      Size :: non_neg_integer(),
      Reason :: node_error().
get_approximate_memtable_stats(Db, Cf, Start, Limit) ->
    Node = handle(db, Db),
    request(Node, {get_approximate_memtable_stats, Db, handle_on(column_family, Cf, Node),
                   binary(start_key, Start), binary(limit_key, Limit)}).

%% The options as the node receives them, owned by the caller (watched on Node first: a request
%% that times out here may still make the handle there, which must close with its owner).
-spec owned_by_caller(node(), list()) -> list().
owned_by_caller(Node, Opts) ->
    Owner = owner(),
    ok = rocksdb_jnode_owners:watch(Node, Owner),
    [O || O <- Opts, not (is_tuple(O) andalso tuple_size(O) > 0 andalso element(1, O) =:= owner)]
        ++ [{owner, Owner}].

-spec ranges(term()) -> [{key(), key()}].
ranges(Ranges) ->
    [case Range of
         {Start, Limit} -> {binary(ranges, Start), binary(ranges, Limit)};
         _ -> rocksdb_jnode_args:badarg({bad_argument, ranges})
     end || Range <- options(ranges, Ranges)].

-spec size_flag(term()) -> size_approximation_flag().
size_flag(Flag) when Flag =:= none; Flag =:= include_memtables; Flag =:= include_files;
                     Flag =:= include_both ->
    Flag;
size_flag(_) ->
    rocksdb_jnode_args:badarg({bad_argument, size_approximation_flag}).

%%%===================================================================
%%% Maintenance and transactions
%%%===================================================================
%% Maintenance and transactions: see docs/DATA_API.md.

%% @doc Repairs the database at `Path' (RocksDB's `RepairDB': it rebuilds what it can from the
%% files it finds; some data may be lost). A database or backup engine open on the node in,
%% inside or around `Path', or a backup, restore or destroy using it, gives
%% `{error, {db_in_use, Path}}'. Routed like {@link destroy/2}; a long call.
-spec repair(Path, Options) -> ok | {error, Reason} when
      Path :: path(),
      Options :: db_options(),
      Reason :: {error_db_repair, error_text()} | {db_in_use, binary()} | path_error()
              | node_error().
repair(Path, Options) ->
    AbsPath = path(path, Path),
    {Node, Opts} = target(Options),
    request(Node, {repair, AbsPath, Opts}).

%% @doc Compacts the keys from `Begin' to `End' of the default column family; `undefined'
%% leaves that end open (the NIF's documentation says so; its code compacts up to the empty key
%% instead). Options: `{exclusive_manual_compaction, boolean()}', `{change_level, boolean()}',
%% `{target_level, integer()}', `{allow_write_stall, boolean()}',
%% `{max_subcompactions, non_neg_integer()}'. A long call.
-spec compact_range(Db, Begin, End, Options) -> ok | {error, Reason} when
      Db :: db_handle(),
      Begin :: key() | undefined,
      End :: key() | undefined,
      Options :: compact_range_options(),
      Reason :: {error, error_text()} | {thread_limit, error_text()} | node_error().
compact_range(Db, Begin, End, Options) ->
    Node = handle(db, Db),
    request(Node, {compact_range, Db, range_bound('begin', Begin), range_bound('end', End),
                   options(options, Options)}).

%% @doc {@link compact_range/4} on the column family `Cf' of `Db'. A long call.
-spec compact_range(Db, Cf, Begin, End, Options) -> ok | {error, Reason} when
      Db :: db_handle(),
      Cf :: column_family(),
      Begin :: key() | undefined,
      End :: key() | undefined,
      Options :: compact_range_options(),
      Reason :: {error, error_text()} | {thread_limit, error_text()} | node_error().
compact_range(Db, Cf, Begin, End, Options) ->
    Node = handle(db, Db),
    request(Node, {compact_range, Db, handle_on(column_family, Cf, Node),
                   range_bound('begin', Begin), range_bound('end', End),
                   options(options, Options)}).

%% @doc Syncs the write-ahead log of `Db' to disk. A long call (it waits on the disk).
-spec sync_wal(Db) -> ok | {error, Reason} when
      Db :: db_handle(),
      Reason :: {error, error_text()} | node_error().
sync_wal(Db) ->
    request(handle(db, Db), {sync_wal, Db}).

%% @doc Writes the memtables of `default_column_family', of the column family `Cf' or of each
%% of a list of them to table files. Options: `{wait, boolean()}' (default `true'),
%% `{allow_write_stall, boolean()}'. {@link flush/2} is `flush(Db, default_column_family, Opts)'.
%% A long call.
-spec flush(Db, Target, FlushOptions) -> ok | {error, Reason} when
      Db :: db_handle(),
      Target :: flush_target(),
      FlushOptions :: flush_options(),
      Reason :: {error, error_text()} | node_error().
flush(Db, Target, FlushOptions) ->
    Node = handle(db, Db),
    request(Node, {flush, Db, flush_target(Target, Node), options(flush_options, FlushOptions)}).

%% @doc Opens (or creates) an optimistic transaction database, `{ok, Db, [DefaultCf]}' as the
%% NIF returns it: {@link open_optimistic_transaction_db/3} with the `"default"' family only.
%% A long call.
-spec open_optimistic_transaction_db(Path, Options) -> {ok, Db, [Cf]} | {error, Reason} when
      Path :: path(),
      Options :: db_options(),
      Db :: db_handle(),
      Cf :: column_family(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open_optimistic_transaction_db(Path, Options) ->
    AbsPath = path(path, Path),
    {Node, Owner, Opts} = owned_target(Options),
    ok = rocksdb_jnode_owners:opening(Node, Owner),
    request(Node, {open_optimistic_transaction_db, AbsPath, Opts}).

%% @doc Opens (or creates) an optimistic transaction database with the column families
%% `CfDescriptors' (`"default"' among them): `{ok, Db, [Cf]}' in descriptor order. The DB is
%% owned by the caller as {@link open/2}'s, takes every data call, and begins transactions
%% ({@link transaction/2}). Always read-write. A long call.
-spec open_optimistic_transaction_db(Path, Options, CfDescriptors) ->
          {ok, Db, [Cf]} | {error, Reason} when
      Path :: path(),
      Options :: db_options(),
      CfDescriptors :: [cf_descriptor()],
      Db :: db_handle(),
      Cf :: column_family(),
      Reason :: {db_open, error_text()} | path_error() | node_error().
open_optimistic_transaction_db(Path, Options, CfDescriptors) ->
    AbsPath = path(path, Path),
    Descriptors = cf_descriptors(CfDescriptors),
    {Node, Owner, Opts} = owned_target(Options),
    ok = rocksdb_jnode_owners:opening(Node, Owner),
    request(Node, {open_optimistic_transaction_db, AbsPath, Opts, Descriptors}).

%% @doc Begins a transaction on `Db', which must come from
%% {@link open_optimistic_transaction_db/3} (`badarg' otherwise, where the NIF would crash).
%% The caller owns the transaction: it is released when the caller exits, or when `Db' closes.
%% Its writes are invisible to other readers until {@link transaction_commit/1}. Write options
%% as {@link put/4}'s.
-spec transaction(Db, WriteOptions) -> {ok, Transaction} | {error, Reason} when
      Db :: db_handle(),
      WriteOptions :: write_options(),
      Transaction :: transaction(),
      Reason :: node_error().
transaction(Db, WriteOptions) ->
    Node = handle(db, Db),
    Owner = owner(),
    Opts = owned_options(write_options, WriteOptions, Owner),
    ok = rocksdb_jnode_owners:watch(Node, Owner),
    request(Node, {transaction, Db, Opts}).

%% @doc Stores `Value' under `Key' in the transaction (the default column family). Sizes as
%% {@link put/4}'s.
-spec transaction_put(Transaction, Key, Value) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Key :: key(),
      Value :: value(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
transaction_put(Transaction, Key, Value) ->
    Node = handle(transaction, Transaction),
    K = binary(key, Key),
    V = binary(value, Value),
    case within_max_value_size(K, V) of
        ok -> request(Node, {transaction_put, Transaction, K, V});
        TooLarge -> TooLarge
    end.

%% @doc {@link transaction_put/3} in the column family `Cf' of the transaction's DB.
-spec transaction_put(Transaction, Cf, Key, Value) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Cf :: column_family(),
      Key :: key(),
      Value :: value(),
      Reason :: {error, error_text()} | {too_large, pos_integer(), pos_integer()} | node_error().
transaction_put(Transaction, Cf, Key, Value) ->
    Node = handle(transaction, Transaction),
    C = handle_on(column_family, Cf, Node),
    K = binary(key, Key),
    V = binary(value, Value),
    case within_max_value_size(K, V) of
        ok -> request(Node, {transaction_put, Transaction, C, K, V});
        TooLarge -> TooLarge
    end.

%% @doc Reads `Key' as the transaction sees it (its own writes included), for update: the read
%% is tracked, so a commit after another writer changed the key fails. `{ok, Value}' or
%% `not_found'. Read options as {@link get/3}'s.
-spec transaction_get(Transaction, Key, ReadOptions) -> {ok, Value} | not_found | {error, Reason} when
      Transaction :: transaction(),
      Key :: key(),
      ReadOptions :: read_options(),
      Value :: value(),
      Reason :: {error, error_text()} | node_error().
transaction_get(Transaction, Key, ReadOptions) ->
    Node = handle(transaction, Transaction),
    request(Node, {transaction_get, Transaction, binary(key, Key),
                   options(read_options, ReadOptions)}).

%% @doc {@link transaction_get/3} in the column family `Cf'.
-spec transaction_get(Transaction, Cf, Key, ReadOptions) ->
          {ok, Value} | not_found | {error, Reason} when
      Transaction :: transaction(),
      Cf :: column_family(),
      Key :: key(),
      ReadOptions :: read_options(),
      Value :: value(),
      Reason :: {error, error_text()} | node_error().
transaction_get(Transaction, Cf, Key, ReadOptions) ->
    Node = handle(transaction, Transaction),
    request(Node, {transaction_get, Transaction, handle_on(column_family, Cf, Node),
                   binary(key, Key), options(read_options, ReadOptions)}).

%% @doc Deletes `Key' in the transaction; `ok' whether or not it was there.
-spec transaction_delete(Transaction, Key) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Key :: key(),
      Reason :: {error, error_text()} | node_error().
transaction_delete(Transaction, Key) ->
    Node = handle(transaction, Transaction),
    request(Node, {transaction_delete, Transaction, binary(key, Key)}).

%% @doc {@link transaction_delete/2} in the column family `Cf'.
-spec transaction_delete(Transaction, Cf, Key) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Cf :: column_family(),
      Key :: key(),
      Reason :: {error, error_text()} | node_error().
transaction_delete(Transaction, Cf, Key) ->
    Node = handle(transaction, Transaction),
    request(Node, {transaction_delete, Transaction, handle_on(column_family, Cf, Node),
                   binary(key, Key)}).

%% @doc An iterator over the DB as the transaction sees it: its uncommitted writes merged in.
%% The caller owns it. It is closed when the transaction commits, rolls back or is released
%% (RocksDB frees what it reads then): a later use raises `badarg'.
-spec transaction_iterator(Transaction, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Transaction :: transaction(),
      ReadOptions :: read_options(),
      Iterator :: iterator(),
      Reason :: node_error().
transaction_iterator(Transaction, ReadOptions) ->
    Node = handle(transaction, Transaction),
    Owner = owner(),
    Opts = owned_options(read_options, ReadOptions, Owner),
    ok = rocksdb_jnode_owners:watch(Node, Owner),
    request(Node, {transaction_iterator, Transaction, Opts}).

%% @doc {@link transaction_iterator/2} over the column family `Cf'.
-spec transaction_iterator(Transaction, Cf, ReadOptions) -> {ok, Iterator} | {error, Reason} when
      Transaction :: transaction(),
      Cf :: column_family(),
      ReadOptions :: read_options(),
      Iterator :: iterator(),
      Reason :: node_error().
transaction_iterator(Transaction, Cf, ReadOptions) ->
    Node = handle(transaction, Transaction),
    C = handle_on(column_family, Cf, Node),
    Owner = owner(),
    Opts = owned_options(read_options, ReadOptions, Owner),
    ok = rocksdb_jnode_owners:watch(Node, Owner),
    request(Node, {transaction_iterator, Transaction, C, Opts}).

%% @doc Commits the transaction: `ok', or `{error, {error, Text}}' with RocksDB's
%% `"Resource busy: ..."' when another writer changed a key it wrote or read since it began.
%% Its iterators are closed either way; the transaction stays open until
%% {@link release_transaction/1}.
-spec transaction_commit(Transaction) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Reason :: {error, error_text()} | node_error().
transaction_commit(Transaction) ->
    request(handle(transaction, Transaction), {transaction_commit, Transaction}).

%% @doc Drops the transaction's writes. Its iterators are closed.
-spec transaction_rollback(Transaction) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Reason :: {error, error_text()} | node_error().
transaction_rollback(Transaction) ->
    request(handle(transaction, Transaction), {transaction_rollback, Transaction}).

%% @doc Releases the transaction (and its iterators); uncommitted writes are dropped. `ok',
%% also when it was released already or its DB closed.
-spec release_transaction(Transaction) -> ok | {error, Reason} when
      Transaction :: transaction(),
      Reason :: node_error().
release_transaction(Transaction) ->
    request(handle(transaction, Transaction), {release_transaction, Transaction}).

%%%===================================================================
%%% Backups
%%%===================================================================

%% @equiv open_backup_engine(Path, [])
-spec open_backup_engine(Path) -> {ok, Engine} | {error, Reason} when
      Path :: path(),
      Engine :: backup_engine(),
      Reason :: {backup_engine_open, error_text()} | {bad_option, term()} | path_error()
              | node_error().
open_backup_engine(Path) ->
    open_backup_engine(Path, []).

%% @doc Opens a backup engine on the directory `Path', which is created when missing.
%%
%% The caller owns the engine (see the module doc); routed like {@link open/2}. Options:
%% `share_table_files', `share_files_with_checksum', `sync', `destroy_old_data',
%% `backup_log_files' (booleans), `backup_rate_limit', `restore_rate_limit' (bytes per second),
%% `max_background_operations'; any other option gives `{error, {bad_option, Opt}}'. A long
%% call.
-spec open_backup_engine(Path, Options) -> {ok, Engine} | {error, Reason} when
      Path :: path(),
      Options :: backup_engine_options(),
      Engine :: backup_engine(),
      Reason :: {backup_engine_open, error_text()} | {bad_option, term()} | path_error()
              | node_error().
open_backup_engine(Path, Options) ->
    AbsPath = path(path, Path),
    {Node, Owner, Opts} = owned_target(Options),
    ok = rocksdb_jnode_owners:opening(Node, Owner),
    request(Node, {open_backup_engine, AbsPath, Opts}).

%% @equiv create_new_backup(Engine, DbOrPath, [])
-spec create_new_backup(Engine, DbOrPath) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbOrPath :: db_handle() | path(),
      Reason :: incomplete | {error, error_text()} | path_error() | node_error().
create_new_backup(Engine, DbOrPath) ->
    create_new_backup(Engine, DbOrPath, []).

%% @doc Makes a new backup with `Engine' of a database: a handle open on the engine's node,
%% or the path of a database the node opens read-only for the backup (for instance a
%% checkpoint that another RocksDB wrote). `{error, incomplete}' when {@link stop_backup/1}
%% stopped it. Options: `{flush_before_backup, boolean()}', `{metadata, binary() | string()}'
%% (the backup's `app_metadata'), and the async options below. A long call.
%%
%% <b>Async.</b> With `{notify, Pid}' the call returns `{ok, Ref}' as soon as the backup
%% starts (its arguments checked, its handles and directories held: a refusal is still the
%% call's reply, as without `notify'), and the backup runs on. `Ref' is minted by the Java node
%% and `Pid' receives, matchable by `Ref':
%% <ul>
%% <li>`{rocksdb_jnode, Ref, {progress, #{bytes_done => N, bytes_total => T, files_done => F,
%% files_total => FT}}}' every `{progress_interval, Ms}' (500 ms by default, at least 10):
%% estimated (see the README), never going backwards, never past the total, and, before a
%% successful completion, a last one with the totals done;</li>
%% <li>then exactly one `{rocksdb_jnode, Ref, {done, Result}}', `Result' being what the call
%% returns without `notify' (`ok', `{error, incomplete}' after {@link stop_backup/1} or the
%% engine's owner exiting, `{error, {error, Text}}'). Nothing follows it.</li>
%% </ul>
%% `Pid' must be a process of a node connected to the Java node (which never dials), else
%% `badarg' (as {@link give_away/3}); the messages to a `Pid' that exited are dropped.
-spec create_new_backup(Engine, DbOrPath, Options) -> ok | {ok, Ref} | {error, Reason} when
      Engine :: backup_engine(),
      DbOrPath :: db_handle() | path(),
      Options :: backup_options(),
      Ref :: async_ref(),
      Reason :: incomplete | {error, error_text()} | path_error() | node_error().
create_new_backup(Engine, DbOrPath, Options) ->
    Node = handle(backup_engine, Engine),
    Source = case is_reference(DbOrPath) of
                 true -> handle_on(db, DbOrPath, Node);
                 false -> path(db, DbOrPath)
             end,
    request(Node, {create_new_backup, Engine, Source, options(options, Options)}).

%% @doc The engine's valid backups, sorted by id. See {@link backup_info()}.
-spec get_backup_info(Engine) -> {ok, [Info]} | {error, Reason} when
      Engine :: backup_engine(),
      Info :: backup_info(),
      Reason :: node_error().
get_backup_info(Engine) ->
    request(handle(backup_engine, Engine), {get_backup_info, Engine}).

%% @equiv verify_backup(Engine, BackupId, [])
-spec verify_backup(Engine, BackupId) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      Reason :: {error, error_text()} | node_error().
verify_backup(Engine, BackupId) ->
    verify_backup(Engine, BackupId, []).

%% @doc Checks that every file of backup `BackupId' exists with the size the engine knows
%% and, with `{verify_with_checksum, true}', that its checksum matches. Meant for the engine
%% that made (or opened the directory of) the backups. A long call.
-spec verify_backup(Engine, BackupId, Options) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      Options :: verify_options(),
      Reason :: {error, error_text()} | node_error().
verify_backup(Engine, BackupId, Options) ->
    Node = handle(backup_engine, Engine),
    Request = {verify_backup, Engine, int(backup_id, BackupId), options(options, Options)},
    request(Node, Request).

%% @doc Stops the {@link create_new_backup/3} running on `Engine' when the node handles the
%% request (a backup that starts later is not stopped), which then returns
%% `{error, incomplete}' (an async one: its completion says so) and leaves no backup id behind. `Engine' stays usable: unlike
%% RocksDB's own engine, the node replaces the stopped native engine with a fresh one. `ok' at
%% once, whether or not a backup was running.
-spec stop_backup(Engine) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      Reason :: node_error().
stop_backup(Engine) ->
    request(handle(backup_engine, Engine), {stop_backup, Engine}).

%% @doc Deletes backup `BackupId'. A long call.
-spec delete_backup(Engine, BackupId) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      Reason :: {error, error_text()} | node_error().
delete_backup(Engine, BackupId) ->
    Node = handle(backup_engine, Engine),
    request(Node, {delete_backup, Engine, int(backup_id, BackupId)}).

%% @doc Deletes all backups but the newest `NumBackupsToKeep'. A long call.
-spec purge_old_backup(Engine, NumBackupsToKeep) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      NumBackupsToKeep :: non_neg_integer(),
      Reason :: {error, error_text()} | node_error().
purge_old_backup(Engine, NumBackupsToKeep) ->
    Node = handle(backup_engine, Engine),
    request(Node, {purge_old_backup, Engine, int(num_backups_to_keep, NumBackupsToKeep)}).

%% @doc Deletes the files that no backup uses (left by failed or stopped backups). A long call.
-spec gc_backup_engine(Engine) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      Reason :: {error, error_text()} | node_error().
gc_backup_engine(Engine) ->
    request(handle(backup_engine, Engine), {gc_backup_engine, Engine}).

%% @doc Closes `Engine' (after the work running on it). `ok'; `badarg' when already closed.
%% A long call.
-spec close_backup_engine(Engine) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      Reason :: node_error().
close_backup_engine(Engine) ->
    request(handle(backup_engine, Engine), {close_backup_engine, Engine}).

%% @equiv restore_db_from_backup(Engine, BackupId, DbDir, DbDir)
-spec restore_db_from_backup(Engine, BackupId, DbDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      DbDir :: path(),
      Reason :: restore_error().
restore_db_from_backup(Engine, BackupId, DbDir) ->
    restore_db_from_backup(Engine, BackupId, DbDir, DbDir).

%% @equiv restore_db_from_backup(Engine, BackupId, DbDir, WalDir, [])
-spec restore_db_from_backup(Engine, BackupId, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      DbDir :: path(),
      WalDir :: path(),
      Reason :: restore_error().
restore_db_from_backup(Engine, BackupId, DbDir, WalDir) ->
    restore_db_from_backup(Engine, BackupId, DbDir, WalDir, []).

%% @doc Restores backup `BackupId' into `DbDir', its WAL files into `WalDir'. The files in
%% `DbDir' are replaced; a database or backup engine open on the node in, inside or around
%% either directory, or a backup by path reading it, gives `{error, {db_in_use, Path}}'. Every restored file's checksum is checked. Options:
%% `{keep_log_files, boolean()}', and `{notify, Pid}' and `{progress_interval, Ms}', which
%% make it async as {@link create_new_backup/3}: `{ok, Ref}' at once, then progress messages
%% (the total is the backup's size) and one `{rocksdb_jnode, Ref, {done, Result}}'. A long call.
-spec restore_db_from_backup(Engine, BackupId, DbDir, WalDir, Options) ->
          ok | {ok, Ref} | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      DbDir :: path(),
      WalDir :: path(),
      Options :: restore_options(),
      Ref :: async_ref(),
      Reason :: restore_error().
restore_db_from_backup(Engine, BackupId, DbDir, WalDir, Options) ->
    Node = handle(backup_engine, Engine),
    Request = {restore_db_from_backup, Engine, int(backup_id, BackupId), path(db_dir, DbDir),
               path(wal_dir, WalDir), options(options, Options)},
    request(Node, Request).

%% @equiv restore_db_from_latest_backup(Engine, DbDir, DbDir)
-spec restore_db_from_latest_backup(Engine, DbDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: path(),
      Reason :: restore_error().
restore_db_from_latest_backup(Engine, DbDir) ->
    restore_db_from_latest_backup(Engine, DbDir, DbDir).

%% @equiv restore_db_from_latest_backup(Engine, DbDir, WalDir, [])
-spec restore_db_from_latest_backup(Engine, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: path(),
      WalDir :: path(),
      Reason :: restore_error().
restore_db_from_latest_backup(Engine, DbDir, WalDir) ->
    restore_db_from_latest_backup(Engine, DbDir, WalDir, []).

%% @doc Restores the backup with the highest id, as {@link restore_db_from_backup/5} (async
%% with `{notify, Pid}' too). A long call.
-spec restore_db_from_latest_backup(Engine, DbDir, WalDir, Options) ->
          ok | {ok, Ref} | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: path(),
      WalDir :: path(),
      Options :: restore_options(),
      Ref :: async_ref(),
      Reason :: restore_error().
restore_db_from_latest_backup(Engine, DbDir, WalDir, Options) ->
    Node = handle(backup_engine, Engine),
    Request = {restore_db_from_latest_backup, Engine, path(db_dir, DbDir),
               path(wal_dir, WalDir), options(options, Options)},
    request(Node, Request).

%% @doc The seed document's name of {@link restore_db_from_backup/4}. A long call.
-spec restore_from_backup(Engine, BackupId, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      DbDir :: path(),
      WalDir :: path(),
      Reason :: restore_error().
restore_from_backup(Engine, BackupId, DbDir, WalDir) ->
    restore_db_from_backup(Engine, BackupId, DbDir, WalDir).

%% @doc The seed document's name of {@link restore_db_from_latest_backup/3}. A long call.
-spec restore_from_latest_backup(Engine, DbDir, WalDir) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: path(),
      WalDir :: path(),
      Reason :: restore_error().
restore_from_latest_backup(Engine, DbDir, WalDir) ->
    restore_db_from_latest_backup(Engine, DbDir, WalDir).

%%%===================================================================
%%% Ownership and liveness
%%%===================================================================

%% @doc Makes `Pid' the owner of `Handle', as `ets:give_away/3' does: `Pid' receives
%% `{'ROCKSDB-TRANSFER', Handle, OldOwner, GiftData}'. Only the owner may give a handle away
%% (at the shell prompt, the shell, see the module doc); `badarg' otherwise, or when `Pid' is
%% the owner already, a dead process of this node, or a process of a node that is not connected
%% to the Java node (which never dials: connect that node first); the owner is then unchanged.
-spec give_away(Handle, Pid, GiftData) -> ok | {error, Reason} when
      Handle :: handle(),
      Pid :: pid(),
      GiftData :: term(),
      Reason :: node_error().
give_away(Handle, Pid, GiftData) ->
    Node = handle(handle, Handle),
    Owner = owner(),
    NewOwner = recipient(Pid, Owner),
    %% Watched before the request: a give_away that times out here may still succeed there.
    ok = rocksdb_jnode_owners:watch(Node, NewOwner),
    request(Node, {give_away, Handle, NewOwner, GiftData, [{owner, Owner}]}).

%% @doc Sets (or with `none' removes) the heir of `Handle', as the `heir' option of ETS: when
%% the owner exits, the heir becomes the owner and receives
%% `{'ROCKSDB-TRANSFER', Handle, OldOwner, HeirData}'. Only the owner may set it. An heir whose
%% node is not connected to the Java node when the owner exits counts as dead: the handle is closed.
-spec set_heir(Handle, Heir, HeirData) -> ok | {error, Reason} when
      Handle :: handle(),
      Heir :: pid() | none,
      HeirData :: term(),
      Reason :: node_error().
set_heir(Handle, Heir, HeirData) ->
    Node = handle(handle, Handle),
    request(Node, {set_heir, Handle, heir(Heir), HeirData, [{owner, owner()}]}).

%% @doc Whether the application's Java node answers: `pong' or `{error, Reason}'.
-spec ping() -> pong | {error, Reason} when
      Reason :: node_error().
ping() ->
    ping(rocksdb_jnode_config:node()).

%% @doc Whether the Java node `Node' answers on the application's mailbox: `pong' or
%% `{error, Reason}', within `call_timeout'.
-spec ping(Node) -> pong | {error, Reason} when
      Node :: node(),
      Reason :: node_error().
ping(Node) ->
    request(node_name(Node), ping).

%% @doc The figures of the application's Java node: see {@link stats/1}.
-spec stats() -> {ok, Stats} | {error, Reason} when
      Stats :: node_stats(),
      Reason :: node_error().
stats() ->
    stats(rocksdb_jnode_config:node()).

%% @private
%% @doc The shell's description of a `badarg' raised by this module: its cause. (The causes are
%% {@link rocksdb_jnode_args}'s, whose `format_error/2' the shell calls; this one is kept for
%% callers of the earlier releases.)
-spec format_error(Reason, StackTrace) -> ErrorDescription when
      Reason :: term(),
      StackTrace :: [term()],
      ErrorDescription :: #{general => string()}.
format_error(Reason, StackTrace) ->
    rocksdb_jnode_args:format_error(Reason, StackTrace).
