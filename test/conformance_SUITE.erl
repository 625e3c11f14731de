%% @doc The wire speaks the rocksdb:* API (issue 10): every function the drop-in `rocksdb'
%% module exports, at every arity, is a request `{Function, Arg1, ..., ArgN}' that a bare
%% `gen_server:call' can send, and its reply is the function's return value.
%%
%% Generated from the facade's exports: a function added to the facade without its route on
%% the node, or without a case here, fails this suite.
-module(conformance_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1]).
-export([every_export_is_routed/1, client_long_calls_match_the_node/1,
         client_docs_name_the_long_calls/1,
         bare_tuple_equals_facade_call/1, bad_arguments_agree/1, unknown_arity_lists_accepted/1,
         protocol_doc_names_every_request/1, fuzz_table_is_the_nodes/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

all() ->
    [every_export_is_routed, client_long_calls_match_the_node, client_docs_name_the_long_calls,
     bare_tuple_equals_facade_call, bad_arguments_agree, unknown_arity_lists_accepted,
     protocol_doc_names_every_request, fuzz_table_is_the_nodes].

suite() ->
    [{timetrap, {minutes, 3}}].

init_per_suite(Config) ->
    Info = jnode_ct:start_node(Config),
    [{jnode, Info} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

%% Exports that are not requests: ping/1's argument is the node to ask.
-define(NOT_REQUESTS, [{module_info, 0}, {module_info, 1}, {ping, 1}]).

%% The facade's exports that are requests, and the node's table.
exports() ->
    NotRequests = ?NOT_REQUESTS ++ rocksdb_jnode_call:client_only(),
    lists:sort([FA || FA <- rocksdb:module_info(exports), not lists:member(FA, NotRequests)]).

routes(Config) ->
    {ok, Routes} = jnode_ct:call(?config(jnode, Config), routes),
    Routes.

%% Every export is served at its arity (ping/0 is the atom `ping', answered by the mailbox).
every_export_is_routed(Config) ->
    Served = [{F, A} || {F, A, _Pool} <- routes(Config)],
    Missing = [FA || FA <- exports(), FA =/= {ping, 0}, not lists:member(FA, Served)],
    ?assertEqual([], Missing),
    ?assertEqual(pong, jnode_ct:call(?config(jnode, Config), ping)).

%% The client waits for a request by heartbeat exactly when the node runs it on its long pool:
%% its table agrees with the node's, and every facade call travels accordingly, seen by tracing
%% the transport function that sends its request (so a call that chose its own wait, as open,
%% close and open_backup_engine once did, fails here too).
client_long_calls_match_the_node(Config) ->
    Routes = routes(Config),
    Disagree = [{F, A, Pool} || {F, A, Pool} <- Routes, rocksdb_jnode_call:kind(F) =/= Pool],
    ?assertEqual([], Disagree),
    Pools = maps:from_list([{{F, A}, Pool} || {F, A, Pool} <- Routes]),
    Travelled = [{F, A, Pool, travelled(F, args(Config, F, A))}
                 || {F, A} <- exports(), Pool <- [maps:get({F, A}, Pools, quick)]],
    ct:log("~p", [Travelled]),
    ?assertEqual([], [T || {_, _, Pool, How} = T <- Travelled, How =/= expected_wait(Pool)]).

%% How a quick and a long request must travel, from the application's settings.
expected_wait(quick) ->
    {call, rocksdb_jnode_config:env(call_timeout)};
expected_wait(long) ->
    case rocksdb_jnode_config:env(long_call_timeout) of
        infinity -> {long_call, rocksdb_jnode_config:heartbeat()};
        Timeout -> {call, Timeout}
    end.

