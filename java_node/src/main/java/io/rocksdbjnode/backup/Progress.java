package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.wire.Terms;

/**
 * The figures of one async backup or restore as they are reported: a total fixed when the work
 * starts, and a done figure fed by periodic observations that never goes backwards and never
 * passes the total; {@link #complete()} makes it the total, which is what the last report before
 * a successful completion says. Not thread-safe: its owner serialises the calls.
 */
final class Progress {
    /** One report: bytes and files done, and in total. */
    record Figures(long bytesDone, long bytesTotal, long filesDone, long filesTotal) {
        /** {@code #{bytes_done => N, bytes_total => T, files_done => F, files_total => FT}}. */
        OtpErlangObject term() {
            return new OtpErlangMap(
                    new OtpErlangObject[] {Terms.atom("bytes_done"), Terms.atom("bytes_total"),
                        Terms.atom("files_done"), Terms.atom("files_total")},
                    new OtpErlangObject[] {Terms.integer(bytesDone), Terms.integer(bytesTotal),
                        Terms.integer(filesDone), Terms.integer(filesTotal)});
        }
    }

    private final long bytesTotal;
    private final long filesTotal;
    private long bytesDone;
    private long filesDone;

    Progress(long bytesTotal, long filesTotal) {
        this.bytesTotal = Math.max(0, bytesTotal);
        this.filesTotal = Math.max(0, filesTotal);
    }

    /** Takes in what was seen (bytes and files written so far) and returns the figures to report. */
    Figures observe(long bytesSeen, long filesSeen) {
        bytesDone = Math.max(bytesDone, Math.min(bytesSeen, bytesTotal));
        filesDone = Math.max(filesDone, Math.min(filesSeen, filesTotal));
        return figures();
    }

    /** The work succeeded: done is the total. */
    Figures complete() {
        bytesDone = bytesTotal;
        filesDone = filesTotal;
        return figures();
    }

    Figures figures() {
        return new Figures(bytesDone, bytesTotal, filesDone, filesTotal);
    }
}
