package io.rocksdbjnode;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/** The node's settings, validated once at start and frozen. */
record NodeConfig(String nodeName, String cookie, String mailbox, InetAddress listen, List<Path> roots,
        int quickThreads, int longThreads) {
    NodeConfig {
        if (nodeName.isEmpty() || cookie.isEmpty() || mailbox.isEmpty()) {
            throw new IllegalArgumentException("node name, cookie and mailbox must not be empty");
        }
        if (quickThreads < 1 || longThreads < 1) {
            throw new IllegalArgumentException("thread counts must be at least 1");
        }
        roots = List.copyOf(roots);
    }
}
