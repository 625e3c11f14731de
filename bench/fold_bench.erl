%% @doc Keys per second of a full fold/4 through the Java node, next to the same full scan done
%% directly in Java (bench/FoldDirect.java) on the same DB, rounds interleaved; for bench/fold.sh.
%% Each round: open the DB on the node, fold over it, close it; then scan it in a separate JVM.
-module(fold_bench).
-export([run/1]).

-spec run([string()]) -> no_return().
run([Work, Jar, RoundsStr | NodeArgs]) ->
    Rounds = list_to_integer(RoundsStr),
    Db = filename:join(Work, "db"),
    {ok, Info} = rocksdb_jnode_node:start(#{log => filename:join(Work, "node.log"),
                                            extra_args => NodeArgs}),
    application:set_env(rocksdb_jnode, node, maps:get(node, Info)),
    io:format("node flags: ~p~n", [NodeArgs]),
    Results = try
                  [round(R, Db, Jar) || R <- lists:seq(1, Rounds)]
              after
                  rocksdb_jnode_node:stop(Info)
              end,
    io:format("~n| round | keys | fold/4 through the node | direct RocksIterator scan | node / direct |~n"
              "| --- | --- | --- | --- | --- |~n"),
    [io:format("| ~b | ~b | ~s | ~s | ~.2fx |~n", [R, Keys, rate(Keys, NodeNs), rate(Keys, JavaNs),
                                                  JavaNs / NodeNs])
     || {R, Keys, NodeNs, JavaNs} <- Results],
    %% Rows for bench/suite.sh (part 3): milliseconds per full scan, median, min, max, rounds.
    Keys0 = element(2, hd(Results)),
    [csv_line(Path, Keys0, [Ns / 1.0e6 || Ns <- Times])
     || {Path, Times} <- [{client, [N || {_, _, N, _} <- Results]},
                          {java, [J || {_, _, _, J} <- Results]}]],
    halt(0).

csv_line(Path, Keys, Ms) ->
    Sorted = lists:sort(Ms),
    Median = lists:nth((length(Sorted) + 1) div 2, Sorted),
    io:format("CSV,3,fold,~s,~b keys,ms,~.3f,~.3f,~.3f,~b,~n",
              [Path, Keys, Median, hd(Sorted), lists:last(Sorted), length(Sorted)]).

round(R, Db, Jar) ->
    {ok, H} = rocksdb_jnode:open(Db, []),
    {Us, Keys} = timer:tc(fun() -> rocksdb_jnode:fold(H, fun(_, N) -> N + 1 end, 0, []) end),
    ok = rocksdb_jnode:close(H),
    Out = os:cmd("java -cp " ++ Jar ++ " bench/FoldDirect.java scan " ++ Db),
    [JavaKeys, JavaNs] = case string:lexemes(lists:last(string:lexemes(Out, "\n")), " ") of
                             ["scan", K, Ns, _Bytes] -> [list_to_integer(K), list_to_integer(Ns)];
                             _ -> error({scan_failed, Out})
                         end,
    Keys =:= JavaKeys orelse error({key_counts_differ, Keys, JavaKeys}),
    io:format("round ~b: node ~s, direct ~s~n", [R, rate(Keys, Us * 1000), rate(Keys, JavaNs)]),
    {R, Keys, Us * 1000, JavaNs}.

rate(Keys, Ns) ->
    io_lib:format("~b keys/s (~.2f s)", [round(Keys / (Ns / 1.0e9)), Ns / 1.0e9]).
