package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Outbox;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The async form of a backup or a restore: the synchronous request, run as it always is on the
 * long pool, with a {@link Job} hooked in at the moment its work starts. Before that moment a
 * refusal (a badarg, a bad option, a directory in use) is the call's reply, as for the
 * synchronous call; at it, the caller is answered {@code {ok, Ref}} (Ref minted by the node) and
 * the notified pid then receives {@code {rocksdb_jnode, Ref, {progress, Figures}}} every interval
 * and exactly one {@code {rocksdb_jnode, Ref, {done, Result}}}, Result being the reply the
 * synchronous call would have given.
 */
final class AsyncJobs {
    private static final Logger LOG = Logger.getLogger(AsyncJobs.class.getName());
    private static final OtpErlangAtom TAG = Terms.atom("rocksdb_jnode");
    private static final OtpErlangAtom PROGRESS = Terms.atom("progress");
    private static final OtpErlangAtom DONE = Terms.atom("done");
    static final int DEFAULT_INTERVAL_MS = 500;
    static final int MIN_INTERVAL_MS = 10;

    /** Adds {@code {notify, Pid}} and {@code {progress_interval, Ms}} to an options reader. */
    static Option.Reader withAsyncOptions(Option.Reader reader) {
        return reader
                .key("notify", o -> {
                    o.expectArity(1);
                    return Terms.pid(o.value(), "notify");
                })
                .key("progress_interval", o -> o.intAtLeast(MIN_INTERVAL_MS));
    }

    private final Outbox outbox;
    private final java.util.function.Supplier<OtpErlangRef> mint;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rocksdb-progress");
        t.setDaemon(true);
        return t;
    });

    AsyncJobs(Outbox outbox, java.util.function.Supplier<OtpErlangRef> mint) {
        this.outbox = outbox;
        this.mint = mint;
    }

    /**
     * The job of request {@code r} with the options {@code opts}: {@link Job#NONE} without
     * {@code notify}; refused with {@code {badarg, {not_connected, Node}}} when the notified pid's
     * node is not connected to this one (the node never dials).
     */
    Job of(Request r, Option.Values opts) throws RequestException {
        OtpErlangPid pid = opts.get("notify", OtpErlangPid.class, null);
        if (pid == null) {
            return Job.NONE;
        }
        if (outbox == null || !outbox.reaches(pid)) {
            throw RequestException.notConnected(pid.node());
        }
        return new Notifying(r, pid, opts.get("progress_interval", Integer.class, DEFAULT_INTERVAL_MS));
    }

    /** What the work tells its job. */
    interface Job {
        /** A synchronous call: nothing to tell. */
        Job NONE = new Job() {
            @Override
            public void start(Estimate totals, ProgressScan.Baseline written) {}

            @Override
            public void succeeded() {}

            @Override
            public void end() {}
        };

        /**
         * The work starts now (its arguments checked, its handles leased, its directories
         * claimed): answer the caller, then estimate and start reporting. Called at most once.
         */
        void start(Estimate totals, ProgressScan.Baseline written);

        /** The work succeeded: report the total (before the completion). */
        void succeeded();

        /** The work ended, whichever way: stop reporting. */
        void end();
    }

    /** The totals of the work, computed once it started; a failure leaves them unknown. */
    @FunctionalInterface
    interface Estimate {
        ProgressScan.Totals totals() throws Exception;
    }

    private final class Notifying implements Job {
        private final Request request;
        private final OtpErlangPid pid;
        private final int intervalMs;
        private final OtpErlangRef ref = mint.get();
        private Progress progress; // guarded by this
        private ProgressScan.Baseline baseline; // guarded by this
        private boolean over; // guarded by this
        private ScheduledFuture<?> ticks; // guarded by this

        Notifying(Request request, OtpErlangPid pid, int intervalMs) {
            this.request = request;
            this.pid = pid;
            this.intervalMs = intervalMs;
        }

        @Override
        public void start(Estimate estimate, ProgressScan.Baseline written) {
            request.answerNow(Terms.ok(ref), outcome -> send(Terms.tuple(DONE, outcome)));
            ProgressScan.Totals totals;
            try {
                totals = estimate.totals();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "could not estimate the size of " + request.name() + " " + ref
                        + "; its progress has no total", e);
                totals = ProgressScan.Totals.UNKNOWN;
            }
            synchronized (this) {
                progress = new Progress(totals.bytes(), totals.files());
                baseline = written;
                if (!over) {
                    ticks = ticker.scheduleAtFixedRate(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
                }
            }
        }

        private void tick() {
            ProgressScan.Baseline b;
            synchronized (this) {
                b = baseline;
            }
            ProgressScan.Seen seen = b.since(); // outside the lock: a scan may take a while
            synchronized (this) {
                if (over) {
                    return;
                }
                if (!report(progress.observe(seen.bytes(), seen.files()))) {
                    // The pid's node went away: further reports would fail the same way.
                    ticks.cancel(false);
                }
            }
        }

        @Override
        public synchronized void succeeded() {
            if (!over && progress != null) {
                report(progress.complete());
            }
            stop();
        }

        @Override
        public synchronized void end() {
            stop();
        }

        private void stop() {
            over = true;
            if (ticks != null) {
                ticks.cancel(false);
            }
        }

        private boolean report(Progress.Figures figures) {
            return send(Terms.tuple(PROGRESS, figures.term()));
        }

        private boolean send(OtpErlangObject body) {
            return outbox.send(pid, Terms.tuple(TAG, ref, body)) == Outbox.Delivery.SENT;
        }
    }
}
