package io.rocksdbjnode.backup;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Arbitrary bytes through RocksDB's String app metadata: plain ASCII stays readable, the rest goes as b64:. */
class AppMetadataTest {

    private static void assertRoundTrip(byte[] bytes) {
        assertArrayEquals(bytes, AppMetadata.decode(AppMetadata.encode(bytes)));
    }

    @Test
    void asciiIsStoredPlainAndRoundTrips() {
        byte[] bytes = "nightly backup #42: ok".getBytes(US_ASCII);
        assertEquals("nightly backup #42: ok", AppMetadata.encode(bytes));
        assertRoundTrip(bytes);
    }

    @Test
    void emptyMetadataIsStoredEmpty() {
        assertEquals("", AppMetadata.encode(new byte[0]));
        assertArrayEquals(new byte[0], AppMetadata.decode(""));
    }

    @Test
    void nulIsStoredAsBase64AndRoundTrips() {
        byte[] bytes = {'a', 0, 'b'};
        String stored = AppMetadata.encode(bytes);
        assertEquals("b64:" + Base64.getEncoder().encodeToString(bytes), stored);
        assertTrue(stored.chars().allMatch(c -> c > 0 && c < 128), "stored form is plain ASCII");
        assertRoundTrip(bytes);
    }

    @Test
    void highBytesAreStoredAsBase64AndRoundTrip() {
        byte[] ff = {(byte) 0xFF, (byte) 0xFE, 0x7F, (byte) 0x80};
        assertTrue(AppMetadata.encode(ff).startsWith("b64:"));
        assertRoundTrip(ff);
    }

    @Test
    void utf8MultibyteIsStoredAsBase64AndRoundTrips() {
        byte[] bytes = "caf\u00e9 \u65e5\u672c \ud83d\ude00".getBytes(UTF_8);
        String stored = AppMetadata.encode(bytes);
        assertTrue(stored.startsWith("b64:"));
        assertRoundTrip(bytes);
    }

    @Test
    void everyByteValueRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertRoundTrip(all);
        Random r = new Random(7);
        for (int n = 0; n < 200; n++) {
            byte[] b = new byte[r.nextInt(64)];
            r.nextBytes(b);
            assertRoundTrip(b);
        }
    }

    @Test
    void textThatStartsWithThePrefixRoundTrips() {
        byte[] looksEncoded = "b64:aGVsbG8=".getBytes(US_ASCII);
        String stored = AppMetadata.encode(looksEncoded);
        // Stored plain, it would decode to "hello": it must be wrapped.
        assertEquals("b64:" + Base64.getEncoder().encodeToString(looksEncoded), stored);
        assertRoundTrip(looksEncoded);
        assertRoundTrip("b64:".getBytes(US_ASCII));
        assertRoundTrip("b64:not base64 at all!".getBytes(US_ASCII));
    }

    @Test
    void textMerelyContainingThePrefixStaysPlain() {
        assertEquals("x b64:abc", AppMetadata.encode("x b64:abc".getBytes(US_ASCII)));
        assertEquals("b64", AppMetadata.encode("b64".getBytes(US_ASCII)));
    }

    @Test
    void foreignPlainTextDecodesToItsUtf8Bytes() {
        assertArrayEquals("written by ldb".getBytes(UTF_8), AppMetadata.decode("written by ldb"));
        assertArrayEquals("caf\u00e9".getBytes(UTF_8), AppMetadata.decode("caf\u00e9"));
    }

    @Test
    void foreignTextWithThePrefixButNotBase64DecodesAsText() {
        assertArrayEquals("b64:%%% not base64".getBytes(UTF_8), AppMetadata.decode("b64:%%% not base64"));
        assertArrayEquals("b64:a".getBytes(UTF_8), AppMetadata.decode("b64:a"));
    }
}
