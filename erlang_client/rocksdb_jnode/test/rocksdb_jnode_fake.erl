%% @doc A fake Java node mailbox for the eunit tests: a local registered process that speaks
%% the gen_server call protocol the way the Java node does, replying `{Tag, Reply}' to the
%% caller's alias when the tag names one (`[alias | Ref]', as `gen_server:reply/2' does), or,
%% started with `pid', the way a plain JInterface mailbox does: to the caller's pid, always.
%%
%% The handler decides per request: `{reply, Reply}', `noreply' (never answers), or
%% `{reply_after, Ms, Reply, Notify}': a reply sent Ms later, after which `Notify' (a pid or
%% `none') receives `{fake_replied, Request}'. The handler itself may send messages, for
%% instance to tell the test which request arrived.
-module(rocksdb_jnode_fake).

-export([start/2, start/3, stop/1, remote_ref/1, in_fresh_process/1]).

-type action() :: {reply, term()} | noreply | {reply_after, non_neg_integer(), term(), pid() | none}.
-type handler() :: fun((Request :: term()) -> action()).

-spec start(atom(), handler()) -> pid().
start(Name, Handler) ->
    start(Name, Handler, alias).

%% `ReplyTo': `alias' (the Java node) or `pid' (a plain JInterface mailbox).
-spec start(atom(), handler(), alias | pid) -> pid().
start(Name, Handler, ReplyTo) ->
    Parent = self(),
    Pid = spawn(fun() ->
                        true = register(Name, self()),
                        Parent ! {fake_registered, self()},
                        loop(Handler, ReplyTo)
                end),
    receive
        {fake_registered, Pid} -> Pid
    end.

-spec stop(pid()) -> ok.
stop(Pid) ->
    MRef = erlang:monitor(process, Pid),
    exit(Pid, kill),
    receive
        {'DOWN', MRef, process, Pid, _} -> ok
    end.

%% A reference that looks minted by Node: node(Ref) =:= Node.
-spec remote_ref(node()) -> reference().
remote_ref(Node) ->
    Name = atom_to_binary(Node, utf8),
    %% NEWER_REFERENCE_EXT with a SMALL_ATOM_UTF8_EXT node name.
    binary_to_term(<<131, 90, 3:16, 119, (byte_size(Name)), Name/binary,
                     1:32, 1:32, 2:32, 3:32>>).

-spec loop(handler(), alias | pid) -> no_return().
loop(Handler, ReplyTo) ->
    receive
        {'$gen_call', {From, Tag}, Request} ->
            To = reply_to(ReplyTo, From, Tag),
            case Handler(Request) of
                {reply, Reply} ->
                    To ! {Tag, Reply};
                noreply ->
                    ok;
                {reply_after, Ms, Reply, Notify} ->
                    _ = spawn(fun() ->
                                      timer:sleep(Ms),
                                      To ! {Tag, Reply},
                                      is_pid(Notify) andalso (Notify ! {fake_replied, Request})
                              end)
            end,
            loop(Handler, ReplyTo)
    end.

-spec reply_to(alias | pid, pid(), term()) -> pid() | reference().
reply_to(alias, _From, [alias | Alias]) when is_reference(Alias) -> Alias;
reply_to(_, From, _Tag) -> From.

%% Runs a test scenario in a fresh process, so that its mailbox, links and trap_exit flag are
%% its own; returns what the scenario returns.
-spec in_fresh_process(fun(() -> Result)) -> Result.
in_fresh_process(Fun) ->
    {Pid, MRef} = spawn_monitor(fun() -> exit({scenario_result, Fun()}) end),
    receive
        {'DOWN', MRef, process, Pid, {scenario_result, Result}} -> Result;
        {'DOWN', MRef, process, Pid, Other} -> erlang:error({scenario_crashed, Other})
    end.
