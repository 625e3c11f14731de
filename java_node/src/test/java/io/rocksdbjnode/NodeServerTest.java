package io.rocksdbjnode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire end to end, in process: a real {@link Node} on a JInterface node, and a second
 * JInterface node playing the Erlang client, speaking the {@code gen_server} call protocol.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeServerTest {
    private static final String COOKIE = "node-server-test-cookie";
    private static final String MAILBOX = "rocksdb";
    private static final long REPLY_TIMEOUT_MS = 10_000;

    @TempDir
    Path tmpDir;

    private Path tmp;
    private Node server;
    private Thread serving;
    private OtpNode client;
    private OtpMbox mbox;
    private String serverNode;

    @BeforeEach
    void start() throws Exception {
        tmp = tmpDir.toRealPath();
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        serverNode = "jt" + unique + "@127.0.0.1";
        server = new Node(new NodeConfig(serverNode, COOKIE, MAILBOX, InetAddress.getLoopbackAddress(),
                List.of(), 4, 4, NodeConfig.DEFAULT_HANDSHAKE_TIMEOUT_MS));
        serving = new Thread(server::serve, "node-server-test-serve");
        serving.setDaemon(true);
        serving.start();
        client = new OtpNode("jc" + unique + "@127.0.0.1", COOKIE);
        mbox = client.createMbox();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdown();
            server.shutdown(); // idempotent
        }
        if (serving != null) {
            serving.join(10_000);
            assertFalse(serving.isAlive(), "serve() did not return after shutdown()");
        }
        if (mbox != null) {
            mbox.close();
        }
        if (client != null) {
            client.close();
        }
    }

    // ---- terms -----------------------------------------------------------------------------

    private static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    private static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    private static OtpErlangList l(OtpErlangObject... es) {
        return new OtpErlangList(es);
    }

    private static OtpErlangBinary bin(String s) {
        return new OtpErlangBinary(s.getBytes(UTF_8));
    }

    private static OtpErlangBinary bin(Path p) {
        return bin(p.toString());
    }

    private static OtpErlangLong n(long v) {
        return new OtpErlangLong(v);
    }

    private static final OtpErlangAtom OK = a("ok");
    private static final OtpErlangList NO_OPTS = new OtpErlangList();

    private static OtpErlangObject badarg(OtpErlangObject... detail) {
        return t(a("error"), t(a("badarg"), t(detail)));
    }

    // ---- the client side of gen_server:call -----------------------------------------------

    /** {@code gen_server:call({rocksdb, Node}, Request)}: sends the call, waits for {@code {Tag, Reply}}. */
    private OtpErlangObject call(OtpErlangObject request) throws Exception {
        OtpErlangRef tag = client.createRef();
        mbox.send(MAILBOX, serverNode, t(a("$gen_call"), t(mbox.self(), tag), request));
        return awaitReply(tag);
    }

    private OtpErlangObject awaitReply(OtpErlangObject tag) throws Exception {
        long deadline = System.currentTimeMillis() + REPLY_TIMEOUT_MS;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                fail("no reply for tag " + tag);
            }
            OtpErlangObject m = mbox.receive(left); // null on timeout
            if (m instanceof OtpErlangTuple r && r.arity() == 2 && r.elementAt(0).equals(tag)) {
                return r.elementAt(1);
            }
            if (m != null) {
                fail("unexpected message while waiting for a reply: " + m);
            }
        }
    }

    /** Nothing arrives in the client's mailbox within {@code ms}. */
    private void assertNoMessage(long ms) throws Exception {
        assertNull(mbox.receive(ms), "unexpected message");
    }

    private OtpErlangRef openDb(Path dir) throws Exception {
        OtpErlangObject reply = call(t(a("open"), bin(dir), l(a("create_if_missing"))));
        return okRef(reply);
    }

    private OtpErlangRef okRef(OtpErlangObject reply) {
        OtpErlangTuple ok = assertInstanceOf(OtpErlangTuple.class, reply, () -> "not {ok, Ref}: " + reply);
        assertEquals(2, ok.arity(), () -> "not {ok, Ref}: " + reply);
        assertEquals(OK, ok.elementAt(0), () -> "not {ok, Ref}: " + reply);
        OtpErlangRef ref = assertInstanceOf(OtpErlangRef.class, ok.elementAt(1));
        assertEquals(serverNode, ref.node(), "node(Ref) is the Java node, which routes later calls");
        return ref;
    }

    private OtpErlangObject put(OtpErlangObject db, String key, byte[] value) throws Exception {
        return call(t(a("put"), db, bin(key), new OtpErlangBinary(value), NO_OPTS));
    }

    private OtpErlangObject get(OtpErlangObject db, String key) throws Exception {
        return call(t(a("get"), db, bin(key), NO_OPTS));
    }

    private List<OtpErlangMap> backupInfo(OtpErlangRef engine) throws Exception {
        OtpErlangObject reply = call(t(a("get_backup_info"), engine));
        OtpErlangTuple ok = assertInstanceOf(OtpErlangTuple.class, reply, () -> "not {ok, Infos}: " + reply);
        assertEquals(OK, ok.elementAt(0));
        OtpErlangList infos = assertInstanceOf(OtpErlangList.class, ok.elementAt(1));
        return Arrays.stream(infos.elements()).map(e -> assertInstanceOf(OtpErlangMap.class, e)).toList();
    }

    private static Set<OtpErlangObject> keys(OtpErlangMap m) {
        return new HashSet<>(Arrays.asList(m.keys()));
    }

    private static long longIn(OtpErlangMap m, String key) {
        return assertInstanceOf(OtpErlangLong.class, m.get(a(key)), key).longValue();
    }

    // ---- tests -----------------------------------------------------------------------------

    @Test
    void pingAnswersPong() throws Exception {
        assertEquals(a("pong"), call(a("ping")));
        assertEquals(a("pong"), call(a("ping")));
    }

    @Test
    void messagesThatAreNotCallsAreDroppedAndTheNodeKeepsServing() throws Exception {
        mbox.send(MAILBOX, serverNode, a("hello"));
        mbox.send(MAILBOX, serverNode, t(a("$gen_call"), a("no_from"), a("ping")));
        mbox.send(MAILBOX, serverNode, t(a("$gen_call"), t(a("not_a_pid"), client.createRef()), a("ping")));
        mbox.send(MAILBOX, serverNode, t(a("$gen_call"), t(mbox.self(), client.createRef())));
        mbox.send(MAILBOX, serverNode, t(a("$gen_cast"), a("ping")));
        mbox.send(MAILBOX, serverNode, l(a("ping")));
        assertNoMessage(300);
        assertEquals(a("pong"), call(a("ping")));
    }

    @Test
    void aCallWhoseRequestIsNotATermWeKnowGetsBadRequest() throws Exception {
        assertEquals(t(a("error"), a("bad_request")), call(n(42)));
        assertEquals(t(a("error"), a("bad_request")), call(t(bin("open"), bin("/x"))));
        assertEquals(a("pong"), call(a("ping")));
    }

    /**
     * A request the node cannot decode (here a term with an external tag that does not exist,
     * written by hand: an Erlang node never sends one) still gets a reply, from the envelope
     * read before the request.
     */
    @Test
    void aCallWhoseRequestCannotBeDecodedGetsBadRequestUndecodable() throws Exception {
        OtpErlangObject garbage = new OtpErlangObject() {
            private static final long serialVersionUID = 1L;

            @Override
            public void encode(com.ericsson.otp.erlang.OtpOutputStream buf) {
                buf.write1(200); // no such external term tag
                buf.write4BE(0);
            }

            @Override
            public boolean equals(Object o) {
                return o == this;
            }

            @Override
            protected int doHashCode() {
                return 0;
            }

            @Override
            public String toString() {
                return "<undecodable>";
            }
        };
        assertEquals(t(a("error"), t(a("bad_request"), a("undecodable"))), call(garbage));
        assertEquals(a("pong"), call(a("ping")));
    }

    @Test
    void unknownRequestAndWrongArity() throws Exception {
        assertEquals(t(a("error"), t(a("unknown_request"), a("frobnicate"))), call(t(a("frobnicate"), n(1))));
        assertEquals(t(a("error"), t(a("unknown_request"), a("frobnicate"))), call(a("frobnicate")));
        // Backup requests: their arities are settled (the data API adds arities to put, open, ...).
        assertEquals(badarg(a("arity"), a("delete_backup"), n(1), l(n(2))), call(t(a("delete_backup"), bin("x"))));
        assertEquals(badarg(a("arity"), a("get_backup_info"), n(0), l(n(1))), call(a("get_backup_info")));
        assertEquals(badarg(a("arity"), a("restore_db_from_backup"), n(2), l(n(3), n(4), n(5))),
                call(t(a("restore_db_from_backup"), bin("e"), n(1))));
    }

    @Test
    void dbRoundTrip() throws Exception {
        OtpErlangRef db = openDb(tmp.resolve("db"));
        byte[] value = {0, 1, 2, (byte) 0xFF, 'v'};
        assertEquals(OK, put(db, "k1", value));
        assertEquals(OK, put(db, "k2", "two".getBytes(UTF_8)));
        OtpErlangObject got = get(db, "k1");
        OtpErlangTuple ok = assertInstanceOf(OtpErlangTuple.class, got, () -> "not {ok, Value}: " + got);
        assertEquals(OK, ok.elementAt(0));
        assertArrayEquals(value, assertInstanceOf(OtpErlangBinary.class, ok.elementAt(1)).binaryValue());
        assertEquals(a("not_found"), get(db, "missing"));

        OtpErlangObject count = call(t(a("count"), db));
        assertEquals(n(2), count, "count is a bare integer");

        assertEquals(OK, call(t(a("delete"), db, bin("k1"), NO_OPTS)));
        assertEquals(a("not_found"), get(db, "k1"));
        assertEquals(OK, call(t(a("put"), db, bin("k3"), bin("v"), l(t(a("sync"), a("true"))))));
        assertEquals(OK, call(t(a("close"), db)));
    }

    @Test
    void closedHandleRepliesClosedHandle() throws Exception {
        OtpErlangRef db = openDb(tmp.resolve("db"));
        assertEquals(OK, call(t(a("close"), db)));
        OtpErlangObject closed = badarg(a("closed_handle"), db);
        assertEquals(closed, put(db, "k", new byte[] {1}));
        assertEquals(closed, get(db, "k"));
        assertEquals(closed, call(t(a("count"), db)));
        assertEquals(closed, call(t(a("close"), db)));
        // The DB is really closed: the directory can be opened again.
        OtpErlangRef again = openDb(tmp.resolve("db"));
        assertEquals(OK, call(t(a("close"), again)));
    }

    @Test
    void unknownAndWrongKindHandles() throws Exception {
        OtpErlangRef stranger = client.createRef();
        assertEquals(badarg(a("unknown_handle"), stranger), get(stranger, "k"));
        assertEquals(badarg(a("bad_argument"), a("db")), get(a("not_a_ref"), "k"));
        Files.createDirectories(tmp.resolve("backups"));
        OtpErlangRef engine = okRef(call(t(a("open_backup_engine"), bin(tmp.resolve("backups")), NO_OPTS)));
        assertEquals(badarg(a("wrong_handle_kind"), engine, a("db")), get(engine, "k"));
        OtpErlangRef db = openDb(tmp.resolve("db"));
        assertEquals(badarg(a("wrong_handle_kind"), db, a("backup_engine")), call(t(a("get_backup_info"), db)));
    }

    @Test
    void openErrorsAndPathForms() throws Exception {
        // Strings work as well as binaries.
        OtpErlangRef viaString = okRef(call(t(a("open"), new OtpErlangString(tmp.resolve("s").toString()),
                l(t(a("create_if_missing"), a("true"))))));
        assertEquals(OK, call(t(a("close"), viaString)));
        assertEquals(badarg(a("relative_path"), a("path")), call(t(a("open"), bin("relative/db"), NO_OPTS)));
        assertEquals(badarg(a("bad_path"), a("path")), call(t(a("open"), a("db"), NO_OPTS)));
        assertEquals(badarg(a("bad_argument"), a("create_if_missing")),
                call(t(a("open"), bin(tmp.resolve("x")), l(t(a("create_if_missing"), n(1))))));
        OtpErlangObject missing = call(t(a("open"), bin(tmp.resolve("missing")), NO_OPTS));
        OtpErlangTuple err = assertInstanceOf(OtpErlangTuple.class, missing);
        assertEquals(a("error"), err.elementAt(0));
        OtpErlangTuple dbOpen = assertInstanceOf(OtpErlangTuple.class, err.elementAt(1));
        assertEquals(a("db_open"), dbOpen.elementAt(0));
        String text = assertInstanceOf(OtpErlangString.class, dbOpen.elementAt(1), "Text is a charlist").stringValue();
        assertTrue(text.startsWith("Invalid argument: "), text);
    }

    @Test
    void backupInfoVerifyAndRestore() throws Exception {
        OtpErlangRef db = openDb(tmp.resolve("db"));
        assertEquals(OK, put(db, "k", "v1".getBytes(UTF_8)));
        Path backups = tmp.resolve("backups"); // created by open_backup_engine
        OtpErlangRef engine = okRef(call(t(a("open_backup_engine"), bin(backups), NO_OPTS)));
        assertTrue(Files.isDirectory(backups));
        assertEquals(List.of(), backupInfo(engine));

        long before = System.currentTimeMillis() / 1000;
        assertEquals(OK, call(t(a("create_new_backup"), engine, db, l(t(a("flush_before_backup"), a("true"))))));
        assertEquals(OK, put(db, "k", "v2".getBytes(UTF_8)));
        byte[] metadata = {'m', 0, (byte) 0xFF, (byte) 0xC3, (byte) 0xA9, 'e', 0};
        assertEquals(OK, call(t(a("create_new_backup"), engine, db,
                l(a("flush_before_backup"), t(a("metadata"), new OtpErlangBinary(metadata))))));
        long after = System.currentTimeMillis() / 1000;

        List<OtpErlangMap> infos = backupInfo(engine);
        assertEquals(2, infos.size());
        Set<OtpErlangObject> base = Set.of(a("id"), a("backup_id"), a("timestamp"), a("size"), a("number_files"));
        OtpErlangMap first = infos.get(0);
        OtpErlangMap second = infos.get(1);
        assertEquals(base, keys(first), "no app_metadata key without metadata");
        Set<OtpErlangObject> withMeta = new HashSet<>(base);
        withMeta.add(a("app_metadata"));
        assertEquals(withMeta, keys(second));
        assertEquals(1, longIn(first, "id"));
        assertEquals(1, longIn(first, "backup_id"));
        assertEquals(2, longIn(second, "id"));
        assertEquals(2, longIn(second, "backup_id"));
        for (OtpErlangMap m : infos) {
            long ts = longIn(m, "timestamp");
            assertTrue(ts >= before - 1 && ts <= after + 1, "timestamp in seconds: " + ts);
            assertTrue(longIn(m, "size") > 0);
            // The true count: the lines of the backup's meta file that name a file (the NIF
            // puts the backup id there instead).
            long id = longIn(m, "id");
            long listed = Files.readAllLines(backups.resolve("meta").resolve(Long.toString(id))).stream()
                    .filter(line -> line.startsWith("private/") || line.startsWith("shared"))
                    .count();
            assertTrue(listed > 2, "a backup lists its files: " + listed);
            assertEquals(listed, longIn(m, "number_files"), "number_files of backup " + id);
        }
        assertArrayEquals(metadata, assertInstanceOf(OtpErlangBinary.class, second.get(a("app_metadata"))).binaryValue(),
                "app_metadata bytes round-trip, NUL included");

        assertEquals(OK, call(t(a("verify_backup"), engine, n(1), NO_OPTS)));
        assertEquals(OK, call(t(a("verify_backup"), engine, n(2), l(t(a("verify_with_checksum"), a("true"))))));
        assertEquals(t(a("error"), t(a("error"), new OtpErlangString("NotFound: "))),
                call(t(a("verify_backup"), engine, n(99), NO_OPTS)));
        assertEquals(badarg(a("bad_argument"), a("backup_id")), call(t(a("verify_backup"), engine, n(-1), NO_OPTS)));

        // Restore backup 1 (k = v1) and the latest (k = v2) into fresh directories.
        Path r1 = tmp.resolve("restore1");
        assertEquals(OK, call(t(a("restore_db_from_backup"), engine, n(1), bin(r1), bin(r1), NO_OPTS)));
        Path latest = tmp.resolve("restore-latest");
        assertEquals(OK, call(t(a("restore_db_from_latest_backup"), engine, bin(latest), bin(latest),
                l(t(a("keep_log_files"), a("false"))))));
        OtpErlangRef restored1 = openDb(r1);
        assertEquals(t(OK, bin("v1")), get(restored1, "k"));
        OtpErlangRef restoredLatest = openDb(latest);
        assertEquals(t(OK, bin("v2")), get(restoredLatest, "k"));

        // Restoring over a DB open on this node is refused, echoing the path given.
        OtpErlangBinary inUse = bin(r1);
        assertEquals(t(a("error"), t(a("db_in_use"), inUse)),
                call(t(a("restore_db_from_backup"), engine, n(1), inUse, inUse, NO_OPTS)));

        assertEquals(OK, call(t(a("close_backup_engine"), engine)));
        assertEquals(badarg(a("closed_handle"), engine), call(t(a("get_backup_info"), engine)));
        assertEquals(badarg(a("closed_handle"), engine), call(t(a("close_backup_engine"), engine)));
    }

    /**
     * Issue 11: a restore or destroy aimed at an open engine's directory (inside it, around it, or
     * through a symlink) is refused, and the backups survive a reopen of the engine.
     */
    @Test
    void restoreAndDestroyIntoAnOpenEnginesDirectoryAreRefused() throws Exception {
        OtpErlangRef db = openDb(tmp.resolve("db"));
        Path top = tmp.resolve("top");
        Path bk = top.resolve("bk");
        OtpErlangRef engine = okRef(call(t(a("open_backup_engine"), bin(bk), NO_OPTS)));
        for (String v : List.of("v1", "v2")) {
            assertEquals(OK, put(db, "k", v.getBytes(UTF_8)));
            assertEquals(OK, call(t(a("create_new_backup"), engine, db, l(a("flush_before_backup")))));
        }
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, bk);
        for (Path target : List.of(bk.resolve("meta"), bk.resolve("shared_checksum"), bk, top, link.resolve("meta"))) {
            OtpErlangBinary p = bin(target);
            assertEquals(t(a("error"), t(a("db_in_use"), p)),
                    call(t(a("restore_db_from_backup"), engine, n(2), p, p, NO_OPTS)), target.toString());
            assertEquals(t(a("error"), t(a("db_in_use"), p)),
                    call(t(a("restore_db_from_latest_backup"), engine, bin(tmp.resolve("r")), p, NO_OPTS)),
                    "wal dir " + target);
        }
        OtpErlangBinary private1 = bin(bk.resolve("private/1"));
        assertEquals(t(a("error"), t(a("db_in_use"), private1)), call(t(a("destroy"), private1, NO_OPTS)));
        OtpErlangObject dbInBackups = call(t(a("open"), bin(bk.resolve("shared_checksum")), l(a("create_if_missing"))));
        assertEquals(a("db_open"), ((OtpErlangTuple) ((OtpErlangTuple) dbInBackups).elementAt(1)).elementAt(0),
                dbInBackups.toString());
        OtpErlangObject engineInDb = call(t(a("open_backup_engine"), bin(tmp.resolve("db/backups")), NO_OPTS));
        assertEquals(a("backup_engine_open"), ((OtpErlangTuple) ((OtpErlangTuple) engineInDb).elementAt(1)).elementAt(0),
                engineInDb.toString());
        assertFalse(Files.exists(tmp.resolve("db/backups")), "a refused open creates nothing");

        assertEquals(OK, call(t(a("close_backup_engine"), engine)));
        OtpErlangRef again = okRef(call(t(a("open_backup_engine"), bin(bk), NO_OPTS)));
        assertEquals(2, backupInfo(again).size());
        assertEquals(OK, call(t(a("verify_backup"), again, n(1), l(t(a("verify_with_checksum"), a("true"))))));
        assertEquals(OK, call(t(a("verify_backup"), again, n(2), l(t(a("verify_with_checksum"), a("true"))))));
        Path r1 = tmp.resolve("r1");
        assertEquals(OK, call(t(a("restore_db_from_backup"), again, n(1), bin(r1), bin(r1), NO_OPTS)));
        assertEquals(t(OK, bin("v1")), get(openDb(r1), "k"));
    }

    @Test
    void backupMetadataGivenAsAString() throws Exception {
        OtpErlangRef db = openDb(tmp.resolve("db"));
        assertEquals(OK, put(db, "k", new byte[] {1}));
        OtpErlangRef engine = okRef(call(t(a("open_backup_engine"), bin(tmp.resolve("backups")), NO_OPTS)));
        assertEquals(OK, call(t(a("create_new_backup"), engine, db,
                l(t(a("metadata"), new OtpErlangString("caf\u00e9 b64:x"))))));
        List<OtpErlangMap> infos = backupInfo(engine);
        assertEquals(1, infos.size());
        assertArrayEquals("caf\u00e9 b64:x".getBytes(UTF_8),
                assertInstanceOf(OtpErlangBinary.class, infos.get(0).get(a("app_metadata"))).binaryValue());
    }

    @Test
    void backupEngineOptionErrors() throws Exception {
        OtpErlangTuple unknown = t(a("frobnicate"), a("true"));
        assertEquals(t(a("error"), t(a("bad_option"), unknown)),
                call(t(a("open_backup_engine"), bin(tmp.resolve("b")), l(unknown))));
        assertEquals(badarg(a("bad_argument"), a("backup_rate_limit")),
                call(t(a("open_backup_engine"), bin(tmp.resolve("b")), l(t(a("backup_rate_limit"), n(-1))))));
        assertEquals(a("pong"), call(a("ping")));
    }
}
