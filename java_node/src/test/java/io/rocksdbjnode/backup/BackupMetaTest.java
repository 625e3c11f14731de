package io.rocksdbjnode.backup;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.BackupInfo;
import org.rocksdb.Env;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** Parsing meta files that rocksdbjni 11.8.1 wrote, and malformed ones. */
class BackupMetaTest {

    private static final String APP_METADATA = "sauvegarde n°2: héllo wörld € ✓";

    @TempDir
    Path tmp;

    private Path backupDir;
    private List<BackupInfo> infos;

    @BeforeEach
    void makeTwoBackups() throws RocksDBException, IOException {
        RocksDB.loadLibrary();
        backupDir = tmp.resolve("backups");
        Files.createDirectories(backupDir);
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, tmp.resolve("db").toString());
                BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions)) {
            for (int i = 0; i < 500; i++) {
                db.put(("key-" + i).getBytes(UTF_8), ("value-" + i).getBytes(UTF_8));
            }
            engine.createNewBackup(db, true);
            for (int i = 500; i < 700; i++) {
                db.put(("key-" + i).getBytes(UTF_8), ("value-" + i).getBytes(UTF_8));
            }
            engine.createNewBackupWithMetadata(db, APP_METADATA, false);
            infos = engine.getBackupInfo();
        }
        assertEquals(2, infos.size());
    }

    @Test
    void readsWhatRocksDbWrote() throws IOException {
        for (BackupInfo info : infos) {
            BackupMeta meta = BackupMeta.read(backupDir, info.backupId());
            assertEquals(info.timestamp(), meta.timestamp());
            assertEquals(info.numberFiles(), meta.files().size());
            assertFalse(meta.files().isEmpty());
            for (BackupMeta.FileEntry file : meta.files()) {
                Path path = backupDir.resolve(file.relativePath());
                assertTrue(Files.isRegularFile(path), file.relativePath());
                assertEquals(BackupVerifier.crc32c(path), file.crc32c(), file.relativePath());
            }
        }
        BackupMeta first = BackupMeta.read(backupDir, 1);
        BackupMeta second = BackupMeta.read(backupDir, 2);
        assertTrue(second.sequenceNumber() >= first.sequenceNumber() + 200,
                first.sequenceNumber() + " then " + second.sequenceNumber());
        assertTrue(first.files().stream().anyMatch(f -> f.relativePath().startsWith("shared_checksum/")));
        assertTrue(second.files().stream().anyMatch(f -> f.relativePath().equals("private/2/CURRENT")));
    }

    @Test
    void appMetadataRoundTrips() throws IOException {
        assertTrue(BackupMeta.read(backupDir, 1).appMetadata().isEmpty());
        assertArrayEquals(APP_METADATA.getBytes(UTF_8), BackupMeta.read(backupDir, 2).appMetadata().orElseThrow());
        assertEquals(APP_METADATA, infos.get(1).appMetadata());
    }

    @Test
    void appMetadataIsStoredInJniModifiedUtf8() throws Exception {
        // Outside the BMP and NUL, JNI's modified UTF-8 differs from UTF-8: that is what is stored.
        String text = "emoji \uD83D\uDE00 nul \u0000 end";
        try (Options options = new Options();
                RocksDB db = RocksDB.open(options, tmp.resolve("db").toString());
                BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions)) {
            engine.createNewBackupWithMetadata(db, text, false);
        }
        byte[] stored = BackupMeta.read(backupDir, 3).appMetadata().orElseThrow();
        assertArrayEquals(modifiedUtf8(text), stored);
        assertFalse(Arrays.equals(text.getBytes(UTF_8), stored));
    }

    @Test
    void listsCommittedIdsOnly() throws IOException {
        Files.writeString(backupDir.resolve("meta/.3.tmp"), "in progress");
        Files.writeString(backupDir.resolve("meta/README"), "not a backup");
        assertEquals(List.of(1, 2), BackupMeta.listIds(backupDir));
        assertEquals(List.of(), BackupMeta.listIds(tmp.resolve("no-such-dir")));
    }

    @Test
    void missingMetaIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> BackupMeta.read(backupDir, 9));
    }

    @Test
    void truncatedMetaIsIoException() throws IOException {
        byte[] whole = Files.readAllBytes(backupDir.resolve("meta/2"));
        // Cut inside the file list (declared count no longer matches) and inside the last line
        // (no final newline): both must be refused, not read as a shorter backup.
        int lastLineStart = lastIndexOf(whole, (byte) '\n', whole.length - 2) + 1;
        for (int cut : new int[] {lastLineStart, whole.length - 3, whole.length / 2, 5, 0}) {
            Files.write(backupDir.resolve("meta/7"), Arrays.copyOf(whole, cut));
            IOException e = assertThrows(IOException.class, () -> BackupMeta.read(backupDir, 7), "cut at " + cut);
            assertFalse(e instanceof NoSuchFileException);
            assertTrue(e.getMessage().startsWith("Malformed backup meta file "), e.getMessage());
        }
    }

    @Test
    void garbageMetaIsIoException() throws IOException {
        List<String> garbage = List.of(
                "hello\nworld\n",
                "1795566375\n1000\n1\nprivate/1/CURRENT crc32\n",
                "1795566375\n1000\n1\nprivate/1/CURRENT crc32 99999999999\n",
                "1795566375\n1000\n1\nprivate/1/CURRENT crc32 -1\n",
                "1795566375\n1000\nmetadata 6G\n0\n",
                "1795566375\n1000\n\n0\n",
                "schema_version 3\n1795566375\n1000\n0\n",
                "schema_version 2\n1795566375\n1000\nni::escape uri\n0\n",
                "schema_version 2\n1795566375\n1000\n1\nprivate/1/CURRENT crc32 5 ni::x y\n",
                "1795566375\n1000\n1\nprivate/1/CURRENT crc32 \n",
                "1795566375\n1000\n metadata 6869\n0\n");
        for (String text : garbage) {
            Files.writeString(backupDir.resolve("meta/8"), text);
            IOException e = assertThrows(IOException.class, () -> BackupMeta.read(backupDir, 8), text);
            assertFalse(e instanceof NoSuchFileException, text);
        }
        Files.write(backupDir.resolve("meta/8"), new byte[] {'1', '\n', (byte) 0xFF, '\n'});
        assertThrows(IOException.class, () -> BackupMeta.read(backupDir, 8));
    }

    @Test
    void toleratesSchemaTwoFieldsAndFooter() throws IOException {
        Files.writeString(backupDir.resolve("meta/5"), String.join("\n",
                "schema_version 2.1",
                "1795566375",
                "1234",
                "metadata 6869",
                "some_future_field some value",
                "2",
                "private/5/CURRENT crc32 2659179228 size 16 temp kWarm",
                "shared_checksum/000009_sX_9794.sst size 9794 crc32 4294967295",
                "// FOOTER",
                "checksum 1234",
                ""));
        BackupMeta meta = BackupMeta.read(backupDir, 5);
        assertEquals(1795566375L, meta.timestamp());
        assertEquals(1234L, meta.sequenceNumber());
        assertArrayEquals("hi".getBytes(UTF_8), meta.appMetadata().orElseThrow());
        assertEquals(List.of(
                new BackupMeta.FileEntry("private/5/CURRENT", 2659179228L),
                new BackupMeta.FileEntry("shared_checksum/000009_sX_9794.sst", 0xFFFF_FFFFL)),
                meta.files());
    }

    @Test
    void toleratesUnknownHeaderFieldsInSchemaOne() throws IOException {
        Files.writeString(backupDir.resolve("meta/6"),
                "1795566375\n7\nsomething else\nmetadata 6869\n1\nprivate/6/CURRENT crc32 0\n");
        BackupMeta meta = BackupMeta.read(backupDir, 6);
        assertEquals(List.of(new BackupMeta.FileEntry("private/6/CURRENT", 0L)), meta.files());
        assertArrayEquals("hi".getBytes(UTF_8), meta.appMetadata().orElseThrow());
    }

    /** The message of the IOException reading {@code text} as meta file 8, less the file's name. */
    private String malformed(String text) throws IOException {
        Files.writeString(backupDir.resolve("meta/8"), text);
        IOException e = assertThrows(IOException.class, () -> BackupMeta.read(backupDir, 8), text);
        String prefix = "Malformed backup meta file " + backupDir.resolve("meta/8") + ": ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    @Test
    void aMetaFileCutShortSaysWhatIsMissing() throws IOException {
        assertEquals("ends before the sequence number (truncated?)", malformed("1795566375\n"));
        assertEquals("ends before the number of files (truncated?)", malformed("1795566375\n1000\n"));
    }

    @Test
    void fileCountsOfEveryLeadingDigitAreCounts() throws IOException {
        Files.writeString(backupDir.resolve("meta/8"), "1795566375\n1000\n0\n");
        assertEquals(List.of(), BackupMeta.read(backupDir, 8).files());
        StringBuilder nine = new StringBuilder("1795566375\n1000\n9\n");
        for (int i = 0; i < 9; i++) {
            nine.append("private/8/f").append(i).append(" crc32 ").append(i).append('\n');
        }
        Files.writeString(backupDir.resolve("meta/8"), nine);
        assertEquals(9, BackupMeta.read(backupDir, 8).files().size());
    }

    @Test
    void theFooterIsCheckedFieldByField() throws IOException {
        String head = "schema_version 2\n1795566375\n1000\n1\nprivate/1/CURRENT crc32 5\n// FOOTER\n";
        assertEquals("unsupported footer field \"ni::sig\" (from a newer RocksDB?)",
                malformed(head + "checksum 1\nni::sig abc\n"));
        assertEquals("line 8: expected a footer field, got \" checksum\"", malformed(head + "checksum 1\n checksum\n"));
        assertEquals("line 7: expected a footer field, got \"checksum\"", malformed(head + "checksum\n"));
    }

    @Test
    void appMetadataHexTakesBothCasesAndEveryDigit() throws IOException {
        Files.writeString(backupDir.resolve("meta/8"), "1795566375\n1000\nmetadata 00aAfF09\n0\n");
        assertArrayEquals(new byte[] {0x00, (byte) 0xAA, (byte) 0xFF, 0x09},
                BackupMeta.read(backupDir, 8).appMetadata().orElseThrow());
        // The characters just outside each range of hex digits.
        for (String bad : List.of("0/", "0:", "0@", "0G", "0`", "0g", "/0", ":0", "@0", "G0", "`0", "g0")) {
            assertEquals("app metadata is not hex at offset 0", malformed("1795566375\n1000\nmetadata " + bad + "\n0\n"), bad);
        }
        assertEquals("app metadata is not hex at offset 2", malformed("1795566375\n1000\nmetadata 00x0\n0\n"));
    }

    @Test
    void longTextsAreCutToEightyCharactersInMessages() throws IOException {
        String eighty = "x".repeat(80);
        assertEquals("line 3: expected the number of files or a field, got \"" + eighty + "\"",
                malformed("1795566375\n1000\n" + eighty + "\n0\n"));
        assertEquals("line 3: expected the number of files or a field, got \"" + eighty + "...\"",
                malformed("1795566375\n1000\n" + eighty + "y\n0\n"));
    }

    private static byte[] modifiedUtf8(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(text);
        }
        byte[] withLength = bytes.toByteArray();
        return Arrays.copyOfRange(withLength, 2, withLength.length);
    }

    private static int lastIndexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
