%% @doc Fixture of ownership_SUITE: a gen_server that opens its DB in init/1, as an application
%% under a supervisor would, and reports every open's result to the test.
-module(own_worker).
-behaviour(gen_server).

-export([start_link/2, init/1, handle_call/3, handle_cast/2]).

start_link(Path, Report) ->
    gen_server:start_link(?MODULE, {Path, Report}, []).

init({Path, Report}) ->
    T0 = erlang:monotonic_time(millisecond),
    Result = rocksdb:open(Path, [{create_if_missing, true}]),
    Report ! {own_worker_open, self(), Result, erlang:monotonic_time(millisecond) - T0},
    case Result of
        {ok, Db} -> {ok, Db};
        Error -> {stop, {open_failed, Error}}
    end.

handle_call({put, Key, Value}, _From, Db) ->
    {reply, rocksdb:put(Db, Key, Value, []), Db};
handle_call({get, Key}, _From, Db) ->
    {reply, rocksdb:get(Db, Key, []), Db};
handle_call(db, _From, Db) ->
    {reply, Db, Db}.

handle_cast(crash, Db) ->
    erlang:error({crashed_on_purpose, Db}).
