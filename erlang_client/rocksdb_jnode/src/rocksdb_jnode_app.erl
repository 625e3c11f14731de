%% @private
%% @doc The application callback: checks the environment, then starts the supervisor of the
%% owner watcher and, when the environment names no external `node', of the Java node the
%% application owns (`rocksdb_jnode_jvm').
-module(rocksdb_jnode_app).
-behaviour(application).

-include_lib("kernel/include/logger.hrl").

-export([start/2, stop/1]).

-spec start(application:start_type(), term()) -> {ok, pid()} | {error, term()}.
start(_StartType, _StartArgs) ->
    Node = rocksdb_jnode_config:env(node),
    Distributed = is_alive(),
    Distributed orelse
        ?LOG_ERROR(#{what => not_distributed, node => node(),
                     text => "this Erlang node is not distributed (start it with -name or "
                             "-sname): calls to the Java node return {error, not_distributed}"},
                   #{domain => [rocksdb_jnode]}),
    case {Node, Distributed} of
        {undefined, false} ->
            {error, not_distributed};
        {undefined, true} ->
            case rocksdb_jnode_jvm:app_settings() of
                {ok, Settings} ->
                    case rocksdb_jnode_sup:start_link(Settings) of
                        {error, {shutdown, {failed_to_start_child, rocksdb_jnode_jvm, Why}}} ->
                            {error, Why};
                        Started ->
                            Started
                    end;
                {error, Reason} = Error ->
                    ?LOG_ERROR(#{what => jvm_not_started, reason => Reason},
                               #{domain => [rocksdb_jnode]}),
                    Error
            end;
        _ ->
            rocksdb_jnode_sup:start_link(none)
    end.

-spec stop(term()) -> ok.
stop(_State) ->
    ok.
