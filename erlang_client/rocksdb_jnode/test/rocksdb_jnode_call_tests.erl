%% The transport against fake mailboxes on this node: replies, the no-stray-message guarantee,
%% node errors and the heartbeat of long calls.
-module(rocksdb_jnode_call_tests).

-include_lib("eunit/include/eunit.hrl").

-define(ABSENT_NODE, 'absent_jnode@127.0.0.1').


fake_name() ->
    list_to_atom("fake_jnode_" ++ integer_to_list(erlang:unique_integer([positive]))).

mailbox() ->
    {messages, Messages} = process_info(self(), messages),
    Messages.

links() ->
    {links, Links} = process_info(self(), links),
    Links.

reply_test() ->
    Name = fake_name(),
    Fake = rocksdb_jnode_fake:start(Name, fun({echo, X}) -> {reply, {echoed, X}} end),
    try
        ?assertEqual({{echoed, 42}, [], []},
                     rocksdb_jnode_fake:in_fresh_process(fun() ->
                                              Reply = rocksdb_jnode_call:call({Name, node()},
                                                                              {echo, 42}, 1000),
                                              {Reply, mailbox(), links()}
                                      end))
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

%% The hazard itself: a plain gen_server:call/3 to a JInterface mailbox that replies to the pid
%% (as JInterface's own OtpMbox does) leaves a late reply in the caller's mailbox; one that
%% replies to the call's alias, as the Java node does, leaves nothing.
plain_call_gets_a_stray_reply_from_a_pid_replier_test() ->
    ?assertMatch([{_Tag, late}], plain_call_late_reply(pid)),
    ?assertEqual([], plain_call_late_reply(alias)).

plain_call_late_reply(ReplyTo) ->
    Name = fake_name(),
    Fake = rocksdb_jnode_fake:start(Name, fun(Req) -> {reply_after, 200, late, notify(Req)} end,
                                    ReplyTo),
    try
        rocksdb_jnode_fake:in_fresh_process(
          fun() ->
                  {timeout, _} = catch_exit(fun() ->
                                                    gen_server:call({Name, node()},
                                                                    {notify, self()}, 50)
                                            end),
                  receive {fake_replied, _} -> ok end,
                  mailbox()
          end)
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

late_reply_leaves_no_message_test() ->
    late_reply_leaves_no_message(false).

late_reply_leaves_no_message_when_trapping_exits_test() ->
    late_reply_leaves_no_message(true).

late_reply_leaves_no_message(TrapExit) ->
    Name = fake_name(),
    Fake = rocksdb_jnode_fake:start(Name, fun(Req) -> {reply_after, 200, late, notify(Req)} end),
    try
        Result = rocksdb_jnode_fake:in_fresh_process(
                   fun() ->
                           _ = process_flag(trap_exit, TrapExit),
                           Reply = rocksdb_jnode_call:call({Name, node()}, {notify, self()}, 50),
                           %% The fake sends the late reply first, then this notice.
                           receive {fake_replied, _} -> ok end,
                           {Reply, mailbox(), links()}
                   end),
        ?assertEqual({{error, timeout}, [], []}, Result)
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

nodedown_test() ->
    {Time, Result} = timer:tc(fun() ->
                                      rocksdb_jnode_fake:in_fresh_process(
                                        fun() ->
                                                R = rocksdb_jnode_call:call({rocksdb, ?ABSENT_NODE},
                                                                            ping, 20000),
                                                {R, mailbox(), links()}
                                        end)
                              end),
    ?assertEqual({{error, {nodedown, ?ABSENT_NODE}}, [], []}, Result),
    %% Promptly, not after the call's timeout.
    ?assert(Time < 10000000).

noproc_test() ->
    Name = fake_name(),
    ?assertEqual({error, {noproc, {Name, node()}}},
                 rocksdb_jnode_call:call({Name, node()}, ping, 1000)).

heartbeat_gives_up_on_a_silent_node_test() ->
    Name = fake_name(),
    Fake = rocksdb_jnode_fake:start(Name, fun(_) -> noreply end),
    try
        {Time, Result} =
            timer:tc(fun() ->
                             rocksdb_jnode_fake:in_fresh_process(
                               fun() ->
                                       R = rocksdb_jnode_call:long_call({Name, node()}, backup,
                                                                        #{interval => 50,
                                                                          misses => 3}),
                                       {R, mailbox(), links()}
                               end)
                     end),
        ?assertEqual({{error, {node_unresponsive, node()}}, [], []}, Result),
        %% Three misses of (wait 50 ms + ping timeout 50 ms) each.
        ?assert(Time >= 300000)
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