%% The transport function (call/3 or long_call/3) and its last argument (the timeout or the
%% heartbeat) that sent the request of the facade call F(Args).
travelled(F, Args) ->
    Self = self(),
    Tracer = spawn_link(fun() -> trace_collect([]) end),
    Patterns = [{rocksdb_jnode_call, T, 3} || T <- [call, long_call]],
    _ = [erlang:trace_pattern(MFA, true, [local]) || MFA <- Patterns],
    _ = erlang:trace(Self, true, [call, {tracer, Tracer}]),
    _ = facade(F, Args),
    _ = erlang:trace(Self, false, [call]),
    _ = [erlang:trace_pattern(MFA, false, [local]) || MFA <- Patterns],
    Ref = erlang:trace_delivered(Self),
    receive {trace_delivered, Self, Ref} -> ok end,
    Tracer ! {done, Self},
    Calls = receive {calls, Tracer, Cs} -> Cs end,
    %% The first: heartbeat pings come after it; the seed's names send the longer forms.
    case Calls of
        [{T, [_Dest, _Request, Wait]} | _] -> {T, Wait};
        [] -> not_sent
    end.

trace_collect(Calls) ->
    receive
        {trace, _Pid, call, {rocksdb_jnode_call, T, Args}} -> trace_collect([{T, Args} | Calls]);
        {done, From} -> From ! {calls, self(), lists:reverse(Calls)}
    end.

%% The doc of each rocksdb_jnode function says "a long call" exactly when the node runs it on
%% its long pool (a doc that is an @equiv says what the function it names says).
client_docs_name_the_long_calls(Config) ->
    Docs = function_docs(rocksdb_jnode),
    Disagree = [{F, A, Pool} || {F, A, Pool} <- routes(Config),
                                Doc <- [maps:get({F, A}, Docs, equiv)], Doc =/= equiv,
                                (string:find(string:lowercase(Doc), "a long call") =/= nomatch) =/= (Pool =:= long)],
    ?assertEqual([], Disagree).

