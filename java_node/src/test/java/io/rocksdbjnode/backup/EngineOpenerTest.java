package io.rocksdbjnode.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
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
        // By thread id: an opener thread ends once its open is done, and may still be there or
        // not when the threads are listed, so counts alone would race.
        Set<String> before = threadsAtNice(EngineOpener.NICE);
        try (BackupEngineOptions o = new BackupEngineOptions(tmp.toString()).setMaxBackgroundOperations(5);
                BackupEngine e = EngineOpener.open(o)) {
            Set<String> added = new HashSet<>(threadsAtNice(EngineOpener.NICE));
            added.removeAll(before);
            assertTrue(added.size() >= 5, "threads at nice 10 new since the open: " + added + " (before: " + before + ")");
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

    /** The ids of this process's threads running at {@code nice}. */
    private static Set<String> threadsAtNice(int nice) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return nice(t.resolve("stat")) == nice;
                } catch (IOException gone) {
                    return false;
                }
            }).map(t -> t.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Field 19 of a stat line, counted after the command name in parentheses (field 2). */
    private static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] after = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[19 - 3]);
    }
}
