%% @doc The benchmark suite of issue 9, driven by bench/suite.sh (which documents the command
%% and its parameters). Every figure is measured next to its floor in the same run, rounds
%% interleaved (floor, then the node's paths, round after round); each row reports the median
%% of the per-round figures and their spread (min and max). Rows are printed as a table and
%% written as CSV; a figure that cannot be measured (a request the node does not serve yet, a
%% bench file not there) is a row "not available" with no number.
%%
%% The floor of the small calls is a gen_server on a second Erlang node (started here with
%% `peer' on 127.0.0.1) doing the same work in ETS, called with the same request terms.
-module(suite_bench).
-behaviour(gen_server).

-export([run/1]).
-export([init/1, handle_call/3, handle_cast/2]).
-dialyzer({nowarn_function, run/1}).

-define(VALUE_BYTES, 100).
-define(KEYS, 1000).
-define(FLOOR, suite_floor).

%%%===================================================================
%%% Entry
%%%===================================================================

-spec run([string()]) -> no_return().
run(Args) ->
    try
        run_(parse(Args)),
        halt(0)
    catch
        C:R:S ->
            io:format("suite failed: ~p~n", [{C, R, S}]),
            %% What the node said last, since the work directory goes with the run.
            [io:format("~ts:~n~ts~n", [Log, os:cmd("tail -n 40 " ++ Log)])
             || Log <- filelib:wildcard(filename:join(maps:get(work, parse(Args)), "*.log"))],
            halt(1)
    end.

parse(Args) ->
    maps:from_list([begin
                        [K, V] = string:split(A, "="),
                        {list_to_atom(K), V}
                    end || A <- Args]).

int(K, Cfg) -> list_to_integer(maps:get(K, Cfg)).
num(K, Cfg) ->
    S = maps:get(K, Cfg),
    try list_to_float(S) catch error:badarg -> float(list_to_integer(S)) end.

run_(Cfg) ->
    Work = maps:get(work, Cfg),
    Parts = [list_to_integer(P) || P <- string:tokens(maps:get(parts, Cfg), ",")],
    put(rows, []),
    %% SUITE_JVM_ARGS: extra JVM arguments of the node measured (a JFR recording, say).
    %% SUITE_NODE_ARGS: extra arguments of the node (`--long-threads 4', say).
    JvmArgs = string:lexemes(os:getenv("SUITE_JVM_ARGS", ""), " "),
    NodeArgs = string:lexemes(os:getenv("SUITE_NODE_ARGS", ""), " "),
    {ok, Info} = rocksdb_jnode_node:start(#{log => filename:join(Work, "node.log"),
                                            jvm_args => JvmArgs, extra_args => NodeArgs}),
    Node = maps:get(node, Info),
    application:set_env(rocksdb_jnode, node, Node),
    try
        {ok, Db} = rocksdb:open(filename:join(Work, "calls_db"), [{create_if_missing, true}]),
        Values = [{key(I), crypto:strong_rand_bytes(?VALUE_BYTES)} || I <- lists:seq(1, ?KEYS)],
        [ok = rocksdb:put(Db, K, V, []) || {K, V} <- Values],
        Paths = case lists:member(1, Parts) orelse lists:member(2, Parts) of
                    true -> paths(Work, Info, Db, Values);
                    false -> []
                end,
        lists:member(1, Parts) andalso part1(Cfg, Paths),
        lists:member(2, Parts) andalso part2(Cfg, Paths),
        lists:member(3, Parts) andalso part3(Cfg, Info),
        lists:member(4, Parts) andalso part4(Cfg),
        lists:member(6, Parts) andalso part6(Cfg, Db),
        ok = rocksdb:close(Db)
    after
        %% SUITE_JFR_DUMP=File: dump the node's flight recording (started by SUITE_JVM_ARGS)
        %% before it stops; its shutdown halts the JVM, so a dump on exit never happens.
        case os:getenv("SUITE_JFR_DUMP") of
            false -> ok;
            Jfr -> io:format("~ts", [os:cmd(io_lib:format("jcmd ~b JFR.dump filename=~ts",
                                                           [maps:get(os_pid, Info), Jfr]))])
        end,
        rocksdb_jnode_node:stop(Info)
    end,
    lists:member(5, Parts) andalso part5(Cfg),
    Rows = lists:sort(fun(#{part := A}, #{part := B}) -> A =< B end, lists:reverse(get(rows))),
    Goals = goals(Rows),
    print(Rows),
    print_goals(Goals),
    write_csv(maps:get(csv, Cfg), Cfg, Rows ++ Goals).

key(I) -> iolist_to_binary(io_lib:format("k~10..0b", [I])).

%%%===================================================================
%%% The three paths of a small call, and the floor node
%%%===================================================================

%% [{Name, GetFun(Key), PutFun(Key, Value)}], the floor first.
paths(Work, #{node := Node, mailbox := Mailbox}, Db, Values) ->
    FloorNode = start_floor(Work, Db, Values),
    Floor = {?FLOOR, FloorNode},
    Jnode = {Mailbox, Node},
    [{floor,
      fun(K) -> {ok, _} = gen_server:call(Floor, {get, Db, K, []}) end,
      fun(K, V) -> ok = gen_server:call(Floor, {put, Db, K, V, []}) end},
     {client,
      fun(K) -> {ok, _} = rocksdb:get(Db, K, []) end,
      fun(K, V) -> ok = rocksdb:put(Db, K, V, []) end},
     {bare,
      fun(K) -> {ok, _} = gen_server:call(Jnode, {get, Db, K, []}) end,
      fun(K, V) -> ok = gen_server:call(Jnode, {put, Db, K, V, []}) end}].

start_floor(Work, _Db, Values) ->
    Name = list_to_atom("suite_floor_" ++ os:getpid()),
    {ok, _Peer, FloorNode} =
        peer:start(#{name => Name, host => "127.0.0.1", longnames => true,
                     args => ["-setcookie", atom_to_list(erlang:get_cookie()),
                              "-pa", filename:dirname(code:which(?MODULE))]}),
    _ = Work,
    {ok, _} = erpc:call(FloorNode, gen_server, start, [{local, ?FLOOR}, ?MODULE, Values, []]),
    FloorNode.

%% The floor: a gen_server keeping the values in ETS.
-spec init([{binary(), binary()}]) -> {ok, ets:tid()}.
init(Values) ->
    T = ets:new(?FLOOR, [set]),
    true = ets:insert(T, Values),
    {ok, T}.

-spec handle_call(term(), gen_server:from(), ets:tid()) -> {reply, term(), ets:tid()}.
handle_call({get, _Db, K, _Opts}, _From, T) ->
    case ets:lookup(T, K) of
        [{_, V}] -> {reply, {ok, V}, T};
        [] -> {reply, not_found, T}
    end;
handle_call({put, _Db, K, V, _Opts}, _From, T) ->
    true = ets:insert(T, {K, V}),
    {reply, ok, T}.

-spec handle_cast(term(), ets:tid()) -> {noreply, ets:tid()}.
handle_cast(_, T) -> {noreply, T}.

rand_key() -> key(rand:uniform(?KEYS)).

%%%===================================================================
%%% 1. Round trip, one caller
%%%===================================================================

part1(Cfg, Paths) ->
    Rounds = int(rounds, Cfg),
    Calls = int(calls, Cfg),
    V = crypto:strong_rand_bytes(?VALUE_BYTES),
    PerRound =
        [[begin
              G = timed_us([fun() -> Get(rand_key()) end || _ <- lists:seq(1, Calls)]),
              P = timed_us([fun() -> Put(rand_key(), V) end || _ <- lists:seq(1, Calls)]),
              {Name, #{get_median => pct(G, 0.5), get_p99 => pct(G, 0.99),
                       put_median => pct(P, 0.5), put_p99 => pct(P, 0.99)}}
          end || {Name, Get, Put} <- Paths]
         || _ <- lists:seq(1, Rounds)],
    [row(1, Fig, Path, Calls, "us", [maps:get(Fig, M) || R <- PerRound, {P, M} <- R, P =:= Path])
     || Fig <- [get_median, get_p99, put_median, put_p99], {Path, _, _} <- Paths],
    ok.

timed_us(Funs) ->
    [begin
         T0 = erlang:monotonic_time(nanosecond),
         F(),
         (erlang:monotonic_time(nanosecond) - T0) / 1000
     end || F <- Funs].

pct([], _) -> undefined;
pct(Xs, Q) ->
    S = lists:sort(Xs),
    lists:nth(max(1, min(length(S), round(Q * length(S)))), S).

%%%===================================================================
%%% 2. Throughput with 1, 16 and 64 callers
%%%===================================================================

part2(Cfg, Paths) ->
    Rounds = int(rounds, Cfg),
    Secs = num(secs, Cfg),
    V = crypto:strong_rand_bytes(?VALUE_BYTES),
    Cases = [{Op, N} || Op <- [get, put], N <- [1, 16, 64]],
    PerRound =
        [[{Op, N, Name, throughput(N, Secs, case Op of
                                                get -> fun() -> Get(rand_key()) end;
                                                put -> fun() -> Put(rand_key(), V) end
                                            end)}
          || {Op, N} <- Cases, {Name, Get, Put} <- Paths]
         || _ <- lists:seq(1, Rounds)],
    [row(2, list_to_atom(atom_to_list(Op) ++ "_throughput"), Path, N, "calls/s",
         [X || R <- PerRound, {O, C, P, X} <- R, O =:= Op, C =:= N, P =:= Path])
     || {Op, N} <- Cases, {Path, _, _} <- Paths],
    ok.

%% Calls per second of N processes calling F in a loop for Secs seconds.
throughput(N, Secs, F) ->
    Self = self(),
    Go = make_ref(),
    Pids = [spawn_link(fun() ->
                               receive Go -> ok end,
                               End = erlang:monotonic_time(microsecond) + round(Secs * 1.0e6),
                               Self ! {done, self(), loop(F, End, 0)}
                       end) || _ <- lists:seq(1, N)],
    T0 = erlang:monotonic_time(microsecond),
    [P ! Go || P <- Pids],
    Total = lists:sum([receive {done, P, C} -> C end || P <- Pids]),
    Total / ((erlang:monotonic_time(microsecond) - T0) / 1.0e6).

loop(F, End, C) ->
    case erlang:monotonic_time(microsecond) < End of
        true -> F(), loop(F, End, C + 1);
        false -> C
    end.

%%%===================================================================
%%% 3. Batched writes (and the fold, from bench/fold.sh)
%%%===================================================================

part3(Cfg, #{node := Node, mailbox := Mailbox}) ->
    Work = maps:get(work, Cfg),
    Rounds = int(rounds, Cfg),
    Reps = int(batch_reps, Cfg),
    Size = 1000,
    {ok, Routes} = gen_server:call({Mailbox, Node}, routes),
    _ = code:ensure_loaded(rocksdb),
    Served = lists:keymember(write, 1, [{N, A} || {N, A, _} <- Routes, A =:= 3]),
    case Served andalso erlang:function_exported(rocksdb, write, 3) of
        false ->
            io:format("batched writes: not available (rocksdb:write/3 is not in this build)~n"),
            row_na(3, write_batch_1000, client, Size, "ms", "rocksdb:write/3 not in this build"),
            row_na(3, write_batch_1000, java, Size, "ms", "no client figure to compare");
        true ->
            {ok, Db} = rocksdb:open(filename:join(Work, "batch_node_db"), [{create_if_missing, true}]),
            JavaDb = filename:join(Work, "batch_java_db"),
            PerRound =
                [begin
                     Node1 = [begin
                                  Ops = [{put, key((R * Reps + I) * Size + J),
                                          crypto:strong_rand_bytes(?VALUE_BYTES)}
                                         || J <- lists:seq(1, Size)],
                                  T0 = erlang:monotonic_time(microsecond),
                                  ok = rocksdb:write(Db, Ops, []),
                                  (erlang:monotonic_time(microsecond) - T0) / 1000
                              end || I <- lists:seq(1, Reps)],
                     Java = direct(Cfg, ["batch", JavaDb, Reps, Size, ?VALUE_BYTES]),
                     {median(Node1), median(Java)}
                 end || R <- lists:seq(1, Rounds)],
            ok = rocksdb:close(Db),
            row(3, write_batch_1000, client, Size, "ms", [N || {N, _} <- PerRound]),
            row(3, write_batch_1000, java, Size, "ms", [J || {_, J} <- PerRound])
    end,
    fold(Cfg).

%% bench/fold.sh (the reads helper's fold vs in-JVM scan), when it exists: it is run as
%% `bash bench/fold.sh $FOLD_ARGS'; every line it prints that starts with "CSV," is taken as a
%% row (part,figure,path,param,unit,median,min,max,rounds,note without the leading "CSV,").
fold(Cfg) ->
    Repo = maps:get(repo, Cfg),
    Script = filename:join([Repo, "bench", "fold.sh"]),
    case filelib:is_regular(Script) of
        false ->
            io:format("fold: not available (bench/fold.sh is not in this tree)~n"),
            row_na(3, fold, client, "", "ms", "bench/fold.sh not in this tree"),
            row_na(3, fold, java, "", "ms", "bench/fold.sh not in this tree");
        true ->
            %% Built already: a rebuild would rewrite the jar under the node this suite runs.
            Out = os:cmd("cd " ++ Repo ++ " && FOLD_NO_BUILD=1 bash bench/fold.sh "
                         ++ maps:get(fold_args, Cfg, "") ++ " 2>&1"),
            io:format("~s", [Out]),
            case [csv_row(L) || "CSV," ++ L <- string:split(Out, "\n", all)] of
                [] -> row_na(3, fold, client, "", "ms", "bench/fold.sh printed no CSV line");
                Rows -> put(rows, lists:reverse(Rows) ++ get(rows))
            end
    end.

%% A row printed by another bench script as part,figure,path,param,unit,median,min,max,rounds,note.
csv_row(Line) ->
    [Part, Figure, Path, Param, Unit, Median, Min, Max, Rounds | Note] = string:split(Line, ",", all),
    Num = fun("") -> undefined;
             (X) -> try list_to_float(X) catch error:badarg -> list_to_integer(X) end
          end,
    maps:filter(fun(_, V) -> V =/= undefined end,
                #{part => list_to_integer(Part), figure => list_to_atom(Figure),
                  path => list_to_atom(Path), param => Param, unit => Unit, median => Num(Median),
                  min => Num(Min), max => Num(Max), rounds => Num(Rounds),
                  note => lists:flatten(lists:join(",", Note))}).

%%%===================================================================
%%% 4. Backups of a large DB
%%%===================================================================

part4(Cfg) ->
    Work = maps:get(work, Cfg),
    Rounds = int(rounds, Cfg),
    Mb = int(db_mb, Cfg),
    N = Mb * 1024,
    More = max(1, N div 20),
    Db = filename:join(Work, "big_db"),
    io:format("backup: filling a DB of ~b MiB (~b values of 1 KiB) ...~n", [Mb, N]),
    _ = direct(Cfg, ["fill", Db, N, 1024, 1, 0]),
    Dropped = drop_caches(),
    PerRound = [backup_round(Cfg, Db, R, N + (R - 1) * More, More, Dropped) || R <- lists:seq(1, Rounds)],
    Col = fun(K) -> [maps:get(K, M) || M <- PerRound] end,
    [row(4, F, P, Mb, "ms", Col({F, P}))
     || {F, P} <- [{backup_full, node}, {backup_full, node_parallel},
                   {backup_full, node_parallel_nosync}, {backup_full, java}, {backup_full, cp},
                   {backup_incremental_5pct, node}, {backup_incremental_5pct, java},
                   {backup_unchanged, node}, {backup_unchanged, java},
                   {verify, node}, {verify_checksum, node}, {verify_checksum, cat},
                   {restore, node}, {restore, java}]],
    Note = case Dropped of
               true -> "page cache dropped before each";
               false -> "page cache NOT dropped (no permission): files likely cached"
           end,
    put(rows, [case R of
                   #{part := 4, figure := F} = M when F =:= verify_checksum -> M#{note => Note};
                   _ -> R
               end || R <- get(rows)]),
    ok.

%% One round: full backups (node, rocksdbjni, cp -r + sync), 5 % more data, incremental and
%% unchanged backups, verify (node; with checksums against one read of the files), restores.
backup_round(Cfg, Db, R, Start, More, Dropped) ->
    Work = maps:get(work, Cfg),
    D = fun(What) -> filename:join(Work, What ++ "_" ++ integer_to_list(R)) end,
    {NodeDir, JavaDir, CpDir, NodeOut, JavaOut} =
        {D("backup_node"), D("backup_java"), D("copy"), D("restore_node"), D("restore_java")},
    {ok, E} = rocksdb:open_backup_engine(NodeDir),
    Backup = fun() ->
                     {ok, H} = rocksdb:open(Db, []),
                     Ms = ms(fun() -> ok = rocksdb:create_new_backup(E, H) end),
                     ok = rocksdb:close(H),
                     Ms
             end,
    Full = Backup(),
    FullJ = one(direct(Cfg, ["backup", Db, JavaDir])),
    %% The same full backup with parallel copies (engine option), into a directory of its own.
    ParDir = D("backup_parallel"),
    {ok, EP} = rocksdb:open_backup_engine(ParDir, [{max_background_operations, int(par_ops, Cfg)}]),
    FullP = begin
                {ok, HP} = rocksdb:open(Db, []),
                MsP = ms(fun() -> ok = rocksdb:create_new_backup(EP, HP) end),
                ok = rocksdb:close(HP),
                MsP
            end,
    ok = rocksdb:close_backup_engine(EP),
    "" = os:cmd("rm -rf " ++ ParDir),
    %% And without an fsync per file ({sync, false}), then one `sync' as cp -r is given: the same
    %% durability at the end, as a caller that syncs once after its backups would have it.
    NoSyncDir = D("backup_nosync"),
    {ok, EN} = rocksdb:open_backup_engine(NoSyncDir, [{max_background_operations, int(par_ops, Cfg)},
                                                      {sync, false}]),
    FullN = begin
                {ok, HN} = rocksdb:open(Db, []),
                MsN = ms(fun() -> ok = rocksdb:create_new_backup(EN, HN), "" = os:cmd("sync") end),
                ok = rocksdb:close(HN),
                MsN
            end,
    ok = rocksdb:verify_backup(EN, 1, [{verify_with_checksum, true}]),
    ok = rocksdb:close_backup_engine(EN),
    "" = os:cmd("rm -rf " ++ NoSyncDir),
    Cp = ms(fun() -> "" = os:cmd("cp -r " ++ Db ++ " " ++ CpDir ++ " && sync") end),
    _ = direct(Cfg, ["fill", Db, More, 1024, 100 + R, Start]),
    Incr = Backup(),
    IncrJ = one(direct(Cfg, ["backup", Db, JavaDir])),
    Same = Backup(),
    SameJ = one(direct(Cfg, ["backup", Db, JavaDir])),
    %% Restores before the verifies: those drop the page cache, and both restores must read
    %% backups equally cached (just written).
    Restore = ms(fun() -> ok = rocksdb:restore_db_from_latest_backup(E, NodeOut) end),
    RestoreJ = one(direct(Cfg, ["restore", JavaDir, JavaOut])),
    {ok, Infos} = rocksdb:get_backup_info(E),
    Id = lists:max([maps:get(id, I) || I <- Infos]),
    Verify = ms(fun() -> ok = rocksdb:verify_backup(E, Id) end),
    Dropped andalso drop_caches(),
    VerifyC = ms(fun() -> ok = rocksdb:verify_backup(E, Id, [{verify_with_checksum, true}]) end),
    Dropped andalso drop_caches(),
    Cat = ms(fun() -> "" = os:cmd("find " ++ NodeDir ++ " -type f -exec cat {} + > /dev/null") end),
    ok = rocksdb:close_backup_engine(E),
    "" = os:cmd("rm -rf " ++ lists:join(" ", [NodeDir, JavaDir, CpDir, NodeOut, JavaOut])),
    #{{backup_full, node} => Full, {backup_full, node_parallel} => FullP,
      {backup_full, node_parallel_nosync} => FullN, {backup_full, java} => FullJ, {backup_full, cp} => Cp,
      {backup_incremental_5pct, node} => Incr, {backup_incremental_5pct, java} => IncrJ,
      {backup_unchanged, node} => Same, {backup_unchanged, java} => SameJ,
      {verify, node} => Verify, {verify_checksum, node} => VerifyC, {verify_checksum, cat} => Cat,
      {restore, node} => Restore, {restore, java} => RestoreJ}.

drop_caches() ->
    "" =:= os:cmd("sync && (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || echo no").

ms(F) ->
    T0 = erlang:monotonic_time(microsecond),
    F(),
    (erlang:monotonic_time(microsecond) - T0) / 1000.

one([X]) -> X.

%% Runs SuiteDirect (bench/SuiteDirect.java) and returns the milliseconds it printed.
direct(Cfg, Args) ->
    Cmd = lists:flatten(["java -cp ", maps:get(java_cp, Cfg), " SuiteDirect",
                         [[" ", if is_integer(A) -> integer_to_list(A); true -> A end] || A <- Args],
                         " 2>&1"]),
    Out = os:cmd(Cmd),
    case [list_to_float(M) || "ms " ++ M <- string:split(Out, "\n", all)] of
        [] -> error({direct_failed, Cmd, Out});
        Ms -> Ms
    end.

%%%===================================================================
%%% 5. Startup and resident memory
%%%===================================================================

part5(Cfg) ->
    Work = maps:get(work, Cfg),
    Rounds = int(rounds, Cfg),
    Few = int(open_few, Cfg),
    Many = int(open_many, Cfg),
    Starts = [begin
                  T0 = erlang:monotonic_time(microsecond),
                  {ok, Info} = rocksdb_jnode_node:start(#{log => filename:join(Work, "start.log")}),
                  pong = rocksdb_jnode:ping(maps:get(node, Info)),
                  Bare = (erlang:monotonic_time(microsecond) - T0) / 1000,
                  ok = rocksdb_jnode_node:stop(Info),
                  %% The parts before started the application with an external node (the
                  %% client does on its first open): here it must own its JVM.
                  _ = application:stop(rocksdb_jnode),
                  ok = application:unset_env(rocksdb_jnode, node),
                  T1 = erlang:monotonic_time(microsecond),
                  {ok, _} = application:ensure_all_started(rocksdb_jnode),
                  pong = rocksdb_jnode:ping(),
                  App = (erlang:monotonic_time(microsecond) - T1) / 1000,
                  ok = application:stop(rocksdb_jnode),
                  {Bare, App}
              end || _ <- lists:seq(1, Rounds)],
    row(5, start_to_first_call, bare_node, "", "ms", [B || {B, _} <- Starts]),
    row(5, start_to_first_call, ensure_all_started, "", "ms", [A || {_, A} <- Starts]),
    {ok, Info} = rocksdb_jnode_node:start(#{log => filename:join(Work, "rss.log")}),
    Node = maps:get(node, Info),
    application:set_env(rocksdb_jnode, node, Node),
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    try
        timer:sleep(500),
        Idle = rss_mb(maps:get(os_pid, Info)),
        {OpenFew, DbsFew} = open_dbs(Work, 1, Few),
        RssFew = rss_mb(maps:get(os_pid, Info)),
        {OpenMore, DbsMore} = open_dbs(Work, Few + 1, Many),
        RssMany = rss_mb(maps:get(os_pid, Info)),
        [ok = rocksdb:close(D) || D <- DbsFew ++ DbsMore],
        row(5, rss_idle, bare_node, 0, "MB", [Idle]),
        row(5, rss_few_dbs, bare_node, Few, "MB", [RssFew]),
        row(5, rss_many_dbs, bare_node, Many, "MB", [RssMany]),
        row(5, open_db_each, bare_node, Many, "ms", [(OpenFew + OpenMore) / max(1, Many)])
    after
        rocksdb_jnode_node:stop(Info)
    end.

open_dbs(Work, From, To) ->
    ok = filelib:ensure_dir(filename:join([Work, "many", "x"])),
    T0 = erlang:monotonic_time(microsecond),
    Dbs = [begin
               {ok, D} = rocksdb:open(filename:join([Work, "many", integer_to_list(I)]),
                                      [{create_if_missing, true}]),
               D
           end || I <- lists:seq(From, To)],
    {(erlang:monotonic_time(microsecond) - T0) / 1000, Dbs}.

rss_mb(OsPid) ->
    {ok, Bin} = file:read_file("/proc/" ++ integer_to_list(OsPid) ++ "/status"),
    [Kb] = [list_to_integer(string:trim(string:replace(L, "kB", ""))) ||
               "VmRSS:" ++ L <- string:split(binary_to_list(Bin), "\n", all)],
    Kb / 1024.

%%%===================================================================
%%% 6. Gets during 100 parallel backups
%%%===================================================================

part6(Cfg, Db) ->
    Work = maps:get(work, Cfg),
    Rounds = int(rounds, Cfg),
    Count = int(par_dbs, Cfg),
    Mb = int(par_db_mb, Cfg),
    Gets = int(calls, Cfg),
    Base = filename:join(Work, "par"),
    _ = direct(Cfg, ["fillmany", Base, Count, Mb * 1024, 1024]),
    Dbs = [begin
               {ok, D} = rocksdb:open(filename:join(Base, "db_" ++ integer_to_list(I)), []),
               D
           end || I <- lists:seq(1, Count)],
    GetUs = fun() -> [U || U <- timed_us([fun() -> {ok, _} = rocksdb:get(Db, rand_key(), []) end])] end,
    PerRound =
        [begin
             Idle = lists:append([GetUs() || _ <- lists:seq(1, Gets)]),
             Dirs = [filename:join(Work, "par_backup_" ++ integer_to_list(R) ++ "_" ++ integer_to_list(I))
                     || I <- lists:seq(1, Count)],
             Self = self(),
             T0 = erlang:monotonic_time(microsecond),
             Ps = [spawn_link(fun() ->
                                      {ok, E} = rocksdb:open_backup_engine(Dir),
                                      ok = rocksdb:create_new_backup(E, D),
                                      ok = rocksdb:close_backup_engine(E),
                                      Self ! {backed_up, self()}
                              end) || {D, Dir} <- lists:zip(Dbs, Dirs)],
             During = gets_until_done(GetUs, Ps, []),
             Wall = (erlang:monotonic_time(microsecond) - T0) / 1000,
             "" = os:cmd("rm -rf " ++ lists:join(" ", Dirs)),
             #{idle_median => pct(Idle, 0.5), idle_p99 => pct(Idle, 0.99),
               busy_median => pct(During, 0.5), busy_p99 => pct(During, 0.99),
               busy_gets => length(During), wall => Wall}
         end || R <- lists:seq(1, Rounds)],
    [ok = rocksdb:close(D) || D <- Dbs],
    Col = fun(K) -> [maps:get(K, M) || M <- PerRound] end,
    row(6, get_median, idle, Count, "us", Col(idle_median)),
    row(6, get_median, during_backups, Count, "us", Col(busy_median)),
    row(6, get_p99, idle, Count, "us", Col(idle_p99)),
    row(6, get_p99, during_backups, Count, "us", Col(busy_p99)),
    row(6, gets_during_backups, during_backups, Count, "calls", Col(busy_gets)),
    row(6, parallel_backups_wall, node, Count, "ms", Col(wall)),
    ok.

gets_until_done(_GetUs, [], Acc) ->
    Acc;
gets_until_done(GetUs, Ps, Acc) ->
    receive
        {backed_up, P} -> gets_until_done(GetUs, lists:delete(P, Ps), Acc)
    after 0 ->
            gets_until_done(GetUs, Ps, GetUs() ++ Acc)
    end.

%%%===================================================================
%%% Rows, goals, output
%%%===================================================================

row(Part, Figure, Path, Param, Unit, Values0) ->
    Values = [V || V <- Values0, is_number(V)],
    R = case Values of
            [] -> #{part => Part, figure => Figure, path => Path, param => Param, unit => Unit,
                    rounds => 0, note => "no value"};
            _ -> #{part => Part, figure => Figure, path => Path, param => Param, unit => Unit,
                   median => median(Values), min => lists:min(Values), max => lists:max(Values),
                   rounds => length(Values), note => ""}
        end,
    put(rows, [R | get(rows)]).

row_na(Part, Figure, Path, Param, Unit, Why) ->
    put(rows, [#{part => Part, figure => Figure, path => Path, param => Param, unit => Unit,
                 rounds => 0, note => "not available: " ++ Why} | get(rows)]).

median(Xs) -> pct(Xs, 0.5).

find(Rows, Part, Figure, Path, Param) ->
    case [M || #{part := P, figure := F, path := Pa, param := Pr, median := M} <- Rows,
               P =:= Part, F =:= Figure, Pa =:= Path, Param =:= any orelse Pr =:= Param] of
        [M | _] -> M;
        [] -> undefined
    end.

%% The goals of issue 9: {Name, Measured, Target, Met}; Measured is a ratio unless said.
goals(Rows) ->
    F = fun(Pa, Fi, Pth, Pr) -> find(Rows, Pa, Fi, Pth, Pr) end,
    Ratio = fun(A, B) when is_number(A), is_number(B), B > 0 -> A / B; (_, _) -> undefined end,
    Le = fun(X, T) -> is_number(X) andalso X =< T end,
    Ge = fun(X, T) -> is_number(X) andalso X >= T end,
    Max = fun(Xs) -> case [X || X <- Xs, is_number(X)] of
                         L when length(L) =:= length(Xs), L =/= [] -> lists:max(L);
                         _ -> undefined
                     end end,
    Tp = fun(Path, N) -> F(2, get_throughput, Path, N) end,
    Backup = Max([Ratio(F(4, B, node, any), F(4, B, java, any))
                  || B <- [backup_full, backup_incremental_5pct, restore]]),
    G = [{one_caller_get_median, Ratio(F(1, get_median, client, any), F(1, get_median, floor, any)), "<= 1.2x floor", fun(X) -> Le(X, 1.2) end},
         {one_caller_get_p99, Ratio(F(1, get_p99, client, any), F(1, get_p99, floor, any)), "<= 1.5x floor", fun(X) -> Le(X, 1.5) end},
         {one_caller_put_median, Ratio(F(1, put_median, client, any), F(1, put_median, floor, any)), "<= 1.2x floor", fun(X) -> Le(X, 1.2) end},
         {one_caller_put_p99, Ratio(F(1, put_p99, client, any), F(1, put_p99, floor, any)), "<= 1.5x floor", fun(X) -> Le(X, 1.5) end},
         {callers_16_get, Ratio(Tp(client, 16), Tp(floor, 16)), ">= 1.0x floor", fun(X) -> Ge(X, 1.0) end},
         {callers_16_put, Ratio(F(2, put_throughput, client, 16), F(2, put_throughput, floor, 16)), ">= 1.0x floor", fun(X) -> Ge(X, 1.0) end},
         {callers_64_vs_16_get, Ratio(Tp(client, 64), Tp(client, 16)), ">= 0.9x the 16-caller figure", fun(X) -> Ge(X, 0.9) end},
         {group_commit_16_puts, F(2, put_throughput, client, 16), ">= 100000 puts/s from 16 callers (moonshot)", fun(X) -> Ge(X, 100000) end},
         {write_batch_vs_java, Ratio(F(3, write_batch_1000, java, any), F(3, write_batch_1000, client, any)), ">= 0.8x Java (throughput)", fun(X) -> Ge(X, 0.8) end},
         {fold_vs_java_scan, Ratio(F(3, fold, java, any), F(3, fold, client, any)), ">= 0.5x Java scan (throughput)", fun(X) -> Ge(X, 0.5) end},
         {backup_restore_vs_rocksdbjni, Backup, "<= 1.05x (worst of full, incremental, restore)", fun(X) -> Le(X, 1.05) end},
         {unchanged_incremental_ms, F(4, backup_unchanged, node, any), "< 100 ms", fun(X) -> is_number(X) andalso X < 100 end},
         {verify_checksum_vs_read, Ratio(F(4, verify_checksum, node, any), F(4, verify_checksum, cat, any)), "<= 1.2x one read of the files", fun(X) -> Le(X, 1.2) end},
         {full_backup_vs_cp_sync, Ratio(F(4, backup_full, node_parallel, any), F(4, backup_full, cp, any)), "<= 1.5x cp -r + sync (par_ops parallel copies)", fun(X) -> Le(X, 1.5) end},
         {full_backup_nosync_vs_cp_sync, Ratio(F(4, backup_full, node_parallel_nosync, any), F(4, backup_full, cp, any)), "<= 1.5x cp -r + sync (par_ops copies, {sync,false}, one sync)", fun(X) -> Le(X, 1.5) end},
         {get_p99_during_backups, Ratio(F(6, get_p99, during_backups, any), F(6, get_p99, idle, any)), "<= 3x idle", fun(X) -> Le(X, 3.0) end},
         {node_start_ms, F(5, start_to_first_call, bare_node, any), "<= 1000 ms", fun(X) -> Le(X, 1000) end}],
    [case X of
         undefined -> #{part => goal, figure => Name, path => '', param => Target, unit => "",
                        rounds => 0, note => "not measured (a figure is not available)"};
         _ -> #{part => goal, figure => Name, path => '', param => Target, unit => "",
                median => X, min => X, max => X, rounds => 1,
                note => case Met(X) of true -> "met"; false -> "missed" end}
     end || {Name, X, Target, Met} <- G].

