package io.rocksdbjnode.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** At most N backups, restores and checksum verifications at once; a stop ends a wait for a slot. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackupSlotsTest {
    @TempDir
    Path tmp;

    @Test
    void noMoreThanTheSlotsRunAtOnce() throws Exception {
        BackupSlots slots = new BackupSlots(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch done = new CountDownLatch(40);
            for (int i = 0; i < 40; i++) {
                pool.execute(() -> {
                    try (BackupSlots.Held held = slots.take()) {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        Thread.sleep(2);
                        running.decrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, most.get(), "two slots: two at once, and the queue kept them busy");
        assertEquals(2, slots.free(), "every slot was handed back");
    }

    @Test
    void aCancelledWaitGivesUpWithoutTakingASlot() {
        BackupSlots slots = new BackupSlots(1);
        BackupSlots.Held first = slots.take();
        long t0 = System.nanoTime();
        AtomicInteger asked = new AtomicInteger();
        assertNull(slots.take(() -> asked.incrementAndGet() >= 3), "the wait ends when cancelled");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        first.close();
        assertEquals(1, slots.free());
        assertNotNull(slots.take(() -> false), "a free slot is taken at once");
    }

    @Test
    void badCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BackupSlots(0));
    }

    /**
     * A backup waiting for its slot (the only one is held) is stopped by stopBackup like a running
     * one: {@code {error, incomplete}}, no backup id, and the engine makes the next backup.
     */
    @Test
    void aBackupWaitingForItsSlotIsStopped() throws Exception {
        Path dbDir = tmp.resolve("db");
        Path bkDir = tmp.resolve("bk");
        Files.createDirectories(bkDir);
        BackupSlots slots = new BackupSlots(1);
        DirectoryClaims claims = new DirectoryClaims();
        AtomicInteger refIds = new AtomicInteger(1);
        HandleTable table = new HandleTable(() -> new OtpErlangRef("t@127.0.0.1", new int[] {refIds.getAndIncrement(), 7, 9}, 1));
        DirectoryClaims.Held claim = claims.claim(DirectoryClaims.Claim.OPEN_ENGINE, List.of(bkDir));
        Ownership owner = new Ownership(new OtpErlangPid("t@127.0.0.1", 1, 0, 1), null, null);
        try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dbDir.toString())) {
            db.put("k".getBytes(), "v".getBytes());
            BackupEngineHandle engine = table.add(ref -> {
                try {
                    return BackupEngineHandle.open(ref, owner, claim, new BackupEngineOptions(bkDir.toString()), slots);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            BackupSlots.Held busy = slots.take();
            CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return engine.createNewBackup(db, true, null);
                } catch (Exception e) {
                    return e;
                }
            });
            Thread.sleep(200);
            assertTrue(!waiting.isDone(), "the backup waits for the slot");
            engine.stopBackup();
            Object outcome = waiting.get(10, TimeUnit.SECONDS);
            assertTrue(outcome instanceof RequestException, "stopped: " + outcome);
            assertEquals(RequestException.incomplete().reply(), ((RequestException) outcome).reply());
            assertEquals(0, engine.backups().size(), "no backup id left behind");
            busy.close();
            assertNotNull(engine.createNewBackup(db, true, null), "the next backup is made");
            assertEquals(1, engine.backups().size());
            assertTrue(table.close(engine));
        }
    }
}
