package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.Claims;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

/** DbOps.open against the directory claims: an open is refused while its directory is rewritten. */
class DbOpenClaimTest {
    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final Ownership OWNER = new Ownership(new OtpErlangPid("t@127.0.0.1", 1, 0, 0), null, null);
    private static final Optional<DirectoryClaims.Blocker> CLAIMED = Optional.empty();

    @TempDir
    Path tmp;

    private final DirectoryClaims claims = new DirectoryClaims();
    private final Claims kept = new Claims(claims);
    private final HandleTable table = new HandleTable(
            () -> new OtpErlangRef("t@127.0.0.1", new int[] {IDS.getAndIncrement(), 0, 0}, 0));

    @BeforeEach
    void setUp() throws IOException {
        RocksDB.loadLibrary();
        tmp = tmp.toRealPath();
    }

    @AfterEach
    void closeAll() {
        for (Handle h : table.all()) {
            table.close(h);
        }
    }

    /** The open request itself, while a destroy (a rewrite claim) runs on its directory. */
    @Test
    void anOpenRequestDuringADestroyOfItsDirectoryIsADbOpenError() throws Exception {
        Path db = tmp.resolve("db");
        DbOps ops = new DbOps(table, claims, new PathGuard(List.of()), ThreadBudget.forThisProcess(0));
        Request open = new Request(OWNER.owner(), new OtpErlangAtom("tag"), "open",
                new OtpErlangObject[] {
                    new OtpErlangBinary(db.toString().getBytes(StandardCharsets.UTF_8)),
                    new OtpErlangList(new OtpErlangAtom("create_if_missing"))});
        assertEquals(CLAIMED, kept.claim(DirectoryClaims.Claim.REWRITE, List.of(db)));
        RequestException refused = assertThrows(RequestException.class, () -> ops.open(open));
        String reply = refused.reply().toString();
        assertTrue(reply.startsWith("{error,{db_open,\"IO error: " + db + ": "), reply);
        assertTrue(table.all().isEmpty(), "nothing opened");
        kept.release(DirectoryClaims.Claim.REWRITE, List.of(db));
        assertEquals("ok", ((OtpErlangTuple) ops.open(open)).elementAt(0).toString());
    }
}
