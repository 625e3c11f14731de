package io.rocksdbjnode.backup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * A DB that is not open on this node, opened read-only for a backup by path with every one of
 * its column families: a read-only open of fewer would make RocksDB back up only their files,
 * while the backup's MANIFEST names them all (the restored DB would not open).
 */
final class ReadOnlySource implements AutoCloseable {
    private final RocksDB db;
    private final List<ColumnFamilyHandle> families;
    private final List<AutoCloseable> natives;

    private ReadOnlySource(RocksDB db, List<ColumnFamilyHandle> families, List<AutoCloseable> natives) {
        this.db = db;
        this.families = families;
        this.natives = natives;
    }

    static ReadOnlySource open(Path dir) throws RocksDBException {
        List<AutoCloseable> natives = new ArrayList<>();
        try {
            List<byte[]> names;
            try (Options listing = new Options()) {
                names = RocksDB.listColumnFamilies(listing, dir.toString());
            }
            ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
            natives.add(cfOptions);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
            }
            if (descriptors.isEmpty()) {
                descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
            }
            DBOptions dbOptions = new DBOptions();
            natives.add(dbOptions);
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles);
            return new ReadOnlySource(db, handles, natives);
        } catch (RocksDBException | RuntimeException e) {
            closeAll(natives);
            throw e;
        }
    }

    RocksDB db() {
        return db;
    }

    /** Every column family of the DB, in the order its MANIFEST lists them. */
    List<ColumnFamilyHandle> families() {
        return families;
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : families) {
            h.close();
        }
        db.close();
        closeAll(natives);
    }

    private static void closeAll(List<AutoCloseable> natives) {
        for (AutoCloseable n : natives) {
            try {
                n.close();
            } catch (Exception ignored) {
                // a freed option object has nothing left to release
            }
        }
    }
}
