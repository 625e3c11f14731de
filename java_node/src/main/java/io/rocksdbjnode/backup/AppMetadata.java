package io.rocksdbjnode.backup;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Carries arbitrary Erlang binaries through RocksDB's app metadata, which rocksdbjni passes as a
 * Java String in modified UTF-8 (a NUL becomes {@code C0 80}, a supplementary character becomes
 * two surrogates): printable-safe ASCII is stored as it is, so other tools read it plainly;
 * anything else is stored as {@code b64:} followed by its Base64.
 */
final class AppMetadata {
    private static final String PREFIX = "b64:";

    private AppMetadata() {}

    static String encode(byte[] bytes) {
        boolean plain = !startsWithPrefix(bytes);
        for (byte b : bytes) {
            if (b <= 0) {
                plain = false;
                break;
            }
        }
        return plain
                ? new String(bytes, StandardCharsets.US_ASCII)
                : PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] decode(String stored) {
        if (stored.startsWith(PREFIX)) {
            try {
                return Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            } catch (IllegalArgumentException notOurs) {
                // Written by another tool: hand it back as it is.
            }
        }
        return stored.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean startsWithPrefix(byte[] bytes) {
        byte[] p = PREFIX.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (bytes[i] != p[i]) {
                return false;
            }
        }
        return true;
    }
}
