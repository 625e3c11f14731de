%% @private
%% @doc Group commit of single writes: concurrent `put/4,5' and `delete/3,4' calls to one DB with
%% the same options travel to the Java node as one `write_packed' request, one RocksDB write
%% (one WAL append, one sync when they ask for one), and each caller still gets its own reply,
%% only once its write is in the WAL.
%%
%% Why: on one distribution connection, each call is a message each way, and at 16 callers
%% the messages, not RocksDB, are the limit (README, "Numbers"). Grouping N writes turns 2N
%% messages into 2 plus 2N local ones, which cost a few microseconds each.
%%
%% How, without slowing a lone caller: a counter (an `atomics' in a persistent term) counts the
%% grouped writes in progress in this Erlang node. A write that finds none in progress is sent
%% directly, as every other call is, at no cost but the counter. A write that finds others goes
%% to this process, which sends it at once when nothing of its DB and options is in flight, or
%% else queues it and sends everything queued as one batch as soon as the write in flight is
%% answered. So batches form only while there is a queue, and no write ever waits for a timer.
%%
%% Replies: a batch answered `ok' answers `ok' to each of its callers. Any other answer (a
%% closed handle, a RocksDB error, the node gone) answers `retry', and each caller then sends its
%% own write directly, so that every caller gets exactly the reply a direct call gives, for its
%% own arguments; a batch that fails is all or nothing (RocksDB's write is atomic), so nothing
%% is written twice. A caller waits at most its `call_timeout' in all, by an alias, so a late
%% reply never reaches it; a batch unanswered after that long is abandoned. When this process
%% is not running (the application is not started), every write is sent directly.
%%
%% The application environment's `group_commit' (default `true') turns it off.
-module(rocksdb_jnode_group).
-behaviour(gen_server).

-export([start_link/0, call/4]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% The most writes sent in one batch; the rest wait for the next.
-define(MAX_BATCH, 1024).
-define(COUNTER, {?MODULE, in_progress}).

%% A DB, its node's mailbox and the write options: writes that may share a batch.
-type key() :: {rocksdb_jnode_call:dest(), reference(), list()}.
-type op() :: tuple().
-type in_flight() :: #{req := gen_server:request_id(), callers := [gen_server:from()],
                       tag := reference(), timer := reference() | none}.
-type queue_entry() :: #{in_flight := in_flight() | none,
                         queued := [{gen_server:from(), op()}], queued_count := non_neg_integer(),
                         timeout := timeout()}.
-type state() :: #{key() => queue_entry()}.

-spec start_link() -> {ok, pid()} | ignore | {error, term()}.
start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% @doc Sends the write `Request' to `Dest' grouped with concurrent ones when that helps, else
%% calls `Direct' (which makes the request directly, waiting at most `Timeout'). Any request
%% other than a put or delete is made directly.
-spec call(Dest, Request, Timeout, Direct) -> term() when
      Dest :: rocksdb_jnode_call:dest(),
      Request :: tuple() | atom(),
      Timeout :: timeout(),
      Direct :: fun((timeout()) -> term()).
call(Dest, Request, Timeout, Direct) ->
    case groupable(Request) of
        none ->
            Direct(Timeout);
        {Db, Op, Opts} ->
            case whereis(?MODULE) =/= undefined andalso rocksdb_jnode_config:env(group_commit) of
                true -> counted({Dest, Db, Opts}, Op, Timeout, Direct);
                false -> Direct(Timeout)
            end
    end.

-spec counted(key(), op(), timeout(), fun((timeout()) -> term())) -> term().
counted(Key, Op, Timeout, Direct) ->
    Counter = counter(),
    try atomics:add_get(Counter, 1, 1) of
        1 -> Direct(Timeout);
        _ -> grouped(Key, Op, Timeout, Direct)
    after
        atomics:sub(Counter, 1, 1)
    end.

-spec grouped(key(), op(), timeout(), fun((timeout()) -> term())) -> term().
grouped(Key, Op, Timeout, Direct) ->
    Deadline = deadline(Timeout),
    ReqId = gen_server:send_request(?MODULE, {write, Key, Op, Timeout}),
    case gen_server:receive_response(ReqId, Timeout) of
        {reply, ok} -> ok;
        {reply, retry} -> Direct(left(Deadline));
        {reply, {error, timeout} = Error} -> Error;
        timeout -> {error, timeout};
        {error, _GroupProcessGone} -> Direct(left(Deadline))
    end.

-spec deadline(timeout()) -> integer() | infinity.
deadline(infinity) -> infinity;
deadline(Ms) -> erlang:monotonic_time(millisecond) + Ms.

-spec left(integer() | infinity) -> timeout().
left(infinity) -> infinity;
left(Deadline) -> max(0, Deadline - erlang:monotonic_time(millisecond)).

%% The put and delete requests of the API: `{Db, Op, Opts}', Op as write/3 packs it.
-spec groupable(tuple() | atom()) -> {reference(), op(), list()} | none.
groupable({put, Db, K, V, Opts}) -> {Db, {put, K, V}, Opts};
groupable({put, Db, Cf, K, V, Opts}) -> {Db, {put, Cf, K, V}, Opts};
groupable({delete, Db, K, Opts}) -> {Db, {delete, K}, Opts};
groupable({delete, Db, Cf, K, Opts}) -> {Db, {delete, Cf, K}, Opts};
groupable(_) -> none.

-spec counter() -> atomics:atomics_ref().
counter() ->
    case persistent_term:get(?COUNTER, undefined) of
        undefined ->
            %% Made once per Erlang node, by the first caller to get here (a race between two
            %% first callers only costs one of them a counter that is then dropped).
            Counter = atomics:new(1, [{signed, true}]),
            persistent_term:put(?COUNTER, Counter),
            persistent_term:get(?COUNTER);
        Counter ->
            Counter
    end.

%%%===================================================================
%%% The process
%%%===================================================================

-spec init([]) -> {ok, state()}.
init([]) ->
    _ = counter(),
    {ok, #{}}.

-spec handle_call(term(), gen_server:from(), state()) ->
          {noreply, state()} | {reply, {error, unknown_request}, state()}.
handle_call({write, Key, Op, Timeout}, From, State) ->
    State1 = enqueue(Key, From, Op, Timeout, State),
    {noreply, keep(Key, send_queued(Key, maps:get(Key, State1)), State1)};
handle_call(_Other, _From, State) ->
    {reply, {error, unknown_request}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast(_Msg, State) ->
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({expired, Key, Tag}, State) ->
    case State of
        #{Key := #{in_flight := #{req := ReqId, callers := Callers, tag := Tag}} = Entry} ->
            %% The callers have given up; so does the batch (its alias is deactivated).
            _ = gen_server:receive_response(ReqId, 0),
            reply_all(Callers, {error, timeout}),
            {noreply, next(Key, Entry, State)};
        _ ->
            {noreply, State}
    end;
handle_info(Msg, State) ->
    {noreply, answered(Msg, maps:to_list(State), State)}.

%% The reply (or the monitor's DOWN) of one batch in flight, if `Msg' is one.
-spec answered(term(), [{key(), queue_entry()}], state()) -> state().
answered(_Msg, [], State) ->
    State;
answered(Msg, [{_Key, #{in_flight := none}} | Rest], State) ->
    answered(Msg, Rest, State);
answered(Msg, [{Key, #{in_flight := #{req := ReqId, callers := Callers, timer := Timer}} = Entry} | Rest],
         State) ->
    case gen_server:check_response(Msg, ReqId) of
        no_reply ->
            answered(Msg, Rest, State);
        Result ->
            _ = Timer =:= none orelse erlang:cancel_timer(Timer),
            reply_all(Callers, case Result of {reply, ok} -> ok; _ -> retry end),
            next(Key, Entry, State)
    end.

%% The batch of `Key' is over. Its callers were just answered, and most of them are about to
%% write again: this process lets them run first (erlang:yield/0), takes in the writes that
%% arrived meanwhile, and only then sends what is queued, so that the next batch holds them.
-spec next(key(), queue_entry(), state()) -> state().
next(Key, Entry, State) ->
    erlang:yield(),
    State1 = drain(State#{Key => Entry#{in_flight := none}}),
    maps:fold(fun(K, #{in_flight := none} = E, Acc) -> keep(K, send_queued(K, E), Acc);
                 (_K, _E, Acc) -> Acc
              end, State1, State1).

%% `Entry' as `Key''s, or no entry when it has nothing in flight and nothing queued.
-spec keep(key(), queue_entry(), state()) -> state().
keep(Key, #{in_flight := none, queued_count := 0}, State) -> maps:remove(Key, State);
keep(Key, Entry, State) -> State#{Key => Entry}.

%% Queues the writes waiting in the mailbox, without sending any.
-spec drain(state()) -> state().
drain(State) ->
    receive
        {'$gen_call', From, {write, Key, Op, Timeout}} -> drain(enqueue(Key, From, Op, Timeout, State))
    after 0 ->
        State
    end.

%% Queues a write; the batch it goes in waits for its answer as long as its newest caller does.
-spec enqueue(key(), gen_server:from(), op(), timeout(), state()) -> state().
enqueue(Key, From, Op, Timeout, State) ->
    Entry = maps:get(Key, State, #{in_flight => none, queued => [], queued_count => 0,
                                   timeout => Timeout}),
    #{queued := Queued, queued_count := N} = Entry,
    State#{Key => Entry#{queued := [{From, Op} | Queued], queued_count := N + 1, timeout := Timeout}}.

%% Sends the queued writes of `Key' as one batch, unless one is in flight already. When the
%% node is not connected, sending would make this process connect (and wait for it, which
%% would hold up every other batch): the callers are told to retry, and each connects, or
%% fails to, on its own.
-spec send_queued(key(), queue_entry()) -> queue_entry().
send_queued(_Key, #{in_flight := #{}} = Entry) ->
    Entry;
send_queued({{_Mailbox, Node}, _Db, _Opts} = Key, #{queued := Queued} = Entry) when Queued =/= [] ->
    case lists:member(Node, nodes(connected)) of
        true ->
            send_batch(Key, Entry);
        false ->
            reply_all([From || {From, _Op} <- Queued], retry),
            Entry#{queued := [], queued_count := 0}
    end;
send_queued(_Key, Entry) ->
    Entry.

-spec send_batch(key(), queue_entry()) -> queue_entry().
send_batch({Dest, Db, Opts} = Key, #{queued := Queued, queued_count := N, timeout := Timeout} = Entry) ->
    {Batch, Left} = split_oldest(lists:reverse(Queued), N),
    {Callers, Ops} = lists:unzip(Batch),
    {Families, Packed} = rocksdb_jnode_args:pack_writes(Ops),
    ReqId = gen_server:send_request(Dest, {write_packed, Db, Families, Packed, Opts}),
    Tag = make_ref(),
    Timer = case Timeout of
                infinity -> none;
                _ -> erlang:send_after(Timeout, self(), {expired, Key, Tag})
            end,
    Entry#{in_flight := #{req => ReqId, callers => Callers, tag => Tag, timer => Timer},
           queued := lists:reverse(Left), queued_count := length(Left)}.

-spec split_oldest(list(), non_neg_integer()) -> {list(), list()}.
split_oldest(Oldest, N) when N =< ?MAX_BATCH -> {Oldest, []};
split_oldest(Oldest, _N) -> lists:split(?MAX_BATCH, Oldest).

-spec reply_all([gen_server:from()], term()) -> ok.
reply_all(Callers, Reply) ->
    lists:foreach(fun(From) -> gen_server:reply(From, Reply) end, Callers).
