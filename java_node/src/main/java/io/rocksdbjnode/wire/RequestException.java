package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import java.util.List;

/**
 * A request that cannot be served. It carries the exact term the node replies with, so code deep
 * in an operation can end the request with a documented reply ({@code {error, ...}}) by throwing.
 *
 * <p>Every error reply the node sends is built here, by a named factory (docs/PROTOCOL.md lists
 * them): the shapes are API, and one place keeps them from drifting apart.
 */
public final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient OtpErlangObject reply;

    private RequestException(OtpErlangObject reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    /** The term the node replies with. */
    public OtpErlangObject reply() {
        return reply;
    }

    private static RequestException error(OtpErlangObject reason) {
        return new RequestException(Terms.tuple(Terms.ERROR, reason));
    }

    /** {@code {error, {badarg, Detail}}}, which the client raises as {@code badarg}. */
    private static RequestException badarg(OtpErlangObject detail) {
        return error(Terms.tuple(Terms.atom("badarg"), detail));
    }

    private static RequestException badarg(String why, OtpErlangObject... more) {
        OtpErlangObject[] es = new OtpErlangObject[more.length + 1];
        es[0] = Terms.atom(why);
        System.arraycopy(more, 0, es, 1, more.length);
        return badarg(Terms.tuple(es));
    }

    /** {@code {error, {Kind, Text}}} with Text a charlist, the shape erlang-rocksdb uses for statuses. */
    private static RequestException text(String kind, String text) {
        return error(Terms.tuple(Terms.atom(kind), Terms.charlist(text)));
    }

    // Statuses: {error, {Kind, Text}}.

    /** {@code {error, {error, Text}}}: a RocksDB status (or one in its shape) of a request. */
    public static RequestException status(String text) {
        return text("error", text);
    }

    /** {@code {error, {db_open, Text}}}: a DB that could not be opened. */
    public static RequestException dbOpen(String text) {
        return text("db_open", text);
    }

    /** {@code {error, {error_db_repair, Text}}}: a repair that failed. */
    public static RequestException dbRepair(String text) {
        return text("error_db_repair", text);
    }

    /** {@code {error, {backup_engine_open, Text}}}: a backup engine that could not be opened. */
    public static RequestException backupEngineOpen(String text) {
        return text("backup_engine_open", text);
    }

    /** {@code {error, {thread_limit, Text}}}: a request for more threads than the process may start. */
    public static RequestException threadLimit(String text) {
        return text("thread_limit", text);
    }

    // Other errors: {error, Reason}.

    /** {@code {error, {db_in_use, Path}}}: a directory a restore or destroy would rewrite is in use. */
    public static RequestException dbInUse(OtpErlangObject path) {
        return error(Terms.tuple(Terms.atom("db_in_use"), path));
    }

    /** {@code {error, {bad_option, Opt}}}: an option outside a closed set. */
    public static RequestException badOption(OtpErlangObject option) {
        return error(Terms.tuple(Terms.atom("bad_option"), option));
    }

    /** {@code {error, {forbidden_path, Path}}}: a path outside the confinement roots. */
    public static RequestException forbiddenPath(OtpErlangObject path) {
        return error(Terms.tuple(Terms.atom("forbidden_path"), path));
    }

    /** {@code {error, incomplete}}: a backup stopped before its end. */
    public static RequestException incomplete() {
        return error(Terms.atom("incomplete"));
    }

    /** {@code {error, invalid_iterator}}: an iterator move that left the iterator on no entry. */
    public static RequestException invalidIterator() {
        return error(Terms.atom("invalid_iterator"));
    }

    /** {@code {error, einval}}: an iterator seek to a target that is not a binary, as the NIF says it. */
    public static RequestException einval() {
        return error(Terms.atom("einval"));
    }

    /** {@code {error, {unknown_request, Name}}}. */
    static RequestException unknownRequest(String name) {
        return error(Terms.tuple(Terms.atom("unknown_request"), Terms.atom(name)));
    }

    /** {@code {error, shutting_down}}: the node stopped taking requests. */
    static RequestException shuttingDown() {
        return error(Terms.atom("shutting_down"));
    }

    /** {@code {error, out_of_memory}}: the request did not fit in the heap. */
    static RequestException outOfMemory() {
        return error(Terms.atom("out_of_memory"));
    }

    /** {@code {error, {internal, Text}}}: a request failed in a way the node did not foresee. */
    static RequestException internal(Throwable e) {
        return error(Terms.tuple(Terms.atom("internal"), Terms.charlist(String.valueOf(e))));
    }

    /** {@code {error, bad_request}}: a call whose request is neither an atom nor a tagged tuple. */
    static RequestException badRequest() {
        return error(Terms.atom("bad_request"));
    }

    /** {@code {error, {bad_request, Why}}}: a call whose request could not be decoded. */
    static RequestException badRequest(String why) {
        return error(Terms.tuple(Terms.atom("bad_request"), Terms.atom(why)));
    }

    /** {@code {error, reply_not_encodable}}: the reply echoed a term that cannot be encoded. */
    static RequestException replyNotEncodable() {
        return error(Terms.atom("reply_not_encodable"));
    }

    // Bad arguments: {error, {badarg, Detail}}.

    /** {@code {error, {badarg, {bad_argument, Name}}}}: an argument of the wrong type or range. */
    public static RequestException badArgument(String name) {
        return badarg("bad_argument", Terms.atom(name));
    }

    /**
     * {@code {error, {badarg, {unsupported_option, Key}}}}: an option erlang-rocksdb documents
     * whose value this node cannot honour (a merge operator written in the NIF's C++).
     */
    public static RequestException unsupportedOption(String key) {
        return badarg("unsupported_option", Terms.atom(key));
    }

    /** {@code {error, {badarg, {bad_path, Name}}}}: a path that is not text a path can hold. */
    public static RequestException badPath(String name) {
        return badarg("bad_path", Terms.atom(name));
    }

    /** {@code {error, {badarg, {relative_path, Name}}}}. */
    public static RequestException relativePath(String name) {
        return badarg("relative_path", Terms.atom(name));
    }

    /** {@code {error, {badarg, {closed_handle, Ref}}}}. */
    public static RequestException closedHandle(OtpErlangRef ref) {
        return badarg("closed_handle", ref);
    }

    /** {@code {error, {badarg, {unknown_handle, Ref}}}}: a reference this node never minted. */
    public static RequestException unknownHandle(OtpErlangRef ref) {
        return badarg("unknown_handle", ref);
    }

    /** {@code {error, {badarg, {wrong_handle_kind, Ref, Expected}}}}. */
    public static RequestException wrongHandleKind(OtpErlangRef ref, String expected) {
        return badarg("wrong_handle_kind", ref, Terms.atom(expected));
    }

    /** {@code {error, {badarg, {column_family_of_other_db, Ref}}}}: a family used with a DB it is not of. */
    public static RequestException columnFamilyOfOtherDb(OtpErlangRef ref) {
        return badarg("column_family_of_other_db", ref);
    }

    /** {@code {error, {badarg, {snapshot_of_other_db, Ref}}}}: a snapshot read through a DB it is not of. */
    public static RequestException snapshotOfOtherDb(OtpErlangRef ref) {
        return badarg("snapshot_of_other_db", ref);
    }

    /** {@code {error, {badarg, {not_transaction_db, Ref}}}}: a transaction asked of a DB not opened for them. */
    public static RequestException notTransactionDb(OtpErlangRef ref) {
        return badarg("not_transaction_db", ref);
    }

    /** {@code {error, {badarg, {not_owner, Ref}}}}. */
    public static RequestException notOwner(OtpErlangRef ref) {
        return badarg("not_owner", ref);
    }

    /** {@code {error, {badarg, {not_connected, Node}}}}: a pid on a node this one cannot reach. */
    public static RequestException notConnected(String node) {
        return badarg("not_connected", Terms.atom(node));
    }

    /** {@code {error, {badarg, {arity, Name, Given, [Accepted]}}}}. */
    static RequestException arity(String name, int given, List<Integer> accepted) {
        return badarg("arity", Terms.atom(name), Terms.integer(given),
                Terms.list(accepted.stream().map(a -> (OtpErlangObject) Terms.integer(a)).toList()));
    }
}
