package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.journal.JournalEntry;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a restore re-run decides from the journal of an interrupted one and the members' restore-history. */
class RestoreResumeTest {
    static final String SHA = "a".repeat(64);
    static final String OTHER = "b".repeat(64);
    static final RestoreResume.Detail RUN = new RestoreResume.Detail(SHA, "dcs-restored-20261203t060000z", "20261203T060000Z");

    static Optional<JournalEntry> at(String step, String member, String state, RestoreResume.Detail d) {
        return Optional.of(new JournalEntry("restore", RestoreResume.PHASE, member, step, state, "dcsprov restore inv.yml snap.db",
                "2026-12-03T06:00:05Z", 1, d.text()));
    }

    static Map<String, Optional<RestoreResume.History>> histories(String... tokens) {
        Map<String, Optional<RestoreResume.History>> m = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            m.put("dcs-8" + i, tokens[i] == null ? Optional.empty()
                    : Optional.of(new RestoreResume.History(SHA, tokens[i], "/var/lib/etcd/dcs.before-restore-20261203T060000Z")));
        }
        return m;
    }

    @Test
    void theDetailLineRoundTripsThroughTheJournalText() {
        JournalEntry e = at(RestoreResume.START, "dcs-81", JournalEntry.STARTED, RUN).orElseThrow();
        JournalEntry read = JournalEntry.parse(e.text()).orElseThrow();
        assertEquals(Optional.of(RUN), RestoreResume.Detail.parse(read.detail()));
        assertTrue(e.text().contains("detail=sha256=" + SHA + " token="), e.text());
        assertEquals("", JournalEntry.parse(new JournalEntry("rotate-certs", "leaf", "", "issued", "done", "x", "t", 1).text())
                .orElseThrow().detail(), "other operations write no detail line");
    }

    @Test
    void noInterruptedRunIsAPlainRestore() {
        RestoreResume.Decision d = RestoreResume.decide(Optional.empty(), SHA, histories(null, null, null));
        assertEquals(RestoreResume.Kind.RESTORE, d.kind());
        assertEquals(Optional.empty(), d.note());
    }

    @Test
    void killedAfterTheMembersStartedTheSameSnapshotIsFinishedNotRestoredAgainOrRefused() {
        for (String step : new String[] {RestoreResume.STARTED, RestoreResume.HEALTHY}) {
            RestoreResume.Decision d = RestoreResume.decide(at(step, "", JournalEntry.DONE, RUN), SHA, histories(RUN.token(), RUN.token(), RUN.token()));
            assertEquals(RestoreResume.Kind.FINISH, d.kind(), step);
            assertEquals(Optional.of(RUN), d.finishing(), "the interrupted run's token and stamp");
            assertTrue(d.note().orElseThrow().contains("finishes it") && d.note().orElseThrow().contains("restores nothing again"), d.note().get());
        }
    }

    @Test
    void killedWhileStartingOrWritingConfigOrAfterEveryRestoreEndedIsFinishedToo() {
        for (String step : new String[] {RestoreResume.START, RestoreResume.CONFIG, RestoreResume.RESTORE, RestoreResume.DONE}) {
            assertEquals(RestoreResume.Kind.FINISH, RestoreResume.decide(at(step, "dcs-82", JournalEntry.STARTED, RUN), SHA,
                    histories(RUN.token(), RUN.token(), RUN.token())).kind(), step);
        }
    }

    @Test
    void killedBeforeEveryMemberWasRestoredRestoresAgainWithTheUsualChecks() {
        // Mid-restore: dcs-82's restore had not recorded itself yet (its dir may be half restored: moved aside by the re-run).
        RestoreResume.Decision mid = RestoreResume.decide(at(RestoreResume.RESTORE, "dcs-82", JournalEntry.STARTED, RUN), SHA,
                histories(RUN.token(), RUN.token(), "dcs-restored-20261201t000000z"));
        assertEquals(RestoreResume.Kind.RESTORE, mid.kind());
        assertTrue(mid.note().orElseThrow().contains("restores again"), mid.note().get());
        for (String step : new String[] {RestoreResume.STAGE, RestoreResume.STOP, RestoreResume.MOVE_ASIDE}) {
            assertEquals(RestoreResume.Kind.RESTORE, RestoreResume.decide(at(step, "dcs-80", JournalEntry.STARTED, RUN), SHA,
                    histories(null, null, null)).kind(), step);
        }
    }

    @Test
    void anotherSnapshotIsNotTheInterruptedRunsToFinish() {
        RestoreResume.Decision d = RestoreResume.decide(at(RestoreResume.STARTED, "", JournalEntry.DONE, RUN), OTHER,
                histories(RUN.token(), RUN.token(), RUN.token()));
        assertEquals(RestoreResume.Kind.RESTORE, d.kind(), "a new restore, which refuses a serving cluster unless asked");
        assertTrue(d.note().orElseThrow().contains("of another snapshot (SHA-256 " + SHA + ")"), d.note().get());
    }

    @Test
    void membersStartedByTheRunButNotRestoredByItAnyMoreAreRefusedNotRestoredOverNamingThem() {
        DcsprovException e = assertThrows(DcsprovException.class, () -> RestoreResume.decide(at(RestoreResume.STARTED, "", JournalEntry.DONE, RUN),
                SHA, histories(RUN.token(), "someone-elses-token", null)));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("dcs-81, dcs-82 were not restored by it"), e.summary());
        assertTrue(e.detail().orElseThrow().contains("dcs-82 says no restore recorded") && e.detail().get().contains("Nothing was changed."),
                e.detail().get());
    }
}
