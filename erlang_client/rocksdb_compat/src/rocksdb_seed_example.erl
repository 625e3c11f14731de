%% @doc The seed document's backup example, run through the drop-in `rocksdb' module, printing
%% each call and its reply. `bash scripts/demo.sh' runs it against a fresh Java node.
%%
%% It opens a DB, puts keys, opens a backup engine, makes a backup, puts more, makes a second
%% backup, lists and verifies both, closes both, reopens the engine, restores backup 1 with
%% `restore_from_backup/4' into one directory and the latest with `restore_db_from_latest_backup/2'
%% into another, and shows that each restored DB holds exactly the keys it held at backup time.
-module(rocksdb_seed_example).

-export([run/1]).

-define(SHOW(Expr), show(??Expr, Expr)).

%% @doc Runs the example in directory `Work' (created when missing). Returns `ok' when every
%% step gave the reply the seed document promises; raises otherwise.
-spec run(Work :: file:filename()) -> ok.
run(Work) ->
    Path = filename:join(Work, "erocksdb.fold.test"),
    BackupDir = filename:join(Work, "rocksdb_backup"),
    Restore1 = filename:join(Work, "restored_backup_1"),
    RestoreLatest = filename:join(Work, "restored_latest"),
    ok = filelib:ensure_dir(filename:join(Work, "x")),
    Options = [{create_if_missing, true}],
    {ok, DB} = ?SHOW(rocksdb:open(Path, Options)),
    {ok, Backup} = ?SHOW(rocksdb:open_backup_engine(BackupDir)),
    ok = ?SHOW(rocksdb:put(DB, <<"a">>, <<"1">>, [])),
    ok = ?SHOW(rocksdb:put(DB, <<"b">>, <<"2">>, [])),
    ok = ?SHOW(rocksdb:create_new_backup(Backup, DB)),
    ok = ?SHOW(rocksdb:put(DB, <<"c">>, <<"3">>, [])),
    ok = ?SHOW(rocksdb:delete(DB, <<"a">>, [])),
    ok = ?SHOW(rocksdb:create_new_backup(Backup, DB)),
    {ok, [#{id := 1}, #{id := 2}]} = ?SHOW(rocksdb:get_backup_info(Backup)),
    ok = ?SHOW(rocksdb:verify_backup(Backup, 1)),
    ok = ?SHOW(rocksdb:verify_backup(Backup, 2)),
    ok = ?SHOW(rocksdb:close_backup_engine(Backup)),
    ok = ?SHOW(rocksdb:close(DB)),
    {ok, Backup2} = ?SHOW(rocksdb:open_backup_engine(BackupDir)),
    ok = ?SHOW(rocksdb:restore_from_backup(Backup2, 1, Restore1, Restore1)),
    ok = ?SHOW(rocksdb:restore_db_from_latest_backup(Backup2, RestoreLatest)),
    ok = ?SHOW(rocksdb:close_backup_engine(Backup2)),
    [{<<"a">>, {ok, <<"1">>}}, {<<"b">>, {ok, <<"2">>}}, {<<"c">>, not_found}] =
        contents(Restore1),
    [{<<"a">>, not_found}, {<<"b">>, {ok, <<"2">>}}, {<<"c">>, {ok, <<"3">>}}] =
        contents(RestoreLatest),
    io:format("~nThe seed example ran: backup 1 holds a and b, the latest holds b and c.~n"),
    ok.

contents(Dir) ->
    {ok, Db} = ?SHOW(rocksdb:open(Dir, [])),
    Found = [{K, show(io_lib:format("rocksdb:get(Db, ~p, [])", [K]), rocksdb:get(Db, K, []))}
             || K <- [<<"a">>, <<"b">>, <<"c">>]],
    ok = ?SHOW(rocksdb:close(Db)),
    Found.

show(Call, Reply) ->
    io:format("~ts~n    -> ~tp~n", [tidy(lists:flatten(Call)), Reply]),
    Reply.

%% ??Expr spells a call token by token ("rocksdb : open ( Path , Options )"): close the gaps.
tidy(Text) ->
    lists:foldl(fun({From, To}, Acc) -> string:replace(Acc, From, To, all) end, Text,
                [{" : ", ":"}, {" ( ", "("}, {" )", ")"}, {" , ", ", "}, {"<< ", "<<"},
                 {" >>", ">>"}, {"[ ]", "[]"}]).
