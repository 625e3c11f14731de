package io.rocksdbjnode.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One backup's meta file, {@code <backupDir>/meta/<id>}, as RocksDB's backup engine writes it.
 *
 * <p>RocksDB 11.8.1 writes schema 1:
 * <pre>
 * &lt;timestamp&gt;
 * &lt;sequence number&gt;
 * metadata &lt;hex of the app metadata&gt;      (only when there is some)
 * &lt;number of files&gt;
 * &lt;relative path&gt; crc32 &lt;crc32c as unsigned decimal&gt;
 * ...
 * </pre>
 * The parser also takes what RocksDB's own reader takes from schema 2: a leading
 * {@code schema_version 2[.x]} line, other {@code name value} header lines, extra
 * {@code name value} pairs on file lines (such as {@code size}), and a {@code // FOOTER} block.
 * Unknown fields are ignored, except those named {@code ni::...}, which RocksDB marks as
 * "must be understood" and which are rejected here too.
 *
 * <p>Instances are immutable.
 */
final class BackupMeta {

    /**
     * One file of a backup.
     *
     * @param relativePath the path relative to the backup directory, exactly as the meta file
     *     writes it (forward slashes), e.g. {@code private/1/CURRENT}
     * @param crc32c the CRC32C of the whole file, as an unsigned 32-bit value
     */
    record FileEntry(String relativePath, long crc32c) {}

    private static final String SCHEMA_VERSION_PREFIX = "schema_version ";
    private static final String FOOTER_MARKER = "// FOOTER";
    private static final String APP_METADATA_FIELD = "metadata";
    private static final String CRC32C_FIELD = "crc32"; // RocksDB's name; the value is CRC32C
    private static final String NON_IGNORABLE_PREFIX = "ni::";

    private final long timestamp;
    private final long sequenceNumber;
    private final byte[] appMetadata; // null when the meta file has none
    private final List<FileEntry> files;

    private BackupMeta(long timestamp, long sequenceNumber, byte[] appMetadata, List<FileEntry> files) {
        this.timestamp = timestamp;
        this.sequenceNumber = sequenceNumber;
        this.appMetadata = appMetadata;
        this.files = files;
    }

    /**
     * Reads and parses {@code <backupDir>/meta/<backupId>}.
     *
     * @throws NoSuchFileException when that meta file does not exist
     * @throws IOException when it cannot be read, or is malformed (the message names the file
     *     and what is wrong with it)
     */
    static BackupMeta read(Path backupDir, int backupId) throws IOException {
        Path file = metaDir(backupDir).resolve(Integer.toString(backupId));
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (MalformedMetaException e) {
            throw new IOException("Malformed backup meta file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The ids of the committed backups in {@code backupDir}: the names under {@code meta/} made
     * only of digits, ascending. In-progress {@code .<id>.tmp} files are not listed, nor are
     * names too large for an {@code int}.
     *
     * @return an empty list when {@code meta/} does not exist
     * @throws UncheckedIOException when {@code meta/} exists but cannot be listed
     */
    static List<Integer> listIds(Path backupDir) {
        List<Integer> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(metaDir(backupDir))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isDecimal(name)) {
                    try {
                        ids.add(Integer.parseInt(name));
                    } catch (NumberFormatException tooLarge) {
                        // RocksDB ids are uint32; ours are int: such a backup is not ours to list
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list backup meta files in " + metaDir(backupDir), e);
        }
        Collections.sort(ids);
        return List.copyOf(ids);
    }

    /** Creation time of the backup, in seconds since the epoch. */
    long timestamp() {
        return timestamp;
    }

    /** The DB's sequence number when the backup was taken. */
    long sequenceNumber() {
        return sequenceNumber;
    }

    /**
     * The application metadata given to the backup, as stored; empty when there is none (RocksDB
     * does not tell "none" from "empty"). Each call returns a fresh copy.
     */
    Optional<byte[]> appMetadata() {
        return appMetadata == null ? Optional.empty() : Optional.of(appMetadata.clone());
    }

    /** The backup's files, in the order of the meta file; unmodifiable. */
    List<FileEntry> files() {
        return files;
    }

    private static Path metaDir(Path backupDir) {
        return backupDir.resolve("meta");
    }

    private static BackupMeta parse(byte[] bytes) throws MalformedMetaException {
        List<String> lines = splitLines(bytes);
        int next = 0;

        int schemaMajor = 1;
        // splitLines returns at least one line.
        if (lines.get(next).startsWith(SCHEMA_VERSION_PREFIX)) {
            String version = lines.get(next).substring(SCHEMA_VERSION_PREFIX.length());
            if (!version.equals("2") && !version.startsWith("2.")) {
                throw new MalformedMetaException("unsupported schema version " + quote(version));
            }
            schemaMajor = 2;
            next++;
        }

        long timestamp = parseUnsigned(line(lines, next++, "the timestamp"), "timestamp");
        long sequenceNumber = parseUnsigned(line(lines, next++, "the sequence number"), "sequence number");

        byte[] appMetadata = null;
        long declaredFiles;
        while (true) {
            String header = line(lines, next++, "the number of files");
            if (header.isEmpty()) {
                throw new MalformedMetaException("unexpected empty line " + next);
            }
            char first = header.charAt(0);
            if (first >= '0' && first <= '9') {
                declaredFiles = parseUnsigned(header, "number of files");
                break;
            }
            int space = header.indexOf(' ');
            if (space <= 0) {
                throw new MalformedMetaException(
                        "line " + next + ": expected the number of files or a field, got " + quote(header));
            }
            String name = header.substring(0, space);
            if (name.equals(APP_METADATA_FIELD)) {
                appMetadata = decodeHex(header.substring(space + 1));
            } else if (name.startsWith(NON_IGNORABLE_PREFIX)) {
                throw new MalformedMetaException("unsupported field " + quote(name) + " (from a newer RocksDB?)");
            }
            // Any other header field is ignorable by RocksDB's own rules (schema 2).
        }

        List<FileEntry> files = new ArrayList<>();
        while (next < lines.size()) {
            String fileLine = lines.get(next++);
            if (schemaMajor >= 2 && fileLine.equals(FOOTER_MARKER)) {
                checkFooter(lines, next);
                break;
            }
            files.add(parseFileLine(fileLine, next));
        }
        if (files.size() != declaredFiles) {
            throw new MalformedMetaException(
                    "declares " + declaredFiles + " files but lists " + files.size() + " (truncated?)");
        }
        if (appMetadata != null && appMetadata.length == 0) {
            appMetadata = null;
        }
        return new BackupMeta(timestamp, sequenceNumber, appMetadata, List.copyOf(files));
    }

    private static FileEntry parseFileLine(String line, int lineNumber) throws MalformedMetaException {
        String[] parts = line.split(" ", -1);
        String path = parts[0];
        if (path.isEmpty()) {
            throw new MalformedMetaException("line " + lineNumber + ": no file name in " + quote(line));
        }
        if (parts.length % 2 != 1) {
            throw new MalformedMetaException("line " + lineNumber + ": unpaired field in " + quote(line));
        }
        Long crc32c = null;
        for (int i = 1; i < parts.length; i += 2) {
            String name = parts[i];
            String value = parts[i + 1];
            if (name.equals(CRC32C_FIELD)) {
                crc32c = parseCrc32c(value, path);
            } else if (name.startsWith(NON_IGNORABLE_PREFIX)) {
                throw new MalformedMetaException(
                        "unsupported file field " + quote(name) + " for " + path + " (from a newer RocksDB?)");
            }
        }
        if (crc32c == null) {
            throw new MalformedMetaException("line " + lineNumber + ": no crc32 for " + path);
        }
        return new FileEntry(path, crc32c);
    }

    private static long parseCrc32c(String value, String path) throws MalformedMetaException {
        // RocksDB accepts only the canonical decimal form of a uint32.
        if (!isDecimal(value) || (value.length() > 1 && value.charAt(0) == '0') || value.length() > 10) {
            throw new MalformedMetaException("invalid crc32 " + quote(value) + " for " + path);
        }
        long crc = Long.parseLong(value);
        if (crc > 0xFFFF_FFFFL) {
            throw new MalformedMetaException("invalid crc32 " + quote(value) + " for " + path);
        }
        return crc;
    }

    private static void checkFooter(List<String> lines, int from) throws MalformedMetaException {
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new MalformedMetaException("line " + (i + 1) + ": expected a footer field, got " + quote(line));
            }
            if (line.startsWith(NON_IGNORABLE_PREFIX)) {
                throw new MalformedMetaException(
                        "unsupported footer field " + quote(line.substring(0, space)) + " (from a newer RocksDB?)");
            }
        }
    }

    /**
     * Splits on '\n'. RocksDB ends every line, the last one included, with '\n' and publishes the
     * file by an atomic rename, so a file that does not end with one has been cut short.
     */
    private static List<String> splitLines(byte[] bytes) throws MalformedMetaException {
        if (bytes.length == 0) {
            throw new MalformedMetaException("empty file");
        }
        if (bytes[bytes.length - 1] != '\n') {
            throw new MalformedMetaException("does not end with a newline (truncated?)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, bytes.length - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMetaException("not valid UTF-8 text");
        }
        return List.of(text.split("\n", -1));
    }

    private static String line(List<String> lines, int index, String what) throws MalformedMetaException {
        if (index >= lines.size()) {
            throw new MalformedMetaException("ends before " + what + " (truncated?)");
        }
        return lines.get(index);
    }

    private static long parseUnsigned(String text, String what) throws MalformedMetaException {
        if (!isDecimal(text)) {
            throw new MalformedMetaException("invalid " + what + " " + quote(text));
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new MalformedMetaException("invalid " + what + " " + quote(text));
        }
    }

    private static byte[] decodeHex(String hex) throws MalformedMetaException {
        if (hex.length() % 2 != 0) {
            throw new MalformedMetaException("app metadata is not hex: odd length " + hex.length());
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int high = hexDigit(hex.charAt(2 * i));
            int low = hexDigit(hex.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                throw new MalformedMetaException("app metadata is not hex at offset " + (2 * i));
            }
            out[i] = (byte) ((high << 4) | low);
        }
        return out;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static boolean isDecimal(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "\"" + shown + "\"";
    }

    /** A parse failure, turned into an IOException naming the file by {@link #read}. */
    private static final class MalformedMetaException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedMetaException(String message) {
            super(message);
        }
    }
}
