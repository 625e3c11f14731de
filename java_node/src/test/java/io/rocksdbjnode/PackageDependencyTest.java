package io.rocksdbjnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies point one way, root -> db, backup -> handle -> wire (DESIGN.md, "The
 * rooms"): read from the main sources' package and import lines (and any fully qualified name),
 * no class may name a package above its own, nor db/ and backup/ each other.
 */
class PackageDependencyTest {
    private static final Path SOURCES = Path.of("src/main/java/io/rocksdbjnode");
    /** Each package's floor; a package may use those strictly below it, and its own. */
    private static final Map<String, Integer> LEVEL = Map.of("wire", 0, "handle", 1, "db", 2, "backup", 2, "", 3);
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.rocksdbjnode(?:\\.(\\w+))?;", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.rocksdbjnode(?:\\.(\\w+))?\\.([A-Z]\\w*)");

    /** The references in {@code source}, a file of package {@code from}, to packages it may not use. */
    static List<String> violations(String from, String source) {
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(PACKAGE.matcher(source).replaceAll(""));
        while (m.find()) {
            String to = m.group(1) == null ? "" : m.group(1);
            if (to.equals(from)) {
                continue;
            }
            Integer level = LEVEL.get(to);
            if (level == null || level >= LEVEL.get(from)) {
                out.add((from.isEmpty() ? "(root)" : from) + " -> " + m.group());
            }
        }
        return out;
    }

    @Test
    void dependenciesPointOneWay() throws IOException {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(SOURCES)) {
            for (Path p : all.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(p);
                Matcher pkg = PACKAGE.matcher(source);
                assertTrue(pkg.find(), p + " has no io.rocksdbjnode package line");
                String from = pkg.group(1) == null ? "" : pkg.group(1);
                assertTrue(LEVEL.containsKey(from), p + " is in a package the rooms do not know: " + from);
                violations(from, source).forEach(v -> wrong.add(p.getFileName() + ": " + v));
                files++;
            }
        }
        assertTrue(files > 20, "read only " + files + " source files from " + SOURCES.toAbsolutePath());
        assertEquals(List.of(), wrong);
    }

    /** The check itself catches each kind of arrow running back. */
    @Test
    void theCheckSeesArrowsRunningBack() {
        assertEquals(List.of("handle -> io.rocksdbjnode.db.DbHandle"),
                violations("handle", "package io.rocksdbjnode.handle;\nimport io.rocksdbjnode.db.DbHandle;\n"));
        assertEquals(List.of("wire -> io.rocksdbjnode.handle.Handle"),
                violations("wire", "import io.rocksdbjnode.handle.Handle;"));
        assertEquals(List.of("db -> io.rocksdbjnode.backup.BackupOps"),
                violations("db", "import io.rocksdbjnode.backup.BackupOps;"));
        assertEquals(List.of("backup -> io.rocksdbjnode.db.DbHandle"),
                violations("backup", "x = new io.rocksdbjnode.db.DbHandle();"));
        assertEquals(List.of("wire -> io.rocksdbjnode.NodeConfig"),
                violations("wire", "import io.rocksdbjnode.NodeConfig;"));
        assertEquals(List.of(), violations("", "import io.rocksdbjnode.db.DbOps;\nimport io.rocksdbjnode.backup.BackupOps;"));
        assertEquals(List.of(), violations("db", "import io.rocksdbjnode.handle.Handle;\nimport io.rocksdbjnode.wire.Terms;"));
    }
}
