package io.rocksdbjnode.handle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Directory claims for tests: claims that must succeed, and claims kept by kind and paths to release later. */
public final class Claims {
    private record Kept(DirectoryClaims.Claim kind, List<Path> dirs, DirectoryClaims.Held held) {}

    private final DirectoryClaims claims;
    private final List<Kept> kept = new ArrayList<>();

    public Claims(DirectoryClaims claims) {
        this.claims = claims;
    }

    /** A claim that must be granted (an open's, for a handle). */
    public static DirectoryClaims.Held held(DirectoryClaims claims, DirectoryClaims.Claim kind, Path dir) {
        try {
            return claims.claim(kind, List.of(dir));
        } catch (DirectoryClaims.Busy busy) {
            throw new AssertionError("claim refused: " + busy.blocker(), busy);
        }
    }

    /** A claim on a directory no other test code claims: for handles whose directory does not matter. */
    public static DirectoryClaims.Held unshared(Path dir) {
        return held(new DirectoryClaims(), DirectoryClaims.Claim.OPEN_DB, dir);
    }

    /** Claims, keeping the claim: empty when granted, else what blocks it. */
    public Optional<DirectoryClaims.Blocker> claim(DirectoryClaims.Claim kind, List<Path> dirs) {
        try {
            kept.add(new Kept(kind, List.copyOf(dirs), claims.claim(kind, dirs)));
            return Optional.empty();
        } catch (DirectoryClaims.Busy busy) {
            return Optional.of(busy.blocker());
        }
    }

    /** Releases one kept claim of this kind on these paths. */
    public void release(DirectoryClaims.Claim kind, List<Path> dirs) {
        for (Kept k : kept) {
            if (k.kind() == kind && k.dirs().equals(dirs)) {
                k.held().release();
                kept.remove(k);
                return;
            }
        }
        throw new AssertionError("no claim " + kind + " " + dirs + " kept");
    }
}
