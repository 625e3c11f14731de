%% @doc The PropEr state machine model (rocksdb_model) against a real Java node: generated
%% sequences of DB and backup calls (and, once enabled, the data API of issue 7), each reply
%% checked against the model after every step, failures shrunk to a minimal sequence.
%%
%% Environment: `PROPER_NUMTESTS' (sequences, default 200), `PROPER_MAX_SIZE' (the size
%% PropEr grows sequences to, default 50: about 14 commands a sequence on average, at most
%% 50), `PROPER_GROUPS' (comma-separated command groups, default rocksdb_model:groups()),
%% `PROPER_REPLAY=File' (re-run a counterexample a failed run saved, instead of generating).
-module(model_SUITE).

-export([all/0, suite/0, init_per_suite/1, end_per_suite/1,
         init_per_testcase/2, end_per_testcase/2]).
-export([model/1]).

-include_lib("common_test/include/ct.hrl").

suite() ->
    [{timetrap, {minutes, 10}}].

all() ->
    [model].

init_per_suite(Config) ->
    [{jnode, jnode_ct:start_node(Config)} | Config].

end_per_suite(Config) ->
    jnode_ct:stop_node(?config(jnode, Config)).

init_per_testcase(_Case, Config) ->
    %% About half a second a sequence at worst, plus shrinking.
    ct:timetrap({seconds, 300 + numtests()}),
    Config.

%% The node still serves: ping answers and the OS process lives.
end_per_testcase(_Case, Config) ->
    #{os_pid := OsPid} = ?config(jnode, Config),
    pong = rocksdb:ping(),
    true = jnode_ct:os_pid_alive(OsPid),
    ok.

model(Config) ->
    Priv = ?config(priv_dir, Config),
    Groups = groups(),
    Prop = rocksdb_model:prop_model(Groups, Priv),
    Opts = [{to_file, user}, {numtests, numtests()}, {max_size, env_int("PROPER_MAX_SIZE", 50)}],
    ct:pal("model: groups ~p, ~p", [Groups, Opts]),
    T0 = erlang:monotonic_time(millisecond),
    Passed = case os:getenv("PROPER_REPLAY") of
                 false -> proper:quickcheck(Prop, Opts);
                 File -> replay(Prop, File, Opts)
             end,
    ct:pal("model: ~p in ~p ms", [Passed, erlang:monotonic_time(millisecond) - T0]),
    %% Every sequence closed what it opened, passed or failed: this node owns no handle there.
    {ok, []} = jnode_ct:call(?config(jnode, Config), {owners, node()}),
    case Passed of
        true ->
            ok;
        _ ->
            CE = proper:counterexample(),
            Saved = filename:join(Priv, "counterexample.term"),
            ok = file:write_file(Saved, io_lib:format("~p.~n", [CE])),
            ct:pal("model: counterexample saved in ~ts; replay with PROPER_REPLAY=~ts",
                   [Saved, Saved]),
            ct:fail({model_failed, CE})
    end.

replay(Prop, File, Opts) ->
    {ok, [CE]} = file:consult(File),
    proper:check(Prop, CE, Opts).

numtests() ->
    env_int("PROPER_NUMTESTS", 200).

groups() ->
    case os:getenv("PROPER_GROUPS") of
        false -> rocksdb_model:groups();
        "" -> rocksdb_model:groups();
        Text -> [list_to_atom(G) || G <- string:lexemes(Text, ",")]
    end.

env_int(Name, Default) ->
    case os:getenv(Name) of
        false -> Default;
        "" -> Default;
        Text -> list_to_integer(Text)
    end.
