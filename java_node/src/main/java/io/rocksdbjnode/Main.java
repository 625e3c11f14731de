package io.rocksdbjnode;

import io.rocksdbjnode.backup.BackupSlots;
import io.rocksdbjnode.db.ReadOps;
import io.rocksdbjnode.wire.NodeServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: validates the settings, starts the node, serves until stopped. */
@Command(name = "rocksdb-jnode", mixinStandardHelpOptions = true, version = "rocksdb_jnode 0.1.0",
        description = "Serves RocksDB and its backup engine to Erlang nodes over Erlang distribution.",
        sortOptions = false)
public final class Main implements Callable<Integer> {
    static final String COOKIE_ENV = "ROCKSDB_JNODE_COOKIE";
    /** Exit status after a fatal error (EX_SOFTWARE), so a supervisor restarts the node. */
    static final int FATAL_EXIT = 70;
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    @Option(names = "--name", paramLabel = "NODE",
            description = "Node name, name@host; a bare name gets @127.0.0.1 (default: ${DEFAULT-VALUE}).")
    String name = "rocksdb_jnode@127.0.0.1";

    @Option(names = "--cookie", paramLabel = "COOKIE",
            description = "Distribution cookie. Without it: $" + COOKIE_ENV + ", then ~/.erlang.cookie; "
                    + "the node refuses to start without one.")
    String cookie;

    @Option(names = "--mailbox", paramLabel = "NAME", description = "Registered mailbox name (default: ${DEFAULT-VALUE}).")
    String mailbox = "rocksdb";

    @Option(names = "--listen", paramLabel = "ADDRESS",
            description = "Address the distribution port listens on (default: ${DEFAULT-VALUE}, loopback only).")
    String listen = "127.0.0.1";

    @Option(names = "--root", paramLabel = "DIR",
            description = "Confine every path in every request to DIR (repeatable). Without it, no confinement.")
    List<Path> roots = new ArrayList<>();

    @Option(names = "--quick-threads", paramLabel = "N",
            description = "Threads for quick requests: put, get, delete, count, get_backup_info (default: ${DEFAULT-VALUE}).")
    int quickThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    @Option(names = "--long-threads", paramLabel = "N",
            description = "Threads for long requests: open, close, backups, restores, verification (default: ${DEFAULT-VALUE}).")
    int longThreads = 32;

    @Option(names = "--backup-slots", paramLabel = "N",
            description = "Backups, restores and checksum verifications that run at once; the others wait "
                    + "their turn, so that they leave cores to quick requests (default: one per core, at "
                    + "least 2: ${DEFAULT-VALUE}).")
    int backupSlots = BackupSlots.defaultCount();

    @Option(names = "--reader-serves", paramLabel = "BOOL", arity = "1",
            description = "Whether a connection's reader thread answers get, put, delete and write itself "
                    + "when it can without waiting (data in memory, no write stall), instead of handing "
                    + "every request to a pool thread (default: ${DEFAULT-VALUE}).")
    boolean readerServes = true;

    @Option(names = "--handshake-timeout", paramLabel = "MS",
            description = "An inbound connection that has not sent its node name within MS milliseconds is "
                    + "closed, and so is one that has not then finished the handshake within MS more "
                    + "(default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutMs = NodeConfig.DEFAULT_HANDSHAKE_TIMEOUT_MS;

    @Option(names = "--iterator-chunk", paramLabel = "BYTES",
            description = "The most bytes of entries in one reply of a fold's stream (at least one entry; "
                    + "at most 4096) (default: ${DEFAULT-VALUE}).")
    long iteratorChunkBytes = ReadOps.DEFAULT_CHUNK_BYTES;

    @Option(names = "--exit-on-stdin-eof",
            description = "Stop when stdin reaches its end (the parent that holds the pipe died): a graceful "
                    + "stop bounded by " + EOF_STOP_BOUND_MS + " ms, then the process halts.")
    boolean exitOnStdinEof;

    /** How long a stop caused by the end of stdin may take before the process halts. */
    static final long EOF_STOP_BOUND_MS = 700;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("rocksdb-jnode: " + ex.getMessage() + " (see --help)");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println("rocksdb-jnode: " + ex.getMessage());
            err.flush();
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        int code = cl.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * A thread died of something nobody caught. An {@link Error} there (an OutOfMemoryError in
     * JInterface's connection reader, say) leaves the node in an unknown state: it exits
     * {@link #FATAL_EXIT}, not 0, so that whatever supervises it restarts it.
     */
    private static void uncaught(Thread t, Throwable e) {
        try {
            LOG.log(Level.SEVERE, "thread " + t.getName() + " died", e);
        } finally {
            if (e instanceof Error) {
                System.err.println("rocksdb-jnode: fatal error in thread " + t.getName() + ": " + e
                        + "; exiting with status " + FATAL_EXIT);
                Runtime.getRuntime().halt(FATAL_EXIT);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config();
        Node server;
        try {
            server = new Node(config);
        } catch (IOException e) {
            throw new IOException("cannot start node " + config.nodeName() + ": " + e.getMessage()
                    + " (is epmd running? `epmd -daemon` starts it)", e);
        }
        // SIGTERM and the stop request both end here: a graceful stop, then exit status 0.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }, "rocksdb-shutdown"));
        System.out.printf("rocksdb_jnode listening on %s:%d (%s), mailbox %s, roots %s%n",
                config.listen().getHostAddress(), server.port(),
                config.listen().isLoopbackAddress() ? "loopback only" : "reachable from other hosts",
                config.mailbox(), config.roots().isEmpty() ? "none (no confinement)" : config.roots());
        if (exitOnStdinEof) {
            StdinWatcher.start(System.in, Main::exitBounded);
        }
        System.out.println("rocksdb_jnode ready " + server.nodeName());
        System.out.flush();
        // The mailbox thread decodes whole requests: a large stack lets deep terms decode.
        Thread mailbox = new Thread(null, server::serve, "rocksdb-mailbox", NodeServer.MAILBOX_STACK);
        mailbox.start();
        mailbox.join();
        return 0;
    }

    /** The parent is gone: stop gracefully (the shutdown hook), but halt if that takes too long. */
    private static void exitBounded() {
        LOG.warning("stdin closed: the parent process is gone; stopping");
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(EOF_STOP_BOUND_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(0);
        }, "rocksdb-stop-guard");
        guard.setDaemon(true);
        guard.start();
        System.exit(0);
    }

    NodeConfig config() throws IOException {
        String cookieValue = resolveCookie();
        InetAddress address;
        try {
            address = InetAddress.getByName(listen);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--listen " + listen + ": unknown address");
        }
        String nodeName = name.contains("@") ? name : name + "@127.0.0.1";
        for (Path r : roots) {
            if (!Files.isDirectory(r)) {
                throw new IllegalArgumentException("--root " + r + ": not a directory");
            }
        }
        return new NodeConfig(nodeName, cookieValue, mailbox, address, roots, quickThreads, longThreads,
                handshakeTimeoutMs, iteratorChunkBytes, backupSlots, readerServes);
    }

    private String resolveCookie() throws IOException {
        if (cookie != null && !cookie.isBlank()) {
            return cookie;
        }
        String env = System.getenv(COOKIE_ENV);
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        // $HOME, as erl reads it; Java's user.home comes from the passwd entry instead.
        String home = System.getenv("HOME");
        Path file = Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"),
                ".erlang.cookie");
        if (Files.isReadable(file)) {
            String c = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
            if (!c.isEmpty()) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cookie: give --cookie, set $" + COOKIE_ENV + ", or create " + file);
    }
}
