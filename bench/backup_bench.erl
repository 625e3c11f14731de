%% @doc Times one create_new_backup of a DB of about 100 MB through the Java node, for
%% bench/backup.sh. The DB holds N values of S random bytes under keys "k%08d", flushed.
-module(backup_bench).
-export([run/1]).

-spec run([string()]) -> no_return().
run([Work, NStr, SStr, RoundsStr]) ->
    [N, S, Rounds] = [list_to_integer(X) || X <- [NStr, SStr, RoundsStr]],
    {ok, Info} = rocksdb_jnode_node:start(#{log => filename:join(Work, "node.log")}),
    application:set_env(rocksdb_jnode, node, maps:get(node, Info)),
    try
        {ok, Db} = rocksdb_jnode:open(filename:join(Work, "node_db"), [{create_if_missing, true}]),
        rand:seed(exsss, {42, 42, 42}),
        {PutUs, ok} = timer:tc(fun() -> put_all(Db, 0, N, S) end),
        ok = rocksdb_jnode:flush(Db, []),
        io:format("node: ~b puts of ~b bytes in ~.1f s~n", [N, S, PutUs / 1.0e6]),
        lists:foreach(
          fun(R) ->
                  {ok, E} = rocksdb_jnode:open_backup_engine(
                              filename:join(Work, "node_backup_" ++ integer_to_list(R))),
                  {Us, ok} = timer:tc(fun() -> rocksdb_jnode:create_new_backup(E, Db) end),
                  io:format("node round ~b: create_new_backup ~.1f ms~n", [R, Us / 1000]),
                  ok = rocksdb_jnode:close_backup_engine(E)
          end, lists:seq(1, Rounds)),
        Idle = get_latencies(Db, N, 2000),
        report("get, idle node", Idle),
        {ok, Slow} = rocksdb_jnode:open_backup_engine(filename:join(Work, "node_backup_slow"),
                                                      [{backup_rate_limit, 32 * 1024 * 1024}]),
        Self = self(),
        Backup = spawn_link(fun() ->
                                    {Us, R} = timer:tc(fun() -> rocksdb_jnode:create_new_backup(Slow, Db) end),
                                    Self ! {backup_done, Us, R}
                            end),
        timer:sleep(200),
        During = get_latencies(Db, N, 2000),
        {InfoUs, {ok, _}} = timer:tc(fun() -> rocksdb_jnode:get_backup_info(Slow) end),
        receive {backup_done, BUs, ok} -> ok end,
        unlink(Backup),
        io:format("rate-limited backup (32 MB/s) took ~.1f s~n", [BUs / 1.0e6]),
        report("get, during that backup", During),
        io:format("get_backup_info on the busy engine during the backup: ~.2f ms~n", [InfoUs / 1000]),
        ok = rocksdb_jnode:close_backup_engine(Slow),
        ok = rocksdb_jnode:close(Db)
    after
        rocksdb_jnode_node:stop(Info)
    end,
    halt(0).

get_latencies(Db, N, Count) ->
    [begin
         K = list_to_binary(io_lib:format("k~8..0b", [rand:uniform(N) - 1])),
         {Us, {ok, _}} = timer:tc(fun() -> rocksdb_jnode:get(Db, K, []) end),
         Us
     end || _ <- lists:seq(1, Count)].

report(What, Us) ->
    S = lists:sort(Us),
    L = length(S),
    P = fun(Q) -> lists:nth(max(1, round(Q * L)), S) / 1000 end,
    io:format("~s: ~b calls, p50 ~.2f ms, p99 ~.2f ms, max ~.2f ms~n",
              [What, L, P(0.5), P(0.99), lists:last(S) / 1000]).

put_all(_Db, N, N, _S) -> ok;
put_all(Db, I, N, S) ->
    ok = rocksdb_jnode:put(Db, list_to_binary(io_lib:format("k~8..0b", [I])),
                           rand:bytes(S), []),
    put_all(Db, I + 1, N, S).
