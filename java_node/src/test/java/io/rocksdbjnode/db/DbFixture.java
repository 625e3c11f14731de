package io.rocksdbjnode.db;

import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Opens real DBs into a table, for the tests of other packages (handle/). */
public final class DbFixture {
    private DbFixture() {}

    /** A DB created at {@code dir}, in {@code table}, holding its open claim in {@code claims}. */
    public static DbHandle open(HandleTable table, DirectoryClaims claims, Ownership owner, Path dir) throws Exception {
        Files.createDirectories(dir.getParent());
        DirectoryClaims.Held claim = claims.claim(DirectoryClaims.Claim.OPEN_DB, List.of(dir));
        Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dir.toString());
        return table.add(ref -> new DbHandle(ref, owner, db, java.util.List.of(o), claim, false, false));
    }
}
