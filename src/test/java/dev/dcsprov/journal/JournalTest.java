package dev.dcsprov.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local journal: what it records, what the next run reads from it, and where the test-only kill points fire. */
class JournalTest {
    @TempDir
    Path pki;

    @Test
    void eachStepIsRecordedLocally0600AndOnItsMemberBeforeItHappens() throws Exception {
        List<String> remote = new ArrayList<>();
        Journal j = Journal.open(pki, "rotate-certs-ca", "dcsprov rotate-certs --ca inv.yml",
                (member, e) -> remote.add(member + " " + e.step() + " " + e.state()));
        j.begin("NEW_LEAVES", "dcs-81", "files");
        Path file = Journal.fileOf(pki, "rotate-certs-ca");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JournalEntry e = Journal.readDir(pki, "rotate-certs-ca").orElseThrow();
        assertEquals("dcs-81", e.member());
        assertEquals("files", e.step());
        assertTrue(e.inStep());
        assertEquals("dcsprov rotate-certs --ca inv.yml", e.resume());
        j.done("NEW_LEAVES", "dcs-81", "done");
        j.mark("NEW_LEAVES", "phase-start");
        assertEquals(List.of("dcs-81 files started", "dcs-81 done done"), remote, "operation-wide marks stay local");
        try (var left = Files.list(pki)) {
            assertEquals(List.of("journal-rotate-certs-ca"), left.map(p -> p.getFileName().toString()).toList(), "no temp file left");
        }
    }

    @Test
    void theNextRunOfTheSameOperationFinishesTheMemberLeftMidStepAndOnlyOnce() {
        Journal first = Journal.open(pki, "rotate-certs", "dcsprov rotate-certs inv.yml", Journal.MemberJournals.NONE);
        first.begin("leaf", "dcs-80", "restart");
        Journal other = Journal.open(pki, "rotate-certs-ca", "x", Journal.MemberJournals.NONE);
        assertEquals(Optional.empty(), other.interruptedMember(), "another operation's record is not this run's to finish");
        Journal next = Journal.open(pki, "rotate-certs", "dcsprov rotate-certs inv.yml", Journal.MemberJournals.NONE);
        assertEquals(Optional.of("dcs-80"), next.interruptedMember());
        next.begin("leaf", "dcs-80", "files");
        assertEquals(Optional.empty(), next.interruptedMember(), "once this run started on a member, the old record is handled");
        next.finished("leaf");
        assertFalse(Journal.readDir(pki, "rotate-certs").orElseThrow().interrupted());
        assertEquals(Optional.empty(), Journal.open(pki, "rotate-certs", "", Journal.MemberJournals.NONE).interrupted());
    }

    @Test
    void anotherOperationsRunKeepsTheInterruptedRecordItWouldHaveOverwrittenAndIsToldOfIt() {
        Journal rotation = Journal.open(pki, "rotate-certs-ca", "dcsprov rotate-certs --ca inv.yml", Journal.MemberJournals.NONE);
        rotation.begin("NEW_LEAVES", "dcs-81", "restart");
        Journal join = Journal.open(pki, "member-join", "dcsprov apply inv.yml", Journal.MemberJournals.NONE);
        assertEquals(List.of("rotate-certs-ca"), join.otherInterrupted().stream().map(JournalEntry::operation).toList());
        join.begin("join", "dcs-83", "add");
        join.done("join", "dcs-83", "done");
        join.finished("join");
        Journal again = Journal.open(pki, "rotate-certs-ca", "dcsprov rotate-certs --ca inv.yml", Journal.MemberJournals.NONE);
        assertEquals(Optional.of("dcs-81"), again.interruptedMember(), "the rotation still finishes dcs-81 first");
        assertEquals(List.of(), again.otherInterrupted(), "the finished join is not pending");
        assertEquals(List.of("rotate-certs-ca"), Journal.readAll(pki).stream().filter(JournalEntry::interrupted)
                .map(JournalEntry::operation).toList());
    }

    @Test
    void theSingleRecordOfEarlierReleasesIsReadByItsOperationAndReplacedByItsFirstRecord() throws Exception {
        JournalEntry old = new JournalEntry("rotate-certs", "leaf", "dcs-80", "restart", "started", "dcsprov rotate-certs inv.yml",
                "2026-12-01T06:00:00Z", 9);
        Files.writeString(pki.resolve(Journal.LEGACY_FILE), old.text());
        assertEquals(Optional.empty(), Journal.open(pki, "member-join", "", Journal.MemberJournals.NONE).interrupted());
        Journal next = Journal.open(pki, "rotate-certs", "dcsprov rotate-certs inv.yml", Journal.MemberJournals.NONE);
        assertEquals(Optional.of("dcs-80"), next.interruptedMember());
        assertEquals(List.of(old), Journal.readAll(pki), "status sees it too");
        next.begin("leaf", "dcs-80", "files");
        assertFalse(Files.exists(pki.resolve(Journal.LEGACY_FILE)), "superseded by journal-rotate-certs");
        assertEquals("files", Journal.readDir(pki, "rotate-certs").orElseThrow().step());
    }

    @Test
    void aRunStoppedBetweenMembersIsInterruptedButLeftNoMemberMidStep() {
        Journal j = Journal.open(pki, "rotate-certs", "r", Journal.MemberJournals.NONE);
        j.done("leaf", "dcs-80", "done");
        Journal next = Journal.open(pki, "rotate-certs", "r", Journal.MemberJournals.NONE);
        assertTrue(next.interrupted().isPresent());
        assertEquals(Optional.empty(), next.interruptedMember());
    }

    @Test
    void killPointsMatchOperationPhaseStepAndCountOccurrences() {
        KillPoint k = new KillPoint("rotate-certs-ca:NEW_LEAVES:restart#2, rotate-certs:issued");
        JournalEntry restart = new JournalEntry("rotate-certs-ca", "NEW_LEAVES", "a", "restart", "started", "", "", 1);
        JournalEntry otherPhase = new JournalEntry("rotate-certs-ca", "TRUST_BOTH", "a", "restart", "started", "", "", 1);
        assertFalse(k.reached(otherPhase));
        assertFalse(k.reached(restart), "the first is not the second");
        assertTrue(k.reached(restart));
        assertFalse(k.reached(restart), "only once");
        assertTrue(k.reached(new JournalEntry("rotate-certs", "leaf", "", "issued", "done", "", "", 1)));
        assertFalse(new KillPoint(null).reached(restart));
        assertTrue(new KillPoint("*:*:files").reached(new JournalEntry("x", "y", "m", "files", "started", "", "", 1)));
    }

    @Test
    void aRecordParsesBackAndSomethingElseDoesNot() {
        JournalEntry e = new JournalEntry("rotate-certs", "leaf", "dcs-82", "restart", "started", "dcsprov rotate-certs 'a b.yml'",
                "2026-12-02T06:00:00Z", 42);
        assertEquals(Optional.of(e), JournalEntry.parse(e.text()));
        assertEquals(Optional.empty(), JournalEntry.parse("garbage\n"));
        assertTrue(e.describe().contains("stopped while restarting on dcs-82 with its new files"), e::describe);
    }
}
