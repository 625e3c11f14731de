package io.rocksdbjnode.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.RocksDB;

/**
 * Engines are opened on threads at nice 10, and the copy threads RocksDB starts with an engine
 * inherit it (Linux: a thread's nice value is its own, and a new thread takes its creator's).
 */
class EngineOpenerTest {
    @TempDir
    Path tmp;

    @Test
    void theOpenersAndTheEnginesThreadsRunAtNiceTen() throws Exception {
        RocksDB.loadLibrary();
        int mine = niceOfThisThread();
        assertEquals(EngineOpener.NICE, (int) EngineOpener.onLowPriorityThread(EngineOpenerTest::niceOfThisThread));
        long before = threadsAtNice(EngineOpener.NICE);
        try (BackupEngineOptions o = new BackupEngineOptions(tmp.toString()).setMaxBackgroundOperations(5);
                BackupEngine e = EngineOpener.open(o)) {
            long during = threadsAtNice(EngineOpener.NICE);
            assertTrue(during - before >= 5, "threads at nice 10: " + before + " before the open, " + during + " after");
        }
        // This thread, which waited for the open, kept its own priority.
        assertEquals(mine, niceOfThisThread());
    }

    private static int niceOfThisThread() {
        try {
            return nice(Path.of("/proc/thread-self/stat"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long threadsAtNice(int nice) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return nice(t.resolve("stat")) == nice;
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /** Field 19 of a stat line, counted after the command name in parentheses (field 2). */
    private static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] after = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[19 - 3]);
    }
}
