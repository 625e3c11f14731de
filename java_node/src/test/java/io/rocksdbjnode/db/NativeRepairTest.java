package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** RepairDB through the C API: the binding checks out, a repair rebuilds a lost MANIFEST, a failure is RocksDB's text. */
class NativeRepairTest {
    @TempDir
    Path tmp;

    @Test
    void bindingIsAvailableOnLinux() {
        assertTrue(NativeRepair.available(), "unavailable: " + NativeRepair.unavailableReason());
    }

    @Test
    void repairRebuildsALostManifest() throws Exception {
        Path dir = tmp.resolve("db ünï");
        try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dir.toString())) {
            db.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
            db.flush(new org.rocksdb.FlushOptions().setWaitForFlush(true));
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).toList()) {
                Files.delete(f);
            }
        }
        try (Options o = new Options()) {
            assertNull(NativeRepair.repair(o, dir.toString()));
        }
        try (Options o = new Options(); RocksDB db = RocksDB.open(o, dir.toString())) {
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), db.get("k".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aFailedRepairGivesRocksDbsText() throws Exception {
        Path file = Files.writeString(tmp.resolve("not_a_dir"), "x");
        try (Options o = new Options()) {
            String text = NativeRepair.repair(o, file.toString());
            assertNotNull(text);
            assertTrue(text.startsWith("IO error: "), text);
        }
    }
}
