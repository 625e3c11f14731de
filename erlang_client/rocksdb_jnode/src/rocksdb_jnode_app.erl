%% @private
%% @doc The application callback: starts the supervisor of the owner watcher.
-module(rocksdb_jnode_app).
-behaviour(application).

-export([start/2, stop/1]).

-spec start(application:start_type(), term()) -> {ok, pid()} | {error, term()}.
start(_StartType, _StartArgs) ->
    rocksdb_jnode_sup:start_link().

-spec stop(term()) -> ok.
stop(_State) ->
    ok.
