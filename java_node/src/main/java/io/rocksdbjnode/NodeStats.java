package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.rocksdbjnode.backup.BackupStats;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.wire.RequestStats;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request {@code stats} (a bare atom, like {@code ping} and {@code routes}): what the node
 * is doing and has done, as one map; see docs/PROTOCOL.md for its keys. Every figure is read
 * when asked (the handle table is walked; the counters are sums of adders), so keeping them
 * costs the requests nothing beyond an add.
 */
final class NodeStats {
    private final long startedNanos = System.nanoTime();
    private final HandleTable table;
    private final RequestStats requests;
    private final BackupStats backups;

    NodeStats(HandleTable table, RequestStats requests, BackupStats backups) {
        this.table = table;
        this.requests = requests;
        this.backups = backups;
    }

    void register(Routes routes) {
        routes.add("stats", 0, Routes.Pool.QUICK, r -> Terms.ok(snapshot()));
    }

    OtpErlangObject snapshot() {
        Map<Handle.Kind, Long> byKind = new EnumMap<>(Handle.Kind.class);
        for (Handle.Kind k : Handle.Kind.values()) {
            byKind.put(k, 0L);
        }
        Set<OtpErlangPid> owners = new HashSet<>();
        for (Handle h : table.all()) {
            byKind.merge(h.kind(), 1L, Long::sum);
            OtpErlangPid owner = h.owner();
            if (owner != null) {
                owners.add(owner);
            }
        }
        Map<String, OtpErlangObject> handles = new LinkedHashMap<>();
        byKind.forEach((k, n) -> handles.put(k.atom, Terms.integer(n)));
        Map<String, OtpErlangObject> byName = new LinkedHashMap<>();
        requests.byName().forEach((name, c) -> byName.put(name, map(Map.of(
                "served", Terms.integer(c.served()), "failed", Terms.integer(c.failed())))));
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, OtpErlangObject> out = new LinkedHashMap<>();
        out.put("uptime_ms", Terms.integer((System.nanoTime() - startedNanos) / 1_000_000));
        out.put("handles", map(handles));
        out.put("owners", Terms.integer(owners.size()));
        out.put("requests", map(byName));
        out.put("requests_in_flight", Terms.integer(requests.inFlight()));
        out.put("requests_on_reader", Terms.integer(requests.onReader()));
        out.put("requests_handed_on", Terms.integer(requests.handedOnFromReader()));
        out.put("bytes_backed_up", Terms.integer(backups.bytesBackedUp()));
        out.put("bytes_restored", Terms.integer(backups.bytesRestored()));
        out.put("backups_running", Terms.integer(backups.backupsRunning()));
        out.put("restores_running", Terms.integer(backups.restoresRunning()));
        out.put("jvm_heap_used", Terms.integer(heap.getUsed()));
        out.put("jvm_heap_max", heap.getMax() < 0 ? Terms.atom("undefined") : Terms.integer(heap.getMax()));
        return map(out);
    }

    private static OtpErlangMap map(Map<String, OtpErlangObject> entries) {
        List<OtpErlangObject> keys = new ArrayList<>();
        List<OtpErlangObject> values = new ArrayList<>();
        entries.forEach((k, v) -> {
            keys.add(Terms.atom(k));
            values.add(v);
        });
        return new OtpErlangMap(keys.toArray(new OtpErlangObject[0]), values.toArray(new OtpErlangObject[0]));
    }
}
