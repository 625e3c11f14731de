%% @doc How large a put a Java node with a given heap takes. For each heap size, starts a node
%% with -XmxN and sends raw puts (past the client's max_value_size check) of growing sizes,
%% reporting each reply, until the node refuses, dies, or the sizes run out.
%% Run by bench/value_size.sh.
-module(value_size).
-export([run/1]).

run([Dir | Heaps]) ->
    try
        [heap(Dir, list_to_integer(H)) || H <- Heaps]
    after
        halt()
    end.

heap(Dir, HeapMb) ->
    {ok, Info} = rocksdb_jnode_node:start(#{jvm_args => ["-Xmx" ++ integer_to_list(HeapMb) ++ "m"],
                                            log => filename:join(Dir, "node_" ++ integer_to_list(HeapMb) ++ ".log")}),
    #{node := Node, os_pid := OsPid} = Info,
    application:set_env(rocksdb_jnode, node, Node),
    {ok, Db} = rocksdb:open(filename:join(Dir, "db_" ++ integer_to_list(HeapMb)), [{create_if_missing, true}]),
    Sizes = [HeapMb * F div 16 || F <- lists:seq(2, 24, 2)],
    Last = try_sizes(Info, Db, HeapMb, Sizes, none),
    io:format("heap ~b MB: largest put accepted ~s~n", [HeapMb, case Last of none -> "none"; S -> integer_to_list(S) ++ " MB" end]),
    case alive(OsPid) of
        true -> _ = rocksdb:close(Db), ok = rocksdb_jnode_node:stop(Info);
        false -> ok
    end.

try_sizes(_Info, _Db, _Heap, [], Last) ->
    Last;
try_sizes(#{node := Node, mailbox := Mbox, os_pid := OsPid} = Info, Db, Heap, [Mb | Rest], Last) ->
    Value = binary:copy(<<"x">>, Mb * 1024 * 1024),
    T0 = erlang:monotonic_time(millisecond),
    Reply = try gen_server:call({Mbox, Node}, {put, Db, <<"k">>, Value, []}, 60000)
            catch exit:Why -> {exit, element(1, Why)}
            end,
    Ms = erlang:monotonic_time(millisecond) - T0,
    erlang:garbage_collect(),
    Alive = alive(OsPid) andalso rocksdb_jnode:ping(Node) =:= pong,
    io:format("heap ~b MB, put ~b MB: ~p in ~b ms; node ~s~n",
              [Heap, Mb, Reply, Ms, case Alive of true -> "serving"; false -> "gone" end]),
    case {Reply, Alive} of
        {ok, true} -> try_sizes(Info, Db, Heap, Rest, Mb);
        _ -> Last
    end.

alive(OsPid) ->
    os:cmd("kill -0 " ++ integer_to_list(OsPid) ++ " 2>/dev/null && echo yes") =:= "yes\n".
