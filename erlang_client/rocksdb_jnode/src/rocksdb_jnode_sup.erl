%% @private
%% @doc The top supervisor: one child, the owner watcher `rocksdb_jnode_owners'.
-module(rocksdb_jnode_sup).
-behaviour(supervisor).

-export([start_link/0, init/1]).

-spec start_link() -> {ok, pid()} | ignore | {error, term()}.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

-spec init([]) -> {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init([]) ->
    Flags = #{strategy => one_for_one, intensity => 10, period => 10},
    Owners = #{id => rocksdb_jnode_owners,
               start => {rocksdb_jnode_owners, start_link, []},
               restart => permanent,
               shutdown => 5000,
               type => worker,
               modules => [rocksdb_jnode_owners]},
    {ok, {Flags, [Owners]}}.
