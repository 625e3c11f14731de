%% The API without a Java node: argument checks that raise badarg before anything is sent,
%% paths made absolute, the {node, _} option, reply mapping, ownership and the owner watcher,
%% against a fake mailbox registered on this node (the application's `node' is set to node()).
-module(rocksdb_jnode_tests).

-include_lib("eunit/include/eunit.hrl").

-define(REMOTE, 'absent_jnode@127.0.0.1').
-define(OTHER_REMOTE, 'other_jnode@127.0.0.1').

%%%===================================================================
%%% Fixture
%%%===================================================================

api_test_() ->
    {foreach, fun setup/0, fun cleanup/1,
     [fun badarg_before_any_send/1,
      fun well_formed_calls_are_sent/1,
      fun not_distributed_is_a_value/1,
      fun paths_travel_absolute/1,
      fun node_option_is_stripped/1,
      fun owner_option_is_the_callers/1,
      fun shell_evaluator_gives_the_shell_as_owner/1,
      fun old_shell_evaluator_gives_the_shell_as_owner/1,
      fun badarg_reply_raises/1,
      fun other_replies_are_returned/1,
      fun quick_call_timeout_leaves_no_message/1,
      fun long_call_heartbeat/1,
      fun application_starts_on_first_open/1,
      fun env_set_before_the_application_loads_is_kept/1,
      fun owner_down_is_reported_and_heirs_watched/1,
      fun owner_down_timed_out_is_retried_and_resynced/1,
      fun resync_watches_the_owners/1]}.

setup() ->
    case application:load(rocksdb_jnode) of
        ok -> ok;
        {error, {already_loaded, rocksdb_jnode}} -> ok
    end,
    _ = application:stop(rocksdb_jnode),
    Env = application:get_all_env(rocksdb_jnode),
    Mailbox = list_to_atom("fake_jnode_" ++ integer_to_list(erlang:unique_integer([positive]))),
    ok = application:set_env(rocksdb_jnode, mailbox, Mailbox),
    ok = application:set_env(rocksdb_jnode, node, node()),
    #{env => Env, mailbox => Mailbox}.

