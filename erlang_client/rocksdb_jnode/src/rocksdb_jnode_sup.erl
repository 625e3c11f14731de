%% @private
%% @doc The top supervisor: the Java node the application owns (`rocksdb_jnode_jvm', when the
%% environment names no external `node'), the batches kept in the client (`rocksdb_jnode_batch'),
%% group commit (`rocksdb_jnode_group'), then the owner watcher `rocksdb_jnode_owners'. The
%% watcher stops first, the JVM last.
-module(rocksdb_jnode_sup).
-behaviour(supervisor).

-export([start_link/1, init/1]).

-spec start_link(rocksdb_jnode_jvm:settings() | none) -> {ok, pid()} | ignore | {error, term()}.
start_link(JvmSettings) ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, JvmSettings).

-spec init(rocksdb_jnode_jvm:settings() | none) ->
          {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init(JvmSettings) ->
    Flags = #{strategy => one_for_one, intensity => 10, period => 10},
    Jvm = case JvmSettings of
              none ->
                  [];
              _ ->
                  %% Its terminate/2 gives a graceful stop 5 s, then waits up to 5 s after
                  %% kill -9.
                  [worker(rocksdb_jnode_jvm, [JvmSettings], 12000)]
          end,
    {ok, {Flags, Jvm ++ [worker(rocksdb_jnode_batch, [], 5000),
                         worker(rocksdb_jnode_group, [], 5000),
                         worker(rocksdb_jnode_owners, [], 5000)]}}.

%% A permanent worker started by `Module:start_link(Args...)'.
-spec worker(module(), list(), timeout()) -> supervisor:child_spec().
worker(Module, Args, Shutdown) ->
    #{id => Module,
      start => {Module, start_link, Args},
      restart => permanent,
      shutdown => Shutdown,
      type => worker,
      modules => [Module]}.
