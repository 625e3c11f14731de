package io.rocksdbjnode.backup;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.rocksdbjnode.handle.RocksDbCApi;
import java.io.IOException;
import java.lang.ref.Reference;
import org.rocksdb.BackupEngine;

/**
 * RocksDB's {@code BackupEngine::StopBackup}, which rocksdbjni does not bind, called through
 * the C API that rocksdbjni's own native library exports ({@link RocksDbCApi}):
 * {@code void rocksdb_backup_engine_stop_backup(rocksdb_backup_engine_t*)}.
 *
 * <p><b>This leans on undocumented internals</b> of rocksdbjni 11.8.1: those of
 * {@link RocksDbCApi}, that a C {@code rocksdb_backup_engine_t} is a struct holding only the
 * {@code BackupEngine*}, and that a Java {@link BackupEngine}'s native handle is that same
 * pointer. Each is checked as far
 * as it can be once, at the first use; when one fails, {@link #available()} is false and callers
 * must do without stopping.
 *
 * <p><b>A stop is one-way for that engine object.</b> A running {@code createNewBackup} on it
 * fails with status {@code Incomplete} ("Backup stopped") and removes its partial files; every
 * later {@code createNewBackup} on it fails the same way, and restores and checksum reads on it
 * fail too. After a stop the caller must close that {@link BackupEngine} (once no other thread is
 * inside a call on it) and open a fresh one on the same directory before any further use.
 */
final class NativeBackupStop {

    private static final String SYMBOL = "rocksdb_backup_engine_stop_backup";

    private NativeBackupStop() {}

    /** Resolved once, on first use; never retried. */
    private static final class Binding {
        static final Function STOP;
        static final String UNAVAILABLE_REASON;

        static {
            Function stop = null;
            String reason;
            try {
                stop = resolve();
                reason = null;
            } catch (Exception | LinkageError e) {
                reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            STOP = stop;
            UNAVAILABLE_REASON = reason;
        }
    }

    /**
     * Whether {@code rocksdb_backup_engine_stop_backup} was found in rocksdbjni's loaded native
     * library. Loads that library if need be. The answer is computed once and cached.
     * Never throws.
     */
    static boolean available() {
        try {
            return Binding.STOP != null;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * Asks {@code engine} to stop: a {@code createNewBackup} running on it returns
     * {@code Incomplete} soon after, and the engine stays stopped for good (see the class
     * comment: close it and open a fresh one). Returns at once; does not wait for the running
     * backup to end. Calling it when no backup runs still stops the engine.
     *
     * @throws UnsupportedOperationException when {@link #available()} is false; the message says why
     * @throws IllegalStateException when {@code engine} is already closed
     */
    static void stop(BackupEngine engine) {
        if (!available()) {
            String reason;
            try {
                reason = Binding.UNAVAILABLE_REASON;
            } catch (LinkageError e) {
                reason = e.toString();
            }
            throw new UnsupportedOperationException("Native StopBackup is unavailable: " + reason);
        }
        if (!engine.isOwningHandle()) {
            throw new IllegalStateException("BackupEngine is closed");
        }
        // The C API's rocksdb_backup_engine_t: { BackupEngine* rep; }
        Memory handle = new Memory(Native.POINTER_SIZE);
        handle.setPointer(0, new Pointer(engine.getNativeHandle()));
        try {
            Binding.STOP.invokeVoid(new Object[] {handle});
        } finally {
            Reference.reachabilityFence(handle);
            Reference.reachabilityFence(engine);
        }
    }

    /**
     * The system property that turns the native route off ({@code -Drocksdb_jnode.native_stop=false}):
     * it leans on rocksdbjni internals, so an operator can fall back without a new build.
     */
    static final String SWITCH = "rocksdb_jnode.native_stop";

    private static Function resolve() throws IOException {
        if ("false".equals(System.getProperty(SWITCH))) {
            throw new IOException("turned off by -D" + SWITCH + "=false");
        }
        return RocksDbCApi.function(SYMBOL);
    }
}
