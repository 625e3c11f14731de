%% @doc Fixtures of ownership_SUITE and crash_SUITE: controllable owner processes ("holders"),
%% a clean-up registry that survives the test case process (so that end_per_testcase stops every
%% Java node, peer node, OS process and holder a case started, also when it failed or timed out),
%% and polling helpers that measure how long something took.
-module(own_ct).

-export([registry_start/0, registry_stop/0, track/1, untrack/1, cleanup/0]).
-export([holder/0, run/2, holder_exit/2, await_down/2]).
-export([is_closed/1, ms_until/3, now_ms/0, flush/0, os_kill/2, os_pid_alive/1]).
%% The fixtures of a suite whose cases share one Java node and use holders.
-export([init_node_suite/1, end_node_suite/1, init_node_case/1, end_node_case/0]).

-include_lib("common_test/include/ct.hrl").

-define(TABLE, own_ct_cleanup).

%%%===================================================================
%%% Clean-up registry
%%%===================================================================

%% @doc init_per_suite of a suite whose cases share one Java node (`jnode' in Config).
-spec init_node_suite(list()) -> list().
init_node_suite(Config) ->
    ok = registry_start(),
    Info = jnode_ct:start_node(Config),
    [{jnode, Info} | Config].

-spec end_node_suite(list()) -> ok.
end_node_suite(Config) ->
    ok = registry_stop(),
    jnode_ct:stop_node(proplists:get_value(jnode, Config)).

%% @doc init_per_testcase of such a suite: the shared node is the client's, no stray message.
-spec init_node_case(list()) -> list().
init_node_case(Config) ->
    jnode_ct:use_node(proplists:get_value(jnode, Config)),
    _ = flush(),
    Config.

-spec end_node_case() -> term().
end_node_case() ->
    cleanup().

%% @doc Creates the registry (a public ETS table owned by a process of its own).
registry_start() ->
    case ets:info(?TABLE, name) of
        undefined -> registry_create();
        ?TABLE -> cleanup()
    end.

registry_create() ->
    Parent = self(),
    Owner = spawn(fun() ->
                          _ = ets:new(?TABLE, [named_table, public, bag]),
                          Parent ! {?TABLE, self()},
                          receive stop -> ok end
                  end),
    receive {?TABLE, Owner} -> ok after 5000 -> error(registry_start) end.

registry_stop() ->
    cleanup(),
    case ets:info(?TABLE, owner) of
        Owner when is_pid(Owner) ->
            MRef = erlang:monitor(process, Owner),
            Owner ! stop,
            receive {'DOWN', MRef, _, _, _} -> ok end;
        _ ->
            ok
    end.

%% @doc Remembers something to stop at the end of the test case:
%% `{java, Info}' (a Java node: SIGCONT, then kill -9 by its OS pid), `{os_pid, Pid}' (kill -9),
%% `{peer, PeerPid}' (peer:stop/1), `{proc, Pid}' (exit(Pid, kill)).
track(Item) ->
    true = ets:insert(?TABLE, {item, Item}),
    Item.

untrack(Item) ->
    true = ets:delete_object(?TABLE, {item, Item}),
    ok.

%% @doc Stops everything tracked, most recent kind first (processes, peers, OS processes, Java
%% nodes), and forgets it.
cleanup() ->
    Items = [I || {item, I} <- ets:tab2list(?TABLE)],
    true = ets:delete_all_objects(?TABLE),
    [catch exit(P, kill) || {proc, P} <- Items],
    [catch peer:stop(P) || {peer, P} <- Items],
    [os_kill(P, "KILL") || {os_pid, P} <- Items],
    lists:foreach(fun(#{os_pid := OsPid} = Info) ->
                          os_kill(OsPid, "CONT"),
                          catch rocksdb_jnode_node:kill(Info),
                          os_pid_alive(OsPid) andalso os_kill(OsPid, "KILL"),
                          ct:log("cleanup: Java node ~p (os pid ~p) stopped",
                                 [maps:get(node, Info), OsPid])
                  end, [I || {java, I} <- Items]),
    ok.

%%%===================================================================
%%% Holders: processes that own handles, driven by the test
%%%===================================================================

%% @doc A fresh process on this node that runs funs for the test (see run/2) and forwards every
%% other message it receives to the test as `{holder_got, Holder, Msg}'. Not linked; tracked.
holder() ->
    Test = self(),
    Pid = spawn(fun() -> holder_loop(Test) end),
    track({proc, Pid}),
    Pid.

holder_loop(Test) ->
    receive
        {?MODULE, run, From, Ref, Fun} ->
            Result = try Fun() catch Class:Reason -> {raised, Class, Reason} end,
            From ! {Ref, Result},
            holder_loop(Test);
        {?MODULE, exit, normal} ->
            exit(normal);
        {?MODULE, exit, crash} ->
            erlang:error(crashed_on_purpose);
        Other ->
            Test ! {holder_got, self(), Other},
            holder_loop(Test)
    end.

%% @doc Runs Fun in the holder; its result, or `{raised, Class, Reason}'.
run(Holder, Fun) ->
    Ref = make_ref(),
    MRef = erlang:monitor(process, Holder),
    Holder ! {?MODULE, run, self(), Ref, Fun},
    receive
        {Ref, Result} ->
            erlang:demonitor(MRef, [flush]),
            Result;
        {'DOWN', MRef, process, Holder, Reason} ->
            ct:fail({holder_died, Holder, Reason})
    after 60000 ->
        ct:fail({holder_timeout, Holder})
    end.

%% @doc Ends the holder the way named (`normal', `crash' or `kill') and waits until it is
%% dead; returns the monotonic time in ms at which its 'DOWN' arrived.
holder_exit(Holder, How) ->
    MRef = erlang:monitor(process, Holder),
    case How of
        kill -> exit(Holder, kill);
        _ -> Holder ! {?MODULE, exit, How}
    end,
    Expected = case How of
                   normal -> normal;
                   kill -> killed;
                   crash -> crashed_on_purpose
               end,
    receive
        {'DOWN', MRef, process, Holder, Reason} ->
            case Reason of
                Expected -> ok;
                {Expected, _Stack} -> ok;
                _ -> ct:fail({unexpected_exit_reason, Holder, How, Reason})
            end,
            untrack({proc, Holder}),
            now_ms()
    after 5000 ->
        ct:fail({holder_did_not_exit, Holder, How})
    end.

%% @doc Waits for the 'DOWN' of a monitored process; the time it arrived.
await_down(MRef, Timeout) ->
    receive
        {'DOWN', MRef, process, _, _} -> now_ms()
    after Timeout -> ct:fail({no_down, MRef})
    end.

%%%===================================================================
%%% Polling and small helpers
%%%===================================================================

%% @doc Whether `Fun' (a call on a handle) raises badarg, as a call on a closed handle does.
is_closed(Fun) ->
    try Fun() of
        _ -> false
    catch
        error:badarg -> true
    end.

%% @doc Polls `Fun' every 10 ms until it returns true; the ms elapsed since `T0' (a now_ms/0
%% time) when it did. Fails the test with `What' after `Limit' ms.
ms_until(Fun, T0, {Limit, What}) ->
    case Fun() of
        true ->
            now_ms() - T0;
        false ->
            case now_ms() - T0 > Limit of
                true -> ct:fail({timeout_waiting_for, What, Limit});
                false -> timer:sleep(10), ms_until(Fun, T0, {Limit, What})
            end
    end.

now_ms() ->
    erlang:monotonic_time(millisecond).

%% @doc Every message in the caller's mailbox, removed.
flush() ->
    receive M -> [M | flush()] after 0 -> [] end.

os_kill(OsPid, Signal) when is_integer(OsPid) ->
    _ = os:cmd("kill -" ++ Signal ++ " " ++ integer_to_list(OsPid) ++ " 2>/dev/null"),
    ok.

os_pid_alive(OsPid) when is_integer(OsPid) ->
    os:cmd("kill -0 " ++ integer_to_list(OsPid) ++ " 2>/dev/null && echo yes") =:= "yes\n".
