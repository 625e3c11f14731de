package io.rocksdbjnode.handle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * rocksdbjni copies its native library (17 MB) to a new temporary file at every JVM start and
 * leaves its deletion to a normal JVM exit. The node ends by {@code Runtime.halt} after its
 * graceful stop, or by a kill, so every start left one file behind: 3,000 of them (51 GB) in
 * /tmp on the machine this was found on. Once the library is loaded the file is no longer
 * needed (Linux keeps a mapped file's contents until it is unmapped), so it is removed at once,
 * after {@link RocksDbCApi} has opened it for the C API.
 */
public final class NativeLibraryFiles {
    private static final Logger LOG = Logger.getLogger(NativeLibraryFiles.class.getName());
    /** The name rocksdbjni's loader gives its copy: File.createTempFile("librocksdbjni", ".so"). */
    private static final Pattern EXTRACTED = Pattern.compile("(/\\S*/librocksdbjni[0-9]+\\.so)$");

    private NativeLibraryFiles() {}

    /**
     * Deletes the copies of rocksdbjni's library this process has mapped from the temporary
     * directory; returns the files deleted. Nothing else is touched: only a path in
     * {@code java.io.tmpdir} with the loader's naming. Without /proc (not Linux), nothing happens.
     */
    public static List<Path> unlinkExtracted() {
        // The C API binding (repair, native StopBackup) opens the library by its file: first.
        RocksDbCApi.preload();
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return List.of();
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        List<Path> found;
        try (Stream<String> lines = Files.lines(maps)) {
            found = lines.map(EXTRACTED::matcher).filter(Matcher::find).map(m -> Path.of(m.group(1)))
                    .distinct().filter(p -> tmp.equals(p.getParent())).toList();
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "cannot read " + maps + ": " + e);
            return List.of();
        }
        return found.stream().filter(NativeLibraryFiles::delete).toList();
    }

    private static boolean delete(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warning(() -> "cannot delete rocksdbjni's copy of its library " + p + ": " + e);
            return false;
        }
    }
}
