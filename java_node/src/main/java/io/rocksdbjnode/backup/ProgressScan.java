package io.rocksdbjnode.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * What the node can see of a backup or restore in progress, since rocksdbjni reports none: the
 * totals estimated from the DB's live files (a backup) or the backup's size (a restore), and the
 * bytes written so far, found by scanning the directories being written for files that were not
 * there, or not the same file, when the work started.
 */
final class ProgressScan {
    /** How deep below a scanned directory files are looked for ({@code private/<id>.tmp/<file>}). */
    private static final int DEPTH = 3;

    private ProgressScan() {}

    /** What a piece of work will write: bytes and files. */
    record Totals(long bytes, long files) {
        static final Totals UNKNOWN = new Totals(0, 0);
    }

    /** What has been written so far: bytes and files. */
    record Seen(long bytes, long files) {}

    /** A file as it was when the work started: which file it is, and when it was last written. */
    private record Stamp(Object key, FileTime modified) {}

    /** The files of some directories when the work started; {@link #since()} what is new since. */
    static final class Baseline {
        private final List<Path> roots;
        private final Map<Path, Stamp> before;

        private Baseline(List<Path> roots, Map<Path, Stamp> before) {
            this.roots = roots;
            this.before = before;
        }

        /**
         * The files under the roots that were not there when the baseline was taken, or are
         * another file (a new inode) or were written since: their count and current sizes.
         */
        Seen since() {
            long[] seen = new long[2];
            walk(roots, (path, attrs) -> {
                Stamp then = before.get(path);
                if (then == null || !Objects.equals(then.key(), attrs.fileKey())
                        || !then.modified().equals(attrs.lastModifiedTime())) {
                    seen[0] += attrs.size();
                    seen[1]++;
                }
            });
            return new Seen(seen[0], seen[1]);
        }
    }

    /** The files under {@code roots} now (missing roots are empty). */
    static Baseline baseline(List<Path> roots) {
        Map<Path, Stamp> before = new HashMap<>();
        walk(roots, (path, attrs) -> before.put(path, new Stamp(attrs.fileKey(), attrs.lastModifiedTime())));
        return new Baseline(List.copyOf(roots), before);
    }

    /** The directories of a backup engine that a new backup writes into. */
    static List<Path> engineDirs(Path engineDir) {
        return List.of(engineDir.resolve("shared_checksum"), engineDir.resolve("shared"), engineDir.resolve("private"));
    }

    /**
     * What a new backup of {@code db} (whose directory is {@code dbDir}) into the engine at
     * {@code engineDir} will copy: the DB's live files (the MANIFEST at its valid size), less the
     * table and blob files the engine's shared directories already hold (same file number and
     * size: the engine copies those only once), plus the WAL files in {@code dbDir} (a DB whose
     * {@code wal_dir} is elsewhere has its WAL left out of the estimate). {@code flush} flushes them now, as the backup would.
     */
    static Totals backupTotals(RocksDB db, Path dbDir, Path engineDir, boolean flush)
            throws RocksDBException, IOException {
        RocksDB.LiveFiles live = db.getLiveFiles(flush);
        Map<String, List<Long>> shared = sharedFiles(engineDir);
        long bytes = 0;
        long files = 0;
        for (String file : live.files) {
            String name = file.startsWith("/") ? file.substring(1) : file;
            long size;
            if (name.startsWith("MANIFEST-")) {
                size = live.manifestFileSize;
            } else {
                try {
                    size = Files.size(dbDir.resolve(name));
                } catch (NoSuchFileException gone) {
                    continue;
                }
            }
            if (isShareable(name) && shared.getOrDefault(name, List.of()).contains(size)) {
                continue;
            }
            bytes += size;
            files++;
        }
        // The WAL files, which the backup copies as they are (after a flush, the new, nearly empty
        // one). rocksdbjni's getSortedWalFiles leaves out an empty live WAL, which the backup
        // still copies: list them from the directory instead.
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(dbDir, "*.log")) {
            for (Path wal : logs) {
                try {
                    bytes += Files.size(wal);
                    files++;
                } catch (NoSuchFileException gone) {
                    // obsolete and deleted meanwhile
                }
            }
        }
        return new Totals(bytes, files);
    }

    /** What restoring {@code backup} writes: its size and files. */
    static Totals restoreTotals(BackupEngineHandle.BackupView backup) {
        return backup == null ? Totals.UNKNOWN : new Totals(backup.size(), backup.numberFiles());
    }

    private static boolean isShareable(String name) {
        return name.endsWith(".sst") || name.endsWith(".blob");
    }

    /**
     * The table and blob files in the engine's shared directories, by the name they have in a
     * DB: {@code shared/000012.sst} as is, {@code shared_checksum/000012_<anything>.sst} as
     * {@code 000012.sst}; with their sizes.
     */
    static Map<String, List<Long>> sharedFiles(Path engineDir) throws IOException {
        Map<String, List<Long>> out = new HashMap<>();
        for (String sub : List.of("shared", "shared_checksum")) {
            Path dir = engineDir.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    int dot = name.lastIndexOf('.');
                    if (dot < 0 || !isShareable(name)) {
                        continue;
                    }
                    String stem = name.substring(0, dot);
                    int underscore = stem.indexOf('_');
                    String key = (underscore < 0 ? stem : stem.substring(0, underscore)) + name.substring(dot);
                    try {
                        out.computeIfAbsent(key, k -> new ArrayList<>()).add(Files.size(entry));
                    } catch (NoSuchFileException gone) {
                        // deleted meanwhile (garbage collection)
                    }
                }
            }
        }
        return out;
    }

    private interface Visit {
        void file(Path path, BasicFileAttributes attrs);
    }

    /** Visits the regular files under {@code roots}, skipping what vanishes or cannot be read. */
    private static void walk(List<Path> roots, Visit visit) {
        for (Path root : roots.stream().distinct().toList()) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try {
                Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), DEPTH, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()) {
                            visit.file(file, attrs);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // A directory that vanished mid-walk: what was seen is what counts.
            }
        }
    }
}
