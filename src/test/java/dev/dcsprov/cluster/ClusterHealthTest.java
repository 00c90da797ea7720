package dev.dcsprov.cluster;

import dev.dcsprov.etcd.ClusterStatus;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.ResponseHeader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterHealthTest {
    static final List<String> URLS = List.of("https://a:2379", "https://b:2379", "https://c:2379");

    static EndpointStatus status(String url, long member, long cluster, long leader, List<String> errors) {
        return new EndpointStatus(url, new ResponseHeader(new EtcdId(cluster), new EtcdId(member), 10, 2), "3.5.16", 1, new EtcdId(leader),
                100, 2, 100, errors, 1, false);
    }

    static List<EndpointStatus> agreeing() {
        return List.of(status(URLS.get(0), 1, 7, 1, List.of()), status(URLS.get(1), 2, 7, 1, List.of()),
                status(URLS.get(2), 3, 7, 1, List.of()));
    }

    static List<EndpointHealth> allHealthy() {
        return URLS.stream().map(u -> new EndpointHealth(u, true, "2ms", Optional.empty())).toList();
    }

    @Test
    void healthyWhenAllAnswerWithOneClusterOneLeaderAndNoAlarm() {
        ClusterHealth h = ClusterHealth.judge(URLS, Optional.of(allHealthy()), agreeing());
        assertTrue(h.healthy(), h.problem());
        assertEquals(URLS.get(0), h.leader().orElseThrow().endpoint());
    }

    @Test
    void anUnhealthyOrSilentMemberIsNamed() {
        List<EndpointHealth> health = List.of(allHealthy().get(0), allHealthy().get(1),
                new EndpointHealth(URLS.get(2), false, "", Optional.of("context deadline exceeded")));
        ClusterHealth h = ClusterHealth.judge(URLS, Optional.of(health), agreeing().subList(0, 2));
        assertFalse(h.healthy());
        assertTrue(h.problem().contains("https://c:2379 (context deadline exceeded)"), h.problem());
        assertTrue(h.problem().contains("no endpoint status from https://c:2379"), h.problem());
    }

    @Test
    void twoClusterIdsAreNotHealthy() {
        List<EndpointStatus> s = List.of(agreeing().get(0), agreeing().get(1), status(URLS.get(2), 3, 8, 1, List.of()));
        ClusterHealth h = ClusterHealth.judge(URLS, Optional.of(allHealthy()), s);
        assertFalse(h.healthy());
        assertTrue(h.problem().contains("different cluster IDs"), h.problem());
    }

    @Test
    void disagreementOnTheLeaderOrNoLeaderIsNotHealthy() {
        List<EndpointStatus> split = List.of(agreeing().get(0), agreeing().get(1), status(URLS.get(2), 3, 7, 3, List.of()));
        assertTrue(ClusterHealth.judge(URLS, Optional.empty(), split).problem().contains("do not agree on a leader"));
        List<EndpointStatus> none = URLS.stream().map(u -> status(u, URLS.indexOf(u) + 1, 7, 0, List.of())).toList();
        assertEquals("no leader", ClusterHealth.judge(URLS, Optional.empty(), none).problem());
    }

    @Test
    void anAlarmIsNotHealthy() {
        List<EndpointStatus> s = List.of(agreeing().get(0), agreeing().get(1), status(URLS.get(2), 3, 7, 1, List.of("memberID:3 alarm:NOSPACE")));
        ClusterHealth h = ClusterHealth.judge(URLS, Optional.of(allHealthy()), s);
        assertFalse(h.healthy());
        assertTrue(h.problem().contains("alarm:NOSPACE"), h.problem());
    }

    /** The case issue 13 found: status said healthy while apply's gate refused (two cluster IDs, each with "a leader"). */
    @Test
    void statusJudgesAsTheGatesDo() {
        List<EndpointStatus> s = List.of(agreeing().get(0), agreeing().get(1), status(URLS.get(2), 3, 8, 3, List.of()));
        ClusterStatus status = new ClusterStatus("a", List.of(), allHealthy(), s, List.of(), List.of(), List.of());
        assertFalse(status.healthy(3));
        assertEquals(ClusterHealth.judge(URLS, Optional.of(allHealthy()), s).problems(), status.judge().problems());
        assertTrue(new ClusterStatus("a", List.of(), allHealthy(), agreeing(), List.of(), List.of(), List.of()).healthy(3));
    }

    @Test
    void theGateAsksStatusOnlyWhenEveryoneIsHealthy() {
        FakeEtcdCluster fake = new FakeEtcdCluster("a", "b", "c").leader("a");
        HealthGate gate = new HealthGate(fake, fake.members().stream().map(ClusterMember::clientUrl).toList(), fake);
        assertTrue(gate.check().healthy(), gate.check().problem());
        fake.node("b").clusterId = 99;
        assertTrue(gate.check().problem().contains("different cluster IDs"), gate.check().problem());
    }
}
