package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Once loaded, rocksdbjni's copy of its library is deleted from the temporary directory, and RocksDB works on. */
class NativeLibraryFilesTest {
    @TempDir
    Path tmp;

    @Test
    void theLoadedCopyIsDeletedAndRocksDbStillWorks() throws Exception {
        RocksDB.loadLibrary();
        NativeLibraryFiles.unlinkExtracted();
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        List<Path> stillThere;
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            stillThere = maps.filter(l -> l.contains("librocksdbjni"))
                    .map(l -> Path.of(l.substring(l.indexOf('/')).replace(" (deleted)", "")))
                    .filter(p -> tmpdir.equals(p.getParent()) && Files.exists(p)).distinct().toList();
        }
        assertEquals(List.of(), stillThere, "copies of the library left in " + tmpdir);
        try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, tmp.toString())) {
            db.put("k".getBytes(), "v".getBytes());
            assertArrayEquals("v".getBytes(), db.get("k".getBytes()));
        }
    }
}
