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
-export([give_away/3, set_heir/3, ping/0, ping/1]).
%% The shell's text for the badarg errors raised here.
-export([format_error/2]).

%% The argument checks, and the one way a request travels: each function below reads as its
%% checks and its request.
-import(rocksdb_jnode_args, [handle/2, handle_on/3, binary/2, int/2, options/2, path/2,
                             node_name/1, heir/1, recipient/2, target/1, owned_target/1,
                             owner/0, within_max_value_size/2]).
-import(rocksdb_jnode_call, [request/2]).

-type db_handle() :: reference().
%% Reads (issue 7): iterators and snapshots.
-type itr_handle() :: reference().
-type snapshot_handle() :: reference().
-type size_approximation_flag() :: none | include_memtables | include_files | include_both.
-export_type([itr_handle/0, snapshot_handle/0, size_approximation_flag/0]).
-type backup_engine() :: reference().
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
-type backup_options() :: [{flush_before_backup, boolean()} | {metadata, binary() | string()}].
-type verify_options() :: [{verify_with_checksum, boolean()}].
-type restore_options() :: [{keep_log_files, boolean()}].

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

-export_type([db_handle/0, backup_engine/0, handle/0, path/0, key/0, value/0, backup_id/0,
              error_text/0, db_options/0, destroy_options/0, write_options/0, flush_options/0,
              read_options/0, backup_engine_options/0, backup_options/0, verify_options/0,
              restore_options/0, backup_info/0, node_error/0, path_error/0, restore_error/0]).

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
%% being sent: the Java node must hold a put in its heap.
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

%%%===================================================================
%%% Batches
%%%===================================================================
%% Batches, kept in the client: see docs/DATA_API.md.

%%%===================================================================
%%% Reads
%%%===================================================================
%% Reads: iterators, folds, snapshots, properties: see docs/DATA_API.md.
%%
%% Snapshots and iterators are owned by the caller (or its shell, see the module doc), as DBs
%% are: the Java node closes them when the owner exits, and with their DB (an iterator on a
%% column family also with the family). The client sends the owner in the options, since it
%% calls from a proxy process: `{owner, Pid}' in an iterator's read options, and the 2-arity
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
    FoldChunk = fun(Entries, Acc) -> lists:foldl(Fun, Acc, Entries) end,
    try rocksdb_jnode_call:stream(node(Iterator), {iterator_chunk, Iterator, Mode}, FoldChunk,
                                  Acc0) of
        {ok, Acc} -> Acc;
        {error, _} = StreamError -> erlang:error(StreamError)
    after
        %% Raises badarg when the iterator was closed meanwhile (its DB closed by Fun), as the
        %% NIF's fold does.
        _ = iterator_close(Iterator)
    end.

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

%% @doc RocksDB's statistics text of `Db' (the property `rocksdb.stats').
-spec stats(Db) -> {ok, Stats} | error | {error, Reason} when
      Db :: db_handle(),
      Stats :: binary(),
      Reason :: node_error().
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
%% (the backup's `app_metadata'). A long call.
-spec create_new_backup(Engine, DbOrPath, Options) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbOrPath :: db_handle() | path(),
      Options :: backup_options(),
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
%% `{error, incomplete}' and leaves no backup id behind. `Engine' stays usable: unlike
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
%% `{keep_log_files, boolean()}'. A long call.
-spec restore_db_from_backup(Engine, BackupId, DbDir, WalDir, Options) ->
          ok | {error, Reason} when
      Engine :: backup_engine(),
      BackupId :: backup_id(),
      DbDir :: path(),
      WalDir :: path(),
      Options :: restore_options(),
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

%% @doc Restores the backup with the highest id, as {@link restore_db_from_backup/5}. A long
%% call.
-spec restore_db_from_latest_backup(Engine, DbDir, WalDir, Options) -> ok | {error, Reason} when
      Engine :: backup_engine(),
      DbDir :: path(),
      WalDir :: path(),
      Options :: restore_options(),
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
