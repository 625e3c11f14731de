package io.rocksdbjnode;

import io.rocksdbjnode.backup.BackupSlots;
import io.rocksdbjnode.db.ReadOps;
import io.rocksdbjnode.wire.NodeServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/** The node's settings, validated once at start and frozen. */
record NodeConfig(String nodeName, String cookie, String mailbox, InetAddress listen, List<Path> roots,
        int quickThreads, int longThreads, long handshakeTimeoutMs, long iteratorChunkBytes, int backupSlots,
        boolean readerServes) {
    /** How long an inbound connection has to send its name, and again to finish the handshake. */
    static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;
    static final long MIN_HANDSHAKE_TIMEOUT_MS = 100;
    static final long MAX_HANDSHAKE_TIMEOUT_MS = 600_000;

    /** The bounds of {@code --iterator-chunk}: a chunk reply's byte budget. */
    static final long MIN_ITERATOR_CHUNK = 1024;
    static final long MAX_ITERATOR_CHUNK = 64L * 1024 * 1024;

    /** The settings with the default chunk budget. */
    NodeConfig(String nodeName, String cookie, String mailbox, InetAddress listen, List<Path> roots,
            int quickThreads, int longThreads, long handshakeTimeoutMs) {
        this(nodeName, cookie, mailbox, listen, roots, quickThreads, longThreads, handshakeTimeoutMs,
                ReadOps.DEFAULT_CHUNK_BYTES, BackupSlots.defaultCount(), true);
    }

    NodeConfig {
        if (nodeName.isEmpty() || cookie.isEmpty() || mailbox.isEmpty()) {
            throw new IllegalArgumentException("node name, cookie and mailbox must not be empty");
        }
        if (backupSlots < 1) {
            throw new IllegalArgumentException("--backup-slots " + backupSlots + ": must be at least 1");
        }
        if (quickThreads < 1 || longThreads < 1) {
            throw new IllegalArgumentException("thread counts must be at least 1");
        }
        if (handshakeTimeoutMs < MIN_HANDSHAKE_TIMEOUT_MS || handshakeTimeoutMs > MAX_HANDSHAKE_TIMEOUT_MS) {
            throw new IllegalArgumentException("--handshake-timeout " + handshakeTimeoutMs + ": must be "
                    + MIN_HANDSHAKE_TIMEOUT_MS + " to " + MAX_HANDSHAKE_TIMEOUT_MS + " ms");
        }
        if (iteratorChunkBytes < MIN_ITERATOR_CHUNK || iteratorChunkBytes > MAX_ITERATOR_CHUNK) {
            throw new IllegalArgumentException("--iterator-chunk " + iteratorChunkBytes + ": must be "
                    + MIN_ITERATOR_CHUNK + " to " + MAX_ITERATOR_CHUNK + " bytes");
        }
        roots = List.copyOf(roots);
    }

    /** The settings of the node's wire: distribution and pools. */
    NodeServer.Settings server() {
        return new NodeServer.Settings(nodeName, cookie, mailbox, listen, handshakeTimeoutMs, quickThreads, longThreads,
                readerServes);
    }
}
