%% @doc Latency of a connected node's calls with and without idle connections open to the Java
%% node's port, for bench/idle_sockets.sh: N pings and N get_backup_info calls, one at a time,
%% with no idle socket, with Sockets silent ones, and with Sockets that sent a node name and
%% stalled. A call not answered within 10 s counts as timed out and ends that round.
-module(idle_bench).
-export([run/1]).

-define(CALL_TIMEOUT, 10000).

-spec run([string()]) -> no_return().
run([Work, NStr, SocketsStr]) ->
    [N, Sockets] = [list_to_integer(X) || X <- [NStr, SocketsStr]],
    Opts = case os:getenv("BENCH_JAR") of
               J when J =:= false; J =:= "" -> #{};
               J -> #{jar => J}
           end,
    {ok, Info} = rocksdb_jnode_node:start(Opts#{log => filename:join(Work, "node.log")}),
    try
        {ok, E} = call(Info, {open_backup_engine, list_to_binary(filename:join(Work, "be")), []}),
        round(Info, E, N, "no idle socket", []),
        round(Info, E, N, integer_to_list(Sockets) ++ " silent sockets", open_sockets(Info, Sockets, silent)),
        round(Info, E, N, integer_to_list(Sockets) ++ " stalled handshakes",
              open_sockets(Info, Sockets, stalled))
    after
        rocksdb_jnode_node:kill(Info)
    end,
    halt(0).

round(Info, E, N, What, Sockets) ->
    report(What ++ ", ping", calls(Info, ping, N, [])),
    report(What ++ ", get_backup_info", calls(Info, {get_backup_info, E}, N, [])),
    [gen_tcp:close(S) || S <- Sockets],
    ok.

calls(_Info, _Request, 0, Acc) ->
    Acc;
calls(Info, Request, N, Acc) ->
    T0 = erlang:monotonic_time(microsecond),
    try call(Info, Request) of
        _ -> calls(Info, Request, N - 1, [erlang:monotonic_time(microsecond) - T0 | Acc])
    catch
        exit:{timeout, _} -> [timeout | Acc]
    end.

call(#{node := Node, mailbox := Mailbox}, Request) ->
    gen_server:call({Mailbox, Node}, Request, ?CALL_TIMEOUT).

report(What, Results) ->
    Us = lists:sort([U || U <- Results, is_integer(U)]),
    L = length(Us),
    P = fun(_Q) when L =:= 0 -> 0.0; (Q) -> lists:nth(max(1, round(Q * L)), Us) / 1000 end,
    Timeouts = case [T || timeout = T <- Results] of
                   [] -> "";
                   _ -> io_lib:format(", then no reply within ~b ms", [?CALL_TIMEOUT])
               end,
    io:format("~s: ~b calls, p50 ~.2f ms, p99 ~.2f ms, max ~.2f ms~s~n",
              [What, L, P(0.5), P(0.99), P(1.0), Timeouts]).

%% Sockets to the node's port: silent, or having sent an OTP 25 send_name and then nothing.
open_sockets(#{node := Node}, Count, Kind) ->
    [Alive, _] = string:split(atom_to_list(Node), "@"),
    {port, Port, _} = erl_epmd:port_please(Alive, {127, 0, 0, 1}),
    [begin
         {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port, [binary, {active, false}]),
         case Kind of
             stalled -> ok = gen_tcp:send(S, send_name("stall_" ++ integer_to_list(I) ++ "@127.0.0.1"));
             silent -> ok
         end,
         S
     end || I <- lists:seq(1, Count)].

send_name(Name) ->
    Flags = 16#4 bor 16#10 bor 16#100 bor 16#200 bor 16#400 bor 16#800 bor 16#10000
        bor 16#20000 bor 16#40000 bor 16#1000000 bor 16#2000000 bor 16#4000000 bor (16#4 bsl 32),
    Body = <<$N, Flags:64, 1:32, (length(Name)):16, (list_to_binary(Name))/binary>>,
    <<(byte_size(Body)):16, Body/binary>>.
