%% @doc Fixture of ownership_SUITE: a one_for_one supervisor of one own_worker, which opens the
%% same DB path every time it starts.
-module(own_sup).
-behaviour(supervisor).

-export([start/2, init/1]).

%% @doc Starts the supervisor, not linked to the caller (the test stops it by its pid).
start(Path, Report) ->
    {ok, Sup} = supervisor:start_link(?MODULE, {Path, Report}),
    true = unlink(Sup),
    {ok, Sup}.

init({Path, Report}) ->
    Flags = #{strategy => one_for_one, intensity => 50, period => 10},
    Worker = #{id => own_worker,
               start => {own_worker, start_link, [Path, Report]},
               restart => permanent,
               shutdown => 5000,
               type => worker,
               modules => [own_worker]},
    {ok, {Flags, [Worker]}}.
