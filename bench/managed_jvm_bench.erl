%% @doc See bench/managed_jvm.sh.
-module(managed_jvm_bench).
-export([run/1]).
-dialyzer({nowarn_function, run/1}).

-spec run([string()]) -> no_return().
run(Args) ->
    try run_(Args) catch C:R:S -> io:format("bench failed: ~p~n", [{C, R, S}]), halt(1) end.

run_([Work, Starts, Workers]) ->
    ok = application:unset_env(rocksdb_jnode, node),
    Times = [start_once() || _ <- lists:seq(1, list_to_integer(Starts))],
    io:format("ensure_all_started -> first served ping, ms: ~w; median ~w~n",
              [Times, lists:nth((length(Times) + 1) div 2, lists:sort(Times))]),
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    kill_under_load(Work, list_to_integer(Workers)),
    ok = application:stop(rocksdb_jnode),
    halt(0).

start_once() ->
    T0 = erlang:monotonic_time(microsecond),
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    pong = rocksdb_jnode:ping(),
    T = (erlang:monotonic_time(microsecond) - T0) div 1000,
    ok = application:stop(rocksdb_jnode),
    T.

%% Each worker opens its own DB and calls get/3 in a loop; a badarg (its handle died with the
%% JVM) makes it reopen. After 1 s the JVM is killed; the run ends 1 s after every worker was
%% served again.
kill_under_load(Work, N) ->
    Self = self(),
    Pids = [spawn(fun() -> worker(Self, filename:join(Work, "db" ++ integer_to_list(I)))
                       end) || I <- lists:seq(1, N)],
    [receive {ready, P} -> ok after 60000 -> error(worker_not_ready) end || P <- Pids],
    timer:sleep(1000),
    #{os_pid := OsPid} = gen_server:call(rocksdb_jnode_jvm, info),
    [P ! killed || P <- Pids],
    TKill = erlang:monotonic_time(millisecond),
    _ = os:cmd("kill -9 " ++ integer_to_list(OsPid)),
    Served = [receive {served_again, P, T} -> T - TKill after 60000 -> error(not_served_again) end
              || P <- Pids],
    timer:sleep(1000),
    [P ! {report, Self} || P <- Pids],
    Counts = lists:foldl(fun(_, Acc) ->
                                 receive {counts, C} ->
                                         maps:fold(fun(K, V, A) ->
                                                           maps:update_with(K, fun(X) -> X + V end,
                                                                            V, A)
                                                   end, Acc, C)
                                 after 60000 -> error(no_counts)
                                 end
                         end, #{}, Pids),
    io:format("kill -9 under ~w workers: replies after the kill by kind ~p~n"
              "every worker served again after ~w ms (first ~w ms)~n",
              [N, Counts, lists:max(Served), lists:min(Served)]).

worker(Parent, Path) ->
    {ok, Db} = rocksdb_jnode:open(Path, [{create_if_missing, true}]),
    ok = rocksdb_jnode:put(Db, <<"k">>, <<"v">>, []),
    Parent ! {ready, self()},
    loop(Parent, Path, Db, before, #{}).

loop(Parent, Path, Db, Phase, Counts) ->
    receive
        killed -> loop(Parent, Path, Db, after_kill, Counts);
        {report, To} -> To ! {counts, Counts}
    after 0 ->
        Reply = try rocksdb_jnode:get(Db, <<"k">>, []) catch error:badarg -> badarg end,
        Kind = case Reply of
                   {ok, _} -> ok;
                   not_found -> ok;
                   badarg -> badarg;
                   {error, {E, _}} -> E;
                   {error, E} -> E
               end,
        C = case Phase of
                after_kill -> maps:update_with(Kind, fun(X) -> X + 1 end, 1, Counts);
                _ -> Counts
            end,
        case {Phase, Kind} of
            {after_kill, badarg} ->
                case rocksdb_jnode:open(Path, []) of
                    {ok, Db2} ->
                        Parent ! {served_again, self(), erlang:monotonic_time(millisecond)},
                        loop(Parent, Path, Db2, served, C);
                    _ ->
                        loop(Parent, Path, Db, Phase, C)
                end;
            _ ->
                loop(Parent, Path, Db, Phase, C)
        end
    end.
