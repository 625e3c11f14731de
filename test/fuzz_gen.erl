%% @doc A small random term generator for fuzz_SUITE (no PropEr): hostile and malformed
%% requests for the Java node's mailbox. It draws from the process's `rand' state, so a worker
%% that seeds `rand' with a logged seed replays the same sequence of cases.
%%
%% Safety: every path it produces is either under the context's `priv' directory, or starts
%% with "/nonexistent_rocksdb_fuzz", or is relative, empty or not a valid path at all; random
%% binaries and strings never start with "/" (see `safe/2'). So even a node whose confinement
%% were broken could not be made to touch anything outside the test's private directory.
-module(fuzz_gen).

-export([request/1, message/1, any_term/1, deep/2, large_binary/1, forged_ref/2,
         forged_pid/2, safe/2, names/0, arities/0]).

%% Context: #{priv := binary(), root := binary(), outside := binary(), node := node(),
%%            handles := fun(() -> [reference()]), heavy := none | deep | large}
-type ctx() :: map().

%% The request names of the wire protocol, with their arities (without the name).
names() ->
    lists:sort(maps:keys(arities())).

arities() ->
    #{open => [2, 3], close => [1], put => [4, 5], get => [3, 4], delete => [3, 4], destroy => [2],
      count => [1, 2], flush => [2, 3], checkpoint => [2], open_backup_engine => [1, 2],
      create_new_backup => [2, 3], get_backup_info => [1], verify_backup => [2, 3],
      stop_backup => [1], delete_backup => [2], purge_old_backup => [2],
      gc_backup_engine => [1], close_backup_engine => [1], restore_db_from_backup => [3, 4, 5],
      restore_db_from_latest_backup => [2, 3, 4], restore_from_backup => [4],
      restore_from_latest_backup => [3], give_away => [3, 4], set_heir => [3, 4],
      owner_down => [1], owners => [1], routes => [0],
      repair => [2], compact_range => [4, 5], sync_wal => [1],
      open_optimistic_transaction_db => [2, 3], transaction => [2],
      transaction_put => [3, 4], transaction_get => [3, 4], transaction_delete => [2, 3],
      transaction_iterator => [2, 3], transaction_commit => [1], transaction_rollback => [1],
      release_transaction => [1],
      open_with_cf => [3], open_readonly => [2, 3], open_with_cf_readonly => [3],
      list_column_families => [2], create_column_family => [3],
      drop_column_family => [1, 2], destroy_column_family => [1, 2],
      single_delete => [3, 4], delete_range => [4, 5], merge => [4, 5], write => [3],
      write_packed => [4],
      batch_data_size => [1],
      snapshot => [1, 2], release_snapshot => [1], get_snapshot_sequence => [1],
      iterator => [2, 3], iterators => [3], iterator_move => [2], iterator_refresh => [1],
      iterator_close => [1], iterator_chunk => [2], is_empty => [1], get_property => [2, 3],
      stats => [0, 1, 2], get_latest_sequence_number => [1], get_approximate_sizes => [3, 4],
      get_approximate_memtable_stats => [3, 4]}.

%%%===================================================================
%%% Requests
%%%===================================================================

%% @doc One request for `gen_server:call/3'. Never `stop' nor `{stop}' (which would end the
%% node by design).
-spec request(ctx()) -> term().
request(Ctx) ->
    R = case uniform(100) of
            N when N =< 55 -> typed_request(Ctx);
            N when N =< 80 -> wrong_arity_request(Ctx);
            N when N =< 90 -> random_args_request(Ctx);
            _ -> non_request(Ctx)
        end,
    R1 = heavy(R, Ctx),
    not_stop(safe_request(R1, Ctx)).

not_stop(stop) -> ping;
not_stop({stop}) -> ping;
not_stop(R) -> R.

%% A request whose arguments mostly have the right shape, with random values.
typed_request(Ctx) ->
    Name = pick(names()),
    Arity = pick(maps:get(Name, arities())),
    %% A shorter arity drops trailing arguments (the options, the WAL dir), as the functions do.
    list_to_tuple([Name | lists:sublist(typed_args(Name, Arity, Ctx), Arity)]).

typed_args(open, 2, C) -> [path(C), db_opts(C)];
typed_args(open, 3, C) -> [path(C), db_opts(C), cf_descriptors(C)];
typed_args(open_with_cf, _, C) -> [path(C), db_opts(C), cf_descriptors(C)];
typed_args(open_readonly, 2, C) -> [path(C), db_opts(C)];
typed_args(open_readonly, 3, C) -> [path(C), db_opts(C), cf_descriptors(C)];
typed_args(open_with_cf_readonly, _, C) -> [path(C), db_opts(C), cf_descriptors(C)];
typed_args(list_column_families, _, C) -> [path(C), db_opts(C)];
typed_args(create_column_family, _, C) -> [db(C), cf_name(C), db_opts(C)];
typed_args(drop_column_family, 1, C) -> [handle(C)];
typed_args(drop_column_family, 2, C) -> [db(C), handle(C)];
typed_args(destroy_column_family, 1, C) -> [handle(C)];
typed_args(destroy_column_family, 2, C) -> [db(C), handle(C)];
typed_args(single_delete, 3, C) -> [db(C), key(C), write_opts(C)];
typed_args(single_delete, 4, C) -> [db(C), handle(C), key(C), write_opts(C)];
typed_args(delete_range, 4, C) -> [db(C), key(C), key(C), write_opts(C)];
typed_args(delete_range, 5, C) -> [db(C), handle(C), key(C), key(C), write_opts(C)];
typed_args(merge, 4, C) -> [db(C), key(C), value(C), write_opts(C)];
typed_args(merge, 5, C) -> [db(C), handle(C), key(C), value(C), write_opts(C)];
typed_args(write, _, C) -> [db(C), write_actions(C), write_opts(C)];
typed_args(write_packed, _, C) ->
    [db(C), oneof([fun() -> [] end, fun() -> [handle(C)] end, fun() -> any_term(C) end]),
     oneof([fun() -> packed_writes(C) end, fun() -> bin(C) end]), write_opts(C)];
typed_args(batch_data_size, _, C) -> [write_actions(C)];
typed_args(close, _, C) -> [db(C)];
typed_args(put, 4, C) -> [db(C), key(C), value(C), write_opts(C)];
typed_args(put, 5, C) -> [db(C), handle(C), key(C), value(C), write_opts(C)];
typed_args(get, 3, C) -> [db(C), key(C), read_opts(C)];
typed_args(get, 4, C) -> [db(C), handle(C), key(C), read_opts(C)];
typed_args(delete, 3, C) -> [db(C), key(C), write_opts(C)];
typed_args(delete, 4, C) -> [db(C), handle(C), key(C), write_opts(C)];
typed_args(destroy, _, C) -> [path(C), db_opts(C)];
typed_args(count, 1, C) -> [db(C)];
typed_args(count, 2, C) -> [db(C), handle(C)];
typed_args(flush, 2, C) -> [db(C), flush_opts(C)];
typed_args(flush, 3, C) -> [db(C), flush_target(C), flush_opts(C)];
typed_args(checkpoint, _, C) -> [db(C), path(C)];
typed_args(open_backup_engine, _, C) -> [path(C), engine_opts(C)];
typed_args(create_new_backup, _, C) ->
    [engine(C), oneof([fun() -> db(C) end, fun() -> path(C) end]), backup_opts(C)];
typed_args(get_backup_info, _, C) -> [engine(C)];
typed_args(verify_backup, _, C) ->
    [engine(C), id(C), maybe(fun() -> [{verify_with_checksum, bool(C)}] end, C)];
typed_args(stop_backup, _, C) -> [engine(C)];
typed_args(delete_backup, _, C) -> [engine(C), id(C)];
typed_args(purge_old_backup, _, C) -> [engine(C), id(C)];
typed_args(gc_backup_engine, _, C) -> [engine(C)];
typed_args(close_backup_engine, _, C) -> [engine(C)];
typed_args(restore_db_from_backup, _, C) ->
    [engine(C), id(C), path(C), path(C), restore_opts(C)];
typed_args(restore_db_from_latest_backup, _, C) ->
    [engine(C), path(C), path(C), restore_opts(C)];
typed_args(restore_from_backup, _, C) -> [engine(C), id(C), path(C), path(C)];
typed_args(restore_from_latest_backup, _, C) -> [engine(C), path(C), path(C)];
typed_args(routes, _, _C) -> [];
typed_args(stats, 0, _C) -> [];
typed_args(give_away, 3, C) -> [handle(C), pid(C), any_term(C)];
typed_args(give_away, 4, C) -> [handle(C), pid(C), any_term(C), owner_opts(C)];
typed_args(set_heir, 3, C) -> [handle(C), oneof([fun() -> pid(C) end, fun() -> none end]),
                               any_term(C)];
typed_args(set_heir, 4, C) -> [handle(C), oneof([fun() -> pid(C) end, fun() -> none end]),
                               any_term(C), owner_opts(C)];
typed_args(owner_down, _, C) -> [pid(C)];
typed_args(repair, _, C) -> [path(C), db_opts(C)];
typed_args(compact_range, 4, C) -> [db(C), bound(C), bound(C), compact_opts(C)];
typed_args(compact_range, 5, C) -> [db(C), handle(C), bound(C), bound(C), compact_opts(C)];
typed_args(sync_wal, _, C) -> [db(C)];
typed_args(open_optimistic_transaction_db, _, C) -> [path(C), db_opts(C), cf_descriptors(C)];
typed_args(transaction, _, C) -> [db(C), write_opts(C)];
typed_args(transaction_put, 3, C) -> [handle(C), key(C), value(C)];
typed_args(transaction_put, 4, C) -> [handle(C), handle(C), key(C), value(C)];
typed_args(transaction_get, 3, C) -> [handle(C), key(C), read_opts(C)];
typed_args(transaction_get, 4, C) -> [handle(C), handle(C), key(C), read_opts(C)];
typed_args(transaction_delete, 2, C) -> [handle(C), key(C)];
typed_args(transaction_delete, 3, C) -> [handle(C), handle(C), key(C)];
typed_args(transaction_iterator, 2, C) -> [handle(C), read_opts(C)];
typed_args(transaction_iterator, 3, C) -> [handle(C), handle(C), read_opts(C)];
typed_args(transaction_commit, _, C) -> [handle(C)];
typed_args(transaction_rollback, _, C) -> [handle(C)];
typed_args(release_transaction, _, C) -> [handle(C)];
typed_args(snapshot, _, C) -> [db(C), owner_opts(C)];
typed_args(release_snapshot, _, C) -> [handle(C)];
typed_args(get_snapshot_sequence, _, C) -> [handle(C)];
typed_args(iterator, 2, C) -> [db(C), iterator_opts(C)];
typed_args(iterator, 3, C) -> [db(C), handle(C), iterator_opts(C)];
typed_args(iterators, _, C) -> [db(C), oneof([fun() -> [handle(C)] end, fun() -> any_term(C) end]),
                                iterator_opts(C)];
typed_args(iterator_move, _, C) ->
    [handle(C), oneof([fun() -> pick([first, last, next, prev, sideways]) end,
                       fun() -> key(C) end,
                       fun() -> {pick([seek, seek_for_prev, jump]), key(C)} end])];
typed_args(iterator_refresh, _, C) -> [handle(C)];
typed_args(iterator_close, _, C) -> [handle(C)];
typed_args(iterator_chunk, _, C) -> [handle(C), pick([kv, keys, values])];
typed_args(is_empty, _, C) -> [db(C)];
typed_args(get_property, 2, C) -> [db(C), property(C)];
typed_args(get_property, 3, C) -> [db(C), handle(C), property(C)];
typed_args(stats, 1, C) -> [db(C)];
typed_args(stats, 2, C) -> [db(C), handle(C)];
typed_args(get_latest_sequence_number, _, C) -> [db(C)];
typed_args(get_approximate_sizes, 3, C) -> [db(C), ranges(C), size_flag(C)];
typed_args(get_approximate_sizes, 4, C) -> [db(C), handle(C), ranges(C), size_flag(C)];
typed_args(get_approximate_memtable_stats, 3, C) -> [db(C), key(C), key(C)];
typed_args(get_approximate_memtable_stats, 4, C) -> [db(C), handle(C), key(C), key(C)];
typed_args(owners, _, C) -> [oneof([fun() -> maps:get(node, C) end, fun() -> node() end,
                                    fun() -> atom(C) end, fun() -> any_term(C) end])].

%% A known name with an arity it does not have (0..7 arguments).
wrong_arity_request(Ctx) ->
    Name = pick(names()),
    Good = maps:get(Name, arities()),
    Arity = pick([A || A <- lists:seq(0, 7), not lists:member(A, Good)]),
    Args = [arg(Ctx) || _ <- lists:seq(1, Arity)],
    case Arity of
        0 -> oneof([fun() -> Name end, fun() -> {Name} end]);
        _ -> list_to_tuple([Name | Args])
    end.

%% A known name with the right arity and arguments of any type.
random_args_request(Ctx) ->
    Name = pick(names()),
    Arity = pick(maps:get(Name, arities())),
    list_to_tuple([Name | [arg(Ctx) || _ <- lists:seq(1, Arity)]]).

%% Not a request tuple: an unknown atom, a tuple led by a non-atom, or any other term.
non_request(Ctx) ->
    case uniform(5) of
        1 -> atom(Ctx);
        2 -> list_to_tuple([non_atom(Ctx) | [arg(Ctx) || _ <- lists:seq(1, uniform(4))]]);
        3 -> {};
        4 -> list_to_tuple([atom(Ctx) | [arg(Ctx) || _ <- lists:seq(1, uniform(5) - 1)]]);
        5 -> non_atom(Ctx)
    end.

non_atom(Ctx) ->
    T = any_term(Ctx),
    case is_atom(T) of
        true -> 42;
        false -> T
    end.

%% The scheduled heavy payload (a deep term or a large binary) replaces one argument.
heavy(R, #{heavy := none}) ->
    R;
heavy(R, #{heavy := Kind} = Ctx) ->
    Payload = case Kind of
                  deep -> deep(10000, uniform(3));
                  large -> large_binary(Ctx)
              end,
    case R of
        T when is_tuple(T), tuple_size(T) >= 2 ->
            setelement(1 + uniform(tuple_size(T) - 1), T, Payload);
        _ ->
            {pick(names()), Payload}
    end.

%% An argument of a request: anything, with a bias to request-like values.
arg(C) ->
    case uniform(8) of
        1 -> handle(C);
        2 -> path(C);
        3 -> opts(C);
        4 -> id(C);
        5 -> pid(C);
        _ -> any_term(C)
    end.

%%%===================================================================
%%% Messages that are not calls
%%%===================================================================

%% @doc A message for `!': any term, or a malformed `$gen_call' (whose From the node cannot
%% reply to), never a well-formed call from a local pid.
-spec message(ctx()) -> term().
message(Ctx) ->
    M = case uniform(10) of
            N when N =< 5 -> any_term(Ctx);
            6 -> {'$gen_call', bad_from(Ctx), request(Ctx)};
            7 -> {'$gen_call', bad_from(Ctx)};
            8 -> {'$gen_call', {self(), make_ref()}, request(Ctx), extra};
            9 -> {'$gen_cast', request(Ctx)};
            10 -> list_to_tuple(['$gen_call' | [any_term(Ctx) || _ <- lists:seq(1, uniform(4))]])
        end,
    case M of
        {'$gen_call', {P, _}, _} when is_pid(P), node(P) =:= node() -> {not_a_call, M};
        _ -> heavy(M, Ctx)
    end.

bad_from(C) ->
    case uniform(7) of
        1 -> {self()};
        2 -> {self(), make_ref(), extra};
        3 -> {any_term(C), make_ref()};
        4 -> [self() | make_ref()];
        5 -> self();
        6 -> {forged_pid('evil@127.0.0.1', uniform(1000)), make_ref()};
        7 -> any_term(C)
    end.

%%%===================================================================
%%% Typed pieces
%%%===================================================================

%% Paths: under the root, escaping it (into the private directory only), relative, empty,
%% invalid UTF-8, with NUL, as a charlist, or not text at all.
path(#{root := Root, priv := Priv, outside := Outside} = C) ->
    P = case uniform(16) of
            1 -> Root;
            N when N =< 5 -> <<Root/binary, "/", (name())/binary>>;
            6 -> <<Root/binary, "/", (name())/binary, "/", (name())/binary>>;
            7 -> <<Root/binary, "/../", (name())/binary>>;
            8 -> <<Root/binary, "/../outside">>;
            9 -> <<Outside/binary, "/", (name())/binary>>;
            10 -> Outside;
            11 -> <<"/nonexistent_rocksdb_fuzz/", (name())/binary>>;
            12 -> name();
            13 -> pick([<<>>, "", <<Root/binary, 0, "x">>, <<Root/binary, "/\xff\xfe">>]);
            14 -> binary_to_list(<<Root/binary, "/", (name())/binary>>);
            15 -> unicode:characters_to_list(<<Root/binary, "/é€𝄞"/utf8>>);
            16 -> any_term(C)
        end,
    safe(P, Priv).

name() ->
    pick([<<"db">>, <<"be">>, <<"restore">>, <<"cp">>, <<"x">>, <<"..">>, <<".">>,
          <<"a b">>, <<"ünï"/utf8>>,
          list_to_binary(integer_to_list(uniform(50)))]).

db(C) ->
    case uniform(10) of
        N when N =< 6 -> real_handle(C);
        7 -> forged_any_ref(C);
        8 -> make_ref();
        _ -> any_term(C)
    end.

engine(C) -> db(C).

%% Column family names (charlists, mostly) and descriptors.
cf_name(C) -> oneof([fun() -> "default" end, fun() -> binary_to_list(name()) end,
                     fun() -> any_term(C) end]).

cf_descriptors(C) ->
    case uniform(6) of
        1 -> any_term(C);
        _ -> [{oneof([fun() -> "default" end, fun() -> cf_name(C) end]),
               maybe(fun() -> db_opts(C) end, C)} || _ <- lists:seq(1, uniform(3))]
    end.

%% write_packed's binary: well-formed operations, or with a length or code out of range.
packed_writes(C) ->
    iolist_to_binary([begin
                          K = bin(C),
                          V = bin(C),
                          Len = oneof([fun() -> byte_size(K) end, fun() -> uniform(1 bsl 20) end]),
                          [<<(uniform(6) - 1):8, (uniform(3) - 1):16, Len:32>>, K,
                           <<(byte_size(V)):32>>, V]
                      end || _ <- lists:seq(1, uniform(4) - 1)]).

%% write/3's operations: mostly well-formed, with handles of any kind.
write_actions(C) ->
    case uniform(8) of
        1 -> any_term(C);
        _ -> [write_action(C) || _ <- lists:seq(1, uniform(4) - 1)]
    end.

write_action(C) ->
    case uniform(11) of
        1 -> {put, key(C), value(C)};
        2 -> {put, handle(C), key(C), value(C)};
        3 -> {merge, key(C), value(C)};
        4 -> {merge, handle(C), key(C), value(C)};
        5 -> {delete, key(C)};
        6 -> {delete, handle(C), key(C)};
        7 -> {single_delete, handle(C), key(C)};
        8 -> {delete_range, key(C), key(C)};
        9 -> {delete_range, handle(C), key(C), key(C)};
        10 -> {pick([put, clear, delete]), any_term(C)};
        _ -> any_term(C)
    end.

handle(C) -> db(C).

real_handle(#{handles := Handles} = C) ->
    case Handles() of
        [] -> forged_any_ref(C);
        Hs -> pick(Hs)
    end.

forged_any_ref(#{node := Node}) ->
    case uniform(4) of
        1 -> forged_ref('evil@127.0.0.1', uniform(3));
        2 -> forged_ref(Node, uniform(3));
        3 -> forged_ref(node(), 3);
        4 -> forged_ref(list_to_atom("other" ++ integer_to_list(uniform(9)) ++ "@localhost"), 3)
    end.

key(C) -> oneof([fun() -> bin(C) end, fun() -> bin(C) end, fun() -> any_term(C) end]).

value(C) -> key(C).

id(C) ->
    case uniform(12) of
        1 -> 0;
        2 -> 1;
        3 -> uniform(5);
        4 -> -1;
        5 -> -uniform(1 bsl 40);
        6 -> 16#7fffffff;
        7 -> 16#80000000;
        8 -> 1 bsl 32 + uniform(100);
        9 -> 1 bsl 64;
        10 -> 1 bsl (64 + uniform(2000));
        11 -> float_(C);
        12 -> any_term(C)
    end.

pid(#{node := Node} = C) ->
    case uniform(8) of
        1 -> self();
        2 -> forged_pid('evil@127.0.0.1', uniform(1000));
        3 -> forged_pid(Node, uniform(1000));
        4 -> forged_pid(node(), 100000 + uniform(1000));
        5 -> spawn(fun() -> ok end);
        6 -> whereis(init);
        7 -> c:pid(0, 1, 0);
        8 -> any_term(C)
    end.

bool(C) ->
    case uniform(6) of
        1 -> true;
        2 -> false;
        3 -> true;
        4 -> false;
        5 -> pick([yes, 1, 0, "true", <<"true">>, undefined]);
        6 -> any_term(C)
    end.

db_opts(C) ->
    opts_from(C, [{create_if_missing, fun bool/1}, {error_if_exists, fun bool/1},
                  {paranoid_checks, fun bool/1}, {read_only, fun bool/1},
                  {max_open_files, fun id/1}, {write_buffer_size, fun id/1},
                  {max_write_buffer_number, fun id/1}, {target_file_size_base, fun id/1},
                  {max_background_jobs, fun id/1}, {owner, fun pid/1},
                  {heir, fun pid/1}, {node, fun atom/1}, {wal_dir, fun path/1},
                  {compression, fun atom/1}, {compaction_style, fun atom/1},
                  {merge_operator, fun any_term/1}, {prefix_extractor, fun any_term/1},
                  {block_based_table_options, fun any_term/1}, {arena_block_size, fun id/1},
                  {total_threads, fun id/1}, {max_subcompactions, fun id/1}]).

write_opts(C) ->
    opts_from(C, [{sync, fun bool/1}, {disable_wal, fun bool/1}, {no_slowdown, fun bool/1},
                  {low_pri, fun bool/1}]).

flush_opts(C) -> opts_from(C, [{wait, fun bool/1}, {allow_write_stall, fun bool/1}]).

flush_target(C) ->
    oneof([fun() -> default_column_family end, fun() -> handle(C) end,
           fun() -> [handle(C) || _ <- lists:seq(1, uniform(3) - 1)] end,
           fun() -> any_term(C) end]).

compact_opts(C) ->
    opts_from(C, [{exclusive_manual_compaction, fun bool/1}, {change_level, fun bool/1},
                  {target_level, fun id/1}, {allow_write_stall, fun bool/1},
                  {max_subcompactions, fun id/1}]).

%% A range bound: a key, open, or anything.
bound(C) -> oneof([fun() -> undefined end, fun() -> key(C) end]).


read_opts(C) ->
    opts_from(C, [{verify_checksums, fun bool/1}, {fill_cache, fun bool/1},
                  {read_tier, fun atom/1}]).

engine_opts(C) ->
    opts_from(C, [{share_table_files, fun bool/1}, {share_files_with_checksum, fun bool/1},
                  {sync, fun bool/1}, {destroy_old_data, fun bool/1},
                  {backup_log_files, fun bool/1}, {backup_rate_limit, fun id/1},
                  {restore_rate_limit, fun id/1}, {max_background_operations, fun id/1},
                  {owner, fun pid/1}]).

backup_opts(C) ->
    opts_from(C, [{flush_before_backup, fun bool/1}, {metadata, fun key/1}]).

restore_opts(C) -> opts_from(C, [{keep_log_files, fun bool/1}]).

owner_opts(C) -> opts_from(C, [{owner, fun pid/1}]).

iterator_opts(C) ->
    opts_from(C, [{owner, fun pid/1}, {snapshot, fun handle/1}, {iterate_upper_bound, fun key/1},
                  {iterate_lower_bound, fun key/1}, {prefix_same_as_start, fun bool/1},
                  {fill_cache, fun bool/1}]).

property(C) ->
    oneof([fun() -> pick([<<"rocksdb.stats">>, <<"rocksdb.estimate-num-keys">>, <<"rocksdb.nope">>]) end,
           fun() -> key(C) end]).

ranges(C) ->
    oneof([fun() -> [{key(C), key(C)} || _ <- lists:seq(1, uniform(3) - 1)] end,
           fun() -> any_term(C) end]).

size_flag(C) ->
    oneof([fun() -> pick([none, include_memtables, include_files, include_both, all]) end,
           fun() -> any_term(C) end]).

opts(C) -> opts_from(C, [{pick([a, b, sync, owner, heir, node]), fun any_term/1}]).

%% Mostly a proper list of known options with random values; sometimes extra arities, bare
%% atoms, junk elements, an improper list or not a list at all.
opts_from(C, Known) ->
    case uniform(10) of
        10 -> any_term(C);
        9 -> [junk | improper_tail(C)];
        _ ->
            [case uniform(8) of
                 N when N =< 5 -> {K, (V)(C)};
                 6 -> K;
                 7 -> list_to_tuple([K | [any_term(C) || _ <- lists:seq(1, uniform(3))]]);
                 8 -> any_term(C)
             end || _ <- lists:seq(1, uniform(4) - 1), {K, V} <- [pick(Known)]]
    end.

improper_tail(C) ->
    oneof([fun() -> tail end, fun() -> any_term(C) end, fun() -> <<"t">> end]).

maybe(Fun, C) ->
    case uniform(4) of
        1 -> any_term(C);
        2 -> [];
        _ -> Fun()
    end.

%%%===================================================================
%%% Any term
%%%===================================================================

%% @doc A random term of moderate size and depth.
-spec any_term(ctx()) -> term().
any_term(C) ->
    any_term(C, 3).

any_term(C, 0) ->
    leaf(C);
any_term(C, Depth) ->
    case uniform(12) of
        1 -> [any_term(C, Depth - 1) || _ <- lists:seq(1, uniform(4) - 1)];
        2 -> list_to_tuple([any_term(C, Depth - 1) || _ <- lists:seq(1, uniform(4) - 1)]);
        3 -> maps:from_list([{any_term(C, Depth - 1), any_term(C, Depth - 1)}
                             || _ <- lists:seq(1, uniform(3) - 1)]);
        4 -> [leaf(C) | leaf(C)];
        _ -> leaf(C)
    end.

leaf(C) ->
    case uniform(24) of
        1 -> atom(C);
        2 -> uniform(256) - 1;
        3 -> -uniform(1 bsl 27);
        4 -> 1 bsl 32 + uniform(1000);
        5 -> -(1 bsl 40);
        6 -> 1 bsl (64 + uniform(3000));
        7 -> -(1 bsl (64 + uniform(300)));
        8 -> float_(C);
        9 -> bin(C);
        10 -> bad_utf8();
        11 -> pick([<<"ünï"/utf8>>, <<"€"/utf8>>, <<"𝄞"/utf8>>]);
        12 -> <<(uniform(255)):7>>;
        13 -> string(C);
        14 -> pid(C);
        15 -> make_ref();
        16 -> forged_any_ref(C);
        17 -> real_handle(C);
        18 -> fun() -> ok end;
        19 -> fun erlang:abs/1;
        20 -> port();
        21 -> [];
        22 -> {};
        23 -> #{};
        24 -> pick([true, false, none, undefined, ok, error, nil, '', 'ROCKSDB-TRANSFER'])
    end.

atom(_C) ->
    pick([foo, bar, ok, error, true, false, none, undefined, ping, pong, '$gen_call',
          '', 'a b', 'ünï', '€', list_to_atom(lists:duplicate(255, $a)),
          open, close, put, get, destroy, give_away, owner_down]).

float_(_C) ->
    pick([0.0, -0.0, 1.5, -1.0e300, 1.0e308, 3.14159, 2.2250738585072014e-308,
          rand:uniform() * 1.0e10]).

bin(_C) ->
    B = crypto:strong_rand_bytes(uniform(40) - 1),
    no_slash(B).

bad_utf8() ->
    pick([<<16#ff>>, <<16#c0, 16#80>>, <<16#ed, 16#a0, 16#80>>, <<"ok", 16#fe, 16#ff>>,
          <<16#e2, 16#82>>, <<16#f4, 16#90, 16#80, 16#80>>]).

string(_C) ->
    pick(["", "abc", "ünï", [16#10FFFF], [16#D800], [0], [16#110000], [-1],
          lists:seq(1, 300), [$a | b], "db", [1 bsl 40]]).

port() ->
    case erlang:ports() of
        [P | _] -> P;
        [] -> self()
    end.

%% @doc A list or tuple term nested `Depth' levels deep: `Kind' 1 lists, 2 tuples, 3 maps.
-spec deep(pos_integer(), 1..3) -> term().
deep(Depth, Kind) ->
    deep(Depth, Kind, leaf_atom).

deep(0, _Kind, Acc) -> Acc;
deep(N, 1, Acc) -> deep(N - 1, 1, [Acc]);
deep(N, 2, Acc) -> deep(N - 1, 2, {Acc});
deep(N, 3, Acc) -> deep(N - 1, 3, #{k => Acc}).

%% @doc A binary of 2 to 6 MB: random bytes, or a valid path prefix followed by padding.
-spec large_binary(ctx()) -> binary().
large_binary(#{root := Root}) ->
    Size = (2 + uniform(4)) * 1024 * 1024,
    case uniform(3) of
        1 -> no_slash(crypto:strong_rand_bytes(Size));
        2 -> <<Root/binary, "/", (binary:copy(<<"a">>, Size))/binary>>;
        3 -> binary:copy(<<16#ff>>, Size)
    end.

%% @doc A reference of node `Node' built from its external format (NEWER_REFERENCE_EXT).
-spec forged_ref(node(), 1..3) -> reference().
forged_ref(Node, Words) ->
    NodeName = atom_to_binary(Node, utf8),
    Ids = << <<(rand:uniform(1 bsl 18)):32>> || _ <- lists:seq(1, Words) >>,
    binary_to_term(<<131, 90, Words:16, 119, (byte_size(NodeName)):8, NodeName/binary,
                     (rand:uniform(1 bsl 30)):32, Ids/binary>>).

%% @doc A pid of node `Node' built from its external format (NEW_PID_EXT).
-spec forged_pid(node(), non_neg_integer()) -> pid().
forged_pid(Node, Id) ->
    NodeName = atom_to_binary(Node, utf8),
    binary_to_term(<<131, 88, 119, (byte_size(NodeName)):8, NodeName/binary,
                     Id:32, 0:32, (rand:uniform(1 bsl 30)):32>>).

%%%===================================================================
%%% Safety
%%%===================================================================

%% @doc Rewrites an absolute path that is neither under `Priv' nor under
%% "/nonexistent_rocksdb_fuzz" into one under the latter.
-spec safe(term(), binary()) -> term().
safe(B, Priv) when is_binary(B) ->
    case is_safe(B, Priv) of
        true -> B;
        false -> <<"/nonexistent_rocksdb_fuzz/", (no_slash(B))/binary>>
    end;
safe([C | _] = L, Priv) when is_integer(C) ->
    case io_lib:char_list(L) of
        true ->
            case unicode:characters_to_binary(L) of
                B when is_binary(B) ->
                    case is_safe(B, Priv) of
                        true -> L;
                        false -> "/nonexistent_rocksdb_fuzz/x"
                    end;
                _ ->
                    L
            end;
        false ->
            L
    end;
safe(T, _Priv) ->
    T.

is_safe(<<"/nonexistent_rocksdb_fuzz", _/binary>>, _Priv) -> true;
is_safe(<<"/", _/binary>> = B, Priv) ->
    Size = byte_size(Priv),
    case B of
        <<Priv:Size/binary, "/", _/binary>> -> true;
        <<Priv:Size/binary>> -> true;
        _ -> false
    end;
is_safe(_, _Priv) ->
    true.

%% Every top-level argument of a request goes through safe/2 (paths are only ever top-level
%% arguments).
safe_request(T, #{priv := Priv}) when is_tuple(T), tuple_size(T) > 0 ->
    list_to_tuple([element(1, T) | [safe(A, Priv) || A <- tl(tuple_to_list(T))]]);
safe_request(T, _Ctx) ->
    T.

no_slash(<<"/", Rest/binary>>) -> <<"x", Rest/binary>>;
no_slash(B) -> B.

%%%===================================================================
%%% rand helpers
%%%===================================================================

uniform(N) -> rand:uniform(N).

pick(List) -> lists:nth(rand:uniform(length(List)), List).

oneof(Funs) -> (pick(Funs))().
