%% @doc Hostile and malformed input straight to the Java node's mailbox.
%%
%% Every case starts its own node, confined with `--root' to a directory under the case's
%% private directory, so that generated paths cannot reach anything else (and the generator
%% itself only produces paths under that directory, see fuzz_gen). Beside the root lies a
%% directory `outside' holding files named like a RocksDB database; the fuzz aims paths at it,
%% and every case checks afterwards that it is untouched.
%%
%% The seed: `FUZZ_SEED=N' in the environment replays a run; otherwise it is taken from the
%% clock. It is logged (ct:log and the case comment) together with the number of cases.
-module(fuzz_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([fuzz_calls/1, fuzz_messages/1, deep_call_gets_reply/1,
         deep_message_keeps_node_serving/1, huge_thread_options_keep_node_up/1,
         forged_handles_are_badarg/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

-define(CALL_TIMEOUT, 10000).
-define(CALL_WORKERS, 4).
-define(CALLS_PER_WORKER, 2000).
-define(MESSAGES, 3000).
%% Cases (per worker) whose request carries a deep term or a multi-MB binary.
-define(DEEP_AT, [101, 901, 1701]).
-define(LARGE_AT, [301, 1101, 1901]).

suite() ->
    [{timetrap, {minutes, 4}}].

all() ->
    [fuzz_calls, fuzz_messages, deep_call_gets_reply, deep_message_keeps_node_serving,
     huge_thread_options_keep_node_up, forged_handles_are_badarg].

init_per_suite(Config) ->
    Seed = case os:getenv("FUZZ_SEED") of
               false -> erlang:system_time(microsecond) rem 1000000007;
               S -> list_to_integer(S)
           end,
    ct:pal("fuzz seed ~p (replay with FUZZ_SEED=~p)", [Seed, Seed]),
    [{seed, Seed} | Config].

end_per_suite(_Config) ->
    ok.

init_per_testcase(Case, Config) ->
    Base = filename:join(?config(priv_dir, Config), atom_to_list(Case)),
    Root = filename:join(Base, "root"),
    Outside = filename:join(Base, "outside"),
    ok = filelib:ensure_path(Root),
    ok = filelib:ensure_path(Outside),
    Sentinels = make_sentinels(Outside),
    Info = jnode_ct:start_node(Config, #{extra_args => ["--root", Root],
                                         log => filename:join(Base, "node.log")}),
    Ctx = #{priv => list_to_binary(Base), root => list_to_binary(Root),
            outside => list_to_binary(Outside), node => maps:get(node, Info),
            heavy => none, handles => fun() -> [] end},
    [{jnode, Info}, {ctx, Ctx}, {base, Base}, {sentinels, Sentinels},
     {base_listing, listing(Base)} | Config].

end_per_testcase(_Case, Config) ->
    ok = jnode_ct:stop_node(?config(jnode, Config)).

%%%===================================================================
%%% Cases
%%%===================================================================

%% Thousands of generated requests as gen_server calls: every one gets an allowed reply
%% within 10 s, and the node is unharmed afterwards.
fuzz_calls(Config) ->
    Seed = ?config(seed, Config),
    #{node := Node} = Info = ?config(jnode, Config),
    Ctx0 = ?config(ctx, Config),
    Handles = ets:new(fuzz_handles, [public, bag]),
    [ets:insert(Handles, {h, H}) || H <- open_real_handles(Node, Ctx0, "init")],
    Ctx = Ctx0#{handles => fun() -> [H || {h, H} <- ets:lookup(Handles, h)] end},
    Parent = self(),
    T0 = erlang:monotonic_time(millisecond),
    Workers = [spawn_link(fun() -> Parent ! {self(), call_worker(W, Seed, Ctx, Handles)} end)
               || W <- lists:seq(1, ?CALL_WORKERS)],
    Results = [receive {W, R} -> R end || W <- Workers],
    Elapsed = erlang:monotonic_time(millisecond) - T0,
    Cases = lists:sum([maps:get(cases, R) || R <- Results]),
    Classes = merge_counts([maps:get(classes, R) || R <- Results]),
    Failures = lists:append([maps:get(failures, R) || R <- Results]),
    MaxMs = lists:max([maps:get(max_ms, R) || R <- Results]),
    Stray = lists:sum([maps:get(stray, R) || R <- Results]),
    ct:log("seed ~p: ~p calls by ~p workers in ~p ms (slowest ~p ms), ~p stray messages~n"
           "replies by kind:~n~s", [Seed, Cases, ?CALL_WORKERS, Elapsed, MaxMs, Stray,
                                    format_counts(Classes)]),
    ct:log("failures (~p):~n~s", [length(Failures), format_failures(Failures)]),
    ct:comment("seed ~p, ~p calls, ~p failures", [Seed, Cases, length(Failures)]),
    ?assertEqual([], [{W, I, Req, Reply} || {W, I, Req, Reply} <- lists:sort(Failures)]),
    ?assertEqual(?CALL_WORKERS * ?CALLS_PER_WORKER, Cases),
    ?assert(Cases >= 5000),
    node_unharmed(Info, Config).

%% Thousands of messages that are not calls: nothing comes back, the node still serves, and
%% its log says it dropped them.
fuzz_messages(Config) ->
    Seed = ?config(seed, Config),
    #{node := Node, log := Log} = Info = ?config(jnode, Config),
    Ctx = ?config(ctx, Config),
    Parent = self(),
    Sender = spawn_link(
               fun() ->
                       rand:seed(exsss, {Seed, 0, 16#3e55a9e}),
                       Kinds = [begin
                                    Heavy = if I rem 1000 =:= 500 -> deep;
                                               I rem 1000 =:= 750 -> large;
                                               true -> none
                                            end,
                                    M = fuzz_gen:message(Ctx#{heavy => Heavy}),
                                    {rocksdb, Node} ! M,
                                    msg_kind(M)
                                end || I <- lists:seq(1, ?MESSAGES)],
                       %% The mailbox is served in order: once ping answers, every message
                       %% above has been handled.
                       Ping = (catch gen_server:call({rocksdb, Node}, ping, 30000)),
                       timer:sleep(1000),
                       {messages, Back} = process_info(self(), messages),
                       Parent ! {self(), Ping, Back, count_list(Kinds)}
               end),
    receive
        {Sender, Ping, Back, Kinds} ->
            ct:log("seed ~p: sent ~p messages: ~p~nping after them: ~p~ncame back: ~p",
                   [Seed, ?MESSAGES, Kinds, Ping, Back]),
            ct:comment("seed ~p, ~p messages", [Seed, ?MESSAGES]),
            ?assertEqual(pong, Ping),
            ?assertEqual([], Back)
    after 120000 ->
            ct:fail(sender_stuck)
    end,
    node_unharmed(Info, Config),
    Dropped = count_dropped(Log),
    ct:log("the log has ~p \"dropped\" lines for ~p messages", [Dropped, ?MESSAGES]),
    ?assert(Dropped >= ?MESSAGES),
    ok.

%% A call whose request is nested 10,000 (and 100,000) levels deep still gets a reply. The
%% calls run side by side, so that a node that never answers costs one timeout, not 18.
deep_call_gets_reply(Config) ->
    #{node := Node} = Info = ?config(jnode, Config),
    #{root := Root} = ?config(ctx, Config),
    {ok, Db} = gen_server:call({rocksdb, Node}, {open, <<Root/binary, "/deep_db">>,
                                                 [{create_if_missing, true}]}, ?CALL_TIMEOUT),
    Requests = [{Label, Depth, Req}
                || Depth <- [10000, 100000],
                   {Kind, KindName} <- [{1, list}, {2, tuple}, {3, map}],
                   {Label, Req} <- [{{put_key, KindName}, {put, Db, fuzz_gen:deep(Depth, Kind),
                                                           <<"v">>, []}},
                                    {{open_options, KindName},
                                     {open, <<Root/binary, "/x">>, [fuzz_gen:deep(Depth, Kind)]}},
                                    {{bare_request, KindName}, fuzz_gen:deep(Depth, Kind)}]],
    Replies = pmap(fun({Label, Depth, Req}) -> {Label, Depth, timed_call(Node, Req)} end,
                   Requests),
    ct:log("~p", [[{L, D, R} || {L, D, {R, _Ms}} <- Replies]]),
    Bad = [{L, D, R} || {L, D, {R, _}} <- Replies, not is_error_reply(R)],
    node_unharmed(Info, Config),
    ?assertEqual([], Bad).

%% Non-call messages nested deeply (maps, lists, tuples; 3,000 to 50,000 levels) are dropped
%% and logged, and the node keeps serving. First 1,200 calls carrying terms 500 to 2,000
%% levels deep warm up the node's decoder, as on a node that has been serving for a while:
%% the decoder then gets through deeper terms than its (cold) logging of them does.
deep_message_keeps_node_serving(Config) ->
    #{node := Node, log := Log, os_pid := OsPid} = Info = ?config(jnode, Config),
    Warm = [catch gen_server:call({rocksdb, Node}, {get_backup_info, fuzz_gen:deep(D, K)},
                                  ?CALL_TIMEOUT)
            || D <- [500, 1000, 1500, 2000], K <- [1, 2, 3], _ <- lists:seq(1, 100)],
    ct:log("warm-up replies: ~p", [count_list([class(R) || R <- Warm])]),
    Depths = lists:seq(3000, 10000, 500) ++ [20000, 50000],
    Sent = [begin
                {rocksdb, Node} ! fuzz_gen:deep(D, K),
                {K, D, catch gen_server:call({rocksdb, Node}, ping, 5000)}
            end || K <- [3, 1, 2], D <- Depths],
    ct:log("ping after each deep message {kind (1 list, 2 tuple, 3 map), depth, ping}: ~p",
           [Sent]),
    ?assert(jnode_ct:os_pid_alive(OsPid)),
    ?assertEqual([], [{K, D, summary(P)} || {K, D, P} <- Sent, P =/= pong]),
    node_unharmed(Info, Config),
    ?assert(count_dropped(Log) >= length(Sent)).

%% Thread-count options with absurd values never take the JVM down (RocksDB creates that many
%% threads, and a failed thread creation aborts the process): thread counts are at most 256
%% (docs/PROTOCOL.md), so each is refused as a bad argument naming the option.
huge_thread_options_keep_node_up(Config) ->
    #{node := Node, os_pid := OsPid} = Info = ?config(jnode, Config),
    #{root := Root} = ?config(ctx, Config),
    Requests = [{open, <<Root/binary, "/jobs">>,
                 [{create_if_missing, true}, {max_background_jobs, 100000}]},
                {open, <<Root/binary, "/jobs_max">>,
                 [{create_if_missing, true}, {max_background_jobs, 16#7fffffff}]},
                {open_backup_engine, <<Root/binary, "/ops">>,
                 [{max_background_operations, 100000}]},
                {open_backup_engine, <<Root/binary, "/ops_max">>,
                 [{max_background_operations, 16#7fffffff}]}],
    Replies = [begin
                   {R, _} = timed_call(Node, Req),
                   {Req, R, jnode_ct:os_pid_alive(OsPid)}
               end || Req <- Requests],
    ct:log("~p", [Replies]),
    ?assertEqual([], [{Req, R} || {Req, R, Alive} <- Replies, not Alive]),
    ?assertEqual([], [{Req, R} || {Req, R, _} <- Replies,
                                  R =/= {error, {badarg, {bad_argument, option_key(Req)}}}]),
    %% Nothing was created for the refused opens.
    ?assertEqual([], [P || {_, P, _} <- Requests, filelib:is_file(P)]),
    node_unharmed(Info, Config).

option_key({_, _, [{create_if_missing, true}, {Key, _}]}) -> Key;
option_key({_, _, [{Key, _}]}) -> Key.

%% References the node did not mint (other nodes', forged with the node's own name, local
%% ones), closed handles and handles of the wrong kind are badarg in every handle position.
forged_handles_are_badarg(Config) ->
    #{node := Node} = Info = ?config(jnode, Config),
    #{root := Root} = ?config(ctx, Config),
    {ok, Db} = call(Node, {open, <<Root/binary, "/db">>, [{create_if_missing, true}]}),
    {ok, Engine} = call(Node, {open_backup_engine, <<Root/binary, "/be">>, []}),
    {ok, Closed} = call(Node, {open, <<Root/binary, "/closed">>, [{create_if_missing, true}]}),
    ok = call(Node, {close, Closed}),
    Forged = [fuzz_gen:forged_ref('evil@127.0.0.1', 3), fuzz_gen:forged_ref(Node, 3),
              fuzz_gen:forged_ref(Node, 1), fuzz_gen:forged_ref(node(), 3), make_ref()],
    DbRequests = fun(H) -> [{close, H}, {put, H, <<"k">>, <<"v">>, []}, {get, H, <<"k">>, []},
                            {delete, H, <<"k">>, []}, {count, H}, {flush, H, []},
                            {checkpoint, H, <<Root/binary, "/cp">>},
                            {create_new_backup, Engine, H, []}] end,
    EngineRequests = fun(H) -> [{get_backup_info, H}, {verify_backup, H, 1, []},
                                {stop_backup, H}, {delete_backup, H, 1},
                                {purge_old_backup, H, 1}, {gc_backup_engine, H},
                                {close_backup_engine, H},
                                {restore_db_from_backup, H, 1, <<Root/binary, "/r">>,
                                 <<Root/binary, "/r">>, []},
                                {restore_db_from_latest_backup, H, <<Root/binary, "/r">>,
                                 <<Root/binary, "/r">>, []},
                                {create_new_backup, H, Db, []}] end,
    Checks = [{R, unknown_handle} || F <- Forged, R <- DbRequests(F) ++ EngineRequests(F)]
        ++ [{R, closed_handle} || R <- DbRequests(Closed)]
        ++ [{R, wrong_handle_kind} || R <- DbRequests(Engine) -- [{create_new_backup, Engine,
                                                                    Engine, []}]]
        ++ [{R, wrong_handle_kind} || R <- EngineRequests(Db)],
    Wrong = [{R, Expected, Got}
             || {R, Expected} <- Checks,
                Got <- [call(Node, R)],
                not matches_badarg(Got, Expected)],
    ct:log("~p handle checks; wrong: ~p", [length(Checks), Wrong]),
    ?assertEqual([], Wrong),
    ?assertEqual(ok, call(Node, {put, Db, <<"k">>, <<"v">>, []})),
    node_unharmed(Info, Config).

%%%===================================================================
%%% The call workers
%%%===================================================================

call_worker(W, Seed, Ctx, Handles) ->
    rand:seed(exsss, {Seed, W, 16#ca11}),
    #{node := Node} = Ctx,
    Loop = fun Loop(I, Acc) when I > ?CALLS_PER_WORKER ->
                   Acc;
               Loop(I, #{failures := Fs} = Acc) ->
                   I rem 200 =:= 0 andalso
                       [ets:insert(Handles, {h, H})
                        || H <- open_real_handles(Node, Ctx,
                                                  io_lib:format("w~p_~p", [W, I]))],
                   Heavy = case {lists:member(I, ?DEEP_AT), lists:member(I, ?LARGE_AT)} of
                               {true, _} -> deep;
                               {_, true} -> large;
                               _ -> none
                           end,
                   Req = fuzz_gen:request(Ctx#{heavy => Heavy}),
                   {Reply, Ms} = timed_call(Node, Req),
                   Stray = flush_stray(0),
                   Class = class(Reply),
                   Acc1 = Acc#{cases := I,
                               classes := bump(Class, maps:get(classes, Acc)),
                               max_ms := max(Ms, maps:get(max_ms, Acc)),
                               stray := maps:get(stray, Acc) + Stray},
                   case allowed(Reply) of
                       true ->
                           Loop(I + 1, Acc1);
                       false ->
                           F = {W, I, summary(Req), summary(Reply)},
                           ct:log("worker ~p case ~p (seed ~p): ~p~n  -> ~p",
                                  [W, I, Seed, summary(Req), summary(Reply)]),
                           case node_answers(Node) of
                               true -> Loop(I + 1, Acc1#{failures := [F | Fs]});
                               false -> Acc1#{failures := [{W, I, node_dead, none}, F | Fs]}
                           end
                   end
           end,
    Loop(1, #{cases => 0, classes => #{}, failures => [], max_ms => 0, stray => 0}).

%% Fresh real handles for the fuzz to use (and close, give away, ...); none when the node
%% does not answer (the next fuzz call then reports it).
open_real_handles(Node, #{root := Root}, Tag) ->
    Name = iolist_to_binary(Tag),
    {Db, _} = timed_call(Node, {open, <<Root/binary, "/real_db_", Name/binary>>,
                                [{create_if_missing, true}]}),
    {Be, _} = timed_call(Node, {open_backup_engine, <<Root/binary, "/real_be_", Name/binary>>,
                                []}),
    case {Db, Be} of
        {{ok, D}, {ok, E}} ->
            _ = timed_call(Node, {put, D, <<"k">>, <<"v">>, []}),
            _ = timed_call(Node, {create_new_backup, E, D, []});
        _ ->
            ok
    end,
    [H || {ok, H} <- [Db, Be]].

timed_call(Node, Req) ->
    T0 = erlang:monotonic_time(millisecond),
    Reply = try
                gen_server:call({rocksdb, Node}, Req, ?CALL_TIMEOUT)
            catch
                exit:{timeout, _} -> {'$no_reply', timeout};
                exit:{Reason, _} -> {'$no_reply', Reason}
            end,
    {Reply, erlang:monotonic_time(millisecond) - T0}.

call(Node, Req) ->
    gen_server:call({rocksdb, Node}, Req, 30000).

pmap(Fun, List) ->
    Parent = self(),
    Pids = [spawn_link(fun() -> Parent ! {self(), Fun(X)} end) || X <- List],
    [receive {P, R} -> R end || P <- Pids].

%% Late replies (after a timeout) and ROCKSDB-TRANSFER messages (give_away to self()).
flush_stray(N) ->
    receive _ -> flush_stray(N + 1) after 0 -> N end.

node_answers(Node) ->
    lists:any(fun(_) -> (catch gen_server:call({rocksdb, Node}, ping, 5000)) =:= pong end,
              [1, 2]).

%%%===================================================================
%%% Checks
%%%===================================================================

%% The reply shapes docs/PROTOCOL.md documents, and nothing else (an {error, {internal, _}} is a
%% bug the node caught; a reply of any other shape is a bug it did not).
allowed(ok) -> true;
allowed(pong) -> true;
allowed(not_found) -> true;
allowed(I) when is_integer(I), I >= 0 -> true;
allowed({ok, R}) when is_reference(R) -> true;                   % open, open_backup_engine
allowed({ok, Db, Cfs}) when is_reference(Db), is_list(Cfs) ->     % opens with column families
    lists:all(fun is_reference/1, Cfs);
allowed({ok, V}) when is_binary(V) -> true;                      % get
allowed({ok, L}) when is_list(L) -> lists:all(fun is_list_item/1, L); % info, owner_down, owners
allowed({ok, #{uptime_ms := U, handles := H, requests := R}}) ->     % stats
    is_integer(U) andalso is_map(H) andalso is_map(R);
allowed({error, Atom}) when Atom =:= incomplete; Atom =:= bad_request; Atom =:= out_of_memory;
                            Atom =:= shutting_down -> true;
allowed({error, {bad_request, Why}}) -> lists:member(Why, [too_deep, undecodable, too_large]);
allowed({error, {unknown_request, Name}}) -> is_atom(Name);
allowed({error, {badarg, Detail}}) -> is_badarg_detail(Detail);
allowed({error, {Kind, Text}}) when Kind =:= error; Kind =:= db_open;
                                    Kind =:= backup_engine_open; Kind =:= thread_limit;
                                    Kind =:= error_db_repair ->
    io_lib:printable_unicode_list(Text);
allowed({error, {Kind, _Path}}) when Kind =:= db_in_use; Kind =:= forbidden_path -> true;
allowed({error, {bad_option, _Opt}}) -> true;
%% Reads (docs/DATA_API.md).
allowed(B) when is_boolean(B) -> true;                            % is_empty
allowed(error) -> true;                                           % get_property: no such property
allowed(Sizes) when is_list(Sizes) -> lists:all(fun(S) -> is_integer(S) andalso S >= 0 end, Sizes);
allowed({ok, K, V}) when is_binary(K), is_binary(V) -> true;      % iterator_move
allowed({ok, Entries, More}) when is_list(Entries), (More =:= more orelse More =:= done) ->
    lists:all(fun({K, V}) -> is_binary(K) andalso is_binary(V); (K) -> is_binary(K) end, Entries);
allowed({ok, {C, S}}) when is_integer(C), is_integer(S) -> true;  % get_approximate_memtable_stats
allowed({error, Atom}) when Atom =:= invalid_iterator; Atom =:= einval -> true;
allowed(_) -> false.

is_list_item(#{id := Id, backup_id := Id, timestamp := T, size := S, number_files := N})
  when is_integer(Id), is_integer(T), is_integer(S), is_integer(N) -> true;
is_list_item({H, Heir}) when is_reference(H), is_pid(Heir) -> true;
is_list_item(P) when is_pid(P) -> true;
is_list_item(Name) when is_list(Name) -> io_lib:printable_unicode_list(Name); % column families
is_list_item(R) when is_reference(R) -> true;                       % iterators
is_list_item({Name, Arity, Pool}) when is_atom(Name), is_integer(Arity), (Pool =:= quick orelse Pool =:= long) -> true;
is_list_item(_) -> false.

is_badarg_detail({Kind, Ref}) when Kind =:= unknown_handle; Kind =:= closed_handle;
                                   Kind =:= not_owner; Kind =:= not_transaction_db;
                                   Kind =:= column_family_of_other_db;
                                   Kind =:= snapshot_of_other_db -> is_reference(Ref);
is_badarg_detail({wrong_handle_kind, Ref, Expected}) ->
    is_reference(Ref) andalso lists:member(Expected, [db, backup_engine, column_family,
                                                      iterator, snapshot, transaction]);
is_badarg_detail({Kind, Ref}) when Kind =:= snapshot_of_other_db;
                                   Kind =:= column_family_of_other_db -> is_reference(Ref);
is_badarg_detail({not_connected, Node}) -> is_atom(Node);
is_badarg_detail({Kind, Name}) when Kind =:= bad_argument; Kind =:= bad_path;
                                    Kind =:= relative_path -> is_atom(Name);
is_badarg_detail({arity, Name, Arity, Accepted}) ->
    is_atom(Name) andalso is_integer(Arity) andalso lists:all(fun is_integer/1, Accepted);
is_badarg_detail(_) -> false.

is_error_reply({error, _}) -> true;
is_error_reply(_) -> false.

matches_badarg({error, {badarg, Detail}}, Expected) when is_tuple(Detail) ->
    element(1, Detail) =:= Expected;
matches_badarg(_, _) ->
    false.

class(ok) -> ok;
class(pong) -> pong;
class(not_found) -> not_found;
class(I) when is_integer(I) -> integer;
class({ok, _}) -> ok_tuple;
class({error, {badarg, D}}) when is_tuple(D), tuple_size(D) > 0 -> {badarg, element(1, D)};
class({error, R}) when is_tuple(R), tuple_size(R) > 0, is_atom(element(1, R)) ->
    {error, element(1, R)};
class({error, R}) when is_atom(R) -> {error, R};
class({'$no_reply', R}) -> {no_reply, R};
class(_) -> other.

%% The node is up, answers ping, serves a put and a get, and nothing outside its root (in the
%% case's directory) changed.
node_unharmed(#{node := Node, os_pid := OsPid}, Config) ->
    ?assert(jnode_ct:os_pid_alive(OsPid)),
    ?assertEqual(pong, catch gen_server:call({rocksdb, Node}, ping, 10000)),
    #{root := Root} = ?config(ctx, Config),
    %% The fuzz's raw calls own handles that no watcher closes (their workers are gone): report
    %% those owners' exits, as the client's watcher would, so that what they left open (an
    %% engine on the root itself, say, which no DB may overlap) is closed before the check.
    {ok, Owners} = call(Node, {owners, node()}),
    [{ok, _} = call(Node, {owner_down, P}) || P <- Owners, not is_process_alive(P)],
    Path = <<Root/binary, "/after_", (integer_to_binary(erlang:unique_integer([positive])))/binary>>,
    Db = open_when_free(Node, Path, 30000),
    ok = call(Node, {put, Db, <<"after">>, <<"fuzz">>, []}),
    ?assertEqual({ok, <<"fuzz">>}, call(Node, {get, Db, <<"after">>, []})),
    ok = call(Node, {close, Db}),
    Base = ?config(base, Config),
    ?assertEqual(?config(sentinels, Config), read_sentinels(filename:join(Base, "outside"))),
    ?assertEqual(?config(base_listing, Config), listing(Base)),
    ?assertNot(filelib:is_file("/nonexistent_rocksdb_fuzz")).

%% Opens a DB at Path once no handle being closed (after owner_down, natively closed on the
%% node's long pool) still holds a directory around it; fails after Ms ms.
open_when_free(Node, Path, Ms) ->
    case call(Node, {open, Path, [{create_if_missing, true}]}) of
        {ok, Db} ->
            Db;
        {error, {db_open, _}} = Error when Ms =< 0 ->
            ct:fail({no_open_after_fuzz, Path, Error});
        {error, {db_open, _}} ->
            timer:sleep(20),
            open_when_free(Node, Path, Ms - 20)
    end.

%% Files named as RocksDB's in the directory beside the root.
make_sentinels(Dir) ->
    Names = ["CURRENT", "LOCK", "IDENTITY", "LOG", "MANIFEST-000001", "OPTIONS-000005",
             "000003.log", "000004.sst", "sentinel.txt"],
    [ok = file:write_file(filename:join(Dir, N), ["sentinel ", N]) || N <- Names],
    read_sentinels(Dir).

read_sentinels(Dir) ->
    {ok, Names} = file:list_dir(Dir),
    lists:sort([{N, element(2, file:read_file(filename:join(Dir, N)))} || N <- Names]).

%% The case directory's entries except the node's log (which grows).
listing(Dir) ->
    {ok, Names} = file:list_dir(Dir),
    lists:sort(Names).

count_dropped(Log) ->
    {ok, Bin} = file:read_file(Log),
    length(binary:matches(Bin, <<"NodeServer: dropped">>)).

msg_kind(M) when is_tuple(M), tuple_size(M) > 0, is_atom(element(1, M)) -> element(1, M);
msg_kind(M) when is_tuple(M) -> tuple;
msg_kind(M) when is_list(M) -> list;
msg_kind(M) when is_map(M) -> map;
msg_kind(M) when is_binary(M) -> binary;
msg_kind(_) -> other.

count_list(L) ->
    lists:foldl(fun bump/2, #{}, L).

bump(K, M) ->
    maps:update_with(K, fun(N) -> N + 1 end, 1, M).

merge_counts(Maps) ->
    lists:foldl(fun(M, Acc) ->
                        maps:fold(fun(K, V, A) -> maps:update_with(K, fun(N) -> N + V end, V, A)
                                  end, Acc, M)
                end, #{}, Maps).

format_counts(M) ->
    [io_lib:format("  ~p: ~p~n", [K, V]) || {K, V} <- lists:sort(maps:to_list(M))].

format_failures(Fs) ->
    [io_lib:format("  worker ~p case ~p: ~p~n    -> ~p~n", [W, I, Req, Reply])
     || {W, I, Req, Reply} <- lists:sublist(lists:sort(Fs), 50)].

%% A printable summary of a possibly huge term.
summary(T) ->
    lists:flatten(io_lib:format("~P", [T, 12])).
