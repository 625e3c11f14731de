%% @doc A private Java node for a common_test suite, in two lines:
%%
%% ```
%% init_per_suite(Config) -> rocksdb_jnode_ct:init_per_suite(Config).
%% end_per_suite(Config) -> rocksdb_jnode_ct:end_per_suite(Config).
%% '''
%%
%% `init_per_suite/1,2' makes the test node distributed when it is not (long names on
%% 127.0.0.1, starting epmd if needed), starts a Java node with a unique name and its log in
%% the suite's `priv_dir', points the application environment's `node' at it and starts the
%% `rocksdb_jnode' application (which, with `node' set, starts no JVM of its own). The node's
%% info (see {@link rocksdb_jnode_node:info()}) is in the returned config under
%% `rocksdb_jnode'. `end_per_suite/1' stops the node, by its OS pid if it must.
-module(rocksdb_jnode_ct).

-export([init_per_suite/1, init_per_suite/2, end_per_suite/1, init_dist/0, info/1]).

%% @doc {@link init_per_suite/2} with no options.
-spec init_per_suite(Config) -> Config when
      Config :: [{atom(), term()}].
init_per_suite(Config) ->
    init_per_suite(Config, #{}).

%% @doc Starts a private Java node for the suite with `Options' for
%% {@link rocksdb_jnode_node:start/1} (`jvm_args', `extra_args', ...), makes it the default
%% node and starts the application. Fails the suite (an exception) when the node cannot start.
-spec init_per_suite(Config, Options) -> Config when
      Config :: [{atom(), term()}],
      Options :: rocksdb_jnode_node:start_options().
init_per_suite(Config, Options) ->
    ok = init_dist(),
    Name = maps:get(name, Options, rocksdb_jnode_jvm:unique_name("jnode_ct")),
    Opts = case proplists:get_value(priv_dir, Config) of
               undefined -> Options#{name => Name};
               Priv -> maps:merge(#{log => filename:join(Priv, atom_to_list(Name) ++ ".log")},
                                  Options#{name => Name})
           end,
    case rocksdb_jnode_node:start(Opts) of
        {ok, Info} ->
            ok = application:set_env(rocksdb_jnode, node, Name),
            {ok, _} = application:ensure_all_started(rocksdb_jnode),
            [{rocksdb_jnode, Info} | Config];
        {error, Reason} ->
            erlang:error({rocksdb_jnode_not_started, Reason})
    end.

%% @doc Stops the suite's Java node. Always `ok'.
-spec end_per_suite(Config) -> ok when
      Config :: [{atom(), term()}].
end_per_suite(Config) ->
    case proplists:get_value(rocksdb_jnode, Config) of
        undefined -> ok;
        Info -> rocksdb_jnode_node:stop(Info)
    end.

%% @doc The suite's Java node: `#{node, os_pid, port, log, mailbox}'.
-spec info(Config) -> rocksdb_jnode_node:info() when
      Config :: [{atom(), term()}].
info(Config) ->
    proplists:get_value(rocksdb_jnode, Config).

%% @doc Makes this node distributed (`ct_<os pid>_<n>@127.0.0.1', long names) unless it is.
-spec init_dist() -> ok.
init_dist() ->
    case is_alive() of
        true ->
            ok;
        false ->
            _ = os:cmd("epmd -daemon"),
            Name = list_to_atom("ct_" ++ os:getpid() ++ "_"
                                ++ integer_to_list(erlang:unique_integer([positive]))
                                ++ "@127.0.0.1"),
            {ok, _} = net_kernel:start([Name, longnames]),
            ok
    end.