%% #{{Function, Arity} => the text of the comment block above its -spec} from Module's source,
%% without the blocks that are an @equiv.
function_docs(Module) ->
    Source = proplists:get_value(source, Module:module_info(compile)),
    {ok, Text} = file:read_file(Source),
    Lines = string:split(unicode:characters_to_list(Text), "\n", all),
    function_docs(Lines, [], #{}).

function_docs(["-spec " ++ Spec | Rest], Comment, Docs) ->
    [Name, Args | _] = string:split(Spec, "(", all) ++ [""],
    Head = hd(string:split(Args, ")")),
    Arity = case string:trim(Head) of "" -> 0; H -> length(string:split(H, ",", all)) end,
    Doc = lists:flatten(lists:join(" ", [string:trim(C) || C <- lists:reverse(Comment)])),
    Docs1 = case string:find(Doc, "@equiv") of
                nomatch -> Docs#{{list_to_atom(Name), Arity} => Doc};
                _ -> Docs
            end,
    function_docs(Rest, [], Docs1);
function_docs(["%%" ++ Comment | Rest], Acc, Docs) ->
    function_docs(Rest, [Comment | Acc], Docs);
function_docs([_ | Rest], _Acc, Docs) ->
    function_docs(Rest, [], Docs);
function_docs([], _Acc, Docs) ->
    Docs.

%% For every export: the same arguments, sent as a bare tuple and through the facade, give the
%% same reply (references compared as such: each side gets its own handles).
bare_tuple_equals_facade_call(Config) ->
    Results = [{FA, compare(Config, FA)} || FA <- exports()],
    ct:log("~p", [Results]),
    ?assertEqual([], [R || {_, {differ, _, _}} = R <- Results]).

compare(Config, {F, A}) ->
    Facade = facade(F, args(Config, F, A)),
    Bare = bare(Config, F, args(Config, F, A)),
    case Facade =:= Bare of
        true -> {same, Facade};
        false -> {differ, Facade, Bare}
    end.

%% Arguments the client refuses (badarg) and the node refuses ({error, {badarg, _}}) alike, and
%% an error reply that is not about the arguments.
bad_arguments_agree(Config) ->
    {E, _} = engine(Config),
    Db = db(Config),
    Cases = [{get, [Db, not_a_binary, []]},
             {put, [Db, <<"k">>, 42, []]},
             {verify_backup, [E, -1]},
             {verify_backup, [E, 99]},
             {restore_db_from_backup, [E, 1, 42]},
             {open_backup_engine, [jnode_ct:dir(Config, "bk"), [{backup_rate_limit, 5}]]},
             {delete_backup, [Db, 1]},
             {create_new_backup, [E, Db, [{no_such_option, 1}]]}],
    Results = [{F, facade(F, A), bare(Config, F, A)} || {F, A} <- Cases],
    ct:log("~p", [Results]),
    ?assertEqual([], [R || {_, X, Y} = R <- Results, X =/= Y]),
    ?assertMatch({verify_backup, {error, {error, _}}, _}, lists:nth(4, Results)).

%% A known name at an arity it is not served at lists the accepted ones.
unknown_arity_lists_accepted(Config) ->
    Info = ?config(jnode, Config),
    ?assertEqual({error, {badarg, {arity, restore_db_from_backup, 1, [3, 4, 5]}}},
                 jnode_ct:call(Info, {restore_db_from_backup, x})),
    ?assertEqual({error, {badarg, {arity, create_new_backup, 1, [2, 3]}}},
                 jnode_ct:call(Info, {create_new_backup, x})),
    ?assertEqual({error, {unknown_request, no_such_function}},
                 jnode_ct:call(Info, {no_such_function, 1})).

%% docs/PROTOCOL.md shows every request the node serves, as a tuple `{Name, ...' (or, for
%% requests without arguments, the atom in backquotes).
protocol_doc_names_every_request(Config) ->
    {ok, Doc} = file:read_file(filename:join(repo_root(), "docs/PROTOCOL.md")),
    Names = lists:usort([F || {F, _, _} <- routes(Config)]),
    Missing = [F || F <- Names,
                    binary:match(Doc, <<"`{", (atom_to_binary(F))/binary, ",">>) =:= nomatch,
                    binary:match(Doc, <<"`", (atom_to_binary(F))/binary, "`">>) =:= nomatch],
    ?assertEqual([], Missing).

%% fuzz_gen's table of names and arities (what it calls right and wrong arities) is the node's.
fuzz_table_is_the_nodes(Config) ->
    Node = lists:foldl(fun({F, A, _}, M) -> maps:update_with(F, fun(As) -> As ++ [A] end, [A], M) end,
                       #{}, routes(Config)),
    ?assertEqual(Node, fuzz_gen:arities()).

%% The checkout this suite was built from: the first directory above its beam with docs/.
repo_root() ->
    repo_root(filename:dirname(code:which(?MODULE))).

repo_root("/") ->
    ct:fail(no_docs_protocol_above_the_suite);
repo_root(Dir) ->
    case filelib:is_regular(filename:join(Dir, "docs/PROTOCOL.md")) of
        true -> Dir;
        false -> repo_root(filename:dirname(Dir))
    end.

%%%===================================================================
%%% Calling both ways
%%%===================================================================

facade(F, Args) ->
    try apply(rocksdb, F, Args) of
        Reply -> normalise(Reply)
    catch
        error:badarg -> badarg
    end.

bare(Config, F, Args) ->
    Request = case Args of
                  [] -> F;
                  _ -> list_to_tuple([F | Args])
              end,
    case jnode_ct:call(?config(jnode, Config), Request) of
        {error, {badarg, _}} -> badarg;
        Reply -> normalise(Reply)
    end.

%% Handles and pids differ between the two calls: compare them by kind. So may a backup's
%% timestamp (each side backs up its own DB, perhaps in the next second).
normalise(R) when is_reference(R) -> reference;
normalise(P) when is_pid(P) -> pid;
normalise(T) when is_tuple(T) -> list_to_tuple(normalise(tuple_to_list(T)));
normalise(L) when is_list(L) -> [normalise(X) || X <- L];
normalise(#{timestamp := T} = M) when is_integer(T) -> normalise(M#{timestamp := timestamp});
normalise(M) when is_map(M) -> maps:map(fun(_, V) -> normalise(V) end, M);
normalise(X) -> X.

%%%===================================================================
%%% Arguments: fresh handles for each call that consumes one
%%%===================================================================

%% A DB open on the node (owned by this process) holding k => v.
db(Config) ->
    {ok, Db} = rocksdb:open(jnode_ct:dir(Config, "db"), [{create_if_missing, true}]),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    Db.

%% An engine holding backup 1 of a DB, and that DB.
engine(Config) ->
    Db = db(Config),
    {ok, E} = rocksdb:open_backup_engine(jnode_ct:dir(Config, "bk")),
    ok = rocksdb:create_new_backup(E, Db),
    {E, Db}.

%% The path of a closed DB.
closed_db(Config) ->
    Path = jnode_ct:dir(Config, "closed"),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    ok = rocksdb:close(Db),
    Path.

%% The arguments of one call of F/A; fails for an export without a case here.
args(Config, open, 2) -> [jnode_ct:dir(Config, "db"), [{create_if_missing, true}]];
args(Config, close, 1) -> [db(Config)];
args(Config, put, 4) -> [db(Config), <<"k2">>, <<"v2">>, [{sync, true}]];
args(Config, get, 3) -> [db(Config), <<"k">>, []];
args(Config, delete, 3) -> [db(Config), <<"k">>, []];
args(Config, destroy, 2) -> [closed_db(Config), []];
args(Config, count, 1) -> [db(Config)];
args(Config, flush, 2) -> [db(Config), []];
args(Config, checkpoint, 2) -> [db(Config), jnode_ct:dir(Config, "cp")];
args(Config, open_backup_engine, 1) -> [jnode_ct:dir(Config, "bk")];
args(Config, open_backup_engine, 2) -> [jnode_ct:dir(Config, "bk"), [{share_table_files, true}]];
args(Config, create_new_backup, 2) -> tuple_to_list(engine(Config));
args(Config, create_new_backup, 3) -> tuple_to_list(engine(Config)) ++ [[{flush_before_backup, true}]];
args(Config, get_backup_info, 1) -> [engine_only(Config)];
args(Config, verify_backup, 2) -> [engine_only(Config), 1];
args(Config, verify_backup, 3) -> [engine_only(Config), 1, [{verify_with_checksum, true}]];
args(Config, stop_backup, 1) -> [engine_only(Config)];
args(Config, delete_backup, 2) -> [engine_only(Config), 1];
args(Config, purge_old_backup, 2) -> [engine_only(Config), 1];
args(Config, gc_backup_engine, 1) -> [engine_only(Config)];
args(Config, close_backup_engine, 1) -> [engine_only(Config)];
args(Config, restore_db_from_backup, 3) -> [engine_only(Config), 1, target(Config)];
args(Config, restore_db_from_backup, 4) -> [engine_only(Config), 1, target(Config), target(Config)];
args(Config, restore_db_from_backup, 5) ->
    [engine_only(Config), 1, target(Config), target(Config), [{keep_log_files, false}]];
args(Config, restore_db_from_latest_backup, 2) -> [engine_only(Config), target(Config)];
args(Config, restore_db_from_latest_backup, 3) -> [engine_only(Config), target(Config), target(Config)];
args(Config, restore_db_from_latest_backup, 4) ->
    [engine_only(Config), target(Config), target(Config), []];
args(Config, restore_from_backup, 4) -> [engine_only(Config), 1, target(Config), target(Config)];
args(Config, restore_from_latest_backup, 3) -> [engine_only(Config), target(Config), target(Config)];
args(Config, give_away, 3) -> [db(Config), spawn(fun() -> receive _ -> ok end end), gift];
args(Config, set_heir, 3) -> [db(Config), self(), heir_data];
args(Config, snapshot, 1) -> [db(Config)];
args(Config, release_snapshot, 1) -> [snapshot(Config)];
args(Config, get_snapshot_sequence, 1) -> [snapshot(Config)];
args(Config, iterator, 2) -> [db(Config), [{iterate_upper_bound, <<"z">>}]];
args(Config, iterator, 3) -> tuple_to_list(db_cf(Config)) ++ [[]];
args(Config, iterators, 3) -> {Db, Cf} = db_cf(Config), [Db, [Cf], []];
args(Config, iterator_move, 2) -> [iterator(Config), first];
args(Config, iterator_refresh, 1) -> [iterator(Config)];
args(Config, iterator_close, 1) -> [iterator(Config)];
args(Config, is_empty, 1) -> [db(Config)];
args(Config, get_property, 2) -> [db(Config), <<"rocksdb.estimate-num-keys">>];
args(Config, get_property, 3) -> tuple_to_list(db_cf(Config)) ++ [<<"rocksdb.estimate-num-keys">>];
args(Config, stats, 1) -> [db(Config)];
args(Config, stats, 2) -> tuple_to_list(db_cf(Config));
args(Config, get_latest_sequence_number, 1) -> [db(Config)];
args(Config, get_approximate_sizes, 3) -> [db(Config), [{<<"a">>, <<"z">>}], include_both];
args(Config, get_approximate_sizes, 4) -> tuple_to_list(db_cf(Config)) ++ [[{<<"a">>, <<"z">>}], include_both];
args(Config, get_approximate_memtable_stats, 3) -> [db(Config), <<"a">>, <<"z">>];
args(Config, get_approximate_memtable_stats, 4) -> tuple_to_list(db_cf(Config)) ++ [<<"a">>, <<"z">>];
args(_Config, ping, 0) -> [];
args(Config, repair, 2) -> [closed_db(Config), []];
args(Config, compact_range, 4) -> [db(Config), undefined, <<"z">>, [{change_level, true}]];
args(Config, compact_range, 5) ->
    {Db, Cf} = txn_db(Config),
    [Db, Cf, <<"a">>, undefined, []];
args(Config, sync_wal, 1) -> [db(Config)];
args(Config, flush, 3) ->
    {Db, Cf} = txn_db(Config),
    [Db, [Cf], [{wait, true}]];
args(Config, open_optimistic_transaction_db, 2) ->
    [jnode_ct:dir(Config, "tdb"), [{create_if_missing, true}]];
args(Config, open_optimistic_transaction_db, 3) ->
    [jnode_ct:dir(Config, "tdb"), [{create_if_missing, true}], [{"default", []}]];
args(Config, transaction, 2) -> [element(1, txn_db(Config)), [{sync, false}]];
args(Config, transaction_put, 3) -> [txn(Config), <<"k2">>, <<"v2">>];
args(Config, transaction_put, 4) -> txn_cf(Config) ++ [<<"k2">>, <<"v2">>];
args(Config, transaction_get, 3) -> [txn(Config), <<"k">>, []];
args(Config, transaction_get, 4) -> txn_cf(Config) ++ [<<"k">>, []];
args(Config, transaction_delete, 2) -> [txn(Config), <<"k">>];
args(Config, transaction_delete, 3) -> txn_cf(Config) ++ [<<"k">>];
args(Config, transaction_iterator, 2) -> [txn(Config), []];
args(Config, transaction_iterator, 3) -> txn_cf(Config) ++ [[]];
args(Config, transaction_commit, 1) -> [txn(Config)];
args(Config, transaction_rollback, 1) -> [txn(Config)];
args(Config, release_transaction, 1) -> [txn(Config)];
args(Config, open, 3) -> [cf_path(Config), [], cf_descriptors()];
args(Config, open_with_cf, 3) -> [cf_path(Config), [], cf_descriptors()];
args(Config, open_readonly, 2) -> [closed_db(Config), []];
args(Config, open_readonly, 3) -> [cf_path(Config), [], cf_descriptors()];
args(Config, open_with_cf_readonly, 3) -> [cf_path(Config), [], cf_descriptors()];
args(Config, list_column_families, 2) -> [cf_path(Config), []];
args(Config, create_column_family, 3) -> [db(Config), "new", []];
args(Config, drop_column_family, 1) -> [element(2, db_cf(Config))];
args(Config, drop_column_family, 2) -> tuple_to_list(db_cf(Config));
args(Config, destroy_column_family, 1) -> [element(2, db_cf(Config))];
args(Config, destroy_column_family, 2) -> tuple_to_list(db_cf(Config));
args(Config, put, 5) -> tuple_to_list(db_cf(Config)) ++ [<<"k">>, <<"v">>, []];
args(Config, get, 4) -> tuple_to_list(db_cf(Config)) ++ [<<"k">>, []];
args(Config, delete, 4) -> tuple_to_list(db_cf(Config)) ++ [<<"k">>, []];
args(Config, count, 2) -> tuple_to_list(db_cf(Config));
args(Config, single_delete, 3) -> [db(Config), <<"k">>, []];
args(Config, single_delete, 4) -> tuple_to_list(db_cf(Config)) ++ [<<"k">>, []];
args(Config, delete_range, 4) -> [db(Config), <<"a">>, <<"z">>, []];
args(Config, delete_range, 5) -> tuple_to_list(db_cf(Config)) ++ [<<"a">>, <<"z">>, []];
args(Config, merge, 4) -> [db(Config), <<"k">>, <<"m">>, []];
args(Config, merge, 5) -> tuple_to_list(db_cf(Config)) ++ [<<"k">>, <<"m">>, []];
args(Config, write, 3) ->
    {Db, Cf} = db_cf(Config),
    [Db, [{put, <<"a">>, <<"1">>}, {put, Cf, <<"b">>, <<"2">>}, {delete, Cf, <<"k">>}], []];
args(_Config, F, A) -> ct:fail({no_conformance_case_for, F, A}).

%% An optimistic transaction DB holding k => v, and its default family.
txn_db(Config) ->
    {ok, Db, [Cf]} = rocksdb:open_optimistic_transaction_db(jnode_ct:dir(Config, "tdb"),
                                                            [{create_if_missing, true}]),
    ok = rocksdb:put(Db, <<"k">>, <<"v">>, []),
    {Db, Cf}.

%% A transaction of a fresh transaction DB.
txn(Config) ->
    hd(txn_cf(Config)).

%% A transaction and the default family of its DB.
txn_cf(Config) ->
    {Db, Cf} = txn_db(Config),
    {ok, T} = rocksdb:transaction(Db, []),
    [T, Cf].

%% A DB open on the node with a column family "cf" holding k => v, and that family.
db_cf(Config) ->
    Db = db(Config),
    {ok, Cf} = rocksdb:create_column_family(Db, "cf", []),
    ok = rocksdb:put(Db, Cf, <<"k">>, <<"v">>, []),
    {Db, Cf}.

%% The path of a closed DB with the families "default" and "cf".
cf_path(Config) ->
    Path = jnode_ct:dir(Config, "cf_db"),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    {ok, _} = rocksdb:create_column_family(Db, "cf", []),
    ok = rocksdb:close(Db),
    Path.

cf_descriptors() ->
    [{"default", []}, {"cf", []}].

engine_only(Config) ->
    {E, _Db} = engine(Config),
    E.

target(Config) ->
    jnode_ct:dir(Config, "restored").

snapshot(Config) ->
    {ok, S} = rocksdb:snapshot(db(Config)),
    S.

iterator(Config) ->
    {ok, It} = rocksdb:iterator(db(Config), []),
    It.

