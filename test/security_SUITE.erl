%% @doc Security properties of the Java node: no built-in cookie, a strict command line,
%% loopback-only listening by default, path confinement with `--root', and destroy/restore
%% that never reach beyond the directory they name.
%%
%% The command-line cases run the jar directly (`java -jar Jar ...', Jar being
%% $ROCKSDB_JNODE_JAR or the client's priv/rocksdb-jnode.jar) with a
%% controlled environment; every process they start is killed by its OS pid.
-module(security_SUITE).

-export([all/0, groups/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_group/2, end_per_group/2, init_per_testcase/2, end_per_testcase/2]).
-export([no_cookie_refused_with_empty_home/1, no_cookie_refused_with_empty_user_home/1,
         cookie_from_env/1, cookie_from_home_file/1, bad_flag_exits_2/1,
         help_lists_every_flag/1, listens_on_loopback_by_default/1,
         listen_all_interfaces_says_so/1]).
-export([inside_roots_work/1, dotdot_escape_forbidden/1, symlink_out_forbidden/1,
         symlink_to_other_root_allowed/1, dangling_symlink_creates_nothing_outside/1,
         destroy_and_restore_keep_neighbours/1]).

-include_lib("common_test/include/ct.hrl").
-include_lib("stdlib/include/assert.hrl").
-include_lib("kernel/include/file.hrl").

-define(RUN_TIMEOUT, 30000).

suite() ->
    [{timetrap, {minutes, 3}}].

all() ->
    [no_cookie_refused_with_empty_home, no_cookie_refused_with_empty_user_home,
     cookie_from_env, cookie_from_home_file, bad_flag_exits_2, help_lists_every_flag,
     listens_on_loopback_by_default, listen_all_interfaces_says_so,
     {group, confinement}].

groups() ->
    [{confinement, [sequence],
      [inside_roots_work, dotdot_escape_forbidden, symlink_out_forbidden,
       symlink_to_other_root_allowed, dangling_symlink_creates_nothing_outside,
       destroy_and_restore_keep_neighbours]}].

init_per_suite(Config) ->
    ok = jnode_ct:init_dist(),
    %% The jar the other suites start too: $ROCKSDB_JNODE_JAR, else the client's priv/.
    Jar = case os:getenv("ROCKSDB_JNODE_JAR") of
              false -> filename:join(code:priv_dir(rocksdb_jnode), "rocksdb-jnode.jar");
              J -> J
          end,
    true = filelib:is_regular(Jar),
    [{jar, Jar}, {java, os:find_executable("java")} | Config].

end_per_suite(_Config) ->
    ok.

