%% @doc Fixtures shared by the common_test suites: make the test node distributed, start a real
%% Java node with a unique name and a log in the suite's private directory, point the client at
%% it, and stop it by its OS pid afterwards.
-module(jnode_ct).

-export([init_dist/0, start_node/1, start_node/2, stop_node/1, kill_node/1, use_node/1,
         dir/2, call/2, os_pid_alive/1, wait_until/3]).

-include_lib("common_test/include/ct.hrl").

%% @doc Makes this node distributed (long names on 127.0.0.1) and starts the client apps.
%% These suites start their own Java nodes (rocksdb_jnode_node, below) and point `node' at
%% each in turn, so the application must not start a JVM of its own: until a suite names a
%% node, `node' names one that does not exist.
-spec init_dist() -> ok.
init_dist() ->
    ok = rocksdb_jnode_ct:init_dist(),
    ok = rocksdb_jnode_config:ensure_loaded(),
    case application:get_env(rocksdb_jnode, node) of
        {ok, Node} when Node =/= undefined -> ok;
        _ -> ok = application:set_env(rocksdb_jnode, node, 'no_jnode_yet@127.0.0.1')
    end,
    {ok, _} = application:ensure_all_started(rocksdb_compat),
    ok.

%% @doc Starts a Java node for this suite or test case and makes it the client's default node.
-spec start_node(list()) -> map().
start_node(Config) ->
    start_node(Config, #{}).

-spec start_node(list(), map()) -> map().
start_node(Config, Opts) ->
    ok = init_dist(),
    Priv = ?config(priv_dir, Config),
    Name = maps:get(name, Opts, rocksdb_jnode_jvm:unique_name("jnode")),
    Log = filename:join(Priv, atom_to_list(Name) ++ ".log"),
    {ok, Info} = rocksdb_jnode_node:start(maps:merge(#{name => Name, log => Log}, Opts)),
    use_node(Info),
    ct:log("started Java node ~p (os pid ~p), log ~ts", [Name, maps:get(os_pid, Info), Log]),
    Info.

%% @doc Makes `Info''s node the client's default node.
-spec use_node(map()) -> ok.
use_node(#{node := Node}) ->
    application:set_env(rocksdb_jnode, node, Node).

%% @doc Graceful stop, then `kill -9' if it lingers; asserts the OS process is gone.
-spec stop_node(map()) -> ok.
stop_node(#{os_pid := OsPid} = Info) ->
    ok = rocksdb_jnode_node:stop(Info),
    false = os_pid_alive(OsPid),
    ok.

-spec kill_node(map()) -> ok.
kill_node(#{os_pid := OsPid} = Info) ->
    ok = rocksdb_jnode_node:kill(Info),
    false = os_pid_alive(OsPid),
    ok.

%% @doc A fresh directory path (not created) under the test's private directory.
-spec dir(list(), string()) -> string().
dir(Config, Name) ->
    filename:join(?config(priv_dir, Config),
                  Name ++ "_" ++ integer_to_list(erlang:unique_integer([positive]))).

%% @doc A raw `gen_server' call to the node's mailbox, bypassing the client.
-spec call(map(), term()) -> term().
call(#{node := Node, mailbox := Mailbox}, Request) ->
    gen_server:call({Mailbox, Node}, Request, 30000).

%% @doc Whether the OS process runs: a zombie (exited, not yet reaped, as an orphan is until
%% the container's init reaps it) counts as gone.
-spec os_pid_alive(integer()) -> boolean().
os_pid_alive(OsPid) ->
    case file:read_file("/proc/" ++ integer_to_list(OsPid) ++ "/stat") of
        {ok, Stat} ->
            %% pid (comm) state ...: comm may hold spaces and parentheses.
            [_, AfterComm] = string:split(Stat, ")", trailing),
            <<" ", State, _/binary>> = AfterComm,
            State =/= $Z andalso State =/= $X;
        {error, _} ->
            false
    end.

%% @doc Polls `Fun' every 20 ms until it returns true, for at most `Ms' ms; fails the test
%% with `What' otherwise.
-spec wait_until(fun(() -> boolean()), non_neg_integer(), term()) -> ok.
wait_until(Fun, Ms, What) ->
    Deadline = erlang:monotonic_time(millisecond) + Ms,
    wait_until_(Fun, Deadline, What).

wait_until_(Fun, Deadline, What) ->
    case Fun() of
        true ->
            ok;
        false ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> ct:fail({timeout_waiting_for, What});
                false -> timer:sleep(20), wait_until_(Fun, Deadline, What)
            end
    end.