heartbeat_keeps_a_slow_call_alive_test() ->
    Name = fake_name(),
    Fake = rocksdb_jnode_fake:start(Name, fun(ping) -> {reply, pong};
                                             (backup) -> {reply_after, 600, done, none}
                                          end),
    try
        %% Without answered pings the call would give up after about 200 ms.
        ?assertEqual({done, [], []},
                     rocksdb_jnode_fake:in_fresh_process(
                       fun() ->
                               R = rocksdb_jnode_call:long_call({Name, node()}, backup,
                                                                #{interval => 50, misses => 2}),
                               {R, mailbox(), links()}
                       end))
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

heartbeat_late_reply_leaves_no_message_test() ->
    Name = fake_name(),
    Fake = rocksdb_jnode_fake:start(Name, fun(ping) -> noreply;
                                             ({notify, _} = Req) ->
                                                  {reply_after, 500, late, notify(Req)}
                                          end),
    try
        ?assertEqual({{error, {node_unresponsive, node()}}, [], []},
                     rocksdb_jnode_fake:in_fresh_process(
                       fun() ->
                               R = rocksdb_jnode_call:long_call({Name, node()}, {notify, self()},
                                                                #{interval => 50, misses => 2}),
                               receive {fake_replied, _} -> ok end,
                               {R, mailbox(), links()}
                       end))
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

%% A call runs in its caller's process: nothing is spawned or linked, and while it waits the
%% caller monitors the mailbox alone (the monitor whose alias the reply goes to).
call_runs_in_its_caller_test() ->
    Name = fake_name(),
    Test = self(),
    Fake = rocksdb_jnode_fake:start(Name, fun({tell, Pid}) -> Test ! {asked, Pid}, noreply end),
    try
        Caller = spawn(fun() ->
                               Self = self(),
                               rocksdb_jnode_call:call({Name, node()}, {tell, Self}, infinity)
                       end),
        receive {asked, Caller} -> ok after 5000 -> erlang:error(no_request) end,
        ?assertEqual({links, []}, process_info(Caller, links)),
        ?assertEqual({monitors, [{process, Fake}]}, process_info(Caller, monitors)),
        exit(Caller, kill)
    after
        rocksdb_jnode_fake:stop(Fake)
    end.

%% A quick request waits call_timeout; a long one long_call_timeout, or by heartbeat when that
%% is infinity (conformance_SUITE checks the table against the node and the API's calls).
wait_test_() ->
    {setup,
     fun() -> Env = application:get_all_env(rocksdb_jnode),
              ok = application:set_env(rocksdb_jnode, call_timeout, 1234),
              ok = application:set_env(rocksdb_jnode, heartbeat_interval, 50),
              ok = application:set_env(rocksdb_jnode, heartbeat_misses, 3),
              Env
     end,
     fun(Env) -> [application:unset_env(rocksdb_jnode, K) || K <- [call_timeout, long_call_timeout,
                                                                  heartbeat_interval,
                                                                  heartbeat_misses]],
                 [application:set_env(rocksdb_jnode, K, V) || {K, V} <- Env]
     end,
     fun(_) ->
             Quick = rocksdb_jnode_call:wait(get),
             ok = application:set_env(rocksdb_jnode, long_call_timeout, infinity),
             Heartbeat = rocksdb_jnode_call:wait(open),
             ok = application:set_env(rocksdb_jnode, long_call_timeout, 99000),
             Bounded = rocksdb_jnode_call:wait(close_backup_engine),
             [?_assertEqual({call, 1234}, Quick),
              ?_assertEqual({long_call, #{interval => 50, misses => 3}}, Heartbeat),
              ?_assertEqual({call, 99000}, Bounded),
              ?_assertEqual(quick, rocksdb_jnode_call:kind(stop_backup)),
              ?_assertEqual(long, rocksdb_jnode_call:kind(open))]
     end}.

%% stream/4 against a fake mailbox, made the application's mailbox (requests go to node()).
stream_test_() ->
    {foreach,
     fun() ->
             Env = [{K, application:get_env(rocksdb_jnode, K)} || K <- [mailbox, call_timeout]],
             Name = fake_name(),
             ok = application:set_env(rocksdb_jnode, mailbox, Name),
             ok = application:set_env(rocksdb_jnode, call_timeout, 1000),
             {Env, Name}
     end,
     fun({Env, _Name}) ->
             [case V of
                  {ok, Value} -> application:set_env(rocksdb_jnode, K, Value);
                  undefined -> application:unset_env(rocksdb_jnode, K)
              end || {K, V} <- Env]
     end,
     [fun stream_folds_every_chunk_in_order/1, fun stream_fun_raising_leaves_no_message/1,
      fun stream_error_reply_ends_it/1, fun stream_timeout_leaves_no_message/1]}.

%% A fake that answers the N-th request with Answer(N), counting in its process dictionary.
counting_fake(Name, Answer) ->
    rocksdb_jnode_fake:start(Name, fun(Request) ->
                                           N = case get(calls) of undefined -> 1; C -> C + 1 end,
                                           put(calls, N),
                                           Answer(N, Request)
                                   end).

stream_folds_every_chunk_in_order({_Env, Name}) ->
    Fake = counting_fake(Name, fun(N, _) when N < 4 -> {reply, {ok, [N, N], more}};
                                  (N, _) -> {reply, {ok, [N], done}}
                               end),
    Result = rocksdb_jnode_fake:in_fresh_process(fun() ->
                 R = rocksdb_jnode_call:stream(node(), {chunk, x},
                                               fun(Chunk, Acc) -> Acc ++ Chunk end, []),
                 {R, mailbox(), links()}
             end),
    rocksdb_jnode_fake:stop(Fake),
    ?_assertEqual({{ok, [1, 1, 2, 2, 3, 3, 4]}, [], []}, Result).

%% The fun raises while the next chunk is in flight: the exception goes on, and the late chunk
%% never reaches the caller.
stream_fun_raising_leaves_no_message({_Env, Name}) ->
    Fake = counting_fake(Name, fun(1, _) -> {reply, {ok, [first], more}};
                                  (_, {notify, Caller} = Req) ->
                                       Caller ! next_chunk_asked,
                                       {reply_after, 100, {ok, [late], done}, notify(Req)}
                               end),
    Result = rocksdb_jnode_fake:in_fresh_process(fun() ->
                 _ = process_flag(trap_exit, true),
                 %% The fun waits until the next chunk's request is at the fake, then raises.
                 Raise = fun(_, _) -> receive next_chunk_asked -> throw(stop) end end,
                 Caught = try rocksdb_jnode_call:stream(node(), {notify, self()}, Raise, [])
                          catch throw:stop -> thrown
                          end,
                 receive {fake_replied, _} -> ok end,
                 {Caught, mailbox(), links()}
             end),
    rocksdb_jnode_fake:stop(Fake),
    ?_assertEqual({thrown, [], []}, Result).

stream_error_reply_ends_it({_Env, Name}) ->
    Fake = counting_fake(Name, fun(1, _) -> {reply, {ok, [a], more}};
                                  (2, _) -> {reply, {error, {error, "broken"}}};
                                  (_, _) -> {reply, {error, {badarg, {closed_handle, x}}}}
                               end),
    Result = rocksdb_jnode_fake:in_fresh_process(fun() ->
                 Fold = fun(Chunk, Acc) -> Acc ++ Chunk end,
                 First = rocksdb_jnode_call:stream(node(), {chunk, x}, Fold, []),
                 Second = try rocksdb_jnode_call:stream(node(), {chunk, x}, Fold, [])
                          catch error:badarg -> badarg
                          end,
                 {First, Second, mailbox()}
             end),
    rocksdb_jnode_fake:stop(Fake),
    ?_assertEqual({{error, {error, "broken"}}, badarg, []}, Result).

stream_timeout_leaves_no_message({_Env, Name}) ->
    ok = application:set_env(rocksdb_jnode, call_timeout, 50),
    Fake = counting_fake(Name, fun(_, Req) -> {reply_after, 150, {ok, [], done}, notify(Req)} end),
    Result = rocksdb_jnode_fake:in_fresh_process(fun() ->
                 R = rocksdb_jnode_call:stream(node(), {notify, self()},
                                               fun(C, A) -> A ++ C end, []),
                 receive {fake_replied, _} -> ok end,
                 {R, mailbox(), links()}
             end),
    rocksdb_jnode_fake:stop(Fake),
    ?_assertEqual({{error, timeout}, [], []}, Result).

%% Handler helper: the request {notify, Pid} asks for a notice to Pid after the late reply.
notify({notify, Pid}) -> Pid;
notify(_) -> none.

catch_exit(Fun) ->
    try Fun() of
        Value -> {value, Value}
    catch
        exit:{Reason, _Location} -> {Reason, exit}
    end.
