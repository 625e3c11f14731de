package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rocksdbjnode.wire.RequestException;
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

    @Test
    void theRefusalSaysWhatOtherOpensInProgressLeave() throws Exception {
        ThreadBudget b = new ThreadBudget(2, List.of(room(10)));
        try (ThreadBudget.Grant held = b.take(3, "open")) {
            RequestException e = assertThrows(RequestException.class, () -> b.take(6, "open"));
            assertEquals("{error,{thread_limit,\"open needs 6 thread(s); a test limit leaves room for 7 more,"
                    + " and the node keeps 2 for its own threads\"}}", e.reply().toString());
        }
    }

    @Test
    void theRefusalNeverSaysANegativeRoom() throws Exception {
        ThreadBudget b = new ThreadBudget(0, List.of(room(-5)));
        RequestException e = assertThrows(RequestException.class, () -> b.take(1, "open"));
        assertTrue(e.reply().toString().contains("leaves room for 0 more"), e.reply().toString());
    }

    @Test
    void aNegativeReserveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ThreadBudget(-1, List.of()));
    }

    @Test
    void cgroupTakesTheLeastRoomOfEveryLevelWithALimit() throws Exception {
        Path self = write(tmp.resolve("cgroup"), "0::/a/b/c\n");
        Path mount = tmp.resolve("fs");
        write(mount.resolve("a/b/c/pids.max"), "100\n");
        write(mount.resolve("a/b/c/pids.current"), "50\n"); // 50
        write(mount.resolve("a/b/pids.max"), "40\n");
        write(mount.resolve("a/b/pids.current"), "20\n"); // 20, the least
        write(mount.resolve("a/pids.max"), "1000\n");
        write(mount.resolve("a/pids.current"), "900\n"); // 100
        ThreadBudget.Limit l = ThreadBudget.CgroupPids.of(self, mount).get(0);
        assertEquals(OptionalLong.of(20), l.headroom());
        assertEquals("the cgroup pids limit (" + mount.resolve("a/b/c") + ")", l.describe());
    }

    @Test
    void noCgroupFileMeansNoCgroupLimit() {
        assertEquals(List.of(), ThreadBudget.CgroupPids.of(tmp.resolve("missing"), tmp));
    }

    @Test
    void nprocWithoutAReadableProcHasNoHeadroomToTell() throws Exception {
        ThreadBudget.Limit l = new ThreadBudget.NprocLimit(tmp.resolve("no-proc"), 1000, 10);
        assertEquals(OptionalLong.empty(), l.headroom());
        assertEquals("RLIMIT_NPROC (10 tasks for uid 1000)", l.describe());
    }

    @Test
    void aProcessUnderBothLimitsIsRefusedByEither() throws Exception {
        Path proc = tmp.resolve("proc");
        Path mount = tmp.resolve("fs");
        write(proc.resolve("self/cgroup"), "0::/svc\n");
        write(mount.resolve("svc/pids.max"), "500\n");
        write(mount.resolve("svc/pids.current"), "100\n"); // cgroup room 400
        write(proc.resolve("self/status"), "Uid:\t1000\t1000\t1000\t1000\nThreads:\t40\n");
        write(proc.resolve("self/limits"), "Max processes             100                 100                 processes\n");
        write(proc.resolve("100/status"), "Uid:\t1000\t1000\t1000\t1000\nThreads:\t40\n"); // nproc room 60
        ThreadBudget b = ThreadBudget.forProcess(10, proc, mount);
        b.take(50, "open").close();
        RequestException e = assertThrows(RequestException.class, () -> b.take(51, "open"));
        assertTrue(e.reply().toString().contains("RLIMIT_NPROC (100 tasks for uid 1000)"), e.reply().toString());
    }

    @Test
    void aProcessWithoutProcOrCgroupsHasNoLimit() throws Exception {
        ThreadBudget.forProcess(0, tmp.resolve("no-proc"), tmp.resolve("no-fs")).take(100_000, "open").close();
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
