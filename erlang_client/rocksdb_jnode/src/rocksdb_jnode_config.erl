%% @private
%% @doc The application environment of `rocksdb_jnode', read with its defaults.
%%
%% The API works without the application being loaded or started, so every key has its
%% default here as well as in `rocksdb_jnode.app.src'; the two lists must agree. A value of
%% the wrong type raises `{badconfig, {Key, Value}}', so a typo in sys.config fails loudly at
%% the first call instead of turning into an odd timeout.
-module(rocksdb_jnode_config).

-export([env/1, node/0, dest/1, heartbeat/0, ensure_loaded/0]).

-type key() :: node | mailbox | call_timeout | long_call_timeout
             | heartbeat_interval | heartbeat_misses | max_value_size | group_commit.

-export_type([key/0]).

%% Set once the application is found loaded (see ensure_loaded/0).
-define(LOADED, {?MODULE, loaded}).

-spec env(Key) -> Value when
      Key :: key(),
      Value :: term().
env(Key) ->
    ok = ensure_loaded(),
    Value = application:get_env(rocksdb_jnode, Key, default(Key)),
    case valid(Key, Value) of
        true -> Value;
        false -> erlang:error({badconfig, {Key, Value}})
    end.

%% @doc The Java node calls go to by default: the environment's `node' when set, else the node
%% the application owns (`undefined' when it owns none: it is not started).
-spec node() -> node() | undefined.
node() ->
    case env(node) of
        undefined -> rocksdb_jnode_jvm:managed_node();
        Node -> Node
    end.

%% @doc Where requests for the Java node `Node' go: its mailbox on that node.
-spec dest(Node) -> rocksdb_jnode_call:dest() when
      Node :: node().
dest(Node) ->
    {env(mailbox), Node}.

%% @doc The heartbeat settings of long calls that wait without a bound.
-spec heartbeat() -> rocksdb_jnode_call:heartbeat().
heartbeat() ->
    #{interval => env(heartbeat_interval), misses => env(heartbeat_misses)}.

%% @doc Loads the application when it is not loaded yet, so that its environment holds the
%% values of the command line (`-rocksdb_jnode node ...') and of sys.config, not only the
%% defaults. Loading replaces the values that application:set_env/3 gave its keys before the
%% load with those of the .app file: such values are kept, so a user who set `node' before the
%% first call does not silently lose it.
%%
%% Every call of the API reads the environment through here, so once the application is
%% loaded that is remembered in a persistent term: `application:get_key/2' costs about a
%% microsecond, the term a few dozen nanoseconds.
-spec ensure_loaded() -> ok.
ensure_loaded() ->
    case persistent_term:get(?LOADED, false) of
        true -> ok;
        false -> load()
    end.

-spec load() -> ok.
load() ->
    case application:get_key(rocksdb_jnode, vsn) of
        {ok, _} ->
            persistent_term:put(?LOADED, true);
        undefined ->
            Preset = application:get_all_env(rocksdb_jnode),
            case application:load(rocksdb_jnode) of
                ok ->
                    lists:foreach(fun({Key, Value}) ->
                                          application:set_env(rocksdb_jnode, Key, Value)
                                  end, Preset);
                {error, _} ->
                    ok
            end
    end.

-spec default(key()) -> term().
default(node) -> undefined;
default(mailbox) -> rocksdb;
default(call_timeout) -> 30000;
default(long_call_timeout) -> infinity;
default(heartbeat_interval) -> 5000;
default(heartbeat_misses) -> 3;
default(max_value_size) -> 64 * 1024 * 1024;
default(group_commit) -> true.

-spec valid(key(), term()) -> boolean().
valid(node, V) -> is_atom(V);
valid(mailbox, V) -> is_atom(V);
valid(call_timeout, V) -> is_timeout(V);
valid(long_call_timeout, V) -> is_timeout(V);
valid(heartbeat_interval, V) -> is_integer(V) andalso V > 0;
valid(heartbeat_misses, V) -> is_integer(V) andalso V > 0;
valid(max_value_size, V) -> V =:= infinity orelse (is_integer(V) andalso V > 0);
valid(group_commit, V) -> is_boolean(V).

-spec is_timeout(term()) -> boolean().
is_timeout(infinity) -> true;
is_timeout(V) -> is_integer(V) andalso V >= 0.
