package io.rocksdbjnode.handle;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a path from a request into the path the node works on: absolute, normalised, with the
 * symlinks of its existing part followed. With confinement roots ({@code --root}), a path that
 * does not then lie inside a root is refused with {@code {error, {forbidden_path, Path}}} before
 * anything touches the file system beyond reading links.
 */
public final class PathGuard {
    private final List<Path> roots;

    /** Roots must exist; they are resolved once, here. An empty list confines nothing. */
    public PathGuard(List<Path> roots) throws IOException {
        List<Path> real = new ArrayList<>();
        for (Path r : roots) {
            real.add(r.toAbsolutePath().normalize().toRealPath());
        }
        this.roots = List.copyOf(real);
    }

    List<Path> roots() {
        return roots;
    }

    /** Resolves a path argument; {@code argName} names it in badarg replies. */
    public Path resolve(OtpErlangObject term, String argName) throws RequestException {
        String raw = Terms.text(term, argName);
        Path p;
        try {
            p = Path.of(raw);
        } catch (InvalidPathException e) {
            throw RequestException.badPath(argName);
        }
        if (!p.isAbsolute() || raw.isEmpty()) {
            throw RequestException.relativePath(argName);
        }
        Path real = realize(p.normalize());
        if (!roots.isEmpty() && roots.stream().noneMatch(real::startsWith)) {
            throw RequestException.forbiddenPath(term);
        }
        return real;
    }

    /** Links followed by hand (dangling ones) before giving up, as the kernel's ELOOP limit. */
    private static final int MAX_DANGLING_HOPS = 40;

    /**
     * Follows the symlinks of the longest existing prefix, then appends the rest, repeating
     * normalisation so that a {@code ..} after a symlink is taken relative to its target.
     */
    static Path realize(Path normalized) {
        return realize(normalized, 0);
    }

    private static Path realize(Path normalized, int hops) {
        Path existing = normalized;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return normalized;
        }
        try {
            Path real = existing.toRealPath();
            Path rest = existing.relativize(normalized);
            return rest.toString().isEmpty() ? real : real.resolve(rest).normalize();
        } catch (IOException e) {
            // A dangling symlink: follow it by hand, so that the roots are checked against where
            // its target would be created, not against the link's own place.
            if (hops < MAX_DANGLING_HOPS && Files.isSymbolicLink(existing)) {
                try {
                    Path target = existing.resolveSibling(Files.readSymbolicLink(existing));
                    return realize(target.resolve(existing.relativize(normalized)).normalize(), hops + 1);
                } catch (IOException | RuntimeException unreadable) {
                    return normalized;
                }
            }
            return normalized;
        }
    }
}
