%% @doc The wire under abuse: connections that never finish their handshake, and deliveries to
%% nodes the Java node is not connected to, must never hold up the replies to other nodes.
%%
%% Idle sockets are plain TCP connections to the node's distribution port that send nothing,
%% part of a handshake, or a handshake's first message and then nothing. A "ghost" node is a
%% name registered in the local epmd for a port on 127.1.2.3 that accepts and never answers:
%% a node that dials it waits for ever. Everything here stays on loopback.
-module(wire_SUITE).

-export([all/0, groups/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([idle_sockets_do_not_delay_calls/1, new_node_connects_past_idle_sockets/1,
         idle_sockets_closed_after_deadline/1, stalled_handshakes_do_not_delay_calls/1,
         name_without_host_does_not_stop_accepting/1]).
-export([give_away_to_unconnected_node_refused/1,
         heir_on_unconnected_node_closes_at_owner_exit/1]).
-export([late_replies_to_gen_server_calls_are_dropped/1,
         late_replies_to_client_calls_are_dropped/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").

%% Without the fixes a reply waits for as long as an idle socket stays open (for ever here);
%% with them it takes milliseconds. Generous for a 2-core machine running other builds.
-define(CALL_LIMIT_MS, 5000).
-define(IDLE_SOCKETS, 10).
%% How long a test waits for the node's handshake deadline (5000 ms by default, README) to act.
-define(CLOSE_WAIT_MS, 30000).
-define(GHOST_IP, {127, 1, 2, 3}).

suite() ->
    [{timetrap, {minutes, 3}}].

all() ->
    [{group, idle_sockets}, {group, unconnected_nodes}, {group, late_replies}].

groups() ->
    [{idle_sockets, [],
      [idle_sockets_do_not_delay_calls, new_node_connects_past_idle_sockets,
       idle_sockets_closed_after_deadline, stalled_handshakes_do_not_delay_calls,
       name_without_host_does_not_stop_accepting]},
     {unconnected_nodes, [],
      [give_away_to_unconnected_node_refused, heir_on_unconnected_node_closes_at_owner_exit]},
     {late_replies, [],
      [late_replies_to_gen_server_calls_are_dropped, late_replies_to_client_calls_are_dropped]}].

init_per_suite(Config) ->
    own_ct:init_node_suite(Config).

end_per_suite(Config) ->
    own_ct:end_node_suite(Config).

init_per_testcase(_Case, Config) ->
    own_ct:init_node_case(Config).

end_per_testcase(_Case, _Config) ->
    own_ct:end_node_case().

%%%===================================================================
%%% Idle and stalled handshakes
%%%===================================================================

%% Ten sockets open to the node's port and silent: a connected node's calls (ping, answered by
%% the mailbox thread, and get_backup_info, by a worker) are answered as fast as without them.
idle_sockets_do_not_delay_calls(Config) ->
    Info = ?config(jnode, Config),
    Engine = engine(Config),
    Before = latencies(Info, Engine, 100),
    Sockets = idle_sockets(Info, ?IDLE_SOCKETS, silent),
    During = latencies(Info, Engine, 100),
    close_all(Sockets),
    ok = close_engine(Info, Engine),
    {comment, "without idle sockets " ++ summary(Before) ++ "; with " ++
         integer_to_list(?IDLE_SOCKETS) ++ " " ++ summary(During)}.

%% With ten silent sockets open, a new Erlang node still connects (net_adm:ping from a fresh
%% peer node) and is answered.
new_node_connects_past_idle_sockets(Config) ->
    #{node := JNode} = Info = ?config(jnode, Config),
    Sockets = idle_sockets(Info, ?IDLE_SOCKETS, silent),
    {Peer, PeerNode} = start_peer(),
    T0 = own_ct:now_ms(),
    ?assertEqual(pong, erpc:call(PeerNode, net_adm, ping, [JNode], 20000)),
    ?assertEqual(pong, erpc:call(PeerNode, gen_server, call,
                                 [{rocksdb, JNode}, ping, ?CALL_LIMIT_MS], 20000)),
    Ms = own_ct:now_ms() - T0,
    ok = peer:stop(Peer),
    close_all(Sockets),
    {comment, lists:flatten(io_lib:format("a new node connected and was answered in ~b ms", [Ms]))}.

%% Sockets that send nothing, half a length header, or a length header and half a message are
%% closed by the node once its handshake deadline passes: this side sees the connection closed.
idle_sockets_closed_after_deadline(Config) ->
    Info = ?config(jnode, Config),
    Kinds = [silent, partial_header, partial_message],
    Sockets = lists:append([idle_sockets(Info, 2, Kind) || Kind <- Kinds]),
    T0 = own_ct:now_ms(),
    Closed = [{Kind, await_closed(S, T0)} || {Kind, S} <- Sockets],
    ct:log("closed after (ms): ~p", [Closed]),
    ?assertEqual([], [K || {K, {not_closed, _}} <- Closed]),
    [?assert(Ms < ?CLOSE_WAIT_MS) || {_, {closed, Ms}} <- Closed],
    {comment, lists:flatten(io_lib:format("closed after ~p ms", [[Ms || {_, {closed, Ms}} <- Closed]]))}.

%% Ten sockets that send a well-formed first handshake message (a node name) and then stall:
%% a connected node's calls are still answered at once, and the node closes them after the
%% deadline. (Such a peer may delay new connections by up to the deadline: see the README.)
stalled_handshakes_do_not_delay_calls(Config) ->
    Info = ?config(jnode, Config),
    Engine = engine(Config),
    Sockets = idle_sockets(Info, ?IDLE_SOCKETS, name_then_stall),
    During = latencies(Info, Engine, 100),
    T0 = own_ct:now_ms(),
    Closed = [await_closed(S, T0) || {_, S} <- Sockets],
    ct:log("closed after (ms): ~p", [Closed]),
    ?assertEqual([], [C || {not_closed, _} = C <- Closed]),
    ok = close_engine(Info, Engine),
    {comment, "with " ++ integer_to_list(?IDLE_SOCKETS) ++ " stalled handshakes " ++ summary(During)}.

%% A first handshake message whose node name has no '@' is turned away; the node goes on
%% accepting connections (JInterface's acceptor thread would die on it).
name_without_host_does_not_stop_accepting(Config) ->
    #{node := JNode} = Info = ?config(jnode, Config),
    [{_, S}] = idle_sockets(Info, 1, {name, <<"nohost">>}),
    ?assertMatch({closed, _}, await_closed(S, own_ct:now_ms())),
    {Peer, PeerNode} = start_peer(),
    ?assertEqual(pong, erpc:call(PeerNode, net_adm, ping, [JNode], 20000)),
    ok = peer:stop(Peer).

%%%===================================================================
%%% Deliveries to nodes that are not connected
%%%===================================================================

%% give_away to a pid on a node the Java node has no connection to (a ghost whose port never
%% answers) is refused at once with {error, {badarg, {not_connected, Node}}}; the node does not
%% dial it, calls made meanwhile are answered promptly, and the handle stays its owner's. The
%% client raises badarg for it, as ets:give_away/3 does for a pid that is not alive.
give_away_to_unconnected_node_refused(Config) ->
    Info = ?config(jnode, Config),
    {GhostNode, Dials} = ghost_node(),
    Ghost = ghost_pid(GhostNode),
    DbPath = jnode_ct:dir(Config, "db"),
    {ok, Db} = jnode_ct:call(Info, {open, list_to_binary(DbPath), [create_if_missing]}),
    Engine = engine(Config),
    Test = self(),
    Giver = spawn_link(fun() -> Test ! {gave, self(), timed(Info, {give_away, Db, Ghost, gift, [{owner, Test}]})} end),
    own_ct:track({proc, Giver}),
    {{Reply, GiveUs}, Concurrent} = calls_until_given(Info, Engine, Giver, []),
    ct:log("give_away: ~p in ~b us; concurrent calls: ~ts", [Reply, GiveUs, summary(Concurrent)]),
    ?assertEqual({error, {badarg, {not_connected, GhostNode}}}, Reply),
    ?assertEqual([], dials(Dials)),
    %% Still ours: only the owner may set an heir, and the DB works.
    ?assertEqual(ok, jnode_ct:call(Info, {set_heir, Db, none, []})),
    ?assertEqual(ok, jnode_ct:call(Info, {put, Db, <<"k">>, <<"v">>, []})),
    %% Through the client: badarg.
    ?assertError(badarg, rocksdb_jnode:give_away(Db, Ghost, gift)),
    ?assertEqual(ok, jnode_ct:call(Info, {close, Db})),
    {ok, Db2} = jnode_ct:call(Info, {open, list_to_binary(DbPath), []}),
    ?assertEqual({ok, <<"v">>}, jnode_ct:call(Info, {get, Db2, <<"k">>, []})),
    ?assertEqual(ok, jnode_ct:call(Info, {close, Db2})),
    ok = close_engine(Info, Engine),
    {comment, lists:flatten(io_lib:format("refused in ~b us; concurrent calls ~ts",
                                          [GiveUs, summary(Concurrent)]))}.

%% An owner whose heir is on a node the Java node is not connected to exits: the heir counts as
%% gone, so the handle is closed (and the path opens again) instead of passing to the heir.
heir_on_unconnected_node_closes_at_owner_exit(Config) ->
    #{log := Log} = Info = ?config(jnode, Config),
    {GhostNode, Dials} = ghost_node(),
    Ghost = ghost_pid(GhostNode),
    DbPath = jnode_ct:dir(Config, "db"),
    Owner = own_ct:holder(),
    {ok, Db} = own_ct:run(Owner, fun() -> rocksdb_jnode:open(DbPath, [{create_if_missing, true}]) end),
    ok = own_ct:run(Owner, fun() -> rocksdb_jnode:set_heir(Db, Ghost, heir_data) end),
    Engine = engine(Config),
    T0 = own_ct:holder_exit(Owner, normal),
    %% The reopen is itself a call: each attempt is bounded by ?CALL_LIMIT_MS.
    ReopenMs = own_ct:ms_until(fun() -> reopens(Info, DbPath) end, T0,
                               {?CALL_LIMIT_MS * 2, reopen_after_owner_exit}),
    During = latencies(Info, Engine, 20),
    ?assertMatch({error, {badarg, {closed_handle, Db}}},
                 jnode_ct:call(Info, {put, Db, <<"k">>, <<"v">>, []})),
    ?assertEqual([], dials(Dials)),
    {ok, Text} = file:read_file(Log),
    ?assertNotEqual(nomatch, binary:match(Text, atom_to_binary(GhostNode))),
    ok = close_engine(Info, Engine),
    {comment, lists:flatten(io_lib:format("path reopened ~b ms after the owner's exit; then ~ts",
                                          [ReopenMs, summary(During)]))}.

%%%===================================================================
%%% Helpers
%%%===================================================================

%% Raw calls with a bound: {Reply, Microseconds}. A call that is not answered within the bound
%% fails the test case (exit timeout).
timed(#{node := Node, mailbox := Mailbox}, Request) ->
    T0 = erlang:monotonic_time(microsecond),
    Reply = gen_server:call({Mailbox, Node}, Request, ?CALL_LIMIT_MS),
    {Reply, erlang:monotonic_time(microsecond) - T0}.

%% N pairs of calls, ping and get_backup_info; their latencies in microseconds.
latencies(Info, Engine, N) ->
    lists:append([begin
                      {pong, A} = timed(Info, ping),
                      {{ok, _}, B} = timed(Info, {get_backup_info, Engine}),
                      [A, B]
                  end || _ <- lists:seq(1, N)]).

%% get_backup_info calls until the giver has its reply, then ten more: {GiverResult, Latencies}.
calls_until_given(Info, Engine, Giver, Acc) ->
    {{ok, _}, Us} = timed(Info, {get_backup_info, Engine}),
    receive
        {gave, Giver, Result} ->
            {Result, [Us | Acc] ++ [backup_info_latency(Info, Engine) || _ <- lists:seq(1, 10)]}
    after 0 ->
        calls_until_given(Info, Engine, Giver, [Us | Acc])
    end.

backup_info_latency(Info, Engine) ->
    {{ok, _}, Us} = timed(Info, {get_backup_info, Engine}),
    Us.

summary(Us) ->
    Sorted = lists:sort(Us),
    N = length(Sorted),
    At = fun(P) -> lists:nth(max(1, min(N, round(P * N))), Sorted) end,
    lists:flatten(io_lib:format("~b calls: median ~.2f ms, p99 ~.2f ms, max ~.2f ms",
                                [N, At(0.5) / 1000, At(0.99) / 1000, lists:last(Sorted) / 1000])).

engine(Config) ->
    {ok, E} = jnode_ct:call(?config(jnode, Config),
                            {open_backup_engine, list_to_binary(jnode_ct:dir(Config, "be")), []}),
    E.

close_engine(Info, Engine) ->
    jnode_ct:call(Info, {close_backup_engine, Engine}).

reopens(Info, Path) ->
    case timed(Info, {open, list_to_binary(Path), []}) of
        {{ok, Db}, _} -> ok = jnode_ct:call(Info, {close, Db}), true;
        {{error, _}, _} -> false
    end.

%% N TCP connections to the Java node's distribution port, each sending what Kind says:
%% `silent' nothing; `partial_header' one byte of a handshake's 2-byte length;
%% `partial_message' a length and half the message; `name_then_stall' a well-formed send_name
%% (the first handshake message of an OTP 25 node); `{name, Name}' a send_name with that name.
idle_sockets(#{node := JNode}, N, Kind) ->
    [Alive, _Host] = string:split(atom_to_list(JNode), "@"),
    {port, Port, _} = erl_epmd:port_please(Alive, {127, 0, 0, 1}),
    [begin
         {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port, [binary, {active, false}, {packet, 0}]),
         own_ct:track({proc, socket_owner(S)}),
         Name = case Kind of
                    {name, Given} -> Given;
                    _ -> list_to_binary("stall_" ++ integer_to_list(I) ++ "@127.0.0.1")
                end,
         Msg = send_name(Name),
         Bytes = case Kind of
                     silent -> <<>>;
                     partial_header -> binary:part(Msg, 0, 1);
                     partial_message -> binary:part(Msg, 0, 2 + 5);
                     _ -> Msg
                 end,
         ok = gen_tcp:send(S, Bytes),
         {Kind, S}
     end || I <- lists:seq(1, N)].

%% A process that only keeps the socket's owner alive, so that the cleanup registry can end it.
socket_owner(S) ->
    Pid = spawn(fun() -> receive stop -> ok end end),
    ok = gen_tcp:controlling_process(S, Pid),
    Pid.

%% send_name of the OTP 23+ handshake: 'N', flags, creation, name length, name; the flags of
%% an OTP 25 node: the mandatory ones, DFLAG_HANDSHAKE_23, UNLINK_ID, MANDATORY_25_DIGEST and
%% V4_PIDS_REFS.
send_name(Name) ->
    Mandatory = 16#4 bor 16#10 bor 16#100 bor 16#200 bor 16#400 bor 16#800 bor 16#10000
        bor 16#20000 bor 16#40000,
    Flags = Mandatory bor 16#1000000 bor 16#2000000 bor 16#4000000 bor (16#4 bsl 32),
    Body = <<$N, Flags:64, 1:32, (byte_size(Name)):16, Name/binary>>,
    <<(byte_size(Body)):16, Body/binary>>.

%% Reads until the peer closes: {closed, Ms since T0}, or {not_closed, Ms} when it stays open
%% for ?CLOSE_WAIT_MS. What the node sends first (a status and a challenge) is read and dropped.
await_closed(S, T0) ->
    Left = max(0, T0 + ?CLOSE_WAIT_MS - own_ct:now_ms()),
    case gen_tcp:recv(S, 0, Left) of
        {ok, _} -> await_closed(S, T0);
        {error, timeout} -> {not_closed, own_ct:now_ms() - T0};
        {error, _} -> {closed, own_ct:now_ms() - T0}
    end.

close_all(Sockets) ->
    [gen_tcp:close(S) || {_, S} <- Sockets],
    ok.

start_peer() ->
    Name = list_to_atom("wire_peer_" ++ integer_to_list(erlang:unique_integer([positive]))
                        ++ "_" ++ os:getpid()),
    {ok, Peer, PeerNode} =
        peer:start(#{name => Name, host => "127.0.0.1", longnames => true,
                     args => ["-setcookie", atom_to_list(erlang:get_cookie())]}),
    own_ct:track({peer, Peer}),
    {Peer, PeerNode}.

%% A node name that epmd knows, for a port on ?GHOST_IP that accepts connections and never
%% answers: {Node, DialLog}, DialLog a process that records every connection made to it.
%% The registration lasts while the epmd connection stays open (its owner is tracked).
ghost_node() ->
    Test = self(),
    Owner = spawn(fun() -> ghost(Test) end),
    own_ct:track({proc, Owner}),
    receive
        {ghost, Owner, Node} -> {Node, Owner}
    after 10000 ->
        ct:fail(ghost_registration_timeout)
    end.

ghost(Test) ->
    {ok, L} = gen_tcp:listen(0, [binary, {ip, ?GHOST_IP}, {active, false}, {reuseaddr, true}]),
    {ok, Port} = inet:port(L),
    Alive = "ghost_" ++ integer_to_list(erlang:unique_integer([positive])) ++ "_" ++ os:getpid(),
    {ok, Epmd} = gen_tcp:connect({127, 0, 0, 1}, 4369, [binary, {active, false}, {packet, 0}]),
    Req = <<$x, Port:16, $M, 0, 6:16, 5:16, (length(Alive)):16, (list_to_binary(Alive))/binary,
            0:16>>,
    ok = gen_tcp:send(Epmd, <<(byte_size(Req)):16, Req/binary>>),
    {ok, <<Tag, 0, _/binary>>} = gen_tcp:recv(Epmd, 0, 5000),
    true = lists:member(Tag, [$y, $v]),
    Self = self(),
    spawn_link(fun() -> blackhole(L, Self) end),
    Test ! {ghost, self(), list_to_atom(Alive ++ "@" ++ inet:ntoa(?GHOST_IP))},
    ghost_loop([]).

blackhole(L, Log) ->
    {ok, S} = gen_tcp:accept(L),
    ok = gen_tcp:controlling_process(S, Log),
    Log ! {dialed, S, inet:peername(S)},
    blackhole(L, Log).

ghost_loop(Dials) ->
    receive
        {dialed, S, Peer} -> ghost_loop([{S, Peer} | Dials]);
        {dials, From} -> From ! {dials, self(), [P || {_, P} <- Dials]}, ghost_loop(Dials)
    end.

%% The connections the ghost's port has accepted so far.
dials(Ghost) ->
    Ghost ! {dials, self()},
    receive {dials, Ghost, Ds} -> Ds after 5000 -> ct:fail(ghost_not_answering) end.

%% A pid on Node, made from its external term format (NEW_PID_EXT).
ghost_pid(Node) ->
    N = atom_to_binary(Node, utf8),
    binary_to_term(<<131, 88, 119, (byte_size(N)), N/binary, 1:32, 0:32, 1:32>>).

%%%===================================================================
%%% Late replies: the node replies to the call's alias
%%%===================================================================

%% A plain gen_server:call that gives up before the node answers (timeout 0) leaves nothing in
%% its caller's mailbox: the node sends the reply to the call's alias, which the caller's node
%% drops once the call has given up. (Sent to the pid, as JInterface's own mailboxes send, each
%% late reply stayed in the mailbox for ever.)
late_replies_to_gen_server_calls_are_dropped(Config) ->
    #{node := Node, mailbox := Mailbox} = ?config(jnode, Config),
    Calls = 200,
    {Replied, Stray} =
        in_fresh_process(
          fun() ->
                  Results = [catch gen_server:call({Mailbox, Node}, ping, 0)
                             || _ <- lists:seq(1, Calls)],
                  %% Every reply the node sent has arrived, or been dropped, by the time a
                  %% later call on the same connection is answered.
                  pong = gen_server:call({Mailbox, Node}, ping, ?CALL_LIMIT_MS),
                  {length([R || R <- Results, R =:= pong]), mailbox()}
          end),
    ct:log("~p of ~p calls got their reply within timeout 0", [Replied, Calls]),
    ?assert(Replied < Calls),
    ?assertEqual([], Stray).

%% The client's calls (quick, long and streamed) give up the same way: a request that timed
%% out, and a fold whose fun raised while its next chunk was on the way, leave nothing behind.
late_replies_to_client_calls_are_dropped(Config) ->
    Path = filename:join(?config(priv_dir, Config), "late_" ++
                             integer_to_list(erlang:unique_integer([positive]))),
    {ok, Db} = rocksdb:open(Path, [{create_if_missing, true}]),
    try
        ok = rocksdb:write(Db, [{put, <<I:32>>, binary:copy(<<"v">>, 200)}
                                || I <- lists:seq(1, 20000)], []),
        Dest = rocksdb_jnode_config:dest(rocksdb_jnode_config:env(node)),
        Stray = in_fresh_process(
                  fun() ->
                          Timeouts = [rocksdb_jnode_call:call(Dest, {get, Db, <<1:32>>, []}, 0)
                                      || _ <- lists:seq(1, 100)],
                          true = lists:member({error, timeout}, Timeouts),
                          {'EXIT', {thrown, _}} =
                              (catch rocksdb:fold(Db, fun(_, N) when N > 5000 -> error(thrown);
                                                        (_, N) -> N + 1
                                                     end, 0, [])),
                          {ok, _} = rocksdb:get(Db, <<1:32>>, []),
                          mailbox()
                  end),
        ?assertEqual([], Stray)
    after
        ok = rocksdb:close(Db)
    end.

in_fresh_process(Fun) ->
    {Pid, MRef} = spawn_monitor(fun() -> exit({result, Fun()}) end),
    receive
        {'DOWN', MRef, process, Pid, {result, Result}} -> Result;
        {'DOWN', MRef, process, Pid, Other} -> ct:fail({scenario_crashed, Other})
    end.

mailbox() ->
    {messages, Messages} = process_info(self(), messages),
    Messages.
