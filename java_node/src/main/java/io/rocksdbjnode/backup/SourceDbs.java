package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

/**
 * The open DBs a backup can be made of. {@code db/} keeps them; the root hands them to
 * {@code backup/} through this view, so that neither package knows the other.
 */
public interface SourceDbs {
    /**
     * An open DB as a backup reads it: its handle (to lease), its RocksDB instance, how it was
     * opened, and the column families open in it now (default first; only to be asked inside a
     * lease). A read-only open may leave families out, and a backup of it would lack their files.
     */
    record Source(Handle handle, RocksDB db, boolean readOnly, Supplier<List<ColumnFamilyHandle>> families) {}

    /** The open DB {@code term} names, with the DB lookup's {@code badarg}s. */
    Source byHandle(OtpErlangObject term) throws RequestException;

    /** The open DB at exactly {@code dir}, if any. */
    Optional<Source> at(Path dir);
}
