package io.rocksdbjnode.handle;

import static io.rocksdbjnode.wire.AcceptingNodeFixture.a;
import static io.rocksdbjnode.wire.AcceptingNodeFixture.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import io.rocksdbjnode.wire.AcceptingNodeFixture;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Ownership as ETS has it, on handles that hold no native object, with owners on a connected
 * client node: only the owner gives a handle away or names its heir, the new owner or the heir is
 * told, an owner's exit passes its handles to their heirs or closes them, and a node's
 * disconnection closes what its processes owned.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnershipOpsTest {
    private static final long SILENCE_MS = 300;
    private static final OtpErlangPid GHOST = new OtpErlangPid("ghost@127.1.2.3", 1, 0, 1);
    private static final OtpErlangObject TAG = a("tag");

    private AcceptingNodeFixture nodes;
    private HandleTable table;
    private OwnershipOps ops;
    private OtpMbox alice;
    private OtpMbox bob;
    private OtpMbox carol;
    private final AtomicInteger closes = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        nodes = new AcceptingNodeFixture();
        table = new HandleTable(nodes.node::createRef);
        ops = new OwnershipOps(table, nodes.outbox, Runnable::run);
        alice = nodes.client.createMbox();
        bob = nodes.client.createMbox();
        carol = nodes.client.createMbox();
    }

    @AfterEach
    void stop() {
        nodes.close();
    }

    private Handle open(OtpErlangPid owner, OtpErlangPid heir, OtpErlangObject heirData) {
        return table.add(ref -> new Handle(ref, Handle.Kind.DB, new Ownership(owner, heir, heirData),
                Claims.unshared(Path.of("/data", "db" + ref.hashCode()))) {
            @Override
            protected void closeNative() {
                closes.incrementAndGet();
            }
        });
    }

    private static Request request(OtpErlangPid from, String name, OtpErlangObject... args) {
        return new Request(from, TAG, name, args);
    }

    private static OtpErlangObject refusal(Executable call) {
        return assertThrows(RequestException.class, call).reply();
    }

    private static OtpErlangObject badarg(OtpErlangObject detail) {
        return t(a("error"), t(a("badarg"), detail));
    }

    private static OtpErlangObject transfer(Handle h, OtpErlangPid from, OtpErlangObject data) {
        return t(a("ROCKSDB-TRANSFER"), h.ref(), from, data);
    }

    private Set<OtpErlangObject> ownersOnTheClientNode() throws RequestException {
        OtpErlangTuple ok = (OtpErlangTuple) ops.owners(request(alice.self(), "owners", a(nodes.client.node())));
        assertEquals(a("ok"), ok.elementAt(0));
        return Set.of(((OtpErlangList) ok.elementAt(1)).elements());
    }

    private OtpErlangObject lookupFailure(OtpErlangRef ref) {
        return refusal(() -> table.lookup(ref, "db"));
    }

    @Test
    void aGiveAwayByAPidThatIsNotTheOwnerIsRefused() throws Exception {
        Handle h = open(alice.self(), null, null);
        assertEquals(badarg(t(a("not_owner"), h.ref())),
                refusal(() -> ops.giveAway(request(bob.self(), "give_away", h.ref(), bob.self(), a("gift")))));
        assertEquals(Set.of(alice.self()), ownersOnTheClientNode());
        assertNull(bob.receive(SILENCE_MS), "bob was told of a handle he did not get");
    }

    @Test
    void aGiveAwayMakesTheRecipientTheOwnerAndTellsIt() throws Exception {
        Handle h = open(alice.self(), null, null);
        assertEquals(a("ok"), ops.giveAway(request(alice.self(), "give_away", h.ref(), bob.self(), a("gift"))));
        assertEquals(transfer(h, alice.self(), a("gift")), bob.receive(5_000));
        assertEquals(Set.of(bob.self()), ownersOnTheClientNode());
        assertEquals(badarg(t(a("not_owner"), h.ref())),
                refusal(() -> ops.setHeir(request(alice.self(), "set_heir", h.ref(), a("none"), a("x")))),
                "the old owner still acts as the owner");
    }

    @Test
    void aGiveAwayOnBehalfOfTheOwnerNamedInItsOptionsActsAsThatOwner() throws Exception {
        Handle h = open(alice.self(), null, null);
        OtpErlangList onBehalf = new OtpErlangList(t(a("owner"), alice.self()));
        assertEquals(a("ok"), ops.giveAway(request(carol.self(), "give_away", h.ref(), bob.self(), a("gift"),
                onBehalf)));
        assertEquals(transfer(h, alice.self(), a("gift")), bob.receive(5_000));
    }

    @Test
    void anOwnerOptionWithMoreThanAPidIsABadArgument() {
        Handle h = open(alice.self(), null, null);
        OtpErlangList twoValues = new OtpErlangList(t(a("owner"), alice.self(), a("extra")));
        assertEquals(badarg(t(a("bad_argument"), a("owner"))),
                refusal(() -> ops.giveAway(request(alice.self(), "give_away", h.ref(), bob.self(), a("gift"),
                        twoValues))));
    }

    @Test
    void aGiftTooDeepToEncodeIsRefusedAndTheOwnerStays() throws Exception {
        Handle h = open(alice.self(), null, null);
        OtpErlangObject gift = AcceptingNodeFixture.nestedTooDeep(1_000_000);
        assertEquals(badarg(t(a("bad_argument"), a("gift_data"))),
                refusal(() -> ops.giveAway(request(alice.self(), "give_away", h.ref(), bob.self(), gift))));
        assertEquals(Set.of(alice.self()), ownersOnTheClientNode());
        assertNull(bob.receive(SILENCE_MS), "bob was told of a handle he did not get");
    }

    @Test
    void anHeirSetByAPidThatIsNotTheOwnerIsRefused() {
        Handle h = open(alice.self(), null, null);
        assertEquals(badarg(t(a("not_owner"), h.ref())),
                refusal(() -> ops.setHeir(request(bob.self(), "set_heir", h.ref(), bob.self(), a("data")))));
    }

    @Test
    void whenTheOwnerExitsTheHeirItSetInheritsWithItsData() throws Exception {
        Handle h = open(alice.self(), null, null);
        assertEquals(a("ok"), ops.setHeir(request(alice.self(), "set_heir", h.ref(), bob.self(), a("heir_data"))));
        assertEquals(t(a("ok"), new OtpErlangList(t(h.ref(), bob.self()))),
                ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(transfer(h, alice.self(), a("heir_data")), bob.receive(5_000));
        assertEquals(Set.of(bob.self()), ownersOnTheClientNode());
        assertEquals(0, closes.get());
    }

    @Test
    void anHeirSetToNoneInheritsNothing() throws Exception {
        Handle h = open(alice.self(), bob.self(), a("heir_data"));
        assertEquals(a("ok"), ops.setHeir(request(alice.self(), "set_heir", h.ref(), a("none"), a("ignored"))));
        assertEquals(t(a("ok"), new OtpErlangList()), ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(1, closes.get());
        assertNull(bob.receive(SILENCE_MS), "bob inherited after the heir was set to none");
    }

    /** As in ETS, the heir does not stay the heir of what it inherited. */
    @Test
    void anInheritedHandleHasNoHeir() throws Exception {
        Handle h = open(alice.self(), bob.self(), a("heir_data"));
        ops.ownerDown(request(alice.self(), "owner_down", alice.self()));
        assertEquals(transfer(h, alice.self(), a("heir_data")), bob.receive(5_000));
        assertEquals(a("ok"), ops.giveAway(request(bob.self(), "give_away", h.ref(), carol.self(), a("gift"))));
        assertEquals(transfer(h, bob.self(), a("gift")), carol.receive(5_000));
        assertEquals(t(a("ok"), new OtpErlangList()), ops.ownerDown(request(carol.self(), "owner_down", carol.self())));
        assertEquals(badarg(t(a("closed_handle"), h.ref())), lookupFailure(h.ref()));
        assertNull(bob.receive(SILENCE_MS), "bob inherited a second time");
    }

    @Test
    void whenAnOwnerWithoutAnHeirExitsItsHandlesAreClosedAndNoOneElses() throws Exception {
        Handle mine = open(alice.self(), null, null);
        Handle theirs = open(bob.self(), null, null);
        assertEquals(t(a("ok"), new OtpErlangList()), ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(1, closes.get());
        assertEquals(badarg(t(a("closed_handle"), mine.ref())), lookupFailure(mine.ref()));
        assertEquals(theirs, table.lookup(theirs.ref(), "db"));
    }

    @Test
    void anOwnerThatIsItsOwnHeirHasItsHandleClosedWhenItExits() throws Exception {
        Handle h = open(alice.self(), alice.self(), a("heir_data"));
        assertEquals(t(a("ok"), new OtpErlangList()), ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(1, closes.get());
        assertEquals(badarg(t(a("closed_handle"), h.ref())), lookupFailure(h.ref()));
        assertNull(alice.receive(SILENCE_MS), "the exited owner was told it inherited");
    }

    @Test
    void anHeirWhoseDataCannotBeEncodedDoesNotInheritAndTheHandleIsClosed() throws Exception {
        Handle h = open(alice.self(), bob.self(), AcceptingNodeFixture.nestedTooDeep(1_000_000));
        assertEquals(t(a("ok"), new OtpErlangList()), ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(1, closes.get());
        assertEquals(badarg(t(a("closed_handle"), h.ref())), lookupFailure(h.ref()));
    }

    @Test
    void ownersListsEachOwnerOnTheNodeOnce() throws Exception {
        open(alice.self(), null, null);
        open(alice.self(), null, null);
        open(bob.self(), null, null);
        open(GHOST, null, null);
        assertEquals(Set.of(alice.self(), bob.self()), ownersOnTheClientNode());
    }

    @Test
    void ownersOfANodeThatIsNotAnAtomIsABadArgument() {
        assertEquals(badarg(t(a("bad_argument"), a("node"))),
                refusal(() -> ops.owners(request(alice.self(), "owners", new OtpErlangList()))));
    }

    @Test
    void aNodeDisconnectingClosesWhatItsProcessesOwnedAndNothingElse() throws Exception {
        Handle mine = open(alice.self(), null, null);
        Handle ghosts = open(GHOST, null, null);
        ops.nodeDown(nodes.client.node());
        assertEquals(1, closes.get());
        assertEquals(badarg(t(a("closed_handle"), mine.ref())), lookupFailure(mine.ref()));
        assertEquals(ghosts, table.lookup(ghosts.ref(), "db"));
    }
    /** The log lines {@link OwnershipOps} writes while {@code action} runs. */
    private static List<String> logged(Executable action) throws Throwable {
        Logger log = Logger.getLogger(OwnershipOps.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(capture);
        try {
            action.execute();
        } finally {
            log.removeHandler(capture);
        }
        return lines;
    }

    @Test
    void theLogSaysWhyAnHeirThatCannotBeToldDidNotInherit() throws Throwable {
        Handle h = open(alice.self(), GHOST, a("heir_data"));
        List<String> lines = logged(() -> ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(List.of("closed db " + h.ref() + ": its owner " + alice.self() + " exited and its heir " + GHOST
                + " cannot be told: node " + GHOST.node() + " is not connected"), lines);
    }

    @Test
    void theLogSaysWhyAHandleWithoutAnHeirWasClosed() throws Throwable {
        Handle h = open(alice.self(), alice.self(), a("heir_data"));
        List<String> lines = logged(() -> ops.ownerDown(request(alice.self(), "owner_down", alice.self())));
        assertEquals(List.of("closed db " + h.ref() + ": its owner " + alice.self() + " exited"), lines);
    }

    @Test
    void theLogNamesEachHandleANodesDisconnectionClosed() throws Throwable {
        Handle h = open(alice.self(), null, null);
        List<String> lines = logged(() -> ops.nodeDown(nodes.client.node()));
        assertEquals(List.of("closed db " + h.ref() + ": node " + nodes.client.node() + " disconnected"), lines);
    }
}
