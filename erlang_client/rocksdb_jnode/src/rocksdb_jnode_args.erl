%% @private
%% @doc The arguments of the API, checked before anything is sent: the caller gets `badarg'
%% (with an `error_info' cause that {@link format_error/2} describes) as from the NIF, and the
%% node receives only well-formed values.
%%
%% Also what an argument means in the caller's context: a relative path is resolved against the
%% caller's working directory (the Java node's differs), and the owner of what the caller opens
%% is the caller, or its shell at the shell prompt.
-module(rocksdb_jnode_args).

-export([handle/2, handle_on/3, binary/2, int/2, options/2, path/2, node_name/1, heir/1,
         recipient/2, target/1, owned_target/1, owner/0, within_max_value_size/2]).
-export([name/2, cf_descriptors/1, write_actions/2, pack_writes/1, within_max_value_size/1]).
-export([badarg/1, format_error/2]).
%% Maintenance and transactions (issue 7, docs/DATA_API.md).
-export([range_bound/2, flush_target/2, owned_options/3]).

%% Ids and counts travel as Java ints.
-define(MAX_INT, 16#7fffffff).

%%%===================================================================
%%% Values
%%%===================================================================

%% @doc A handle of a Java node (a reference minted there, named `Name' in the error); returns
%% that node.
-spec handle(Name, Handle) -> node() when
      Name :: atom(),
      Handle :: term().
handle(_Name, Handle) when is_reference(Handle), node(Handle) =/= node() ->
    node(Handle);
handle(_Name, Handle) when is_reference(Handle) ->
    badarg({foreign_handle, Handle});
handle(Name, _) ->
    badarg({bad_argument, Name}).

%% @doc A handle of the Java node `Node'.
-spec handle_on(Name, Handle, Node) -> reference() when
      Name :: atom(),
      Handle :: term(),
      Node :: node().
handle_on(Name, Handle, Node) ->
    case handle(Name, Handle) of
        Node -> Handle;
        _ -> badarg({handle_on_other_node, Handle, Node})
    end.

-spec binary(Name, Term) -> binary() when
      Name :: atom(),
      Term :: term().
binary(_Name, Binary) when is_binary(Binary) -> Binary;
binary(Name, _) -> badarg({bad_argument, Name}).

%% @doc An id or count: an integer a Java int holds, not negative.
-spec int(Name, Term) -> non_neg_integer() when
      Name :: atom(),
      Term :: term().
int(_Name, Int) when is_integer(Int), Int >= 0, Int =< ?MAX_INT -> Int;
int(Name, _) -> badarg({bad_argument, Name}).

%% @doc An options list: a proper list (its elements are the node's to judge).
-spec options(Name, Term) -> list() when
      Name :: atom(),
      Term :: term().
options(Name, Options) ->
    case is_proper_list(Options) of
        true -> Options;
        false -> badarg({bad_argument, Name})
    end.

-spec is_proper_list(term()) -> boolean().
is_proper_list([_ | Tail]) -> is_proper_list(Tail);
is_proper_list([]) -> true;
is_proper_list(_) -> false.

%% @doc A path as the node receives it: absolute (a relative one resolved against the caller's
%% working directory), as a UTF-8 binary.
-spec path(Name, Term) -> binary() when
      Name :: atom(),
      Term :: term().
path(Name, Path) ->
    Chars = if
                is_binary(Path) -> unicode:characters_to_list(Path);
                true -> Path
            end,
    case is_path_chars(Chars) of
        true -> unicode:characters_to_binary(filename:absname(Chars));
        false -> badarg({bad_path, Name})
    end.

%% @doc A column family name: a flat string (a charlist, as the NIF wants), sent as it is.
-spec name(Name, Term) -> string() when
      Name :: atom(),
      Term :: term().
name(Name, Chars) ->
    case Chars =:= [] orelse are_chars(Chars) of
        true -> Chars;
        false -> badarg({bad_argument, Name})
    end.

%% @doc Column family descriptors `[{Name, CfOptions}]': charlist names, proper option lists.
-spec cf_descriptors(Term) -> [{string(), list()}] when
      Term :: term().
cf_descriptors(Descriptors) ->
    case is_proper_list(Descriptors) of
        true -> [cf_descriptor(D) || D <- Descriptors];
        false -> badarg({bad_argument, column_families})
    end.

-spec cf_descriptor(term()) -> {string(), list()}.
cf_descriptor({Name, Options}) ->
    {name(column_family_name, Name), options(column_family_options, Options)};
cf_descriptor(_) ->
    badarg({bad_argument, column_families}).

%% @doc The operations of a write (`write/3', a batch) to a DB of `Node': `{put, K, V}',
%% `{put, Cf, K, V}', `{merge, K, V}', `{merge, Cf, K, V}', `{delete, K}', `{delete, Cf, K}',
%% `{single_delete, K}', `{single_delete, Cf, K}', `{delete_range, Begin, End}',
%% `{delete_range, Cf, Begin, End}'; binaries, and column families of `Node'.
-spec write_actions(Node, Term) -> [tuple()] when
      Node :: node(),
      Term :: term().
write_actions(Node, Actions) ->
    case is_proper_list(Actions) of
        true -> [write_action(Node, A) || A <- Actions];
        false -> badarg({bad_argument, actions})
    end.

-spec write_action(node(), term()) -> tuple().
write_action(Node, {Op, Cf, K, V}) when Op =:= put; Op =:= merge; Op =:= delete_range ->
    {Op, handle_on(column_family, Cf, Node), binary(actions, K), binary(actions, V)};
write_action(_Node, {Op, K, V}) when Op =:= put; Op =:= merge; Op =:= delete_range ->
    {Op, binary(actions, K), binary(actions, V)};
write_action(Node, {Op, Cf, K}) when Op =:= delete; Op =:= single_delete ->
    {Op, handle_on(column_family, Cf, Node), binary(actions, K)};
write_action(_Node, {Op, K}) when Op =:= delete; Op =:= single_delete ->
    {Op, binary(actions, K)};
write_action(_Node, _) ->
    badarg({bad_argument, actions}).

%% @doc Checked write operations (write_actions/2's) packed as the node's `write_packed' takes
%% them: the column families they name, in order, and one binary of
%% `<<Op:8, Family:16, Len:32, Bin, [Len:32, Bin]>>' per operation (Op 1 put, 2 merge,
%% 3 delete, 4 single_delete, 5 delete_range; Family 0 the default family, N the Nth of the
%% list). One binary costs the node one term to decode where the list costs several per
%% operation.
%% The binary grows by appending, which the runtime does in place: about 50 us for 1,000 puts
%% of 100 bytes, where an iolist flattened at the end took 270 us.
-spec pack_writes([tuple()]) -> {[reference()], binary()}.
pack_writes(Ops) ->
    pack_writes(Ops, #{}, [], <<>>).

pack_writes([], _Index, Families, Acc) ->
    {lists:reverse(Families), Acc};
pack_writes([Op | Rest], Index, Families, Acc) ->
    case Op of
        {Name, K, V} when Name =/= delete, Name =/= single_delete ->
            pack_writes(Rest, Index, Families,
                        <<Acc/binary, (op_code(Name)):8, 0:16, (byte_size(K)):32, K/binary,
                          (byte_size(V)):32, V/binary>>);
        {Name, C, K, V} ->
            {N, Index1, Families1} = family_index(C, Index, Families),
            pack_writes(Rest, Index1, Families1,
                        <<Acc/binary, (op_code(Name)):8, N:16, (byte_size(K)):32, K/binary,
                          (byte_size(V)):32, V/binary>>);
        {Name, C, K} when is_reference(C) ->
            {N, Index1, Families1} = family_index(C, Index, Families),
            pack_writes(Rest, Index1, Families1,
                        <<Acc/binary, (op_code(Name)):8, N:16, (byte_size(K)):32, K/binary>>);
        {Name, K} ->
            pack_writes(Rest, Index, Families,
                        <<Acc/binary, (op_code(Name)):8, 0:16, (byte_size(K)):32, K/binary>>)
    end.

op_code(put) -> 1;
op_code(merge) -> 2;
op_code(delete) -> 3;
op_code(single_delete) -> 4;
op_code(delete_range) -> 5.

family_index(default, Index, Families) ->
    {0, Index, Families};
family_index(Cf, Index, Families) ->
    case Index of
        #{Cf := N} -> {N, Index, Families};
        #{} ->
            N = map_size(Index) + 1,
            N =< 16#FFFF orelse badarg({bad_argument, actions}),
            {N, Index#{Cf => N}, [Cf | Families]}
    end.

%% A non-empty flat list of Unicode code points without NUL.
-spec is_path_chars(term()) -> boolean().
is_path_chars([_ | _] = Chars) -> are_chars(Chars);
is_path_chars(_) -> false.

-spec are_chars(term()) -> boolean().
are_chars([C | Rest]) when is_integer(C), C > 0, C < 16#D800;
                           is_integer(C), C > 16#DFFF, C =< 16#10FFFF ->
    are_chars(Rest);
are_chars([]) -> true;
are_chars(_) -> false.

%% @doc The name of a node (to ping).
-spec node_name(Term) -> node() when
      Term :: term().
node_name(Node) when is_atom(Node) -> Node;
node_name(_) -> badarg({bad_argument, node}).

%% @doc The heir of {@link rocksdb_jnode:set_heir/3}: a pid or `none'.
-spec heir(Term) -> pid() | none when
      Term :: term().
heir(Heir) when is_pid(Heir); Heir =:= none -> Heir;
heir(_) -> badarg({bad_argument, heir}).

%% @doc The new owner of {@link rocksdb_jnode:give_away/3}: a pid other than `Owner', alive
%% when it is a process of this node.
-spec recipient(Term, Owner) -> pid() when
      Term :: term(),
      Owner :: pid().
recipient(Pid, _Owner) when not is_pid(Pid) -> badarg({bad_argument, pid});
recipient(Owner, Owner) -> badarg({already_owner, Owner});
recipient(Pid, _Owner) when node(Pid) =:= node() ->
    case is_process_alive(Pid) of
        true -> Pid;
        false -> badarg({dead_process, Pid})
    end;
recipient(Pid, _Owner) -> Pid.

%%%===================================================================
%%% Options that say where a request goes and who owns its handle
%%%===================================================================

%% @doc The Java node of the options (`{node, Node}', or the application's) and the options
%% without it.
-spec target(Options) -> {node() | undefined, list()} when
      Options :: term().
target(Options) ->
    Opts = options(options, Options),
    Node = case lists:keyfind(node, 1, Opts) of
               {node, N} when is_atom(N) -> N;
               false -> rocksdb_jnode_config:node();
               Bad -> badarg({bad_option, Bad})
           end,
    {Node, without(node, Opts)}.

%% @doc {@link target/1} for the opens, whose handle the caller (or its shell) owns: the node,
%% the owner, and the options as the node receives them, `{owner, Owner}' last. The `heir'
%% options are checked only when there is a node to send them to.
-spec owned_target(Options) -> {node() | undefined, pid(), list()} when
      Options :: term().
owned_target(Options) ->
    {Node, Opts} = target(Options),
    case Node of
        undefined -> ok;
        _ -> lists:foreach(fun check_heir/1, Opts)
    end,
    Owner = owner(),
    {Node, Owner, without(owner, Opts) ++ [{owner, Owner}]}.

-spec without(atom(), list()) -> list().
without(Key, Opts) ->
    [Opt || Opt <- Opts, not (is_tuple(Opt) andalso tuple_size(Opt) > 0
                              andalso element(1, Opt) =:= Key)].

-spec check_heir(term()) -> ok.
check_heir({heir, none}) -> ok;
check_heir({heir, Pid, _Data}) when is_pid(Pid) -> ok;
check_heir(Opt) when is_tuple(Opt), tuple_size(Opt) > 0, element(1, Opt) =:= heir ->
    badarg({bad_option, Opt});
check_heir(_) -> ok.

%% @doc The process that owns what the caller opens: the caller, or the shell process when the
%% caller is the evaluator of an Erlang shell (see shell:whereis_evaluator/1).
-spec owner() -> pid().
owner() ->
    Self = self(),
    try shell_of(Self) of
        Shell when is_pid(Shell) -> Shell;
        undefined -> Self
    catch
        _:_ -> Self
    end.

-spec shell_of(pid()) -> pid() | undefined.
shell_of(Evaluator) ->
    GroupLeader = group_leader(),
    Shell = case node(GroupLeader) =:= node() of
                true -> shell_served_by(GroupLeader);
                false -> undefined
            end,
    case is_pid(Shell) andalso node(Shell) =:= node()
        andalso process_info(Shell, dictionary) of
        {dictionary, Dictionary} ->
            case lists:keyfind(evaluator, 1, Dictionary) of
                {evaluator, Evaluator} -> Shell;
                _ -> undefined
            end;
        _ ->
            undefined
    end.

%% The shell whose I/O the group leader serves: group:interfaces/1 names it under a terminal.
%% Without one (stdin not a tty, or -oldshell) the group leader is `user', which keeps the
%% shell in its dictionary the same way but is not a `group' process.
-spec shell_served_by(pid()) -> pid() | undefined.
shell_served_by(GroupLeader) ->
    case lists:keyfind(shell, 1, group:interfaces(GroupLeader)) of
        {shell, Shell} ->
            Shell;
        false ->
            case process_info(GroupLeader, dictionary) of
                {dictionary, Dictionary} ->
                    case lists:keyfind(shell, 1, Dictionary) of
                        {shell, Shell} -> Shell;
                        false -> undefined
                    end;
                undefined ->
                    undefined
            end
    end.

%% @doc `ok' when a key and value fit the application's `max_value_size' together, else the
%% error put returns without sending: the Java node must hold a put in its heap.
-spec within_max_value_size(Key, Value) -> ok | {error, {too_large, Size, Max}} when
      Key :: binary(),
      Value :: binary(),
      Size :: pos_integer(),
      Max :: pos_integer().
within_max_value_size(Key, Value) ->
    Size = byte_size(Key) + byte_size(Value),
    case rocksdb_jnode_config:env(max_value_size) of
        Max when is_integer(Max), Size > Max -> {error, {too_large, Size, Max}};
        _ -> ok
    end.

%% @doc {@link within_max_value_size/2} for the binaries of write operations together: the
%% node holds a write in its heap as it holds a put.
-spec within_max_value_size(Actions) -> ok | {error, {too_large, Size, Max}} when
      Actions :: [tuple()],
      Size :: pos_integer(),
      Max :: pos_integer().
within_max_value_size(Actions) ->
    Size = lists:sum([byte_size(B) || A <- Actions, B <- tuple_to_list(A), is_binary(B)]),
    case rocksdb_jnode_config:env(max_value_size) of
        Max when is_integer(Max), Size > Max -> {error, {too_large, Size, Max}};
        _ -> ok
    end.

%%%===================================================================
%%% Maintenance and transactions
%%%===================================================================

%% @doc An end of a key range: a binary key, or `undefined' for an open end.
-spec range_bound(Name, Term) -> binary() | undefined when
      Name :: atom(),
      Term :: term().
range_bound(_Name, undefined) -> undefined;
range_bound(Name, Key) -> binary(Name, Key).

%% @doc What {@link rocksdb_jnode:flush/3} flushes: `default_column_family', a column family
%% handle of `Node', or a list of them.
-spec flush_target(Term, Node) -> default_column_family | reference() | [reference()] when
      Term :: term(),
      Node :: node().
flush_target(default_column_family, _Node) ->
    default_column_family;
flush_target(Cfs, Node) when is_list(Cfs) ->
    _ = options(column_families, Cfs),
    [handle_on(column_family, Cf, Node) || Cf <- Cfs];
flush_target(Cf, Node) ->
    handle_on(column_family, Cf, Node).

%% @doc The options of a request that makes a handle `Owner' owns (a transaction, an
%% iterator): `{owner, Owner}' last, replacing any the caller gave.
-spec owned_options(Name, Options, Owner) -> list() when
      Name :: atom(),
      Options :: term(),
      Owner :: pid().
owned_options(Name, Options, Owner) ->
    without(owner, options(Name, Options)) ++ [{owner, Owner}].

%%%===================================================================
%%% badarg
%%%===================================================================

%% @doc Raises `badarg' with `Cause' as its `error_info' cause.
-spec badarg(Cause) -> no_return() when
      Cause :: term().
badarg(Cause) ->
    erlang:error(badarg, none, [{error_info, #{module => ?MODULE, cause => Cause}}]).

%% @doc The shell's description of a `badarg' raised here: its cause.
-spec format_error(Reason, StackTrace) -> ErrorDescription when
      Reason :: term(),
      StackTrace :: [term()],
      ErrorDescription :: #{general => string()}.
format_error(_Reason, [{_Module, _Function, _Arguments, Info} | _]) ->
    case proplists:get_value(error_info, Info) of
        #{cause := Cause} -> #{general => lists:flatten(describe(Cause))};
        _ -> #{}
    end;
format_error(_Reason, _StackTrace) ->
    #{}.

-spec describe(term()) -> io_lib:chars().
describe({bad_argument, Name}) ->
    io_lib:format("~p has the wrong type", [Name]);
describe({bad_path, Name}) ->
    io_lib:format("~p is not a path (a non-empty string or UTF-8 binary without NUL)", [Name]);
describe({bad_option, Opt}) ->
    io_lib:format("bad option ~0p", [Opt]);
describe({foreign_handle, Ref}) ->
    io_lib:format("~0p was made on this node; handles are minted by a Java node", [Ref]);
describe({handle_on_other_node, Ref, Node}) ->
    io_lib:format("~0p is not a handle of ~0p, the node of the handle it is used with", [Ref, Node]);
describe({already_owner, Pid}) ->
    io_lib:format("~0p owns the handle already", [Pid]);
describe({dead_process, Pid}) ->
    io_lib:format("~0p is not alive", [Pid]);
describe({unknown_batch, Batch}) ->
    io_lib:format("~0p is not a batch (or was released)", [Batch]);
describe({rejected_by_node, Detail}) ->
    io_lib:format("the Java node rejected the call: ~0p", [Detail]);
describe(Cause) ->
    io_lib:format("~0p", [Cause]).
