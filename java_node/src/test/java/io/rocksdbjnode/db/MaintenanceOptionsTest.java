package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

/** erlang-rocksdb's compact_range_options() and flush_options() on rocksdbjni's objects, read back. */
class MaintenanceOptionsTest {
    @BeforeAll
    static void load() {
        RocksDB.loadLibrary();
    }

    private static OtpErlangTuple kv(String key, OtpErlangObject value) {
        return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom(key), value});
    }

    private static OtpErlangTuple kv(String key, long value) {
        return kv(key, new OtpErlangLong(value));
    }

    private static OtpErlangTuple kv(String key, boolean value) {
        return kv(key, new OtpErlangAtom(String.valueOf(value)));
    }

    private static List<Option> opts(OtpErlangObject... es) throws RequestException {
        return Option.parse(new OtpErlangList(es), "options");
    }

    private static String badargOf(RequestException e) {
        return e.reply().toString();
    }

    @Test
    void compactRangeDefaultsAreRocksDbs() throws Exception {
        try (CompactRangeOptions o = OptionsMapping.compactRangeOptions(opts());
                CompactRangeOptions rocks = new CompactRangeOptions()) {
            assertEquals(rocks.exclusiveManualCompaction(), o.exclusiveManualCompaction());
            assertEquals(rocks.changeLevel(), o.changeLevel());
            assertEquals(rocks.targetLevel(), o.targetLevel());
            assertEquals(rocks.allowWriteStall(), o.allowWriteStall());
            assertEquals(rocks.maxSubcompactions(), o.maxSubcompactions());
        }
    }

    @Test
    void compactRangeOptionsAreSet() throws Exception {
        try (CompactRangeOptions o = OptionsMapping.compactRangeOptions(opts(
                kv("exclusive_manual_compaction", false), kv("change_level", true), kv("target_level", 3),
                kv("allow_write_stall", true), kv("max_subcompactions", 4), kv("unknown_option", 1)))) {
            assertFalse(o.exclusiveManualCompaction());
            assertTrue(o.changeLevel());
            assertEquals(3, o.targetLevel());
            assertTrue(o.allowWriteStall());
            assertEquals(4, o.maxSubcompactions());
        }
        try (CompactRangeOptions o = OptionsMapping.compactRangeOptions(opts(kv("target_level", -1)))) {
            assertEquals(-1, o.targetLevel());
        }
    }

    @Test
    void compactRangeRefusesWrongTypesAndRanges() {
        for (OtpErlangTuple bad : List.of(kv("change_level", 1), kv("exclusive_manual_compaction", new OtpErlangAtom("yes")),
                kv("target_level", -2), kv("target_level", new OtpErlangAtom("top")), kv("max_subcompactions", -1),
                kv("max_subcompactions", 257), kv("allow_write_stall", 0))) {
            RequestException e = assertThrows(RequestException.class, () -> OptionsMapping.compactRangeOptions(opts(bad)),
                    bad.toString());
            String key = ((OtpErlangAtom) bad.elementAt(0)).atomValue();
            assertEquals("{error,{badarg,{bad_argument," + key + "}}}", badargOf(e));
        }
    }

    @Test
    void flushWaitsByDefault() throws Exception {
        try (FlushOptions f = OptionsMapping.flushOptions(opts())) {
            assertTrue(f.waitForFlush());
        }
        try (FlushOptions f = OptionsMapping.flushOptions(opts(kv("wait", false), kv("allow_write_stall", true),
                kv("other", 7)))) {
            assertFalse(f.waitForFlush());
            assertTrue(f.allowWriteStall());
        }
        assertThrows(RequestException.class, () -> OptionsMapping.flushOptions(opts(kv("wait", 1))));
    }
}
