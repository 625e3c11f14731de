package io.rocksdbjnode.handle;

import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Budgets the threads the node asks RocksDB for against the limits the process runs under.
 *
 * <p>RocksDB starts a backup engine's {@code max_background_operations} threads when the engine
 * opens (and a DB's background threads when it opens), and when the kernel refuses one it throws
 * {@code std::system_error} from C++, which aborts the JVM. So before such an open, the node asks
 * how many more tasks the process may start (the cgroup's {@code pids.max} along its whole path,
 * and {@code RLIMIT_NPROC} for a non-root user, whose count spans every process of that user),
 * keeps a reserve for its own threads (the request pools, the JVM's), and refuses with
 * {@code {error, {thread_limit, Text}}} beyond it.
 *
 * <p>Opens in progress hold their threads as pending until they end, so two opens racing for
 * the last room cannot both pass.
 */
public final class ThreadBudget {
    /** One limit on the number of tasks: how many more may start, when it can tell. */
    interface Limit {
        /** The tasks that may still start under this limit, or empty when there is no limit. */
        OptionalLong headroom();

        /** What the limit is, for the error text. */
        String describe();
    }

    /** A granted share of the budget, pending until closed (when the threads exist or never will). */
    public interface Grant extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Most threads an option may ask RocksDB for. RocksDB starts them at once and aborts the
     * process when it cannot (a request for 100,000 did): a thread count is checked here.
     */
    public static final int MAX_THREADS = 256;

    /** The value of a thread-count option: 1 to {@link #MAX_THREADS}. */
    public static int threadCount(Option opt) throws RequestException {
        int v = opt.intAtLeast(1);
        if (v > MAX_THREADS) {
            throw RequestException.badArgument(opt.key());
        }
        return v;
    }

    private final int reserve;
    private final List<Limit> limits;
    private int pending;

    ThreadBudget(int reserve, List<Limit> limits) {
        if (reserve < 0) {
            throw new IllegalArgumentException("reserve must be >= 0");
        }
        this.reserve = reserve;
        this.limits = List.copyOf(limits);
    }

    /** The limits of this process: its cgroup's pids controller and, unless root, RLIMIT_NPROC. */
    public static ThreadBudget forThisProcess(int reserve) {
        return forProcess(reserve, Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    /** The limits read from {@code proc} (a /proc) and {@code cgroupMount} (a /sys/fs/cgroup). */
    static ThreadBudget forProcess(int reserve, Path proc, Path cgroupMount) {
        List<Limit> limits = new ArrayList<>(CgroupPids.of(proc.resolve("self/cgroup"), cgroupMount));
        NprocLimit.of(proc).ifPresent(limits::add);
        return new ThreadBudget(reserve, limits);
    }

    /**
     * Grants {@code threads} for an open in {@code what}, or refuses when any limit leaves less
     * than that plus the reserve and what other opens in progress hold.
     */
    public synchronized Grant take(int threads, String what) throws RequestException {
        for (Limit l : limits) {
            OptionalLong room = l.headroom();
            if (room.isPresent() && room.getAsLong() - pending - reserve < threads) {
                throw RequestException.threadLimit(what + " needs " + threads + " thread(s); "
                        + l.describe() + " leaves room for " + Math.max(0, room.getAsLong() - pending)
                        + " more, and the node keeps " + reserve + " for its own threads");
            }
        }
        pending += threads;
        return new Grant() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (ThreadBudget.this) {
                    if (!closed) {
                        closed = true;
                        pending -= threads;
                    }
                }
            }
        };
    }

    /** The pids controller (cgroup v2, or v1's {@code pids} hierarchy): min of max - current up the path. */
    record CgroupPids(Path dir) implements Limit {
        static List<Limit> of(Path selfCgroup, Path mount) {
            List<String> lines;
            try {
                lines = Files.readAllLines(selfCgroup);
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
            List<Limit> out = new ArrayList<>();
            for (String line : lines) {
                String[] f = line.split(":", 3);
                if (f.length != 3 || !f[2].startsWith("/")) {
                    continue;
                }
                Path base = null;
                if (f[0].equals("0") && f[1].isEmpty()) {
                    base = mount;
                } else if (List.of(f[1].split(",")).contains("pids")) {
                    base = mount.resolve("pids");
                }
                if (base != null) {
                    out.add(new CgroupPids(base.resolve(f[2].substring(1)).normalize()));
                }
            }
            return out;
        }

        @Override
        public OptionalLong headroom() {
            OptionalLong least = OptionalLong.empty();
            for (Path d = dir; d != null; d = d.getParent()) {
                OptionalLong max = number(d.resolve("pids.max"));
                OptionalLong current = number(d.resolve("pids.current"));
                if (max.isPresent() && current.isPresent()) {
                    long room = max.getAsLong() - current.getAsLong();
                    if (least.isEmpty() || room < least.getAsLong()) {
                        least = OptionalLong.of(room);
                    }
                }
            }
            return least;
        }

        @Override
        public String describe() {
            return "the cgroup pids limit (" + dir + ")";
        }
    }

    /** RLIMIT_NPROC: a soft limit on the tasks of one real user id, which root is exempt from. */
    record NprocLimit(Path proc, long uid, long limit) implements Limit {
        static Optional<Limit> of(Path proc) {
            try {
                long uid = realUid(proc.resolve("self/status"));
                if (uid == 0) {
                    return Optional.empty();
                }
                for (String line : Files.readAllLines(proc.resolve("self/limits"))) {
                    if (line.startsWith("Max processes")) {
                        String soft = line.substring("Max processes".length()).trim().split("\\s+")[0];
                        return soft.equals("unlimited") ? Optional.empty()
                                : Optional.of(new NprocLimit(proc, uid, Long.parseLong(soft)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No /proc: no limit known.
            }
            return Optional.empty();
        }

        @Override
        public OptionalLong headroom() {
            long used = 0;
            try (Stream<Path> pids = Files.list(proc)) {
                for (Path p : (Iterable<Path>) pids::iterator) {
                    if (p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                        used += threadsOf(p.resolve("status"));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(limit - used);
        }

        private long threadsOf(Path status) {
            try {
                List<String> lines = Files.readAllLines(status);
                long threads = 0;
                boolean mine = false;
                for (String line : lines) {
                    if (line.startsWith("Uid:")) {
                        mine = Long.parseLong(line.substring(4).trim().split("\\s+")[0]) == uid;
                    } else if (line.startsWith("Threads:")) {
                        threads = Long.parseLong(line.substring(8).trim());
                    }
                }
                return mine ? threads : 0;
            } catch (IOException | RuntimeException e) {
                return 0; // the process ended while we looked
            }
        }

        @Override
        public String describe() {
            return "RLIMIT_NPROC (" + limit + " tasks for uid " + uid + ")";
        }

        private static long realUid(Path status) throws IOException {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                }
            }
            throw new IOException("no Uid line in " + status);
        }
    }

    private static OptionalLong number(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
