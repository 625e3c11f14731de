package io.rocksdbjnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thread budget: refusals against each limit, opens in progress, and reading the limits from /proc and cgroups. */
class ThreadBudgetTest {
    @TempDir
    Path tmp;

    /** A limit with a fixed headroom, as a cgroup with that many free slots. */
    private static ThreadBudget.Limit room(long free) {
        return new ThreadBudget.Limit() {
            @Override
            public OptionalLong headroom() {
                return OptionalLong.of(free);
            }

            @Override
            public String describe() {
                return "a test limit";
            }
        };
    }

    @Test
    void grantsUpToHeadroomLessReserve() throws Exception {
        ThreadBudget b = new ThreadBudget(10, List.of(room(100)));
        b.take(90, "open_backup_engine").close();
        RequestException e = assertThrows(RequestException.class, () -> b.take(91, "open_backup_engine"));
        String reply = e.reply().toString();
        assertTrue(reply.startsWith("{error,{thread_limit,\"open_backup_engine needs 91 thread(s); a test limit"), reply);
    }

    @Test
    void theTightestLimitDecides() {
        ThreadBudget b = new ThreadBudget(0, List.of(room(1000), room(5)));
        assertThrows(RequestException.class, () -> b.take(6, "open"));
    }

    @Test
    void opensInProgressHoldTheirThreadsUntilClosed() throws Exception {
        ThreadBudget b = new ThreadBudget(0, List.of(room(10)));
        ThreadBudget.Grant first = b.take(6, "open_backup_engine");
        assertThrows(RequestException.class, () -> b.take(5, "open_backup_engine"));
        first.close();
        first.close(); // idempotent: releases once
        b.take(10, "open_backup_engine").close();
        assertThrows(RequestException.class, () -> b.take(11, "open_backup_engine"));
    }

    @Test
    void noLimitsGrantAnything() throws Exception {
        new ThreadBudget(48, List.of()).take(256, "open_backup_engine").close();
    }

    @Test
    void cgroupV1PidsTakesTheLeastRoomUpThePath() throws Exception {
        Path self = write(tmp.resolve("cgroup"), "9:name=systemd:/\n8:pids:/a/b\n0::/\n");
        Path mount = tmp.resolve("fs");
        write(mount.resolve("pids/a/b/pids.max"), "max\n");
        write(mount.resolve("pids/a/b/pids.current"), "40\n");
        write(mount.resolve("pids/a/pids.max"), "100\n");
        write(mount.resolve("pids/a/pids.current"), "70\n");
        List<ThreadBudget.Limit> limits = ThreadBudget.CgroupPids.of(self, mount);
        // v1's pids line, and the v2 line whose root has no pids files.
        assertEquals(2, limits.size());
        assertEquals(OptionalLong.of(30), limits.get(0).headroom());
        assertEquals(OptionalLong.empty(), limits.get(1).headroom());
    }

    @Test
    void cgroupV2() throws Exception {
        Path self = write(tmp.resolve("cgroup"), "0::/system.slice/x.service\n");
        Path mount = tmp.resolve("fs");
        write(mount.resolve("system.slice/x.service/pids.max"), "1500\n");
        write(mount.resolve("system.slice/x.service/pids.current"), "1444\n");
        List<ThreadBudget.Limit> limits = ThreadBudget.CgroupPids.of(self, mount);
        assertEquals(1, limits.size());
        assertEquals(OptionalLong.of(56), limits.get(0).headroom());
    }

    @Test
    void nprocCountsTheThreadsOfTheUsersProcesses() throws Exception {
        Path proc = tmp.resolve("proc");
        write(proc.resolve("self/status"), "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nThreads:\t30\n");
        write(proc.resolve("self/limits"), "Limit  Soft Limit Hard Limit Units\nMax processes             1500                 1500                 processes\n");
        write(proc.resolve("100/status"), "Uid:\t1000\t1000\t1000\t1000\nThreads:\t30\n");
        write(proc.resolve("200/status"), "Uid:\t1000\t1000\t1000\t1000\nThreads:\t70\n");
        write(proc.resolve("300/status"), "Uid:\t0\t0\t0\t0\nThreads:\t500\n");
        ThreadBudget.Limit l = ThreadBudget.NprocLimit.of(proc).orElseThrow();
        assertEquals(OptionalLong.of(1400), l.headroom());
    }

    @Test
    void rootIsExemptFromNproc() throws Exception {
        Path proc = tmp.resolve("proc");
        write(proc.resolve("self/status"), "Uid:\t0\t0\t0\t0\n");
        write(proc.resolve("self/limits"), "Max processes             10                 10                 processes\n");
        assertTrue(ThreadBudget.NprocLimit.of(proc).isEmpty());
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
