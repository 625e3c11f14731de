package io.rocksdbjnode.backup;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Env;
import org.rocksdb.Options;
import org.rocksdb.RestoreOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Verifying a real backup, then the same backup damaged in each way RocksDB reports. */
class BackupVerifierTest {

    @TempDir
    Path tmp;

    private Path backupDir;
    private String absoluteBackupDir;
    private BackupMeta meta;
    private BackupMeta.FileEntry sst;
    private Map<String, Long> knownSizes;

    @BeforeEach
    void makeBackup() throws RocksDBException, IOException {
        RocksDB.loadLibrary();
        backupDir = tmp.resolve("backups");
        Files.createDirectories(backupDir);
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, tmp.resolve("db").toString());
                BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions)) {
            for (int i = 0; i < 2000; i++) {
                db.put(("key-" + i).getBytes(UTF_8), ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(UTF_8));
            }
            engine.createNewBackup(db, true);
        }
        absoluteBackupDir = backupDir.toAbsolutePath().normalize().toString();
        meta = BackupMeta.read(backupDir, 1);
        sst = meta.files().stream()
                .filter(f -> f.relativePath().endsWith(".sst"))
                .findFirst()
                .orElseThrow();
        knownSizes = BackupVerifier.scanSizes(backupDir);
    }

    @Test
    void goodBackupPasses() {
        assertEquals(Optional.empty(), BackupVerifier.verify(backupDir, 1, knownSizes, false));
        assertEquals(Optional.empty(), BackupVerifier.verify(backupDir, 1, knownSizes, true));
    }

    @Test
    void unknownIdIsNotFound() {
        assertEquals(Optional.of("NotFound: "), BackupVerifier.verify(backupDir, 42, knownSizes, true));
    }

    @Test
    void backupWithoutFilesIsNotFound() throws IOException {
        Files.writeString(backupDir.resolve("meta/5"), "1795566375\n1000\n0\n");
        assertEquals(Optional.of("NotFound: "), BackupVerifier.verify(backupDir, 5, knownSizes, false));
    }

    @Test
    void unparseableMetaIsCorruption() throws IOException {
        Files.writeString(backupDir.resolve("meta/6"), "garbage\n");
        String status = BackupVerifier.verify(backupDir, 6, knownSizes, false).orElseThrow();
        assertTrue(status.startsWith("Corruption: Malformed backup meta file "), status);
    }

    @Test
    void missingFileIsReported() throws IOException {
        BackupMeta.FileEntry last = meta.files().get(meta.files().size() - 1);
        Files.delete(backupDir.resolve(last.relativePath()));
        assertEquals(Optional.of("NotFound: File missing: " + absoluteBackupDir + "/" + last.relativePath()),
                BackupVerifier.verify(backupDir, 1, knownSizes, false));
    }

    @Test
    void pathInTextIsAbsoluteAndNormalised() throws IOException {
        Path roundabout = tmp.resolve("elsewhere/../backups");
        Files.createDirectories(tmp.resolve("elsewhere"));
        BackupMeta.FileEntry first = meta.files().get(0);
        Files.delete(backupDir.resolve(first.relativePath()));
        assertEquals(Optional.of("NotFound: File missing: " + absoluteBackupDir + "/" + first.relativePath()),
                BackupVerifier.verify(roundabout, 1, knownSizes, false));
    }

    @Test
    void truncatedFileIsSizeMismatch() throws IOException {
        long size = knownSizes.get(sst.relativePath());
        truncate(backupDir.resolve(sst.relativePath()), size - 100);
        String expected = "Corruption: File corrupted: File size mismatch for " + absoluteBackupDir + "/"
                + sst.relativePath() + ": Expected file size is " + size + " while found file size is " + (size - 100);
        assertEquals(Optional.of(expected), BackupVerifier.verify(backupDir, 1, knownSizes, false));
        assertEquals(Optional.of(expected), BackupVerifier.verify(backupDir, 1, knownSizes, true));
    }

    @Test
    void firstBadFileInMetaOrderIsReported() throws IOException {
        List<BackupMeta.FileEntry> files = meta.files();
        BackupMeta.FileEntry first = files.get(0);
        BackupMeta.FileEntry last = files.get(files.size() - 1);
        Files.delete(backupDir.resolve(last.relativePath()));
        truncate(backupDir.resolve(first.relativePath()), 1);
        String status = BackupVerifier.verify(backupDir, 1, knownSizes, false).orElseThrow();
        assertTrue(status.startsWith("Corruption: File corrupted: File size mismatch for "
                + absoluteBackupDir + "/" + first.relativePath() + ": "), status);
    }

    @Test
    void fileTheEngineNeverSizedIsOnlyCheckedForExistence() throws IOException {
        Map<String, Long> withoutSst = new HashMap<>(knownSizes);
        withoutSst.remove(sst.relativePath());
        truncate(backupDir.resolve(sst.relativePath()), 10);
        assertEquals(Optional.empty(), BackupVerifier.verify(backupDir, 1, withoutSst, false));

        Files.delete(backupDir.resolve(sst.relativePath()));
        assertEquals(Optional.of("NotFound: File missing: " + absoluteBackupDir + "/" + sst.relativePath()),
                BackupVerifier.verify(backupDir, 1, withoutSst, false));
    }

    @Test
    void sameSizeCorruptionNeedsTheChecksum() throws IOException, RocksDBException {
        Path file = backupDir.resolve(sst.relativePath());
        long size = Files.size(file);
        flipByte(file, size / 2);
        assertEquals(size, Files.size(file));

        assertEquals(Optional.empty(), BackupVerifier.verify(backupDir, 1, knownSizes, false));
        long got = BackupVerifier.crc32c(file);
        String expected = "Corruption: File corruption! Checksum mismatch for " + absoluteBackupDir + "/"
                + sst.relativePath() + ". Expected: " + String.format("%08X", sst.crc32c())
                + ", got: " + String.format("%08X", got);
        assertEquals(Optional.of(expected), BackupVerifier.verify(backupDir, 1, knownSizes, true));
        assertTrue(expected.matches(".*Expected: [0-9A-F]{8}, got: [0-9A-F]{8}"), expected);

        // RocksDB's own restore checks the same checksum and refuses the backup.
        Path restored = tmp.resolve("restored");
        try (BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions);
                RestoreOptions restoreOptions = new RestoreOptions(false)) {
            RocksDBException e = assertThrows(RocksDBException.class,
                    () -> engine.restoreDbFromBackup(1, restored.toString(), restored.toString(), restoreOptions));
            assertEquals(Status.Code.Corruption, e.getStatus().getCode(), e.getMessage());
        }
    }

    @Test
    void scanSizesListsEveryBackupFile() throws IOException {
        assertFalse(knownSizes.isEmpty());
        for (BackupMeta.FileEntry file : meta.files()) {
            assertEquals(Files.size(backupDir.resolve(file.relativePath())), knownSizes.get(file.relativePath()),
                    file.relativePath());
        }
        assertTrue(knownSizes.containsKey("private/1/CURRENT"), knownSizes.keySet().toString());
        assertTrue(knownSizes.keySet().stream().noneMatch(k -> k.startsWith("meta/")), knownSizes.keySet().toString());
        assertEquals(Map.of(), BackupVerifier.scanSizes(tmp.resolve("empty")));
    }

    @Test
    void crc32cOfEmptyFileIsZero() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty-file"));
        assertEquals(0L, BackupVerifier.crc32c(empty));
        // The standard CRC-32C check value.
        Path digits = Files.writeString(tmp.resolve("digits"), "123456789");
        assertEquals(0xE3069283L, BackupVerifier.crc32c(digits));
    }

    @Test
    void aDirectoryWhereAFileShouldBeIsMissing() throws IOException {
        BackupMeta.FileEntry first = meta.files().get(0);
        Path file = backupDir.resolve(first.relativePath());
        Files.delete(file);
        Files.createDirectory(file);
        assertEquals(Optional.of("NotFound: File missing: " + absoluteBackupDir + "/" + first.relativePath()),
                BackupVerifier.verify(backupDir, 1, knownSizes, false));
    }

    @Test
    void aFileThatCannotBeExaminedIsAnIoError() throws IOException {
        BackupMeta.FileEntry first = meta.files().get(0);
        Path parent = backupDir.resolve(first.relativePath()).getParent();
        try (var files = Files.list(parent)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(parent);
        Files.writeString(parent, "a file where a directory was");
        assertEquals(Optional.of("IO error: FileSystemException: " + absoluteBackupDir + "/" + first.relativePath()
                + ": Not a directory"), BackupVerifier.verify(backupDir, 1, knownSizes, false));
    }

    /** /proc/self/mem is a regular file whose first page cannot be read (EIO): a checksum read that fails. */
    @Test
    void aFileThatCannotBeReadIsAnIoErrorWithTheChecksum() throws IOException {
        BackupMeta.FileEntry first = meta.files().get(0);
        Path file = backupDir.resolve(first.relativePath());
        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/proc/self/mem"));
        Map<String, Long> unsized = new HashMap<>(knownSizes);
        unsized.remove(first.relativePath());
        assertEquals(Optional.empty(), BackupVerifier.verify(backupDir, 1, unsized, false));
        assertEquals(Optional.of("IO error: IOException: Input/output error"),
                BackupVerifier.verify(backupDir, 1, unsized, true));
    }

    @Test
    void theSizeScanSkipsFilesRemovedUnderItAndFailsOnOtherErrors() throws IOException {
        BackupVerifier.SizeScan scan = new BackupVerifier.SizeScan(backupDir, new HashMap<>());
        Path gone = backupDir.resolve("private/1/gone.tmp");
        assertEquals(java.nio.file.FileVisitResult.CONTINUE,
                scan.visitFileFailed(gone, new java.nio.file.NoSuchFileException(gone.toString())));
        IOException denied = new java.nio.file.AccessDeniedException(gone.toString());
        assertEquals(denied, assertThrows(IOException.class, () -> scan.visitFileFailed(gone, denied)));
    }

    @Test
    void crc32cReadsFilesLongerThanOneChunk() throws IOException {
        byte[] data = new byte[600 * 1024 + 7];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        java.util.zip.CRC32C expected = new java.util.zip.CRC32C();
        expected.update(data);
        assertEquals(expected.getValue(), BackupVerifier.crc32c(Files.write(tmp.resolve("big"), data)));
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0xFF);
        }
    }
}
