package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Routes} dispatch: finding the route of a request by name and arity in a table the size
 * of the node's (every name it serves, with their arities, each with a no-op handler) and
 * running its handler, as the pool thread does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBench {
    /** The node's requests when this was written (name, arity), and the data API's main ones. */
    static final String[] TABLE = {
        "checkpoint/2", "close/1", "close_backup_engine/1", "count/1", "create_new_backup/3", "delete/3",
        "delete_backup/2", "destroy/2", "flush/2", "gc_backup_engine/1", "get/3", "get_backup_info/1",
        "give_away/3", "give_away/4", "open/2", "open_backup_engine/2", "owner_down/1", "owners/1",
        "purge_old_backup/2", "put/4", "restore_db_from_backup/5", "restore_db_from_latest_backup/4",
        "set_heir/3", "set_heir/4", "stop_backup/1", "verify_backup/3", "routes/0",
        "write/3", "merge/4", "single_delete/3", "delete_range/4", "multi_get/3", "iterator/2",
        "iterator_move/2", "iterator_close/1", "snapshot/1", "release_snapshot/1", "get_property/2",
        "create_column_family/3", "drop_column_family/2", "list_column_families/2", "open/3",
        "compact_range/4", "transaction/2", "transaction_put/3", "transaction_get/3",
        "transaction_commit/1", "transaction_rollback/1",
    };

    private Routes routes;
    private Request get;
    private Request put;

    @Setup
    public void setup() {
        routes = new Routes();
        OtpErlangObject ok = new OtpErlangAtom("ok");
        for (String entry : TABLE) {
            String[] parts = entry.split("/");
            routes.add(parts[0], Integer.parseInt(parts[1]), Routes.Pool.QUICK, r -> ok);
        }
        OtpErlangPid pid = new OtpErlangPid("bench@127.0.0.1", 1, 0, 3);
        OtpErlangObject a = new OtpErlangAtom("x");
        get = new Request(pid, a, "get", new OtpErlangObject[] {a, a, a});
        put = new Request(pid, a, "put", new OtpErlangObject[] {a, a, a, a});
    }

    @Benchmark
    public OtpErlangObject dispatchGet() throws Exception {
        return routes.find(get.name(), get.arity()).handler().handle(get);
    }

    @Benchmark
    public OtpErlangObject dispatchPut() throws Exception {
        return routes.find(put.name(), put.arity()).handler().handle(put);
    }
}
