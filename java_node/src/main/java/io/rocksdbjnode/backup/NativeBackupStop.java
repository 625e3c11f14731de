package io.rocksdbjnode.backup;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.BackupEngine;
import org.rocksdb.RocksDB;

/**
 * RocksDB's {@code BackupEngine::StopBackup}, which rocksdbjni does not bind, called through
 * the C API that rocksdbjni's own native library exports:
 * {@code void rocksdb_backup_engine_stop_backup(rocksdb_backup_engine_t*)}.
 *
 * <p><b>This leans on undocumented internals</b> of rocksdbjni 11.8.1: that its native library
 * exports RocksDB's C API, that a C {@code rocksdb_backup_engine_t} is a struct holding only the
 * {@code BackupEngine*}, and that a Java {@link BackupEngine}'s native handle is that same
 * pointer; and, to find the library, that it is mapped from a file whose name contains
 * {@code librocksdbjni} (read from {@code /proc/self/maps}, so Linux only). Each is checked as far
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
    private static final String LIBRARY_MARK = "librocksdbjni";
    private static final String DELETED_SUFFIX = " (deleted)";

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
        RocksDB.loadLibrary();
        Path file = loadedLibraryFile();
        NativeLibrary library = NativeLibrary.getInstance(file.toString());
        return library.getFunction(SYMBOL);
    }

    /**
     * The file rocksdbjni's library is mapped from in this process. dlopen of that same file
     * returns the already-loaded copy, so the C API call acts on the objects rocksdbjni made.
     */
    private static Path loadedLibraryFile() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            throw new IOException("cannot find rocksdbjni's library: no " + maps);
        }
        List<String> lines = Files.readAllLines(maps);
        String deleted = null;
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash);
            if (!path.contains(LIBRARY_MARK)) {
                continue;
            }
            if (path.endsWith(DELETED_SUFFIX)) {
                deleted = path;
                continue;
            }
            return Path.of(path);
        }
        if (deleted != null) {
            throw new IOException("rocksdbjni's library file was deleted after loading: " + deleted);
        }
        throw new IOException("no mapped file named *" + LIBRARY_MARK + "* in " + maps);
    }
}
