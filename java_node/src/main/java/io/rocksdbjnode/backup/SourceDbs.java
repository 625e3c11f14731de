package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.Optional;
import org.rocksdb.RocksDB;

/**
 * The open DBs a backup can be made of. {@code db/} keeps them; the root hands them to
 * {@code backup/} through this view, so that neither package knows the other.
 */
public interface SourceDbs {
    /** An open DB as a backup reads it: its handle (to lease), its RocksDB instance, how it was opened. */
    record Source(Handle handle, RocksDB db, boolean readOnly) {}

    /** The open DB {@code term} names, with the DB lookup's {@code badarg}s. */
    Source byHandle(OtpErlangObject term) throws RequestException;

    /** The open DB at exactly {@code dir}, if any. */
    Optional<Source> at(Path dir);
}
