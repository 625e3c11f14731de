package io.rocksdbjnode.db;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.rocksdbjnode.handle.RocksDbCApi;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import org.rocksdb.Options;

/**
 * RocksDB's {@code RepairDB}, which rocksdbjni does not bind, called through the C API of
 * rocksdbjni's own library ({@link RocksDbCApi}):
 * {@code void rocksdb_repair_db(const rocksdb_options_t*, const char* name, char** errptr)}.
 *
 * <p><b>Beyond {@link RocksDbCApi}'s, this leans on one more internal</b> of rocksdbjni 11.8.1:
 * that a C {@code rocksdb_options_t} is a struct holding only an {@code Options} (by value, so at
 * offset 0), and that a Java {@link Options}' native handle is a pointer to its
 * {@code Options}; the repair then runs with exactly the options the request mapped. It is
 * checked once, at first use, by reading a distinctive value back through the C API's own
 * getter; when a check fails, {@link #available()} is false and the repair is refused.
 */
final class NativeRepair {
    private static final String REPAIR = "rocksdb_repair_db";
    private static final String FREE = "rocksdb_free";
    private static final String GET_MAX_OPEN_FILES = "rocksdb_options_get_max_open_files";
    /** Read back through the C getter to check the layout; unlikely to be anyone's default. */
    private static final int PROBE = 4_321_987;

    private NativeRepair() {}

    /** Resolved and checked once, on first use; never retried. */
    private static final class Binding {
        static final Function REPAIR_DB;
        static final Function FREE_ERROR;
        static final String UNAVAILABLE_REASON;

        static {
            Function repair = null;
            Function free = null;
            String reason = null;
            try {
                repair = RocksDbCApi.function(REPAIR);
                free = RocksDbCApi.function(FREE);
                Function getter = RocksDbCApi.function(GET_MAX_OPEN_FILES);
                try (Options probe = new Options().setMaxOpenFiles(PROBE)) {
                    int seen = getter.invokeInt(new Object[] {new Pointer(probe.getNativeHandle())});
                    if (seen != PROBE) {
                        reason = "a Java Options is not a C rocksdb_options_t (read " + seen + ", set " + PROBE + ")";
                    }
                }
            } catch (Exception | LinkageError e) {
                reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            REPAIR_DB = reason == null ? repair : null;
            FREE_ERROR = free;
            UNAVAILABLE_REASON = reason;
        }
    }

    /** Whether the C API's repair was found and the options layout checked. Never throws. */
    static boolean available() {
        try {
            return Binding.REPAIR_DB != null;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Why {@link #available()} is false, or null. */
    static String unavailableReason() {
        try {
            return Binding.UNAVAILABLE_REASON;
        } catch (LinkageError e) {
            return e.toString();
        }
    }

    /**
     * Repairs the DB at {@code dir} with {@code options}: null when done, else the status text
     * RocksDB gives ({@code "Corruption: ..."}, {@code "IO error: ..."}).
     *
     * @throws UnsupportedOperationException when {@link #available()} is false
     */
    static String repair(Options options, String dir) {
        if (!available()) {
            throw new UnsupportedOperationException("RepairDB is unavailable: " + unavailableReason());
        }
        Memory errptr = new Memory(Native.POINTER_SIZE);
        errptr.setPointer(0, Pointer.NULL);
        // UTF-8 whatever the JVM's default charset, as rocksdbjni passes paths.
        byte[] utf8 = dir.getBytes(StandardCharsets.UTF_8);
        Memory name = new Memory(utf8.length + 1L);
        name.write(0, utf8, 0, utf8.length);
        name.setByte(utf8.length, (byte) 0);
        try {
            Binding.REPAIR_DB.invokeVoid(new Object[] {new Pointer(options.getNativeHandle()), name, errptr});
            Pointer error = errptr.getPointer(0);
            if (error == null) {
                return null;
            }
            try {
                return error.getString(0, StandardCharsets.UTF_8.name());
            } finally {
                Binding.FREE_ERROR.invokeVoid(new Object[] {error});
            }
        } finally {
            Reference.reachabilityFence(options);
            Reference.reachabilityFence(errptr);
            Reference.reachabilityFence(name);
        }
    }
}
