package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Status texts as erlang-rocksdb returns them: RocksDB's Status::ToString(). */
class StatusesTest {
    private static RocksDBException failed(String message, Status.Code code) {
        return new RocksDBException(message, new Status(code, Status.SubCode.None, message));
    }

    @Test
    void aMessageWithoutItsPrefixGetsIt() {
        assertEquals("Corruption: bad block", Statuses.text(failed("bad block", Status.Code.Corruption)));
        assertEquals("Not implemented: no", Statuses.text(failed("no", Status.Code.NotSupported)));
    }

    @Test
    void aMessageThatAlreadyCarriesItsPrefixIsKept() {
        assertEquals("IO error: disk gone", Statuses.text(failed("IO error: disk gone", Status.Code.IOError)));
    }

    @Test
    void aStatusWithoutAPrefixKeepsTheMessage() {
        assertEquals("fine", Statuses.text(failed("fine", Status.Code.Ok)));
        assertEquals("odd", Statuses.text(failed("odd", Status.Code.Undefined)));
    }

    @Test
    void withoutAStatusTheMessageIsTheText() {
        assertEquals("plain", Statuses.text(new RocksDBException("plain")));
        assertEquals("", Statuses.text(new RocksDBException((String) null)));
        assertEquals("Corruption: ", Statuses.text(failed(null, Status.Code.Corruption)));
    }

    @Test
    void aStatusWithoutStateIsTheBarePrefix() {
        Status notFound = new Status(Status.Code.NotFound, Status.SubCode.None, null);
        assertEquals("NotFound: ", Statuses.text(new RocksDBException(notFound.getCodeString(), notFound)));
    }

    @Test
    void theNodesOwnIoFailuresReadAsIoErrors() {
        assertEquals("IO error: NoSuchFileException: /x", Statuses.text(new NoSuchFileException("/x")));
        assertEquals("IO error: IOException", Statuses.text(new IOException()));
    }
}
