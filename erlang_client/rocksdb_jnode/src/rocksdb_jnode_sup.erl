%% @private
%% @doc The top supervisor: the Java node the application owns (`rocksdb_jnode_jvm', when the
%% environment names no external `node'), the batches kept in the client (`rocksdb_jnode_batch'),
%% then the owner watcher `rocksdb_jnode_owners'. The watcher stops first, the JVM last.
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
    Owners = #{id => rocksdb_jnode_owners,
               start => {rocksdb_jnode_owners, start_link, []},
               restart => permanent,
               shutdown => 5000,
               type => worker,
               modules => [rocksdb_jnode_owners]},
    Jvm = case JvmSettings of
              none ->
                  [];
              _ ->
                  %% Its terminate/2 gives a graceful stop 5 s, then waits up to 5 s after
                  %% kill -9.
                  [#{id => rocksdb_jnode_jvm,
                     start => {rocksdb_jnode_jvm, start_link, [JvmSettings]},
                     restart => permanent,
                     shutdown => 12000,
                     type => worker,
                     modules => [rocksdb_jnode_jvm]}]
          end,
    Batches = #{id => rocksdb_jnode_batch,
                start => {rocksdb_jnode_batch, start_link, []},
                restart => permanent,
                shutdown => 5000,
                type => worker,
                modules => [rocksdb_jnode_batch]},
    Group = #{id => rocksdb_jnode_group,
              start => {rocksdb_jnode_group, start_link, []},
              restart => permanent,
              shutdown => 5000,
              type => worker,
              modules => [rocksdb_jnode_group]},
    {ok, {Flags, Jvm ++ [Batches, Owners, Group]}}.
