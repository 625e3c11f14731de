%% @doc Backups and restores at the shell, with a live progress line.
%%
%% ```
%% 1> rocksdb_jnode_progress:backup(Engine, Db).
%% backup  61.3%   183.9 of 300.0 MB   45.8 MB/s   0:02 left
%% '''
%% The line is redrawn in place (`\r') at every progress message of the async call (see
%% {@link rocksdb_jnode:create_new_backup/3}) and, at the end, followed by the result, which is
%% also returned: what the synchronous call returns (`ok' or `{error, Reason}'), or the refusal
%% of the call itself. MB are 10^6 bytes; the rate is the average since the start. The figures
%% are the node's estimates (see the README).
-module(rocksdb_jnode_progress).

-export([backup/2, backup/3, restore/3, restore/4, line/3]).

-define(INTERVAL, 500).

%% @equiv backup(Engine, DbOrPath, [])
-spec backup(Engine, DbOrPath) -> ok | {error, Reason} when
      Engine :: rocksdb_jnode:backup_engine(),
      DbOrPath :: rocksdb_jnode:db_handle() | rocksdb_jnode:path(),
      Reason :: term().
backup(Engine, DbOrPath) ->
    backup(Engine, DbOrPath, []).

%% @doc {@link rocksdb_jnode:create_new_backup/3} with a progress line; `Options' as there
%% (a `notify' or `progress_interval' of theirs is replaced).
-spec backup(Engine, DbOrPath, Options) -> ok | {error, Reason} when
      Engine :: rocksdb_jnode:backup_engine(),
      DbOrPath :: rocksdb_jnode:db_handle() | rocksdb_jnode:path(),
      Options :: rocksdb_jnode:backup_options(),
      Reason :: term().
backup(Engine, DbOrPath, Options) ->
    run("backup", fun(Async) ->
                          rocksdb_jnode:create_new_backup(Engine, DbOrPath, own(Options) ++ Async)
                  end).

%% @equiv restore(Engine, BackupId, DbDir, [])
-spec restore(Engine, BackupId, DbDir) -> ok | {error, Reason} when
      Engine :: rocksdb_jnode:backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      Reason :: term().
restore(Engine, BackupId, DbDir) ->
    restore(Engine, BackupId, DbDir, []).

%% @doc {@link rocksdb_jnode:restore_db_from_backup/5} into `DbDir' (its WAL too) with a
%% progress line.
-spec restore(Engine, BackupId, DbDir, Options) -> ok | {error, Reason} when
      Engine :: rocksdb_jnode:backup_engine(),
      BackupId :: rocksdb_jnode:backup_id(),
      DbDir :: rocksdb_jnode:path(),
      Options :: rocksdb_jnode:restore_options(),
      Reason :: term().
restore(Engine, BackupId, DbDir, Options) ->
    run("restore", fun(Async) ->
                           rocksdb_jnode:restore_db_from_backup(Engine, BackupId, DbDir, DbDir,
                                                                own(Options) ++ Async)
                   end).

-spec own(list()) -> list().
own(Options) when is_list(Options) ->
    [O || O <- Options, not is_tuple(O) orelse
                            not lists:member(element(1, O), [notify, progress_interval])];
own(Options) ->
    Options.

-spec run(string(), fun((list()) -> ok | {ok, reference()} | {error, term()})) ->
          ok | {error, term()}.
run(What, Start) ->
    T0 = erlang:monotonic_time(millisecond),
    case Start([{notify, self()}, {progress_interval, ?INTERVAL}]) of
        {ok, Ref} when is_reference(Ref) ->
            Node = node(Ref),
            true = erlang:monitor_node(Node, true),
            try
                await(What, Ref, Node, T0)
            after
                erlang:monitor_node(Node, false),
                receive {nodedown, Node} -> ok after 0 -> ok end
            end;
        Other ->
            Other
    end.

-spec await(string(), reference(), node(), integer()) -> ok | {error, term()}.
await(What, Ref, Node, T0) ->
    receive
        {rocksdb_jnode, Ref, {progress, Progress}} ->
            Elapsed = erlang:monotonic_time(millisecond) - T0,
            io:put_chars(["\r", line(What, Progress, Elapsed), "   "]),
            await(What, Ref, Node, T0);
        {rocksdb_jnode, Ref, {done, Result}} ->
            io:format("~n~s: ~tp~n", [What, Result]),
            Result;
        {nodedown, Node} ->
            io:format("~n~s: the node ~p went down~n", [What, Node]),
            {error, {nodedown, Node}}
    end.

%% @doc The progress line of `What' after `ElapsedMs': percent, MB done of total, MB/s and the
%% time left.
-spec line(What, Progress, ElapsedMs) -> string() when
      What :: string(),
      Progress :: rocksdb_jnode:progress(),
      ElapsedMs :: non_neg_integer().
line(What, #{bytes_done := Done, bytes_total := Total}, ElapsedMs) ->
    Percent = case Total of
                  0 -> "    ?";
                  _ -> io_lib:format("~5.1f%", [100 * Done / Total])
              end,
    Rate = case ElapsedMs of
               0 -> 0.0;
               _ -> Done / ElapsedMs * 1000
           end,
    Left = if
               Rate > 0, Total >= Done -> clock(round((Total - Done) / Rate));
               true -> "?:??"
           end,
    lists:flatten(io_lib:format("~s ~s  ~8.1f of ~.1f MB  ~6.1f MB/s  ~s left",
                                [What, Percent, Done / 1.0e6, Total / 1.0e6, Rate / 1.0e6, Left])).

-spec clock(non_neg_integer()) -> string().
clock(Seconds) when Seconds >= 3600 ->
    lists:flatten(io_lib:format("~b:~2..0b:~2..0b",
                                [Seconds div 3600, Seconds rem 3600 div 60, Seconds rem 60]));
clock(Seconds) ->
    lists:flatten(io_lib:format("~b:~2..0b", [Seconds div 60, Seconds rem 60])).
