package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.BackupEngineOptions;

/** Opens real backup engines into a table, for the tests of other packages (handle/). */
public final class EngineFixture {
    private EngineFixture() {}

    /** An engine on {@code dir} (created), in {@code table}, holding its open claim in {@code claims}. */
    public static BackupEngineHandle open(HandleTable table, DirectoryClaims claims, Ownership owner, Path dir)
            throws Exception {
        Files.createDirectories(dir);
        DirectoryClaims.Held claim = claims.claim(DirectoryClaims.Claim.OPEN_ENGINE, List.of(dir));
        return table.add(ref -> {
            try {
                return BackupEngineHandle.open(ref, owner, claim, new BackupEngineOptions(dir.toString()),
                        new BackupSlots(2));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The typed engine lookup. */
    public static BackupEngineHandle lookup(HandleTable table, OtpErlangObject term) throws RequestException {
        return BackupEngineHandle.of(table, term);
    }
}
