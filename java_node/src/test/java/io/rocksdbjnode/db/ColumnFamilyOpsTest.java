package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.Terms;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

/** Column family handles and the DB they belong to. */
class ColumnFamilyOpsTest {
    private static final OtpErlangPid ME = new OtpErlangPid("t@127.0.0.1", 1, 0, 1);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);

    @TempDir
    Path tmp;

    private static Request request(String name, OtpErlangObject... args) {
        return new Request(ME, Terms.atom("tag"), name, args);
    }

    /**
     * rocksdbjni makes the "default" descriptor's handle the DB's own default family: destroying
     * our handle of it must not free it (the DB's next write, flush or close would crash the JVM).
     */
    @Test
    void destroyingTheDefaultFamilysHandleLeavesTheDbWhole() throws Exception {
        RocksDB.loadLibrary();
        HandleTable table = new HandleTable(() -> new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1));
        PathGuard guard = new PathGuard(List.of());
        DbOps dbOps = new DbOps(table, new DirectoryClaims(), guard, ThreadBudget.forThisProcess(0));
        ColumnFamilyOps cfOps = new ColumnFamilyOps(table, guard);
        OtpErlangObject path = Terms.charlist(tmp.resolve("db").toString());
        OtpErlangObject descriptors = Terms.list(List.of(Terms.tuple(Terms.charlist("default"), Terms.list(List.of()))));
        OtpErlangTuple opened = (OtpErlangTuple) dbOps.openWithFamilies(request("open", path,
                Terms.list(List.of(Terms.tuple(Terms.atom("create_if_missing"), Terms.TRUE))), descriptors));
        OtpErlangObject db = opened.elementAt(1);
        OtpErlangObject cf = ((OtpErlangList) opened.elementAt(2)).elementAt(0);
        assertEquals(Terms.OK, cfOps.destroy(request("destroy_column_family", db, cf)));
        OtpErlangObject k = Terms.binary(new byte[] {1});
        assertEquals(Terms.OK, dbOps.put(request("put", db, k, k, Terms.list(List.of()))));
        assertEquals(Terms.ok(k), dbOps.get(request("get", db, k, Terms.list(List.of()))));
        assertTrue(table.close(DbHandle.of(table, db)));
    }
}
