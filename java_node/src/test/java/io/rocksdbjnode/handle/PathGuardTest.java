package io.rocksdbjnode.handle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.wire.RequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path arguments: absolute and normalised, symlinks followed, and confined to the roots when there are roots. */
class PathGuardTest {
    @TempDir
    Path tmpDir;

    private Path tmp;
    private Path root;
    private Path outside;

    @BeforeEach
    void setUp() throws IOException {
        tmp = tmpDir.toRealPath();
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    private static OtpErlangBinary bin(String s) {
        return new OtpErlangBinary(s.getBytes(UTF_8));
    }

    private static OtpErlangBinary bin(Path p) {
        return bin(p.toString());
    }

    private static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    private static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    private static OtpErlangObject forbidden(OtpErlangObject term) {
        return t(a("error"), t(a("forbidden_path"), term));
    }

    private static void assertReply(OtpErlangObject expected, PathGuard g, OtpErlangObject term, String name) {
        RequestException e = assertThrows(RequestException.class, () -> g.resolve(term, name));
        assertEquals(expected, e.reply());
    }

    private PathGuard confined() throws IOException {
        return new PathGuard(List.of(root));
    }

    private static PathGuard unconfined() throws IOException {
        return new PathGuard(List.of());
    }

    @Test
    void relativePathIsBadarg() throws IOException {
        OtpErlangObject relative = t(a("error"), t(a("badarg"), t(a("relative_path"), a("path"))));
        assertReply(relative, unconfined(), bin("db"), "path");
        assertReply(relative, unconfined(), bin("./db"), "path");
        assertReply(relative, unconfined(), bin("../etc"), "path");
        assertReply(relative, unconfined(), bin(""), "path");
        assertReply(t(a("error"), t(a("badarg"), t(a("relative_path"), a("db_dir")))), confined(), bin("x/y"), "db_dir");
    }

    @Test
    void nonTextIsBadPath() throws IOException {
        assertReply(t(a("error"), t(a("badarg"), t(a("bad_path"), a("path")))), unconfined(), a("db"), "path");
        assertReply(t(a("error"), t(a("badarg"), t(a("bad_path"), a("path")))), unconfined(),
                new OtpErlangBinary(new byte[] {'/', (byte) 0xFF}), "path");
    }

    @Test
    void dotDotIsNormalisedAway() throws Exception {
        PathGuard g = unconfined();
        assertEquals(tmp.resolve("b"), g.resolve(bin(tmp + "/a/../b"), "path"));
        assertEquals(tmp.resolve("a/c"), g.resolve(bin(tmp + "/a/./b/../c/"), "path"));
        assertEquals(Path.of("/x/y"), g.resolve(bin("/x/nonexistent/../y"), "path"));
        assertEquals(Path.of("/"), g.resolve(bin("/.."), "path"));
    }

    @Test
    void stringsAndBinariesResolveTheSame() throws Exception {
        PathGuard g = confined();
        Path want = root.resolve("db");
        assertEquals(want, g.resolve(bin(want), "path"));
        assertEquals(want, g.resolve(new OtpErlangString(want.toString()), "path"));
    }

    @Test
    void withoutRootsEverythingAbsoluteIsAllowed() throws Exception {
        PathGuard g = unconfined();
        assertEquals(List.of(), g.roots());
        assertEquals(Path.of("/nonexistent-dir/db"), g.resolve(bin("/nonexistent-dir/db"), "path"));
        assertEquals(outside.resolve("db"), g.resolve(bin(outside.resolve("db")), "path"));
        assertEquals(Path.of("/"), g.resolve(bin("/"), "path"));
    }

    @Test
    void insideTheRootIsAllowed() throws Exception {
        PathGuard g = confined();
        assertEquals(List.of(root), g.roots());
        assertEquals(root, g.resolve(bin(root), "path"));
        assertEquals(root.resolve("db"), g.resolve(bin(root.resolve("db")), "path"));
        assertEquals(root.resolve("a/b/c"), g.resolve(bin(root.resolve("a/b/c")), "path"));
        assertEquals(root.resolve("b"), g.resolve(bin(root + "/a/../b"), "path"));
    }

    @Test
    void escapingWithDotDotIsForbiddenAndEchoesTheTerm() throws Exception {
        PathGuard g = confined();
        OtpErlangBinary escape = bin(root + "/../x");
        assertReply(forbidden(escape), g, escape, "path");
        OtpErlangString escapeString = new OtpErlangString(root + "/db/../../outside");
        assertReply(forbidden(escapeString), g, escapeString, "path");
        // A sibling whose name merely starts with the root's name is outside it.
        OtpErlangBinary sibling = bin(root + "2/db");
        assertReply(forbidden(sibling), g, sibling, "path");
        OtpErlangBinary elsewhere = bin(outside.resolve("db"));
        assertReply(forbidden(elsewhere), g, elsewhere, "path");
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void symlinkInsideTheRootPointingOutsideIsForbidden() throws Exception {
        Files.createSymbolicLink(root.resolve("escape"), outside);
        PathGuard g = confined();
        OtpErlangBinary link = bin(root.resolve("escape"));
        assertReply(forbidden(link), g, link, "path");
        OtpErlangBinary through = bin(root.resolve("escape/db"));
        assertReply(forbidden(through), g, through, "path");
        Files.createDirectories(outside.resolve("existing"));
        OtpErlangBinary throughExisting = bin(root.resolve("escape/existing"));
        assertReply(forbidden(throughExisting), g, throughExisting, "path");
    }

    @Test
    void symlinkToAFileOutsideIsForbidden() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret"), "x");
        Files.createSymbolicLink(root.resolve("secret"), secret);
        OtpErlangBinary link = bin(root.resolve("secret"));
        assertReply(forbidden(link), confined(), link, "path");
    }

    @Test
    void symlinkPointingInsideIsAllowedAndResolved() throws Exception {
        Path real = Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), real);
        Files.createSymbolicLink(root.resolve("relative-alias"), Path.of("real"));
        PathGuard g = confined();
        assertEquals(real, g.resolve(bin(root.resolve("alias")), "path"));
        assertEquals(real, g.resolve(bin(root.resolve("relative-alias")), "path"));
        assertEquals(real.resolve("db"), g.resolve(bin(root.resolve("alias/db")), "path"));
    }

    @Test
    void notYetExistingPathUnderASymlinkedDirResolvesThroughTheLink() throws Exception {
        Path real = Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), real);
        PathGuard g = confined();
        Path resolved = g.resolve(bin(root.resolve("alias/new/deeper/db")), "path");
        assertEquals(real.resolve("new/deeper/db"), resolved);
        assertFalse(Files.exists(real.resolve("new")), "resolving must not create anything");
        // Without roots, the same resolution.
        assertEquals(real.resolve("new/deeper/db"), unconfined().resolve(bin(root.resolve("alias/new/deeper/db")), "path"));
    }

    @Test
    void aRootThatIsASymlinkConfinesToItsTarget() throws Exception {
        Path link = tmp.resolve("root-link");
        Files.createSymbolicLink(link, root);
        PathGuard g = new PathGuard(List.of(link));
        assertEquals(List.of(root), g.roots());
        // Paths given through the link and through the target are both inside.
        assertEquals(root.resolve("db"), g.resolve(bin(link.resolve("db")), "path"));
        assertEquals(root.resolve("db"), g.resolve(bin(root.resolve("db")), "path"));
        OtpErlangBinary out = bin(link + "/../outside");
        assertReply(forbidden(out), g, out, "path");
    }

    @Test
    void anyOfSeveralRootsWill() throws Exception {
        Path second = Files.createDirectories(tmp.resolve("second"));
        PathGuard g = new PathGuard(List.of(root, second));
        assertEquals(root.resolve("a"), g.resolve(bin(root.resolve("a")), "path"));
        assertEquals(second.resolve("b"), g.resolve(bin(second.resolve("b")), "path"));
        OtpErlangBinary out = bin(outside.resolve("c"));
        assertReply(forbidden(out), g, out, "path");
    }

    @Test
    void missingRootIsRefusedAtConstruction() {
        assertThrows(IOException.class, () -> new PathGuard(List.of(tmp.resolve("no-such-root"))));
    }
    /**
     * A dangling symlink is followed by hand: the path is where its target would be created, so
     * the roots are checked against that place, not the link's.
     */
    @Test
    void aPathThroughADanglingSymlinkIsTakenWhereItsTargetWouldBe() throws Exception {
        Path gone = tmp.toRealPath().resolve("gone");
        Path link = Files.createSymbolicLink(root.resolve("dangling"), gone);
        assertEquals(gone.resolve("db"), PathGuard.realize(link.resolve("db")));
        assertEquals(gone.resolve("db"), unconfined().resolve(bin(link.resolve("db")), "path"));
        Path chained = Files.createSymbolicLink(root.resolve("to_dangling"), link);
        assertEquals(gone.resolve("db"), PathGuard.realize(chained.resolve("db")), "a chain of links");
    }

    /**
     * Dangling links are followed by hand as the kernel follows links, 40 at most: a chain of 40
     * leads to where its last target would be, a chain of 41 stops at its 41st link.
     */
    @Test
    void aChainOfDanglingLinksIsFollowedFortyLinksDeep() throws Exception {
        Path gone = tmp.resolve("gone");
        assertEquals(gone.resolve("db"), PathGuard.realize(danglingChain("forty", 40, gone).resolve("db")));
        Path first = danglingChain("forty_one", 41, gone);
        assertEquals(root.resolve("forty_one_40").resolve("db"), PathGuard.realize(first.resolve("db")));
    }

    /** Links {@code name_0 -> name_1 -> ... -> name_(n-1) -> target} in the root; returns the first. */
    private Path danglingChain(String name, int n, Path target) throws IOException {
        Path next = target;
        for (int i = n - 1; i >= 0; i--) {
            next = Files.createSymbolicLink(root.resolve(name + "_" + i), next);
        }
        return next;
    }

    /** A loop of dangling links is not followed for ever: the path is kept as written. */
    @Test
    void aLoopOfSymlinksIsKeptAsWritten() throws Exception {
        Path a = root.resolve("loop_a");
        Path b = root.resolve("loop_b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        Path p = PathGuard.realize(a.resolve("db"));
        assertTrue(p.endsWith(Path.of("db")), p.toString());
    }

    /** realize stops at the first existing prefix; a relative path none of whose prefixes exist is kept. */
    @Test
    void aPathWithNoExistingPrefixIsKept() {
        Path relative = Path.of("no-such-dir-" + System.nanoTime(), "db");
        assertEquals(relative, PathGuard.realize(relative));
    }
}