cleanup(#{env := Env}) ->
    _ = application:stop(rocksdb_jnode),
    lists:foreach(fun({Key, Value}) -> application:set_env(rocksdb_jnode, Key, Value) end, Env).

%% Starts the fake mailbox; every request is also sent to the test as
%% {request, Mailbox, Request}. (The instantiators of a foreach fixture share one process: the
%% mailbox name, unique per fixture, keeps the requests of earlier tests apart.)
fake(#{mailbox := Mailbox}, Handler) ->
    Test = self(),
    rocksdb_jnode_fake:start(Mailbox, fun(Request) ->
                                              Test ! {request, Mailbox, Request},
                                              try
                                                  Handler(Request)
                                              catch
                                                  %% The test's processes exit too.
                                                  error:function_clause ->
                                                      unhandled(Request)
                                              end
                                      end).

unhandled({owner_down, _}) -> {reply, {ok, []}};
unhandled(_) -> noreply.

next_request(#{mailbox := Mailbox}) ->
    receive
        {request, Mailbox, Request} -> Request
    after 5000 -> no_request
    end.

%% Runs Fun and returns {Result, TransportCalls}: the calls to a node (rocksdb_jnode_call's
%% call/3 and long_call/3) that this process made meanwhile, seen by call tracing.
transport_calls(Fun) ->
    {module, _} = code:ensure_loaded(rocksdb_jnode_call),
    Self = self(),
    Tracer = spawn(fun() -> collect([]) end),
    _ = [erlang:trace_pattern({rocksdb_jnode_call, F, 3}, true, [local]) || F <- [call, long_call]],
    _ = erlang:trace(Self, true, [call, {tracer, Tracer}]),
    Result = try Fun() of
                 Value -> {value, Value}
             catch
                 Class:Reason -> {Class, Reason}
             end,
    _ = erlang:trace(Self, false, [call]),
    _ = [erlang:trace_pattern({rocksdb_jnode_call, F, 3}, false, [local]) || F <- [call, long_call]],
    Ref = erlang:trace_delivered(Self),
    receive {trace_delivered, Self, Ref} -> ok end,
    Tracer ! {done, Self},
    Calls = receive {calls, Tracer, Cs} -> Cs end,
    {Result, Calls}.

collect(Calls) ->
    receive
        {trace, _Pid, call, {M, F, Args}} -> collect([{M, F, length(Args)} | Calls]);
        {done, From} -> From ! {calls, self(), lists:reverse(Calls)}
    end.


mailbox() ->
    {messages, Messages} = process_info(self(), messages),
    Messages.

await(Pattern, Timeout) ->
    receive
        Msg when element(1, Msg) =:= Pattern -> Msg
    after Timeout -> {timeout, Pattern}
    end.

%%%===================================================================
%%% Tests
%%%===================================================================

badarg_before_any_send(_) ->
    Db = rocksdb_jnode_fake:remote_ref(?REMOTE),
    Engine = rocksdb_jnode_fake:remote_ref(?REMOTE),
    OtherNodeDb = rocksdb_jnode_fake:remote_ref(?OTHER_REMOTE),
    Local = make_ref(),
    Calls =
        [fun() -> rocksdb_jnode:put(Db, key, <<"v">>, []) end,
         fun() -> rocksdb_jnode:put(Db, <<"k">>, "v", []) end,
         fun() -> rocksdb_jnode:put(Db, <<"k">>, <<"v">>, not_a_list) end,
         fun() -> rocksdb_jnode:put(Db, <<"k">>, <<"v">>, [sync | true]) end,
         fun() -> rocksdb_jnode:put(Local, <<"k">>, <<"v">>, []) end,
         fun() -> rocksdb_jnode:put(not_a_ref, <<"k">>, <<"v">>, []) end,
         fun() -> rocksdb_jnode:get(Db, "k", []) end,
         fun() -> rocksdb_jnode:get(Local, <<"k">>, []) end,
         fun() -> rocksdb_jnode:delete(Db, 1, []) end,
         fun() -> rocksdb_jnode:close(Local) end,
         fun() -> rocksdb_jnode:count(self()) end,
         fun() -> rocksdb_jnode:flush(Db, wait) end,
         fun() -> rocksdb_jnode:flush(Local, []) end,
         fun() -> rocksdb_jnode:checkpoint(Db, checkpoint) end,
         fun() -> rocksdb_jnode:checkpoint(Local, "/tmp/cp") end,
         fun() -> rocksdb_jnode:open(db, []) end,
         fun() -> rocksdb_jnode:open("", []) end,
         fun() -> rocksdb_jnode:open(<<>>, []) end,
         fun() -> rocksdb_jnode:open(["a", "b"], []) end,
         fun() -> rocksdb_jnode:open("a" ++ [0] ++ "b", []) end,
         fun() -> rocksdb_jnode:open(<<255, 254>>, []) end,
         fun() -> rocksdb_jnode:open("/tmp/db", #{}) end,
         fun() -> rocksdb_jnode:open("/tmp/db", [{node, "not_an_atom"}]) end,
         fun() -> rocksdb_jnode:open("/tmp/db", [{heir, not_a_pid, data}]) end,
         fun() -> rocksdb_jnode:destroy(42, []) end,
         fun() -> rocksdb_jnode:open_backup_engine('/tmp/backup') end,
         fun() -> rocksdb_jnode:open_backup_engine("/tmp/backup", [{node, 1}]) end,
         fun() -> rocksdb_jnode:create_new_backup(Engine, Local) end,
         fun() -> rocksdb_jnode:create_new_backup(Engine, OtherNodeDb) end,
         fun() -> rocksdb_jnode:create_new_backup(Engine, db_name) end,
         fun() -> rocksdb_jnode:create_new_backup(Engine, Db, flush) end,
         fun() -> rocksdb_jnode:create_new_backup(Local, Db) end,
         fun() -> rocksdb_jnode:verify_backup(Engine, -1) end,
         fun() -> rocksdb_jnode:verify_backup(Engine, 1.0) end,
         fun() -> rocksdb_jnode:verify_backup(Engine, 1 bsl 31) end,
         fun() -> rocksdb_jnode:verify_backup(Engine, 1, verify_with_checksum) end,
         fun() -> rocksdb_jnode:delete_backup(Engine, -1) end,
         fun() -> rocksdb_jnode:delete_backup(Local, 1) end,
         fun() -> rocksdb_jnode:purge_old_backup(Engine, -2) end,
         fun() -> rocksdb_jnode:gc_backup_engine(Local) end,
         fun() -> rocksdb_jnode:stop_backup(Local) end,
         fun() -> rocksdb_jnode:close_backup_engine(Local) end,
         fun() -> rocksdb_jnode:get_backup_info(Local) end,
         fun() -> rocksdb_jnode:restore_db_from_backup(Engine, -1, "/tmp/db") end,
         fun() -> rocksdb_jnode:restore_db_from_backup(Engine, 1, db) end,
         fun() -> rocksdb_jnode:restore_db_from_backup(Engine, 1, "/tmp/db", wal) end,
         fun() -> rocksdb_jnode:restore_db_from_backup(Engine, 1, "/tmp/db", "/tmp/db", x) end,
         fun() -> rocksdb_jnode:restore_db_from_latest_backup(Engine, "") end,
         fun() -> rocksdb_jnode:restore_db_from_latest_backup(Local, "/tmp/db") end,
         fun() -> rocksdb_jnode:restore_from_backup(Engine, -1, "/tmp/db", "/tmp/db") end,
         fun() -> rocksdb_jnode:restore_from_latest_backup(Engine, "/tmp/db", 7) end,
         fun() -> rocksdb_jnode:give_away(Db, not_a_pid, gift) end,
         fun() -> rocksdb_jnode:give_away(Local, self(), gift) end,
         fun() -> rocksdb_jnode:give_away(Db, self(), gift) end,  % the caller owns it already
         fun() -> rocksdb_jnode:give_away(Db, dead_pid(), gift) end,
         fun() -> rocksdb_jnode:set_heir(Db, heir, data) end,
         fun() -> rocksdb_jnode:set_heir(Local, none, data) end,
         fun() -> rocksdb_jnode:ping("node") end],
    [?_assertEqual({{error, badarg}, []}, transport_calls(Call)) || Call <- Calls].

%% The control of the test above: the same tracing sees the calls that do travel (here to a
%% node that does not exist).
well_formed_calls_are_sent(_) ->
    Db = rocksdb_jnode_fake:remote_ref(?REMOTE),
    Engine = rocksdb_jnode_fake:remote_ref(?REMOTE),
    Nodedown = {error, {nodedown, ?REMOTE}},
    Calls =
        [fun() -> rocksdb_jnode:put(Db, <<"k">>, <<"v">>, [{sync, true}]) end,
         fun() -> rocksdb_jnode:get(Db, <<"k">>, []) end,
         fun() -> rocksdb_jnode:flush(Db, [{wait, true}]) end,
         fun() -> rocksdb_jnode:checkpoint(Db, "relative/cp") end,
         fun() -> rocksdb_jnode:create_new_backup(Engine, Db) end,
         fun() -> rocksdb_jnode:create_new_backup(Engine, "relative/db") end,
         fun() -> rocksdb_jnode:verify_backup(Engine, 16#7fffffff) end,
         fun() -> rocksdb_jnode:restore_db_from_latest_backup(Engine, <<"/tmp/db"/utf8>>) end],
    [?_assertMatch({{value, Nodedown}, [{rocksdb_jnode_call, _, 3}]},
                   transport_calls(distributed(Call)))
     || Call <- Calls].

%% From a node that is not distributed, a call to a Java node is not even tried.
not_distributed_is_a_value(_) ->
    Db = rocksdb_jnode_fake:remote_ref(?REMOTE),
    ok = application:set_env(rocksdb_jnode, node, ?REMOTE),
    [?_assertEqual({{value, {error, not_distributed}}, []},
                   transport_calls(fun() -> rocksdb_jnode:get(Db, <<"k">>, []) end)),
     ?_assertEqual({error, not_distributed}, rocksdb_jnode:ping()),
     ?_assertEqual({error, not_distributed}, rocksdb_jnode:open("/tmp/db", []))].

%% Fun, run while this node is distributed (and no longer afterwards, if it was not before).
distributed(Fun) ->
    fun() ->
            case is_alive() of
                true ->
                    Fun();
                false ->
                    _ = os:cmd("epmd -daemon"),
                    Name = list_to_atom("eunit_" ++ os:getpid() ++ "@127.0.0.1"),
                    {ok, _} = net_kernel:start([Name, longnames]),
                    try Fun() after ok = net_kernel:stop() end
            end
    end.

paths_travel_absolute(Fixture) ->
    fake(Fixture, fun(_) -> {reply, {error, {error, "fake"}}} end),
    {ok, Cwd} = file:get_cwd(),
    Abs = fun(Relative) -> unicode:characters_to_binary(filename:join(Cwd, Relative)) end,
    Sent = fun(Call) -> _ = Call(), next_request(Fixture) end,
    Requests =
        [Sent(fun() -> rocksdb_jnode:open("rel/db", []) end),
         Sent(fun() -> rocksdb_jnode:open(<<"rel/bin">>, []) end),
         Sent(fun() -> rocksdb_jnode:open("données/é", []) end),
         Sent(fun() -> rocksdb_jnode:open(<<"données/bin"/utf8>>, []) end),
         Sent(fun() -> rocksdb_jnode:open("/abs/db/", []) end),
         Sent(fun() -> rocksdb_jnode:destroy("rel/gone", []) end),
         Sent(fun() -> rocksdb_jnode:open_backup_engine("rel/backup") end)],
    Self = self(),
    ?_assertEqual([{open, Abs("rel/db"), [{owner, Self}]},
                   {open, Abs("rel/bin"), [{owner, Self}]},
                   {open, Abs("données/é"), [{owner, Self}]},
                   {open, Abs("données/bin"), [{owner, Self}]},
                   {open, <<"/abs/db">>, [{owner, Self}]},
                   {destroy, Abs("rel/gone"), []},
                   {open_backup_engine, Abs("rel/backup"), [{owner, Self}]}],
                  Requests).

node_option_is_stripped(Fixture) ->
    fake(Fixture, fun(_) -> {reply, {error, {db_open, "fake"}}} end),
    %% The default node is elsewhere: only the option can bring the request here.
    ok = application:set_env(rocksdb_jnode, node, ?REMOTE),
    Here = node(),
    R1 = rocksdb_jnode:open("/tmp/db", [{node, Here}, {create_if_missing, true}]),
    Q1 = next_request(Fixture),
    R2 = rocksdb_jnode:destroy("/tmp/db", [{node, Here}]),
    Q2 = next_request(Fixture),
    R3 = rocksdb_jnode:open_backup_engine("/tmp/b", [{share_table_files, true}, {node, Here}]),
    Q3 = next_request(Fixture),
    R4 = (distributed(fun() -> rocksdb_jnode:open("/tmp/db", []) end))(),
    Self = self(),
    [?_assertEqual({error, {db_open, "fake"}}, R1),
     ?_assertEqual({open, <<"/tmp/db">>, [{create_if_missing, true}, {owner, Self}]}, Q1),
     ?_assertEqual({destroy, <<"/tmp/db">>, []}, Q2),
     ?_assertMatch({error, {db_open, "fake"}}, R2),
     ?_assertMatch({error, {db_open, "fake"}}, R3),
     ?_assertEqual({open_backup_engine, <<"/tmp/b">>, [{share_table_files, true},
                                                       {owner, Self}]}, Q3),
     ?_assertEqual({error, {nodedown, ?REMOTE}}, R4)].

owner_option_is_the_callers(Fixture) ->
    fake(Fixture, fun(_) -> {reply, {error, {db_open, "fake"}}} end),
    Other = spawn(fun() -> receive stop -> ok end end),
    Heir = {heir, Other, data},
    _ = rocksdb_jnode:open("/tmp/db", [{owner, Other}, Heir]),
    Request = next_request(Fixture),
    Other ! stop,
    Self = self(),
    ?_assertEqual({open, <<"/tmp/db">>, [Heir, {owner, Self}]}, Request).

%% At the shell prompt, the owner is the shell process, not its evaluator: a fake group
%% leader names a fake shell whose dictionary names the evaluator, as group.erl and shell.erl
%% do under a terminal.
shell_evaluator_gives_the_shell_as_owner(Fixture) ->
    shell_owner(Fixture, fun(Shell) -> put(user_drv, self()), put(shell, Shell) end).

%% Without a terminal (stdin not a tty, -oldshell) the group leader is `user', which keeps only
%% {shell, Shell} in its dictionary.
old_shell_evaluator_gives_the_shell_as_owner(Fixture) ->
    shell_owner(Fixture, fun(Shell) -> put(shell, Shell) end).

shell_owner(Fixture, SetUpGroupLeader) ->
    fake(Fixture, fun(_) -> {reply, {error, {db_open, "fake"}}} end),
    Test = self(),
    Evaluator = spawn(fun() ->
                              receive go -> ok end,
                              Test ! {evaluated, rocksdb_jnode:open("/tmp/db", [])}
                      end),
    Shell = spawn(fun() -> put(evaluator, Evaluator), receive stop -> ok end end),
    GroupLeader = spawn(fun() -> SetUpGroupLeader(Shell), receive stop -> ok end end),
    true = group_leader(GroupLeader, Evaluator),
    Evaluator ! go,
    Request = next_request(Fixture),
    Evaluated = await(evaluated, 5000),
    %% Another process under the same group leader is not the evaluator: it owns its handles.
    Bystander = spawn(fun() ->
                              receive go -> ok end,
                              Test ! {evaluated, rocksdb_jnode:open("/tmp/db2", [])}
                      end),
    true = group_leader(GroupLeader, Bystander),
    Bystander ! go,
    BystanderRequest = next_request(Fixture),
    _ = await(evaluated, 5000),
    [P ! stop || P <- [Shell, GroupLeader]],
    [?_assertEqual({evaluated, {error, {db_open, "fake"}}}, Evaluated),
     ?_assertEqual({open, <<"/tmp/db">>, [{owner, Shell}]}, Request),
     ?_assertEqual({open, <<"/tmp/db2">>, [{owner, Bystander}]}, BystanderRequest)].

badarg_reply_raises(Fixture) ->
    fake(Fixture, fun(_) -> {reply, {error, {badarg, {bad_argument, create_if_missing}}}} end),
    ?_assertError(badarg, rocksdb_jnode:open("/tmp/db", [{create_if_missing, maybe}])).

other_replies_are_returned(Fixture) ->
    Engine = make_ref(),
    fake(Fixture, fun({open, _, _}) -> {reply, {error, {db_open, "IO error: lock"}}};
                     ({destroy, _, _}) -> {reply, {error, {db_in_use, <<"/tmp/db">>}}};
                     ({open_backup_engine, _, _}) -> {reply, {ok, Engine}};
                     (ping) -> {reply, pong}
                  end),
    [?_assertEqual({error, {db_open, "IO error: lock"}}, rocksdb_jnode:open("/tmp/db", [])),
     ?_assertEqual({error, {db_in_use, <<"/tmp/db">>}}, rocksdb_jnode:destroy("/tmp/db", [])),
     ?_assertEqual({ok, Engine}, rocksdb_jnode:open_backup_engine("/tmp/b")),
     ?_assertEqual(pong, rocksdb_jnode:ping()),
     ?_assertEqual(pong, rocksdb_jnode:ping(node()))].

quick_call_timeout_leaves_no_message(Fixture) ->
    ok = application:set_env(rocksdb_jnode, call_timeout, 50),
    fake(Fixture, fun(_) -> noreply end),
    Result = rocksdb_jnode_fake:in_fresh_process(fun() -> {rocksdb_jnode:ping(), mailbox()} end),
    ?_assertEqual({{error, timeout}, []}, Result).

long_call_heartbeat(Fixture) ->
    ok = application:set_env(rocksdb_jnode, heartbeat_interval, 50),
    ok = application:set_env(rocksdb_jnode, heartbeat_misses, 2),
    fake(Fixture, fun(_) -> noreply end),
    Here = node(),
    Result = rocksdb_jnode_fake:in_fresh_process(fun() -> {rocksdb_jnode:destroy("/tmp/db", []), mailbox()} end),
    ?_assertEqual({{error, {node_unresponsive, Here}}, []}, Result).

application_starts_on_first_open(Fixture) ->
    fake(Fixture, fun(_) -> {reply, {error, {db_open, "fake"}}} end),
    Before = whereis(rocksdb_jnode_owners),
    _ = rocksdb_jnode:open("/tmp/db", []),
    After = whereis(rocksdb_jnode_owners),
    [?_assertEqual(undefined, Before),
     ?_assert(is_pid(After))].

%% Loading an application replaces what set_env/3 gave its keys before; the API loads it on
%% the first open, which must not lose the node and mailbox set before.
env_set_before_the_application_loads_is_kept(#{mailbox := Mailbox} = Fixture) ->
    ok = application:unload(rocksdb_jnode),
    %% The API remembers that it found the application loaded (rocksdb_jnode_config); this
    %% test is of the first load, so it forgets that.
    _ = persistent_term:erase({rocksdb_jnode_config, loaded}),
    ok = application:set_env(rocksdb_jnode, node, node()),
    ok = application:set_env(rocksdb_jnode, mailbox, Mailbox),
    fake(Fixture, fun(_) -> {reply, {error, {db_open, "fake"}}} end),
    Reply = rocksdb_jnode:open("/tmp/db", []),
    Request = next_request(Fixture),
    Env = {application:get_env(rocksdb_jnode, node), application:get_env(rocksdb_jnode, mailbox)},
    Here = node(),
    [?_assertEqual({error, {db_open, "fake"}}, Reply),
     ?_assertMatch({open, <<"/tmp/db">>, _}, Request),
     ?_assertEqual({{ok, Here}, {ok, Mailbox}}, Env)].

owner_down_is_reported_and_heirs_watched(Fixture) ->
    Heir = spawn(fun() -> receive stop -> ok end end),
    Db = make_ref(),
    fake(Fixture, fun({open, _, _}) -> {reply, {ok, Db}};
                     ({owner_down, Pid}) when Pid =:= Heir -> {reply, {ok, []}};
                     ({owner_down, _}) -> {reply, {ok, [{Db, Heir}]}}
                  end),
    {Owner, Opened} = open_with_heir(Heir),
    _ = next_request(Fixture),
    Owner ! stop,
    OwnerDown = next_request(Fixture),
    %% The heir is watched once the node has passed the handle to it.
    Heir ! stop,
    HeirDown = next_request(Fixture),
    [?_assertEqual({opened, {ok, Db}}, Opened),
     ?_assertEqual({owner_down, Owner}, OwnerDown),
     ?_assertEqual({owner_down, Heir}, HeirDown)].

%% A report the node does not acknowledge within call_timeout is sent again, and since the lost
%% reply may have named heirs, the watcher then asks the node which pids own handles there and
%% watches them: the heir's own exit is reported (issue 11, defect 7).
owner_down_timed_out_is_retried_and_resynced(Fixture) ->
    Here = node(),
    ok = application:set_env(rocksdb_jnode, call_timeout, 200),
    Heir = spawn(fun() -> receive stop -> ok end end),
    Db = make_ref(),
    fake(Fixture, fun({open, _, _}) -> {reply, {ok, Db}};
                     ({owner_down, Pid}) when Pid =:= Heir -> {reply, {ok, []}};
                     ({owner_down, _}) ->
                          %% The first report goes unanswered (the node was busy); it did
                          %% pass the handle to the heir, but its reply is lost.
                          case get(owner_reports) of
                              undefined -> put(owner_reports, 1), noreply;
                              _ -> {reply, {ok, []}}
                          end;
                     ({owners, Node}) when Node =:= Here -> {reply, {ok, [Heir]}}
                  end),
    {Owner, Opened} = open_with_heir(Heir),
    _ = next_request(Fixture),
    Owner ! stop,
    First = next_request(Fixture),
    Retry = next_request(Fixture),
    Resync = next_request(Fixture),
    Heir ! stop,
    HeirDown = next_request(Fixture),
    [?_assertEqual({opened, {ok, Db}}, Opened),
     ?_assertEqual({owner_down, Owner}, First),
     ?_assertEqual({owner_down, Owner}, Retry),
     ?_assertEqual({owners, Here}, Resync),
     ?_assertEqual({owner_down, Heir}, HeirDown)].

%% A process that opens a DB naming Heir its heir, and stays until sent `stop'; and the open's
%% result.
open_with_heir(Heir) ->
    Test = self(),
    Owner = spawn(fun() ->
                          Test ! {opened, rocksdb_jnode:open("/tmp/db", [{heir, Heir, x}])},
                          receive stop -> ok end
                  end),
    {Owner, await(opened, 5000)}.

resync_watches_the_owners(Fixture) ->
    Owner = spawn(fun() -> receive stop -> ok end end),
    Here = node(),
    fake(Fixture, fun({owners, Node}) when Node =:= Here -> {reply, {ok, [Owner]}};
                     ({owner_down, _}) -> {reply, {ok, []}}
                  end),
    {ok, _} = application:ensure_all_started(rocksdb_jnode),
    Resync = rocksdb_jnode_owners:resync(node()),
    Asked = next_request(Fixture),
    Owner ! stop,
    Down = next_request(Fixture),
    [?_assertEqual(ok, Resync),
     ?_assertEqual({owners, Here}, Asked),
     ?_assertEqual({owner_down, Owner}, Down)].

dead_pid() ->
    {Pid, MRef} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', MRef, process, Pid, _} -> Pid end.
