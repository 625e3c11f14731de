package io.rocksdbjnode.handle;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.RocksDB;

/**
 * RocksDB's C API, which rocksdbjni's own native library exports, for the few calls rocksdbjni
 * does not bind (a backup engine's StopBackup, RepairDB). The functions act on the objects
 * rocksdbjni made, since they are looked up in the very library file rocksdbjni loaded.
 *
 * <p><b>This leans on undocumented internals</b> of rocksdbjni 11.8.1: that its native library
 * exports the C API, and, to find that library, that it is mapped from a file whose name
 * contains {@code librocksdbjni} (read from {@code /proc/self/maps}, so Linux only). Callers
 * check what else they assume once, at first use, and do without when a check fails.
 */
public final class RocksDbCApi {
    private static final String LIBRARY_MARK = "librocksdbjni";
    private static final String DELETED_SUFFIX = " (deleted)";

    /** rocksdbjni's library as JNA opened it, once; the file may be deleted afterwards. */
    private static NativeLibrary library;

    private RocksDbCApi() {}

    /** The C function {@code symbol} of rocksdbjni's loaded library (loading it if need be). */
    public static Function function(String symbol) throws IOException {
        return library().getFunction(symbol);
    }

    /**
     * Opens rocksdbjni's library for the C API now, while its file is there (NativeLibraryFiles
     * deletes it once loaded); false when that cannot be done, as {@link #function} would find.
     */
    public static boolean preload() {
        try {
            library();
            return true;
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static synchronized NativeLibrary library() throws IOException {
        if (library == null) {
            RocksDB.loadLibrary();
            library = NativeLibrary.getInstance(loadedLibraryFile().toString());
        }
        return library;
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
