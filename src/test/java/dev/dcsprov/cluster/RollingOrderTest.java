package dev.dcsprov.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RollingOrderTest {
    static final List<String> MEMBERS = List.of("a", "b", "c");

    @Test
    void followersFirstInInventoryOrder() {
        assertEquals(Optional.of(new RollingOrder.Next("b", Optional.empty())), RollingOrder.next(MEMBERS, "a", MEMBERS));
        assertEquals(Optional.of(new RollingOrder.Next("a", Optional.empty())), RollingOrder.next(MEMBERS, "b", MEMBERS));
    }

    @Test
    void theLeaderLastAfterLeadershipMovesToAnotherMember() {
        assertEquals("b", RollingOrder.next(List.of("a", "b"), "a", MEMBERS).orElseThrow().member(), "the follower first");
        assertEquals(Optional.of(new RollingOrder.Next("a", Optional.of("b"))), RollingOrder.next(List.of("a"), "a", MEMBERS));
        assertEquals(Optional.of(new RollingOrder.Next("c", Optional.of("a"))), RollingOrder.next(List.of("c"), "c", MEMBERS));
    }

    @Test
    void withLimitTheLeaderMovesToAMemberOutsideTheRotation() {
        // Only the leader is rotated (--limit a): every other member is "done" in the sense that it needs nothing.
        assertEquals(Optional.of(new RollingOrder.Next("a", Optional.of("b"))), RollingOrder.next(List.of("a"), "a", MEMBERS));
    }

    @Test
    void aLeaderThatIsNotInTheRotationChangesNothing() {
        assertEquals(Optional.of(new RollingOrder.Next("c", Optional.empty())), RollingOrder.next(List.of("c"), "a", MEMBERS));
    }

    @Test
    void whenLeadershipChangedMidwayTheNewLeaderStillGoesLast() {
        // b was restarted, then c became leader: a goes next, c last.
        assertEquals("a", RollingOrder.next(List.of("a", "c"), "c", MEMBERS).orElseThrow().member());
        assertEquals(Optional.of("a"), RollingOrder.next(List.of("c"), "c", MEMBERS).orElseThrow().moveLeaderTo());
    }

    @Test
    void nothingPendingIsDone() {
        assertEquals(Optional.empty(), RollingOrder.next(List.of(), "a", MEMBERS));
    }

    @Test
    void aSingleMemberClusterHasNobodyToMoveLeadershipTo() {
        assertEquals(Optional.of(new RollingOrder.Next("a", Optional.empty())), RollingOrder.next(List.of("a"), "a", List.of("a")));
    }
}
