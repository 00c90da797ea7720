package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.FakeEtcdCluster;
import dev.dcsprov.cluster.RollingRestart;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * retry_timeout: what Patroni tolerates of etcd without quorum. Restarts of a one- or two-member cluster (a fake one)
 * are announced, measured on a fake clock and stop the run before the next one after an overrun; restore's warnings.
 */
class DcsOutageTest {
    static final RollingRestart.Labels LABELS = new RollingRestart.Labels("the rotation", "run rotate-certs again", "its new certificate");

    /** A running Patroni leader of scope main as the probe reports it, with these dynamic settings and /patroni fields. */
    static PatroniFacts patroni(String config, String extra) {
        return PatroniProbe.parse("""
                {"now": 100.0, "load": "loaded", "active": "active", "user": true, "sections": [],
                 "rest": {"patroni": {"state": "running", "role": "master", "dcs_last_seen": 99, "patroni": {"scope": "main"}%s},
                 "config": %s, "cluster": {"members": []}}}
                """.formatted(extra, config));
    }

    static final PatroniFacts UNPAUSED = patroni("{\"ttl\": 30, \"loop_wait\": 10, \"retry_timeout\": 10}", "");

    final List<String> progress = new ArrayList<>();
    final long[] clock = {0};
    final AtomicInteger reads = new AtomicInteger();

    DcsOutage outage(Map<String, PatroniFacts> facts, int members) {
        return new DcsOutage(() -> {
            reads.incrementAndGet();
            return facts;
        }, () -> clock[0], progress::add, members);
    }

    /** The rolling restart of the fake cluster, each restart taking {@code seconds} on the outage's clock. */
    List<String> roll(FakeEtcdCluster fake, DcsOutage outage, long seconds, String... members) {
        RollingRestart rolling = new RollingRestart(fake, fake.members(), member -> {
            clock[0] += seconds * 1_000_000_000L;
            fake.restart(member);
        }, progress::add, fake);
        return rolling.run(List.of(members), new RollingRestart.Hooks() {
            @Override
            public void before(ClusterMember m) {
                outage.before(m.name());
            }

            @Override
            public void after(ClusterMember m) {
                outage.after(m.name());
            }
        }, LABELS);
    }

    static List<String> restarts(FakeEtcdCluster fake) {
        return fake.events.stream().filter(e -> e.startsWith("restart ")).toList();
    }

