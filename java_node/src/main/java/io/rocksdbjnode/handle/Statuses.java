package io.rocksdbjnode.handle;

import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** RocksDB statuses as the texts erlang-rocksdb returns: C++ {@code Status::ToString()}. */
public final class Statuses {
    private Statuses() {}

    public static String text(RocksDBException e) {
        Status s = e.getStatus();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (s == null) {
            return msg;
        }
        String prefix = prefix(s.getCode());
        // A status without a state: rocksdbjni's message is the code's name, C++'s text the bare
        // prefix ("NotFound: " for a batch rolled back without a savepoint).
        if (prefix != null && s.getState() == null && msg.equals(s.getCodeString())) {
            return prefix;
        }
        // rocksdbjni's message is the status's ToString() already; keep it when it carries the prefix.
        if (prefix == null || msg.startsWith(prefix)) {
            return msg;
        }
        return prefix + msg;
    }

    /** An I/O failure of the node's own, in the shape of a RocksDB IOError status text. */
    public static String text(java.io.IOException e) {
        String m = e.getMessage();
        String what = m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
        return "IO error: " + what;
    }

    private static String prefix(Status.Code code) {
        return switch (code) {
            case Ok -> null;
            case NotFound -> "NotFound: ";
            case Corruption -> "Corruption: ";
            case NotSupported -> "Not implemented: ";
            case InvalidArgument -> "Invalid argument: ";
            case IOError -> "IO error: ";
            case MergeInProgress -> "Merge in progress: ";
            case Incomplete -> "Result incomplete: ";
            case ShutdownInProgress -> "Shutdown in progress: ";
            case TimedOut -> "Operation timed out: ";
            case Aborted -> "Operation aborted: ";
            case Busy -> "Resource busy: ";
            case Expired -> "Operation expired: ";
            case TryAgain -> "Operation failed. Try again.: ";
            default -> null;
        };
    }
}