%% One node for the confinement cases, with two roots; beside them a directory `outside'
%% with a sentinel file, and symlinks from the first root: out of the roots, into the second
%% root, and dangling (to a path under `outside' that does not exist).
init_per_group(confinement, Config) ->
    Base = filename:join(?config(priv_dir, Config), "confinement"),
    R1 = filename:join(Base, "r1"),
    R2 = filename:join(Base, "r2"),
    Outside = filename:join(Base, "outside"),
    [ok = filelib:ensure_path(D) || D <- [R1, R2, Outside]],
    ok = file:write_file(filename:join(Outside, "sentinel.txt"), <<"outside">>),
    ok = file:make_symlink(Outside, filename:join(R1, "link_out")),
    ok = file:make_symlink(R2, filename:join(R1, "link_r2")),
    ok = file:make_symlink(filename:join(Outside, "not_yet"), filename:join(R1, "dangling")),
    Info = jnode_ct:start_node(Config, #{extra_args => ["--root", R1, "--root", R2]}),
    [{jnode, Info}, {base, Base}, {r1, R1}, {r2, R2}, {outside, Outside} | Config].

end_per_group(confinement, Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

init_per_testcase(_Case, Config) ->
    case proplists:get_value(jnode, Config) of
        undefined -> ok;
        Info -> jnode_ct:use_node(Info)
    end,
    Config.

end_per_testcase(_Case, _Config) ->
    ok.

%%%===================================================================
%%% The cookie
%%%===================================================================

%% No --cookie, no $ROCKSDB_JNODE_COOKIE, and HOME an empty directory: the node refuses to
%% start, with one line that names the cookie.
no_cookie_refused_with_empty_home(Config) ->
    Home = fresh_dir(Config, "empty_home"),
    {Status, Out} = run_jar(Config, [], ["--name", node_name("sec_nocookie")],
                            [{"HOME", Home}, {"ROCKSDB_JNODE_COOKIE", false}]),
    ct:log("exit ~p, output:~n~ts", [Status, Out]),
    assert_refused_for_cookie(Status, Out).

%% The same with the JVM's user.home also pointed at the empty directory: the refusal itself,
%% whatever the JVM takes as the home directory.
no_cookie_refused_with_empty_user_home(Config) ->
    Home = fresh_dir(Config, "empty_user_home"),
    {Status, Out} = run_jar(Config, ["-Duser.home=" ++ Home],
                            ["--name", node_name("sec_nocookie2")],
                            [{"HOME", Home}, {"ROCKSDB_JNODE_COOKIE", false}]),
    ct:log("exit ~p, output:~n~ts", [Status, Out]),
    assert_refused_for_cookie(Status, Out).

assert_refused_for_cookie(Status, Out) ->
    ?assertMatch({exit, N} when N =/= 0, Status),
    Lines = lines(Out),
    ?assertMatch([_], Lines),
    [Line] = Lines,
    ?assertNotEqual(nomatch, string:find(string:lowercase(Line), "cookie")).

%% $ROCKSDB_JNODE_COOKIE set (and no cookie file): the node starts with that cookie; a node
%% with a wrong cookie cannot reach it, one with the right cookie can.
cookie_from_env(Config) ->
    Home = fresh_dir(Config, "env_home"),
    Cookie = random_cookie("env"),
    Name = node_name("sec_envcookie"),
    with_node(Config, [], ["--name", Name],
              [{"HOME", Home}, {"ROCKSDB_JNODE_COOKIE", atom_to_list(Cookie)}],
              fun(Node) -> assert_cookie(Node, Cookie) end).

%% A cookie in $HOME/.erlang.cookie (no option, no variable): the node starts and uses it.
cookie_from_home_file(Config) ->
    Home = fresh_dir(Config, "file_home"),
    Cookie = random_cookie("home"),
    File = filename:join(Home, ".erlang.cookie"),
    ok = file:write_file(File, atom_to_list(Cookie)),
    ok = file:change_mode(File, 8#400),
    Name = node_name("sec_homecookie"),
    with_node(Config, [], ["--name", Name], [{"HOME", Home}, {"ROCKSDB_JNODE_COOKIE", false}],
              fun(Node) -> assert_cookie(Node, Cookie) end).

%% The wrong cookie first (a connection once made would be reused), then the right one.
assert_cookie(Node, Cookie) ->
    true = erlang:set_cookie(Node, list_to_atom("wrong_" ++ atom_to_list(Cookie))),
    ?assertEqual(pang, net_adm:ping(Node)),
    true = erlang:set_cookie(Node, Cookie),
    ?assertEqual(pong, net_adm:ping(Node)),
    ?assertEqual(pong, gen_server:call({rocksdb, Node}, ping, 10000)).

%%%===================================================================
%%% The command line
%%%===================================================================

%% An unknown flag, a bad value and a bad --root: exit code 2 and one line of error.
bad_flag_exits_2(Config) ->
    Missing = filename:join(?config(priv_dir, Config), "no_such_root"),
    Runs = [{["--bogus-flag"], "--bogus-flag"},
            {["--cookie", "c", "--quick-threads", "many"], "many"},
            {["--cookie", "c", "--name", node_name("sec_badroot"), "--root", Missing],
             "--root"}],
    Results = [{Args, Expect, run_jar(Config, [], Args, [])} || {Args, Expect} <- Runs],
    [ct:log("~p -> ~p:~n~ts", [Args, Status, Out]) || {Args, _, {Status, Out}} <- Results],
    [begin
         ?assertEqual({Args, {exit, 2}}, {Args, Status}),
         ?assertMatch({_, [_]}, {Args, lines(Out)}),
         ?assertNotEqual({Args, nomatch}, {Args, string:find(Out, Expect)})
     end || {Args, Expect, {Status, Out}} <- Results],
    ok.

%% --help exits 0 and lists every flag the command line defines (read from Main.java when the
%% source tree is at hand, plus a fixed list).
help_lists_every_flag(Config) ->
    {Status, Out} = run_jar(Config, [], ["--help"], []),
    ct:log("exit ~p, output:~n~ts", [Status, Out]),
    ?assertEqual({exit, 0}, Status),
    Flags = lists:usort(["--name", "--cookie", "--mailbox", "--listen", "--root",
                         "--quick-threads", "--long-threads", "--help", "--version"]
                        ++ flags_in_source()),
    ct:log("flags: ~p", [Flags]),
    ?assertEqual([], [F || F <- Flags, string:find(Out, F) =:= nomatch]).

flags_in_source() ->
    case proplists:get_value(source, rocksdb_jnode:module_info(compile)) of
        undefined ->
            [];
        Src ->
            Top = lists:foldl(fun(_, D) -> filename:dirname(D) end, Src, [1, 2, 3, 4]),
            Main = filename:join([Top, "java_node", "src", "main", "java", "io",
                                  "rocksdbjnode", "Main.java"]),
            case file:read_file(Main) of
                {ok, Java} ->
                    {match, Ms} = re:run(Java, "names\\s*=\\s*\\{?([^})]*)",
                                         [global, {capture, all_but_first, list}]),
                    [F || [M] <- Ms,
                          {match, Fs} <- [re:run(M, "\"(--[a-z0-9-]+)\"",
                                                 [global, {capture, all_but_first, list}])],
                          [F] <- Fs];
                {error, _} ->
                    []
            end
    end.

%%%===================================================================
%%% Listening
%%%===================================================================

%% By default the distribution port is bound to 127.0.0.1 only, and the node says so.
listens_on_loopback_by_default(Config) ->
    Info = jnode_ct:start_node(Config),
    try
        Port = logged_port(Info, "127\\.0\\.0\\.1", "loopback only"),
        Bound = listeners(Port),
        ct:log("port ~p bound as ~p~nss: ~ts", [Port, Bound, ss(Port)]),
        ?assertEqual([{ipv4, {127, 0, 0, 1}}], Bound)
    after
        jnode_ct:stop_node(Info)
    end.

%% With --listen 0.0.0.0 the port is bound to every interface, and the line says so.
listen_all_interfaces_says_so(Config) ->
    Info = jnode_ct:start_node(Config, #{extra_args => ["--listen", "0.0.0.0"]}),
    try
        Port = logged_port(Info, "0\\.0\\.0\\.0", "reachable from other hosts"),
        Bound = listeners(Port),
        ct:log("port ~p bound as ~p~nss: ~ts", [Port, Bound, ss(Port)]),
        ?assertEqual([any], Bound)
    after
        jnode_ct:stop_node(Info)
    end.

logged_port(#{log := Log}, Address, Says) ->
    {ok, Text} = file:read_file(Log),
    RE = "listening on " ++ Address ++ ":([0-9]+) \\(" ++ Says ++ "\\)",
    case re:run(Text, RE, [{capture, all_but_first, list}]) of
        {match, [P]} -> list_to_integer(P);
        nomatch -> ct:fail({no_listening_line, RE, Text})
    end.

%% The addresses listening on Port, from /proc/net/tcp and /proc/net/tcp6: `{ipv4, Addr}'
%% (an IPv4-mapped IPv6 address counts as IPv4: a socket bound to ::ffff:127.0.0.1 takes IPv4
%% loopback connections only), `any' for 0.0.0.0 and ::, `{ipv6, Addr}' otherwise.
listeners(Port) ->
    lists:usort(proc_listeners("/proc/net/tcp", Port) ++ proc_listeners("/proc/net/tcp6", Port)).

proc_listeners(File, Port) ->
    case file:read_file(File) of
        {ok, Bin} ->
            [_Header | Rows] = string:split(binary_to_list(Bin), "\n", all),
            [decode_addr(Addr)
             || Row <- Rows,
                [_Sl, Local, _Remote, "0A" | _] <- [string:lexemes(Row, " ")],
                [Addr, PortHex] <- [string:split(Local, ":")],
                list_to_integer(PortHex, 16) =:= Port];
        {error, _} ->
            []
    end.

%% /proc/net/tcp{,6} write an address as little-endian 32-bit words in hex.
decode_addr(Hex) ->
    Bytes = << <<(list_to_integer(W, 16)):32/little>> || W <- words(Hex) >>,
    case Bytes of
        <<0, 0, 0, 0>> -> any;
        <<0:128>> -> any;
        <<A, B, C, D>> -> {ipv4, {A, B, C, D}};
        <<0:80, 16#ffff:16, A, B, C, D>> -> {ipv4, {A, B, C, D}};
        _ -> {ipv6, list_to_tuple([W || <<W:16>> <= Bytes])}
    end.

words([]) -> [];
words(Hex) -> {W, Rest} = lists:split(8, Hex), [W | words(Rest)].

ss(Port) ->
    os:cmd("ss -ltnH 'sport = :" ++ integer_to_list(Port) ++ "' 2>&1").

%%%===================================================================
%%% Confinement
%%%===================================================================

%% Every path-taking request works inside a root, in either root, and across the two.
inside_roots_work(Config) ->
    R1 = ?config(r1, Config),
    R2 = ?config(r2, Config),
    Db1 = filename:join(R1, "db"),
    {ok, Db} = rocksdb_jnode:open(Db1, [{create_if_missing, true}]),
    ok = rocksdb_jnode:put(Db, <<"k">>, <<"v">>, []),
    ok = rocksdb_jnode:flush(Db, []),
    ok = rocksdb_jnode:checkpoint(Db, filename:join(R1, "cp")),
    ?assert(filelib:is_regular(filename:join([R1, "cp", "CURRENT"]))),
    {ok, E1} = rocksdb_jnode:open_backup_engine(filename:join(R1, "be")),
    {ok, E2} = rocksdb_jnode:open_backup_engine(filename:join(R2, "be")),
    ok = rocksdb_jnode:create_new_backup(E1, Db),
    ok = rocksdb_jnode:create_new_backup(E1, filename:join(R1, "cp")),
    ok = rocksdb_jnode:create_new_backup(E2, Db),
    ok = rocksdb_jnode:create_new_backup(E2, filename:join(R1, "cp")),
    ok = rocksdb_jnode:close(Db),
    Restores = [{E1, 1, filename:join(R1, "restored"), filename:join(R1, "restored_wal")},
                {E1, 2, filename:join(R2, "restored_from_r1"), filename:join(R2, "restored_from_r1")},
                {E2, 1, filename:join(R2, "restored"), filename:join(R1, "restored_wal2")}],
    [begin
         ok = rocksdb_jnode:restore_db_from_backup(E, Id, DbDir, WalDir),
         assert_db_has(DbDir, <<"k">>, <<"v">>)
     end || {E, Id, DbDir, WalDir} <- Restores],
    Latest = filename:join(R2, "latest"),
    ok = rocksdb_jnode:restore_db_from_latest_backup(E2, Latest, Latest),
    assert_db_has(Latest, <<"k">>, <<"v">>),
    ok = rocksdb_jnode:destroy(filename:join(R2, "restored"), []),
    ?assertNot(filelib:is_regular(filename:join([R2, "restored", "CURRENT"]))),
    ok = rocksdb_jnode:destroy(Db1, []),
    ok = rocksdb_jnode:close_backup_engine(E1),
    ok = rocksdb_jnode:close_backup_engine(E2).

%% `Root/../outside/...', a path right beside a root, the roots' parent and a sibling whose
%% name starts with a root's name: {error, {forbidden_path, Path}} for every request, and
%% nothing is created anywhere.
dotdot_escape_forbidden(Config) ->
    R1 = ?config(r1, Config),
    Base = ?config(base, Config),
    Escapes = [R1 ++ "/../outside/x", R1 ++ "/../outside", R1 ++ "/sub/../../outside/y",
               filename:join(?config(outside, Config), "z"), Base, R1 ++ "x",
               R1 ++ "/../r1x/db"],
    assert_forbidden_everywhere(Config, Escapes).

%% A symlink inside a root that points outside: forbidden, through the link and beneath it.
symlink_out_forbidden(Config) ->
    R1 = ?config(r1, Config),
    assert_forbidden_everywhere(Config, [filename:join(R1, "link_out"),
                                         filename:join([R1, "link_out", "db"]),
                                         filename:join([R1, "link_out", "a", "b"])]).

%% A symlink inside one root that points to the other root: allowed, and the work lands in
%% the other root.
symlink_to_other_root_allowed(Config) ->
    R1 = ?config(r1, Config),
    R2 = ?config(r2, Config),
    Via = filename:join([R1, "link_r2", "via_db"]),
    {ok, Db} = rocksdb_jnode:open(Via, [{create_if_missing, true}]),
    ok = rocksdb_jnode:put(Db, <<"k">>, <<"via">>, []),
    ?assert(filelib:is_regular(filename:join([R2, "via_db", "CURRENT"]))),
    {ok, E} = rocksdb_jnode:open_backup_engine(filename:join([R1, "link_r2", "via_be"])),
    ?assert(filelib:is_dir(filename:join([R2, "via_be", "meta"]))),
    ok = rocksdb_jnode:create_new_backup(E, Db),
    ok = rocksdb_jnode:close(Db),
    Restored = filename:join([R1, "link_r2", "via_restored"]),
    ok = rocksdb_jnode:restore_db_from_latest_backup(E, Restored, Restored),
    assert_db_has(filename:join(R2, "via_restored"), <<"k">>, <<"via">>),
    ok = rocksdb_jnode:close_backup_engine(E).

%% A dangling symlink inside a root (to a path outside that does not exist yet) is followed
%% to where its target would be: forbidden, through the link and beneath it, and nothing is
%% created outside the roots.
dangling_symlink_creates_nothing_outside(Config) ->
    R1 = ?config(r1, Config),
    Outside = ?config(outside, Config),
    Before = tree(Outside),
    assert_forbidden_everywhere(Config, [filename:join(R1, "dangling"),
                                         filename:join([R1, "dangling", "db"])]),
    ?assertEqual(Before, tree(Outside)),
    ?assertNot(filelib:is_file(filename:join(Outside, "not_yet"))).

%% destroy/2 and the restores touch nothing outside the directory they name: sentinel files
%% named like RocksDB's in the parent, and sibling directories (one a real DB, others whose
%% names extend the target's), stay byte for byte.
destroy_and_restore_keep_neighbours(Config) ->
    R1 = ?config(r1, Config),
    Parent = filename:join(R1, "parent"),
    Target = filename:join(Parent, "target"),
    ok = filelib:ensure_path(Parent),
    [ok = file:write_file(filename:join(Parent, N), ["sentinel ", N])
     || N <- ["CURRENT", "LOCK", "LOG", "LOG.old.1", "IDENTITY", "MANIFEST-000001",
              "000001.log", "000002.sst", "OPTIONS-000003", "sentinel.txt", "target.log"]],
    [ok = filelib:ensure_path(filename:join(Parent, D))
     || D <- ["target.bak", "targetx", "target_wal_sibling"]],
    [ok = file:write_file(filename:join([Parent, D, "000009.log"]), ["sibling ", D])
     || D <- ["target.bak", "targetx", "target_wal_sibling"]],
    make_db(filename:join(Parent, "sibling_db"), <<"sib">>),
    make_db(Target, <<"t">>),
    Snapshot = fun() -> tree_except(Parent, ["target", "target_wal"]) end,
    Before = Snapshot(),
    ct:log("neighbours: ~p", [[F || {F, _} <- Before]]),
    ok = rocksdb_jnode:destroy(Target, []),
    ?assertEqual(Before, Snapshot()),
    {E, Db, _} = engine_with_backup(Config, "neighbours"),
    Wal = filename:join(Parent, "target_wal"),
    ok = rocksdb_jnode:restore_db_from_latest_backup(E, Target, Wal),
    ?assertEqual(Before, Snapshot()),
    ok = rocksdb_jnode:restore_db_from_latest_backup(E, Target, Wal, [{keep_log_files, true}]),
    ?assertEqual(Before, Snapshot()),
    ok = rocksdb_jnode:restore_db_from_latest_backup(E, Target, Target),
    ?assertEqual(Before, Snapshot()),
    ok = rocksdb_jnode:restore_db_from_backup(E, 1, Target, Target),
    ?assertEqual(Before, Snapshot()),
    assert_db_has(Target, <<"k">>, <<"backup">>),
    ok = rocksdb_jnode:destroy(Target, []),
    ?assertEqual(Before, Snapshot()),
    cleanup_engine(E, Db).

%%%===================================================================
%%% Confinement helpers
%%%===================================================================

%% Every path-taking request, aimed at each path: {error, {forbidden_path, P}} with P the
%% path as sent, and no file created or changed anywhere under the confinement directory.
assert_forbidden_everywhere(Config, Paths) ->
    Base = ?config(base, Config),
    {E, Db, Own} = engine_with_backup(Config, "forbid"),
    Before = tree_except(Base, Own),
    Replies = [{P, Op, catch Fun(P)}
               || P <- Paths, {Op, Fun} <- path_ops(E, Db, ?config(r1, Config))],
    After = tree_except(Base, Own),
    cleanup_engine(E, Db),
    ct:log("~p", [Replies]),
    Wrong = [{P, Op, R} || {P, Op, R} <- Replies,
                           R =/= {error, {forbidden_path, list_to_binary(P)}}],
    ?assertEqual([], Wrong),
    ?assertEqual(Before, After).

%% The requests that take a path, as funs of that path. The restores also aim the path at
%% one of DbDir and WalDir only, with a fresh path inside the root as the other, which must
%% not be created either.
path_ops(E, Db, Root) ->
    Inside = fun(P) -> filename:join(Root, "never_" ++ integer_to_list(erlang:phash2(P))) end,
    [{open, fun(P) -> rocksdb_jnode:open(P, [{create_if_missing, true}]) end},
     {destroy, fun(P) -> rocksdb_jnode:destroy(P, []) end},
     {open_backup_engine, fun(P) -> rocksdb_jnode:open_backup_engine(P) end},
     {create_new_backup_by_path, fun(P) -> rocksdb_jnode:create_new_backup(E, P) end},
     {checkpoint, fun(P) -> rocksdb_jnode:checkpoint(Db, P) end},
     {restore_db_dir, fun(P) -> rocksdb_jnode:restore_db_from_backup(E, 1, P, P) end},
     {restore_wal_dir_only,
      fun(P) -> rocksdb_jnode:restore_db_from_backup(E, 1, Inside(P), P) end},
     {restore_db_dir_only,
      fun(P) -> rocksdb_jnode:restore_db_from_backup(E, 1, P, Inside(P)) end},
     {restore_latest, fun(P) -> rocksdb_jnode:restore_db_from_latest_backup(E, P, P) end}].

%% A backup engine with one backup, and an open DB, in the first root.
engine_with_backup(Config, Tag) ->
    R1 = ?config(r1, Config),
    Unique = Tag ++ "_" ++ integer_to_list(erlang:unique_integer([positive])),
    {ok, Db} = rocksdb_jnode:open(filename:join(R1, "src_" ++ Unique), [{create_if_missing, true}]),
    ok = rocksdb_jnode:put(Db, <<"k">>, <<"backup">>, []),
    {ok, E} = rocksdb_jnode:open_backup_engine(filename:join(R1, "be_" ++ Unique)),
    ok = rocksdb_jnode:create_new_backup(E, Db, [{flush_before_backup, true}]),
    {E, Db, ["r1/src_" ++ Unique, "r1/be_" ++ Unique]}.

cleanup_engine(E, Db) ->
    ok = rocksdb_jnode:close_backup_engine(E),
    ok = rocksdb_jnode:close(Db).

make_db(Path, Value) ->
    {ok, Db} = rocksdb_jnode:open(Path, [{create_if_missing, true}]),
    ok = rocksdb_jnode:put(Db, <<"k">>, Value, []),
    ok = rocksdb_jnode:flush(Db, []),
    ok = rocksdb_jnode:close(Db).

assert_db_has(Path, Key, Value) ->
    {ok, Db} = rocksdb_jnode:open(Path, []),
    try
        ?assertEqual({ok, Value}, rocksdb_jnode:get(Db, Key, []))
    after
        rocksdb_jnode:close(Db)
    end.

%% Every file and directory under Dir (symlinks not followed), with file contents; Skip
%% holds paths relative to Dir to leave out.
tree(Dir) ->
    tree_except(Dir, []).

tree_except(Dir, Skip) ->
    lists:sort(walk(Dir, "", Skip)).

walk(Dir, Rel, Skip) ->
    case file:list_dir(filename:join(Dir, Rel)) of
        {ok, Names} ->
            lists:append(
              [begin
                   R = case Rel of "" -> N; _ -> filename:join(Rel, N) end,
                   Full = filename:join(Dir, R),
                   case file:read_link_info(Full) of
                       {ok, #file_info{type = directory}} ->
                           [{R, dir} | walk(Dir, R, Skip)];
                       {ok, #file_info{type = symlink}} ->
                           {ok, To} = file:read_link(Full),
                           [{R, {symlink, To}}];
                       {ok, #file_info{type = regular}} ->
                           {ok, Bin} = file:read_file(Full),
                           [{R, erlang:md5(Bin)}];
                       _ ->
                           [{R, other}]
                   end
               end || N <- Names,
                      not lists:member(case Rel of "" -> N; _ -> filename:join(Rel, N) end,
                                       Skip)]);
        {error, _} ->
            []
    end.

%%%===================================================================
%%% Running the jar
%%%===================================================================

%% Runs `java JvmArgs -jar Jar Args' with Env added to (or removed from: `{Var, false}') the
%% environment. Returns {{exit, Status}, Output} once it exits, or {started, Output} when it
%% printed its ready line (it is then killed); kills it after 30 s in any case.
run_jar(Config, JvmArgs, Args, Env) ->
    {Port, OsPid} = spawn_jar(Config, JvmArgs, Args, Env),
    Deadline = erlang:monotonic_time(millisecond) + ?RUN_TIMEOUT,
    collect(Port, OsPid, <<>>, Deadline).

spawn_jar(Config, JvmArgs, Args, Env) ->
    Port = open_port({spawn_executable, ?config(java, Config)},
                     [{args, JvmArgs ++ ["-jar", ?config(jar, Config) | Args]},
                      {env, Env}, exit_status, stderr_to_stdout, binary, hide]),
    {os_pid, OsPid} = erlang:port_info(Port, os_pid),
    {Port, OsPid}.

collect(Port, OsPid, Acc, Deadline) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {Port, {data, D}} ->
            Acc1 = <<Acc/binary, D/binary>>,
            case binary:match(Acc1, <<"rocksdb_jnode ready">>) of
                nomatch ->
                    collect(Port, OsPid, Acc1, Deadline);
                _ ->
                    kill_os_pid(OsPid),
                    drain(Port),
                    {started, Acc1}
            end;
        {Port, {exit_status, S}} ->
            {{exit, S}, Acc}
    after Left ->
            kill_os_pid(OsPid),
            drain(Port),
            {timeout, Acc}
    end.

drain(Port) ->
    receive
        {Port, {exit_status, _}} -> ok;
        {Port, _} -> drain(Port)
    after 10000 ->
            catch port_close(Port),
            ok
    end.

kill_os_pid(OsPid) ->
    _ = os:cmd("kill -9 " ++ integer_to_list(OsPid)),
    jnode_ct:wait_until(fun() -> not jnode_ct:os_pid_alive(OsPid) end, 5000,
                        {os_pid_gone, OsPid}).

%% Starts the jar, waits for its ready line, runs Fun(Node), and kills it by its OS pid.
with_node(Config, JvmArgs, ["--name", Name | _] = Args, Env, Fun) ->
    {Port, OsPid} = spawn_jar(Config, JvmArgs, Args, Env),
    try
        Out = await_ready(Port, <<>>, erlang:monotonic_time(millisecond) + ?RUN_TIMEOUT),
        ct:log("started ~s (os pid ~p):~n~ts", [Name, OsPid, Out]),
        Fun(list_to_atom(Name))
    after
        kill_os_pid(OsPid),
        drain(Port)
    end.

await_ready(Port, Acc, Deadline) ->
    Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
    receive
        {Port, {data, D}} ->
            Acc1 = <<Acc/binary, D/binary>>,
            case binary:match(Acc1, <<"rocksdb_jnode ready">>) of
                nomatch -> await_ready(Port, Acc1, Deadline);
                _ -> Acc1
            end;
        {Port, {exit_status, S}} ->
            ct:fail({exited_before_ready, S, Acc})
    after Left ->
            ct:fail({not_ready, Acc})
    end.

lines(Out) ->
    [L || L <- string:split(unicode:characters_to_list(Out), "\n", all), string:trim(L) =/= ""].

fresh_dir(Config, Name) ->
    Dir = jnode_ct:dir(Config, Name),
    ok = filelib:ensure_path(Dir),
    Dir.

node_name(Prefix) ->
    Prefix ++ "_" ++ os:getpid() ++ "_" ++ integer_to_list(erlang:unique_integer([positive]))
        ++ "@127.0.0.1".

random_cookie(Tag) ->
    list_to_atom("sec_" ++ Tag ++ "_" ++ integer_to_list(rand:uniform(1 bsl 40))).