    @Test
    void theRollingRestartHookOfEveryClientDeliveryRunsJustBeforeAndAfterEachRestart() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("c");
        dev.dcsprov.rotate.ClientDelivery clients = new dev.dcsprov.rotate.ClientDelivery() {
            @Override
            public void beforeMember(String member) {
                fake.events.add("before " + member);
            }

            @Override
            public void afterMember(String member) {
                fake.events.add("after " + member);
            }
        };
        new RollingRestart(fake, fake.members(), fake, progress::add, fake).run(List.of("a", "c"), clients.afterEachMember(), LABELS);
        assertEquals(List.of("before a", "restart a", "after a", "before c", "restart c", "after c"), fake.events.stream()
                .filter(e -> e.startsWith("before ") || e.startsWith("restart ") || e.startsWith("after ")).toList());
    }

    @Test
    void theDynamicSettingsArePatronisOwnOrItsDefaults() {
        PatroniFacts f = patroni("{\"ttl\": 40, \"loop_wait\": 5, \"retry_timeout\": 15, \"failsafe_mode\": true}", ", \"pause\": true");
        assertEquals(15, f.retryTimeout());
        assertTrue(f.paused());
        assertTrue(f.failsafeMode());
        assertFalse(f.demotesWithoutDcs());
        assertEquals("ttl 40 s, loop_wait 5 s, retry_timeout 15 s", f.dcsSettings());
        PatroniFacts none = PatroniProbe.parse("{\"load\": \"loaded\", \"active\": \"inactive\", \"rest\": {}}");
        assertEquals(10, none.retryTimeout());
        assertFalse(none.demotesWithoutDcs(), "a stopped Patroni demotes nothing");
        assertTrue(UNPAUSED.demotesWithoutDcs());
    }

    @Test
    void aRestartThatCostsQuorumIsAnnouncedAndMeasuredAgainstRetryTimeout() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b").leader("b");
        DcsOutage outage = outage(Map.of("pg1", UNPAUSED), 2);
        roll(fake, outage, 2, "a", "b");
        assertEquals(List.of("restart a", "restart b"), restarts(fake));
        assertTrue(progress.contains("restarting a leaves etcd without quorum until it is back (a cluster of 2 members): Patroni on pg1 "
                + "demotes its primary if that lasts longer than retry_timeout (10 s); 'patronictl pause' before the run avoids that"), progress::toString);
        assertTrue(progress.stream().anyMatch(l -> l.matches("etcd was without quorum for at most 2\\.\\d s while a restarted; "
                + "Patroni tolerates 10 s \\(retry_timeout\\)")), progress::toString);
    }

    @Test
    void aRestartLongerThanRetryTimeoutStopsTheRunBeforeTheNextMember() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b").leader("b");
        DcsOutage outage = outage(Map.of("pg1", UNPAUSED), 2);
        DcsprovException e = assertThrows(DcsprovException.class, () -> roll(fake, outage, 12, "a", "b"));
        assertEquals(List.of("restart a"), restarts(fake), "b is not restarted: " + fake.events);
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("b was not restarted: etcd was without quorum for at most 12."), e.summary());
        assertTrue(e.summary().contains("longer than Patroni's retry_timeout (10 s) on pg1"), e.summary());
        assertTrue(e.detail().orElseThrow().contains("Done: a. Still to do: b"), e.detail().orElseThrow());
        assertTrue(progress.stream().anyMatch(l -> l.contains("its primary may have demoted")), progress::toString);
    }

    @Test
    void anOverrunInOnePhaseStopsTheNextPhasesRestartButCloseCallsOnlyWarn() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a");
        DcsOutage outage = outage(Map.of("pg1", UNPAUSED), 1);
        roll(fake, outage, 6, "a");
        assertTrue(progress.stream().anyMatch(l -> l.contains("more than half of Patroni's retry_timeout (10 s)")), progress::toString);
        roll(fake, outage, 11, "a");
        assertThrows(DcsprovException.class, () -> roll(fake, outage, 1, "a"), "the same DcsOutage carries a CA rotation's phases");
        assertEquals(2, restarts(fake).size());
    }

    @Test
    void aPausedOrFailsafePatroniOrABiggerClusterIsNotAStop() {
        FakeEtcdCluster one = new FakeEtcdCluster("a");
        PatroniFacts paused = patroni("{\"retry_timeout\": 10}", ", \"pause\": true");
        DcsOutage outage = outage(Map.of("pg1", paused), 1);
        roll(one, outage, 30, "a");
        roll(one, outage, 30, "a");
        assertEquals(2, restarts(one).size());
        assertTrue(progress.contains("restarting a leaves etcd without quorum until it is back (a cluster of 1 member); no running "
                + "Patroni would demote (paused, failsafe_mode, or not running)"), progress::toString);

        progress.clear();
        reads.set(0);
        FakeEtcdCluster three = new FakeEtcdCluster("a", "b", "c").leader("c");
        DcsOutage big = outage(Map.of("pg1", UNPAUSED), 3);
        roll(three, big, 30, "a", "b", "c");
        assertEquals(3, restarts(three).size(), "a quorum stays up: no stop, however long a restart takes");
        assertEquals(0, reads.get(), "Patroni is not even asked");
        assertFalse(progress.stream().anyMatch(l -> l.contains("quorum")), progress::toString);
    }

    @Test
    void restoreWarnsForEachPatroniClusterNotPausedAndForHostsItCouldNotAsk() {
        Map<String, PatroniFacts> facts = new LinkedHashMap<>();
        facts.put("pg1", UNPAUSED);
        facts.put("pg2", patroni("{\"retry_timeout\": 7}", ""));
        facts.put("pg3", patroni("{\"retry_timeout\": 10, \"failsafe_mode\": true}", ""));
        facts.put("pg4", PatroniProbe.parse("{\"load\": \"loaded\", \"active\": \"active\", \"rest\": {}, \"rest_error\": \"refused\"}"));
        facts.put("pg5", PatroniProbe.parse("{\"load\": \"loaded\", \"active\": \"inactive\", \"rest\": {}}"));
        List<String> w = DcsOutage.restoreWarnings(facts, Map.of("pg6", "cannot connect"));
        assertEquals(3, w.size(), w::toString);
        assertTrue(w.get(0).startsWith("Patroni cluster 'main' (pg1, pg2) is not paused: restore stops etcd on every member for longer "
                + "than its retry_timeout (7 s), so its primary demotes"), w.get(0));
        assertTrue(w.get(0).contains("'patronictl pause' before the restore"), w.get(0));
        assertTrue(w.stream().anyMatch(l -> l.startsWith("Patroni on pg6 could not be asked (cannot connect)")), w::toString);
        assertTrue(w.stream().anyMatch(l -> l.startsWith("Patroni on pg4 could not be asked (it runs, but its REST API does not answer: refused)")),
                w::toString);
        Map<String, PatroniFacts> paused = Map.of("pg1", patroni("{\"retry_timeout\": 10}", ", \"pause\": true"));
        assertEquals(List.of(), DcsOutage.restoreWarnings(paused, Map.of()));
    }
}
