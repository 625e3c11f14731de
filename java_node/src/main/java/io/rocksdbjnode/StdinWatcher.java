package io.rocksdbjnode;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends the node when its parent goes away: the Erlang VM that started the node through a port
 * holds the other end of its stdin, and the kernel closes that pipe however the VM dies
 * ({@code halt()}, {@code kill -9}, a crash). On end of input (or a read error) the watcher
 * runs {@code onEof} once. Whatever the node's parent writes is read and ignored.
 */
final class StdinWatcher {
    private StdinWatcher() {
    }

    /** Starts a daemon thread that reads {@code in} to its end, then runs {@code onEof}. */
    static Thread start(InputStream in, Runnable onEof) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // the parent is still there
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of input
            }
            onEof.run();
        }, "rocksdb-stdin-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
