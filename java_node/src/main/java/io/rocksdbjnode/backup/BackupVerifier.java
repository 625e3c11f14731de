package io.rocksdbjnode.backup;

import io.rocksdbjnode.handle.Statuses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * RocksDB's {@code BackupEngine::VerifyBackup} (11.8.1), redone in Java over the backup
 * directory, because rocksdbjni does not bind it.
 *
 * <p>It reads the directory without the engine's lock: the caller must keep it from running
 * beside a delete, purge or garbage collection on the same directory.
 */
final class BackupVerifier {

    private static final int CHUNK_BYTES = 256 * 1024;
    private static final String[] SIZED_DIRS = {"private", "shared", "shared_checksum"};

    private BackupVerifier() {}

    /**
     * Checks backup {@code backupId} the way RocksDB's {@code VerifyBackup} does: for each file
     * of its meta file, in order, that the file exists, that its size is the one in
     * {@code knownSizes} (when that map has the file: a file the engine never sized is only
     * checked for existence), and, when {@code withChecksum}, that its CRC32C is the one in the
     * meta file. It stops at the first bad file and reads no file after it.
     *
     * <p>Failures are returned, never thrown, as RocksDB's status texts ({@code <abs>} is the
     * absolute, normalised {@code backupDir}, a '/', and the path as the meta file writes it):
     * <ul>
     *   <li>{@code "NotFound: "} when there is no meta file for the id, or it lists no file;
     *   <li>{@code "NotFound: File missing: <abs>"};
     *   <li>{@code "Corruption: File corrupted: File size mismatch for <abs>: Expected file size
     *       is N while found file size is M"};
     *   <li>{@code "Corruption: File corruption! Checksum mismatch for <abs>. Expected: XXXXXXXX,
     *       got: XXXXXXXX"} (8 upper-case hex digits);
     *   <li>{@code "Corruption: <what is wrong>"} when the meta file cannot be parsed or read;
     *   <li>{@code "IO error: <what failed>"} when a listed file cannot be examined or read.
     * </ul>
     *
     * @param knownSizes sizes the engine knows, keyed by the path as the meta file writes it
     *     (see {@link #scanSizes})
     * @return empty when the backup is good, else the status text
     */
    static Optional<String> verify(
            Path backupDir, int backupId, Map<String, Long> knownSizes, boolean withChecksum) {
        BackupMeta meta;
        try {
            meta = BackupMeta.read(backupDir, backupId);
        } catch (NoSuchFileException e) {
            return Optional.of("NotFound: ");
        } catch (IOException e) {
            return Optional.of("Corruption: " + e.getMessage());
        }
        if (meta.files().isEmpty()) {
            return Optional.of("NotFound: ");
        }
        String root = backupDir.toAbsolutePath().normalize().toString();
        for (BackupMeta.FileEntry entry : meta.files()) {
            Optional<String> failure = verifyFile(root, entry, knownSizes, withChecksum);
            if (failure.isPresent()) {
                return failure;
            }
        }
        return Optional.empty();
    }

    /**
     * What the engine knows of the directory when it opens it: the size of every regular file
     * under {@code private/}, {@code shared/} and {@code shared_checksum/}, keyed by its path
     * relative to {@code backupDir} with forward slashes (e.g. {@code private/1/CURRENT}).
     * Missing subdirectories, and files deleted while the scan runs, are skipped.
     *
     * @return an unmodifiable map
     * @throws IOException when a directory exists but cannot be listed
     */
    static Map<String, Long> scanSizes(Path backupDir) throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        for (String dir : SIZED_DIRS) {
            Path start = backupDir.resolve(dir);
            if (!Files.isDirectory(start)) {
                continue;
            }
            Files.walkFileTree(start, new SizeScan(backupDir, sizes));
        }
        return Map.copyOf(sizes);
    }

    /** Collects the size of each regular file under a directory, skipping files removed under it. */
    static final class SizeScan extends SimpleFileVisitor<Path> {
        private final Path backupDir;
        private final Map<String, Long> sizes;

        SizeScan(Path backupDir, Map<String, Long> sizes) {
            this.backupDir = backupDir;
            this.sizes = sizes;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
                sizes.put(relativeName(backupDir, file), attrs.size());
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // removed under us, e.g. a .tmp
            }
            throw e;
        }
    }

    /**
     * The CRC32C of the whole file, as an unsigned 32-bit value: what RocksDB writes as
     * {@code crc32} in a meta file. Reads the file once, in large chunks.
     *
     * @throws IOException when the file cannot be opened or read
     */
    static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(chunk)) != -1) {
                crc.update(chunk, 0, n);
            }
        }
        return crc.getValue();
    }

    private static Optional<String> verifyFile(
            String root, BackupMeta.FileEntry entry, Map<String, Long> knownSizes, boolean withChecksum) {
        String absolute = root + "/" + entry.relativePath();
        Path file = Path.of(absolute);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.of("NotFound: File missing: " + absolute);
        } catch (IOException e) {
            return Optional.of(Statuses.text(e));
        }
        if (!attrs.isRegularFile()) {
            return Optional.of("NotFound: File missing: " + absolute);
        }
        Long expectedSize = knownSizes.get(entry.relativePath());
        if (expectedSize != null && expectedSize != attrs.size()) {
            return Optional.of("Corruption: File corrupted: File size mismatch for " + absolute
                    + ": Expected file size is " + expectedSize + " while found file size is " + attrs.size());
        }
        if (withChecksum) {
            long actual;
            try {
                actual = crc32c(file);
            } catch (IOException e) {
                return Optional.of(Statuses.text(e));
            }
            if (actual != entry.crc32c()) {
                return Optional.of("Corruption: File corruption! Checksum mismatch for " + absolute
                        + ". Expected: " + toHex(entry.crc32c()) + ", got: " + toHex(actual));
            }
        }
        return Optional.empty();
    }

    /** RocksDB's ChecksumInt32ToHex. */
    private static String toHex(long crc32c) {
        return String.format("%08X", crc32c);
    }


    private static String relativeName(Path backupDir, Path file) {
        Path relative = backupDir.relativize(file);
        StringBuilder name = new StringBuilder();
        for (Path part : relative) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }
}
