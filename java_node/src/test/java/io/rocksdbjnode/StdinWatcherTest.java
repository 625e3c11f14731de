package io.rocksdbjnode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StdinWatcherTest {
    @Test
    void runsOnEofOnlyOnceTheWriterCloses() throws Exception {
        PipedOutputStream parent = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(parent);
        CountDownLatch ended = new CountDownLatch(1);
        Thread t = StdinWatcher.start(stdin, ended::countDown);
        assertTrue(t.isDaemon());
        parent.write("still here\n".getBytes());
        parent.flush();
        assertFalse(ended.await(200, TimeUnit.MILLISECONDS), "input is not the end");
        parent.close();
        assertTrue(ended.await(5, TimeUnit.SECONDS), "end of input runs onEof");
        t.join(5000);
        assertFalse(t.isAlive());
    }
}
