%% @doc Backups of a database that this Erlang node keeps with erlang-rocksdb (the NIF), made
%% by a Java node's backup engine: the offload recipe as one call, and as a scheduled worker.
%%
%% One run: a checkpoint of the live database, taken with the NIF
%% (`rocksdb:checkpoint(Db, Dir)') into a fresh directory next to it,
%% `<DbPath>.jnode-checkpoint-<unique>' (same file system, so hard links, taken in a moment);
%% {@link rocksdb_jnode:create_new_backup/3} of that checkpoint by path on the engine's Java
%% node; optionally {@link rocksdb_jnode:purge_old_backup/2} (`{keep, N}'); and the checkpoint
%% directory deleted whatever happened.
%%
%% == What a run guarantees ==
%% <ul>
%% <li><b>It never writes into the live database's directory.</b> The only directory it
%% creates (through the checkpoint) and deletes is the checkpoint directory; one that exists
%% already is refused (`{checkpoint_dir_exists, Dir}') and left alone, and an explicit
%% `{checkpoint_dir, Dir}' inside the database's directory is refused. The Java node reads the
%% checkpoint read-only.</li>
%% <li><b>The checkpoint directory is removed whatever happens</b>: after a backup, after a
%% checkpoint or backup that failed or raised, and when the caller dies mid-run. The run is
%% made by a worker process that is monitored by the caller, not linked to it: if the caller
%% exits, the worker ends the step in flight (a checkpoint or a backup cannot be interrupted
%% safely), skips the remaining steps and removes the directory. Only a `kill' of the worker
%% itself, or the Erlang VM dying, can leave a checkpoint directory behind; a directory that
%% cannot be removed is logged as an error.</li>
%% <li><b>It refuses without the NIF.</b> Unless `{checkpoint_fun, Fun}' is given, the module
%% `rocksdb' must be erlang-rocksdb's with its NIF loaded: its `checkpoint/2' must be a loaded
%% NIF (`rocksdb:module_info(nifs)', OTP 25+). This project's drop-in facade `rocksdb'
%% (application `rocksdb_compat') has no NIFs, so it is refused too, never called:
%% `{error, nif_not_loaded}'. (The facade's `checkpoint/2' would checkpoint a Java node's
%% database, a different thing; pass it as `checkpoint_fun' if that is what you mean.)</li>
%% </ul>
%%
%% == The scheduler ==
%% {@link start_link/1} starts a `gen_server' (for the application's own supervisor:
%% {@link child_spec/1}) that runs a backup every `interval_ms'. Runs never overlap: a tick
%% that comes while a run is in flight is skipped (logged at `notice'). A failed run is logged
%% and the next tick tries again. Each run is logged (`info' on success, `warning' on failure,
%% with the reason; domain `[rocksdb_jnode, offload]') and, when a `subscriber' is set, sent to
%% it as `{rocksdb_jnode_offload, Server, Report}' (see {@link report()}).
-module(rocksdb_jnode_offload).
-behaviour(gen_server).

-include_lib("kernel/include/logger.hrl").

-export([backup/4, nif_loaded/0]).
-export([start_link/1, child_spec/1, run_now/1, stop/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-type checkpoint_fun() :: fun((Db :: term(), Dir :: string()) -> ok | {error, term()}).
%% Makes a checkpoint of `Db' in `Dir' (which does not exist; its parent does). The default is
%% erlang-rocksdb's `rocksdb:checkpoint/2'.

-type backup_option() :: {keep, pos_integer()}
                       | {checkpoint_fun, checkpoint_fun()}
                       | {checkpoint_dir, rocksdb_jnode:path()}
                       | {backup_options, rocksdb_jnode:backup_options()}.
%% `{keep, N}': after a backup, keep only the newest `N' backups of the engine.
%% `{checkpoint_fun, Fun}': how to take the checkpoint (default: the NIF's).
%% `{checkpoint_dir, Dir}': the checkpoint directory (default
%% `<DbPath>.jnode-checkpoint-<unique>'); it must not exist, nor lie inside the DB directory,
%% and must be on the DB's file system for the checkpoint to be hard links.
%% `{backup_options, Opts}': passed to {@link rocksdb_jnode:create_new_backup/3} (e.g.
%% `[{metadata, <<"nightly">>}]').

-type info() :: #{backup_id := rocksdb_jnode:backup_id() | undefined,
                  size := non_neg_integer() | undefined,
                  number_files := non_neg_integer() | undefined,
                  checkpoint_dir := string(),
                  checkpoint_ms := non_neg_integer(),
                  backup_ms := non_neg_integer(),
                  purge := not_requested | ok | {error, term()}}.
%% A successful run: the new backup's id, size and file count as `get_backup_info' gives them
%% (the backup whose id was not listed before the run; `undefined' only if the engine could not
%% list its backups afterwards), the checkpoint directory it used (removed by now), the time
%% the checkpoint and the backup took, and the outcome of the retention step (a purge that
%% fails does not fail the run: the backup exists).

-type reason() :: nif_not_loaded
                | {bad_option, term()}
                | {not_a_db_dir, string()}
                | {checkpoint_dir_exists, string()}
                | {checkpoint_dir_inside_db, string()}
                | {checkpoint_failed, term()}
                | {checkpoint_raised, {error | exit | throw, term()}}
                | {backup_failed, term()}
                | {backup_raised, {error | exit | throw, term()}}
                | {worker_died, term()}
                | {engine_unavailable, term()}.
%% `{checkpoint_failed, R}': the checkpoint function returned `{error, R}' (or `R', anything
%% else but `ok'); `{checkpoint_raised, {Class, R}}': it raised. `{backup_failed, R}':
%% `create_new_backup' returned `{error, R}'; `{backup_raised, {Class, R}}': it raised (a
%% closed engine raises `badarg'). `{not_a_db_dir, Path}': `DbPath' holds no `CURRENT' file.
%% `{worker_died, R}': the worker was killed. `{engine_unavailable, Why}': the scheduler's
%% engine fun raised or returned no engine.

-type options() :: #{engine := rocksdb_jnode:backup_engine() | engine_fun(),
                     db := term(),
                     db_path := rocksdb_jnode:path(),
                     interval_ms := pos_integer(),
                     initial_delay_ms => non_neg_integer(),
                     keep => pos_integer() | undefined,
                     subscriber => pid() | undefined,
                     checkpoint_fun => checkpoint_fun() | undefined,
                     backup_options => rocksdb_jnode:backup_options(),
                     name => atom()}.
%% The scheduler's settings. `initial_delay_ms' (default `interval_ms') is the time to the
%% first run; `name' registers the server locally. `engine' is a backup engine, or a fun
%% called at each run that returns the engine to use (`{ok, Engine}' or `Engine'): an engine
%% handle dies with the JVM that holds it (a managed JVM restarted, say), so a scheduler that
%% outlives it takes a fun that reopens or looks up the current one. A fun that raises or
%% returns anything else fails that run with `{engine_unavailable, Why}'; the next tick tries
%% again.

-type engine_fun() :: fun(() -> {ok, rocksdb_jnode:backup_engine()}
                                | rocksdb_jnode:backup_engine() | term()).

-type report() :: #{run := pos_integer(),
                    trigger := interval | run_now,
                    db_path := string(),
                    started_at := integer(),
                    result := {ok, info()} | {error, reason()}}.
%% What the subscriber receives after each run, as `{rocksdb_jnode_offload, Server, Report}':
%% the run's number (from 1), what started it, the DB's path, when it started (system time,
%% milliseconds) and its result, the value {@link backup/4} would have returned.

-type server() :: pid() | atom().

-export_type([checkpoint_fun/0, backup_option/0, info/0, reason/0, options/0, report/0]).

-define(DOMAIN, #{domain => [rocksdb_jnode, offload]}).
-define(SUFFIX, ".jnode-checkpoint-").

%%%===================================================================
%%% On demand
%%%===================================================================

%% @doc Backs up the database `Db', whose directory is `DbPath', with the backup engine
%% `Engine': checkpoint, backup of the checkpoint, retention, checkpoint removed (see the
%% module doc). Returns when the run is over and the checkpoint directory is gone.
%%
%% `Db' is the NIF's handle (anything the checkpoint function accepts); `DbPath' is the path
%% it was opened with (erlang-rocksdb cannot tell a handle's path); `Engine' a backup engine
%% of {@link rocksdb_jnode:open_backup_engine/2}. `Engine' or `DbPath' of the wrong type, or
%% options that are not a list, raise `badarg'.
-spec backup(Engine, Db, DbPath, Options) -> {ok, Info} | {error, Reason} when
      Engine :: rocksdb_jnode:backup_engine(),
      Db :: term(),
      DbPath :: rocksdb_jnode:path(),
      Options :: [backup_option()],
      Info :: info(),
      Reason :: reason().
backup(Engine, Db, DbPath, Options) ->
    is_reference(Engine) andalso is_list(Options) orelse erlang:error(badarg),
    case prepare(Engine, Db, abs_path(DbPath), Options) of
        {ok, Run} ->
            {Pid, Mon} = start_worker(Run, self()),
            receive
                {?MODULE, Pid, Result} ->
                    erlang:demonitor(Mon, [flush]),
                    Result;
                {'DOWN', Mon, process, Pid, Why} ->
                    {error, {worker_died, Why}}
            end;
        {error, _} = Error ->
            Error
    end.

%% @doc Whether the module `rocksdb' is erlang-rocksdb's with its NIF loaded: it loads, and its
%% `checkpoint/2' is a loaded NIF. `false' for this project's facade (no NIFs), and when no
%% `rocksdb' module is found.
-spec nif_loaded() -> boolean().
nif_loaded() ->
    Module = rocksdb,   % a variable: xref must not require a `rocksdb' module
    case code:ensure_loaded(Module) of
        {module, Module} ->
            try lists:member({checkpoint, 2}, Module:module_info(nifs))
            catch error:_ -> false
            end;
        {error, _} ->
            false
    end.

%%%===================================================================
%%% On a schedule
%%%===================================================================

%% @doc Starts the scheduler, linked to the caller (a supervisor: see {@link child_spec/1}).
%% The settings are checked first, in the caller: a bad one gives `{error, {bad_option, Key}}',
%% no `checkpoint_fun' without the NIF `{error, nif_not_loaded}', a `db_path' with no
%% database `{error, {not_a_db_dir, Path}}'; no process is started then.
-spec start_link(Options) -> {ok, pid()} | {error, Reason} when
      Options :: options(),
      Reason :: nif_not_loaded | {bad_option, term()} | {not_a_db_dir, string()}
              | {already_started, pid()}.
start_link(Options) ->
    case settings(Options) of
        {ok, #{name := Name} = Settings} when Name =/= undefined ->
            gen_server:start_link({local, Name}, ?MODULE, Settings, []);
        {ok, Settings} ->
            gen_server:start_link(?MODULE, Settings, []);
        {error, _} = Error ->
            Error
    end.

%% @doc A child spec for {@link start_link/1}: a permanent worker whose id is
%% `{rocksdb_jnode_offload, Name}' (its `name', else its `db_path'). Its shutdown time, 60 s,
%% lets a run in flight end; past it the server is killed and the run's worker still removes
%% the checkpoint once its current step ends.
-spec child_spec(Options) -> supervisor:child_spec() when
      Options :: options().
child_spec(Options) ->
    Id = case Options of
             #{name := Name} when Name =/= undefined -> Name;
             #{db_path := Path} -> Path;
             _ -> undefined
         end,
    #{id => {?MODULE, Id},
      start => {?MODULE, start_link, [Options]},
      restart => permanent,
      shutdown => 60000,
      type => worker,
      modules => [?MODULE]}.

%% @doc Starts a run now, out of schedule: `ok', or `{error, already_running}' while a run is
%% in flight. Its result is reported as every run's is; the schedule is not moved.
-spec run_now(Server) -> ok | {error, already_running} when
      Server :: server().
run_now(Server) ->
    gen_server:call(Server, run_now, infinity).

%% @doc Stops the scheduler. A run in flight is waited for (and reported), so when `stop/1'
%% returns no checkpoint directory of it is left.
-spec stop(Server) -> ok when
      Server :: server().
stop(Server) ->
    gen_server:stop(Server, normal, infinity).

%%%===================================================================
%%% gen_server
%%%===================================================================

-record(state, {settings :: map(),
                runs = 0 :: non_neg_integer(),
                %% The run in flight: worker, monitor, trigger, start (system time, ms).
                current :: {pid(), reference(), interval | run_now, integer()} | undefined}).

%% @private
-spec init(map()) -> {ok, #state{}}.
init(#{initial_delay_ms := Delay} = Settings) ->
    %% So that terminate/2 runs (and waits for the run in flight) when the supervisor stops
    %% us; gen_server turns the parent's exit signal into that stop itself.
    process_flag(trap_exit, true),
    erlang:send_after(Delay, self(), tick),
    {ok, #state{settings = Settings}}.

%% @private
-spec handle_call(term(), gen_server:from(), #state{}) ->
          {reply, term(), #state{}}.
handle_call(run_now, _From, #state{current = undefined} = State) ->
    {reply, ok, start_run(run_now, State)};
handle_call(run_now, _From, State) ->
    {reply, {error, already_running}, State};
handle_call(_Request, _From, State) ->
    {reply, {error, unknown_request}, State}.

%% @private
-spec handle_cast(term(), #state{}) -> {noreply, #state{}}.
handle_cast(_Request, State) ->
    {noreply, State}.

%% @private
-spec handle_info(term(), #state{}) -> {noreply, #state{}}.
handle_info(tick, #state{settings = #{interval_ms := Interval} = Settings} = State) ->
    erlang:send_after(Interval, self(), tick),
    case State#state.current of
        undefined ->
            {noreply, start_run(interval, State)};
        {_, _, _, Started} ->
            ?LOG_NOTICE(#{what => offload_run_skipped, db_path => maps:get(db_path, Settings),
                          reason => previous_run_in_flight,
                          running_ms => erlang:system_time(millisecond) - Started},
                        ?DOMAIN),
            {noreply, State}
    end;
handle_info({?MODULE, Pid, Result}, #state{current = {Pid, Mon, _, _}} = State) ->
    erlang:demonitor(Mon, [flush]),
    {noreply, finish_run(Result, State)};
handle_info({'DOWN', Mon, process, Pid, Why}, #state{current = {Pid, Mon, _, _}} = State) ->
    {noreply, finish_run({error, {worker_died, Why}}, State)};
handle_info(_Info, State) ->
    {noreply, State}.

%% @private
%% Waits for the run in flight, so that stop/1 (and a supervisor's shutdown, within its time)
%% returns once the checkpoint is removed.
-spec terminate(term(), #state{}) -> ok.
terminate(_Reason, #state{current = undefined}) ->
    ok;
terminate(_Reason, #state{current = {Pid, Mon, _, _}} = State) ->
    Result = receive
                 {?MODULE, Pid, R} -> erlang:demonitor(Mon, [flush]), R;
                 {'DOWN', Mon, process, Pid, Why} -> {error, {worker_died, Why}}
             end,
    _ = finish_run(Result, State),
    ok.

%%%===================================================================
%%% Internal: the scheduler
%%%===================================================================

-spec settings(term()) -> {ok, map()} | {error, term()}.
settings(#{engine := Engine, db := _, db_path := DbPath, interval_ms := Interval} = Options) ->
    Defaults = #{initial_delay_ms => Interval, keep => undefined, subscriber => undefined,
                 checkpoint_fun => undefined, backup_options => [], name => undefined},
    Settings = maps:merge(Defaults, Options),
    Known = [engine, db, db_path, interval_ms | maps:keys(Defaults)],
    case [Key || Key <- maps:keys(Settings), not lists:member(Key, Known)]
        ++ [Key || {Key, Value} <- maps:to_list(Settings),
                   lists:member(Key, Known), not valid_setting(Key, Value)] of
        [Bad | _] ->
            {error, {bad_option, Bad}};
        [] when not (is_reference(Engine) orelse is_function(Engine, 0)) ->
            {error, {bad_option, engine}};
        [] ->
            Path = abs_path(DbPath),
            Fun = maps:get(checkpoint_fun, Settings),
            case {Fun =/= undefined orelse nif_loaded(), is_db_dir(Path)} of
                {false, _} -> {error, nif_not_loaded};
                {true, false} -> {error, {not_a_db_dir, Path}};
                {true, true} -> {ok, Settings#{db_path := Path}}
            end
    end;
settings(Options) when is_map(Options) ->
    [Missing | _] = [Key || Key <- [engine, db, db_path, interval_ms],
                            not maps:is_key(Key, Options)],
    {error, {bad_option, Missing}};
settings(_) ->
    erlang:error(badarg).

-spec valid_setting(atom(), term()) -> boolean().
valid_setting(engine, V) -> is_reference(V) orelse is_function(V, 0);
valid_setting(db, _) -> true;
valid_setting(db_path, V) -> is_path(V);
valid_setting(interval_ms, V) -> is_integer(V) andalso V > 0;
valid_setting(initial_delay_ms, V) -> is_integer(V) andalso V >= 0;
valid_setting(keep, V) -> V =:= undefined orelse (is_integer(V) andalso V > 0);
valid_setting(subscriber, V) -> V =:= undefined orelse is_pid(V);
valid_setting(checkpoint_fun, V) -> V =:= undefined orelse is_function(V, 2);
valid_setting(backup_options, V) -> is_list(V);
valid_setting(name, V) -> is_atom(V).

-spec start_run(interval | run_now, #state{}) -> #state{}.
start_run(Trigger, #state{settings = Settings} = State) ->
    #{engine := EngineSetting, db := Db, db_path := DbPath} = Settings,
    Options = [{Key, Value} || {Key, Value} <- maps:to_list(Settings),
                               lists:member(Key, [keep, checkpoint_fun, backup_options]),
                               Value =/= undefined],
    Started = erlang:system_time(millisecond),
    Prepared = case current_engine(EngineSetting) of
                   {ok, Engine} -> prepare(Engine, Db, DbPath, Options);
                   {error, _} = NoEngine -> NoEngine
               end,
    case Prepared of
        {ok, Run} ->
            {Pid, Mon} = start_worker(Run, self()),
            State#state{current = {Pid, Mon, Trigger, Started}};
        {error, _} = Error ->
            %% Refused before any worker: reported at once, as a run.
            report(Error, Trigger, Started, State#state{current = undefined})
    end.

%% The engine of this run: the setting itself, or what its fun returns now.
-spec current_engine(rocksdb_jnode:backup_engine() | engine_fun()) ->
          {ok, rocksdb_jnode:backup_engine()} | {error, {engine_unavailable, term()}}.
current_engine(Engine) when is_reference(Engine) ->
    {ok, Engine};
current_engine(Fun) ->
    try Fun() of
        {ok, Engine} when is_reference(Engine) -> {ok, Engine};
        Engine when is_reference(Engine) -> {ok, Engine};
        Other -> {error, {engine_unavailable, Other}}
    catch
        Class:Reason -> {error, {engine_unavailable, {Class, Reason}}}
    end.

-spec finish_run({ok, info()} | {error, reason()}, #state{}) -> #state{}.
finish_run(Result, #state{current = {_, _, Trigger, Started}} = State) ->
    report(Result, Trigger, Started, State#state{current = undefined}).

-spec report({ok, info()} | {error, reason()}, interval | run_now, integer(), #state{}) ->
          #state{}.
report(Result, Trigger, Started, #state{settings = Settings, runs = Runs} = State) ->
    N = Runs + 1,
    #{db_path := DbPath, subscriber := Subscriber} = Settings,
    case Result of
        {ok, Info} ->
            ?LOG_INFO(#{what => offload_backup, db_path => DbPath, run => N,
                        trigger => Trigger, info => Info}, ?DOMAIN);
        {error, Reason} ->
            ?LOG_WARNING(#{what => offload_backup_failed, db_path => DbPath, run => N,
                           trigger => Trigger, reason => Reason,
                           text => "the backup is retried at the next interval"}, ?DOMAIN)
    end,
    is_pid(Subscriber) andalso
        (Subscriber ! {?MODULE, self(), #{run => N, trigger => Trigger, db_path => DbPath,
                                          started_at => Started, result => Result}}),
    State#state{runs = N}.

%%%===================================================================
%%% Internal: one run
%%%===================================================================

-type run() :: #{engine := rocksdb_jnode:backup_engine(), db := term(), db_path := string(),
                 dir := string(), checkpoint_fun := checkpoint_fun(),
                 keep := pos_integer() | undefined,
                 backup_options := rocksdb_jnode:backup_options()}.

%% Checks the options, the NIF and the directories, in the caller.
-spec prepare(rocksdb_jnode:backup_engine(), term(), string(), [backup_option()]) ->
          {ok, run()} | {error, reason()}.
prepare(Engine, Db, DbPath, Options) ->
    case run_options(Options, #{keep => undefined, checkpoint_fun => undefined,
                                checkpoint_dir => undefined, backup_options => []}) of
        {ok, #{checkpoint_fun := Fun0, checkpoint_dir := Dir0} = Opts} ->
            Dir = case Dir0 of
                      undefined -> DbPath ++ ?SUFFIX ++ unique();
                      _ -> abs_path(Dir0)
                  end,
            Fun = case Fun0 of
                      undefined -> fun nif_checkpoint/2;
                      _ -> Fun0
                  end,
            case {Fun0 =/= undefined orelse nif_loaded(), is_db_dir(DbPath)} of
                {false, _} ->
                    {error, nif_not_loaded};
                {true, false} ->
                    {error, {not_a_db_dir, DbPath}};
                {true, true} ->
                    case {inside(Dir, DbPath), exists(Dir)} of
                        {true, _} -> {error, {checkpoint_dir_inside_db, Dir}};
                        {false, true} -> {error, {checkpoint_dir_exists, Dir}};
                        {false, false} ->
                            {ok, #{engine => Engine, db => Db, db_path => DbPath, dir => Dir,
                                   checkpoint_fun => Fun, keep => maps:get(keep, Opts),
                                   backup_options => maps:get(backup_options, Opts)}}
                    end
            end;
        {error, _} = Error ->
            Error
    end.

-spec run_options([backup_option()], map()) -> {ok, map()} | {error, {bad_option, term()}}.
run_options([], Acc) ->
    {ok, Acc};
run_options([{keep, N} | Rest], Acc) when is_integer(N), N > 0 ->
    run_options(Rest, Acc#{keep := N});
run_options([{checkpoint_fun, F} | Rest], Acc) when is_function(F, 2) ->
    run_options(Rest, Acc#{checkpoint_fun := F});
run_options([{checkpoint_dir, D} = Opt | Rest], Acc) ->
    case is_path(D) of
        true -> run_options(Rest, Acc#{checkpoint_dir := D});
        false -> {error, {bad_option, Opt}}
    end;
run_options([{backup_options, L} | Rest], Acc) when is_list(L) ->
    run_options(Rest, Acc#{backup_options := L});
run_options([Opt | _], _Acc) ->
    {error, {bad_option, Opt}}.

%% The worker is monitored by, not linked to, the caller: it outlives a caller that dies, to
%% remove the checkpoint.
-spec start_worker(run(), pid()) -> {pid(), reference()}.
start_worker(Run, Caller) ->
    spawn_monitor(fun() -> Caller ! {?MODULE, self(), worker(Run, Caller)} end).

-spec worker(run(), pid()) -> {ok, info()} | {error, reason()}.
worker(#{dir := Dir} = Run, Caller) ->
    CallerMon = erlang:monitor(process, Caller),
    try steps(Run, CallerMon)
    after
        remove_checkpoint(Dir)
    end.

-spec steps(run(), reference()) -> {ok, info()} | {error, reason()}.
steps(#{db := Db, dir := Dir, checkpoint_fun := Fun} = Run, CallerMon) ->
    T0 = erlang:monotonic_time(millisecond),
    Checkpoint = try Fun(Db, Dir) of
                     ok -> ok;
                     {error, Reason} -> {error, {checkpoint_failed, Reason}};
                     Other -> {error, {checkpoint_failed, Other}}
                 catch
                     Class:Reason -> {error, {checkpoint_raised, {Class, Reason}}}
                 end,
    T1 = erlang:monotonic_time(millisecond),
    case Checkpoint of
        ok ->
            caller_alive(CallerMon) orelse exit(normal),
            backup_step(Run, CallerMon, #{checkpoint_dir => Dir, checkpoint_ms => T1 - T0});
        {error, _} = Error ->
            Error
    end.

-spec backup_step(run(), reference(), map()) -> {ok, info()} | {error, reason()}.
backup_step(#{engine := Engine, dir := Dir, keep := Keep, backup_options := BackupOptions},
            CallerMon, Info) ->
    T0 = erlang:monotonic_time(millisecond),
    Before = backup_list(Engine),
    Result = try rocksdb_jnode:create_new_backup(Engine, Dir, BackupOptions) of
                 ok -> ok;
                 {error, Reason} -> {error, {backup_failed, Reason}}
             catch
                 Class:Reason -> {error, {backup_raised, {Class, Reason}}}
             end,
    T1 = erlang:monotonic_time(millisecond),
    case Result of
        ok ->
            New = new_backup(Before, backup_list(Engine)),
            caller_alive(CallerMon) orelse exit(normal),
            Purge = case Keep of
                        undefined -> not_requested;
                        _ -> purge(Engine, Keep)
                    end,
            {ok, Info#{backup_id => maps:get(id, New, undefined),
                       size => maps:get(size, New, undefined),
                       number_files => maps:get(number_files, New, undefined),
                       backup_ms => T1 - T0,
                       purge => Purge}};
        {error, _} = Error ->
            Error
    end.

-spec purge(rocksdb_jnode:backup_engine(), pos_integer()) -> ok | {error, term()}.
purge(Engine, Keep) ->
    try rocksdb_jnode:purge_old_backup(Engine, Keep) of
        ok ->
            ok;
        {error, _} = Error ->
            ?LOG_WARNING(#{what => offload_purge_failed, keep => Keep, reason => Error},
                         ?DOMAIN),
            Error
    catch
        Class:Reason ->
            ?LOG_WARNING(#{what => offload_purge_failed, keep => Keep,
                           reason => {Class, Reason}}, ?DOMAIN),
            {error, {Class, Reason}}
    end.

-spec backup_list(rocksdb_jnode:backup_engine()) -> [map()] | error.
backup_list(Engine) ->
    try rocksdb_jnode:get_backup_info(Engine) of
        {ok, List} -> List;
        {error, _} -> error
    catch
        _:_ -> error
    end.

%% The backup this run made: the newest one whose id was not listed before it.
-spec new_backup([map()] | error, [map()] | error) -> map().
new_backup(_Before, error) ->
    #{};
new_backup(Before, After) ->
    Old = case Before of
              error -> [];
              _ -> [Id || #{id := Id} <- Before]
          end,
    case lists:sort([{Id, B} || #{id := Id} = B <- After, not lists:member(Id, Old)]) of
        [] -> #{};
        New -> element(2, lists:last(New))
    end.

-spec caller_alive(reference()) -> boolean().
caller_alive(Mon) ->
    receive
        {'DOWN', Mon, process, _, _} -> false
    after 0 ->
        true
    end.

-spec remove_checkpoint(string()) -> ok.
remove_checkpoint(Dir) ->
    case file:del_dir_r(Dir) of
        ok ->
            ok;
        {error, enoent} ->
            ok;
        {error, Reason} ->
            ?LOG_ERROR(#{what => offload_checkpoint_not_removed, dir => Dir, reason => Reason,
                         text => "remove this checkpoint directory by hand"}, ?DOMAIN),
            ok
    end.

-spec nif_checkpoint(term(), string()) -> ok | {error, term()}.
nif_checkpoint(Db, Dir) ->
    Module = rocksdb,   % erlang-rocksdb's; nif_loaded/0 checked it
    Module:checkpoint(Db, Dir).

%%%===================================================================
%%% Internal: paths
%%%===================================================================

-spec abs_path(term()) -> string().
abs_path(Path) ->
    case is_path(Path) of
        true -> filename:absname(unicode:characters_to_list(Path));
        false -> erlang:error(badarg)
    end.

-spec is_path(term()) -> boolean().
is_path(Path) when is_binary(Path); is_list(Path) ->
    try unicode:characters_to_list(Path) of
        [_ | _] = L -> io_lib:char_list(L);
        _ -> false
    catch
        error:_ -> false
    end;
is_path(_) ->
    false.

-spec is_db_dir(string()) -> boolean().
is_db_dir(Path) ->
    filelib:is_regular(filename:join(Path, "CURRENT")).

%% Whether `Dir' is `DbPath' or lies under it (by name: symbolic links are not followed).
-spec inside(string(), string()) -> boolean().
inside(Dir, DbPath) ->
    lists:prefix(filename:split(DbPath), filename:split(Dir)).

%% Anything at that name, even a dangling symbolic link, counts.
-spec exists(string()) -> boolean().
exists(Path) ->
    case file:read_link_info(Path) of
        {ok, _} -> true;
        {error, _} -> false
    end.

-spec unique() -> string().
unique() ->
    integer_to_list(os:system_time(millisecond)) ++ "-"
        ++ integer_to_list(erlang:unique_integer([positive])).