fmt(undefined) -> "";
fmt(X) when is_integer(X) -> integer_to_list(X);
fmt(X) when is_float(X), abs(X) >= 100 -> float_to_list(X, [{decimals, 0}]);
fmt(X) when is_float(X), abs(X) >= 10 -> float_to_list(X, [{decimals, 1}]);
fmt(X) when is_float(X) -> float_to_list(X, [{decimals, 3}]);
fmt(X) when is_atom(X) -> atom_to_list(X);
fmt(X) -> X.

fields(#{} = R) ->
    [fmt(maps:get(K, R, undefined)) || K <- [part, figure, path, param, unit, median, min, max, rounds, note]].

print(Rows) ->
    io:format("~n~-5s ~-30s ~-19s ~-7s ~-8s ~10s ~10s ~10s ~6s  ~s~n",
              ["part", "figure", "path", "param", "unit", "median", "min", "max", "rounds", "note"]),
    [io:format("~-5s ~-30s ~-19s ~-7s ~-8s ~10s ~10s ~10s ~6s  ~s~n", fields(R)) || R <- Rows],
    ok.

print_goals(Goals) ->
    io:format("~n~-30s ~-48s ~10s  ~s~n", ["goal (issue 9)", "target", "measured", "met"]),
    [io:format("~-30s ~-48s ~10s  ~s~n", [fmt(G), T, fmt(maps:get(median, R, undefined)), N])
     || #{figure := G, param := T, note := N} = R <- Goals],
    ok.

write_csv(File, Cfg, Rows) ->
    Header = [["# ", K, ": ", V, "\n"] || {K, V} <- machine(Cfg)],
    Lines = [[lists:join(",", [csv(F) || F <- fields(R)]), "\n"] || R <- Rows],
    ok = filelib:ensure_dir(File),
    ok = file:write_file(File, [Header, "part,figure,path,param,unit,median,min,max,rounds,note\n", Lines]),
    io:format("~nwrote ~s~n", [File]).

csv(S) ->
    case lists:any(fun(C) -> lists:member(C, ",\"\n") end, S) of
        true -> [$", string:replace(S, "\"", "\"\"", all), $"];
        false -> S
    end.

machine(Cfg) ->
    [{"date", calendar:system_time_to_rfc3339(erlang:system_time(second), [{offset, "Z"}])},
     {"host", net_adm:localhost()},
     {"command", maps:get(command, Cfg, "")},
     {"cores", integer_to_list(erlang:system_info(logical_processors))},
     {"cpu", string:trim(os:cmd("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"))},
     {"ram", string:trim(os:cmd("free -h | awk '/^Mem:/ {print $2}'"))},
     {"otp", erlang:system_info(otp_release) ++ " (erts " ++ erlang:system_info(version) ++ ")"},
     {"java", string:trim(os:cmd("java -version 2>&1 | head -n 1"))},
     {"rocksdbjni", maps:get(rocksdbjni, Cfg, "")},
     {"load_before", maps:get(load, Cfg, "")},
     {"load_after", string:trim(os:cmd("cut -d' ' -f1-3 /proc/loadavg"))},
     {"settings", lists:flatten(lists:join(" ", [atom_to_list(K) ++ "=" ++ V || {K, V} <- lists:sort(maps:to_list(Cfg)),
                                                                             lists:member(K, [rounds, calls, secs, batch_reps, db_mb, par_dbs, par_db_mb, par_ops, open_few, open_many, parts])]))}].
