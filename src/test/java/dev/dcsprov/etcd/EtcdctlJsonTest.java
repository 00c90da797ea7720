package dev.dcsprov.etcd;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Samples in src/test/resources/etcd/, written from etcd's own printer code (etcdctl/ctlv3/command/
 * printer_json.go and ep_command.go at tags v3.4.23 and v3.5.16, and the omitempty tags of
 * etcdserverpb Member, ResponseHeader and StatusResponse), for the lab addresses 192.168.56.10-12:
 * <ul>
 * <li>member-list-3.4.23.json: {@code etcdctl member list -w json}, etcd 3.4.23; dcs-02 added, not started</li>
 * <li>member-list-3.5.16.json: the same command, etcd 3.5.16; dcs-02 started as a learner</li>
 * <li>member-list-3.5.16-hex.json: {@code etcdctl member list -w json --hex}, etcd 3.5.16 (hand-built JSON)</li>
 * <li>endpoint-health-3.4.23.json / -3.5.16.json: {@code etcdctl endpoint health --cluster -w json}</li>
 * <li>endpoint-status-3.4.23.json / -3.5.16.json: {@code etcdctl endpoint status -w json}</li>
 * </ul>
 */
class EtcdctlJsonTest {
    private static final String DCS00 = "2f0d2c6a1f3b4e57";
    private static final String DCS01 = "fd422379fda50e48"; // above 2^63
    private static final String DCS02 = "5a1e8f9b04d2c7e3";
    private static final String CLUSTER = "cdf818194e3a8c32";

    private static String sample(String name) throws IOException {
        try (InputStream in = EtcdctlJsonTest.class.getResourceAsStream("/etcd/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void memberList34WithUnstartedMemberAndIdAboveTwoToThe63() throws IOException {
        MemberList list = EtcdctlJson.memberList(sample("member-list-3.4.23.json"));

        assertEquals(CLUSTER, list.header().clusterId().hex());
        assertEquals(DCS00, list.header().memberId().hex());
        assertEquals(4, list.header().raftTerm());

        List<Member> members = list.members();
        assertEquals(3, members.size());
        assertEquals(new Member(EtcdId.fromHex(DCS00), "dcs-00", List.of("https://192.168.56.10:2380"),
                List.of("https://127.0.0.1:2379", "https://192.168.56.10:2379"), false), members.get(0));

        Member dcs01 = members.get(1);
        assertEquals(DCS01, dcs01.idHex());
        assertEquals(new BigInteger("18249187646912138824"), dcs01.id().value());
        assertTrue(dcs01.id().value().compareTo(BigInteger.TWO.pow(63)) > 0);

        Member unstarted = members.get(2);
        assertEquals(DCS02, unstarted.idHex());
        assertEquals("", unstarted.name());
        assertFalse(unstarted.started());
        assertEquals(List.of(), unstarted.clientUrls());
        assertEquals(List.of("https://192.168.56.12:2380"), unstarted.peerUrls());
        assertEquals(Optional.of(unstarted), list.byPeerUrl("https://192.168.56.12:2380"));
        assertEquals(Optional.of(dcs01), list.byName("dcs-01"));
    }

    @Test
    void memberList35WithLearner() throws IOException {
        List<Member> members = EtcdctlJson.members(sample("member-list-3.5.16.json"));
        assertEquals(List.of(false, false, true), members.stream().map(Member::learner).toList());
        assertEquals(List.of(DCS00, DCS01, DCS02), members.stream().map(Member::idHex).toList());
        assertTrue(members.get(2).started());
    }

    @Test
    void memberList35HexOutputGivesTheSameIds() throws IOException {
        MemberList list = EtcdctlJson.memberList(sample("member-list-3.5.16-hex.json"));
        assertEquals(CLUSTER, list.header().clusterId().hex());
        assertEquals(DCS01, list.header().memberId().hex());
        assertEquals(List.of(DCS00, DCS01, DCS02), list.members().stream().map(Member::idHex).toList());
        assertEquals(List.of("https://127.0.0.1:2379", "https://192.168.56.11:2379"),
                list.members().get(1).clientUrls());
        assertFalse(list.members().get(2).started());
        assertEquals(List.of(), list.members().get(2).clientUrls());
    }

    @Test
    void endpointHealth34() throws IOException {
        List<EndpointHealth> health = EtcdctlJson.endpointHealth(sample("endpoint-health-3.4.23.json"));
        assertEquals(3, health.size());
        assertEquals(new EndpointHealth("https://192.168.56.10:2379", true, "9.652357ms", Optional.empty()),
                health.get(0));
        assertEquals(Optional.of(Duration.ofNanos(9_652_357)), health.get(0).tookDuration());
        EndpointHealth down = health.get(2);
        assertFalse(down.healthy());
        assertEquals(Optional.of("context deadline exceeded"), down.error());
        assertEquals(Optional.of(Duration.ofNanos(5_000_936_254L)), down.tookDuration());
    }

    @Test
    void endpointHealth35WithAlarmAndUnreachableMember() throws IOException {
        List<EndpointHealth> health = EtcdctlJson.endpointHealth(sample("endpoint-health-3.5.16.json"));
        assertEquals(List.of(true, false, false), health.stream().map(EndpointHealth::healthy).toList());
        assertEquals(Optional.of("Active Alarm(s): NOSPACE "), health.get(1).error());
        assertEquals("", health.get(2).took());
        assertEquals(Optional.empty(), health.get(2).tookDuration());
    }

    @Test
    void endpointStatus34FollowerAndLeader() throws IOException {
        List<EndpointStatus> status = EtcdctlJson.endpointStatus(sample("endpoint-status-3.4.23.json"));
        assertEquals(2, status.size());
        EndpointStatus follower = status.get(0);
        assertEquals("https://192.168.56.10:2379", follower.endpoint());
        assertEquals("3.4.23", follower.version());
        assertEquals(DCS01, follower.leader().hex());
        assertEquals(DCS00, follower.header().memberId().hex());
        assertEquals(CLUSTER, follower.header().clusterId().hex());
        assertEquals(1234, follower.header().revision());
        assertEquals(25_001_984, follower.dbSize());
        assertEquals(20_480_000, follower.dbSizeInUse());
        assertEquals(5678, follower.raftIndex());
        assertEquals(5678, follower.raftAppliedIndex());
        assertEquals(4, follower.raftTerm());
        assertEquals(List.of(), follower.errors());
        assertFalse(follower.isLeader());
        assertTrue(follower.hasLeader());
        assertTrue(status.get(1).isLeader(), "dcs-01 leads with an ID above 2^63");
    }

    @Test
    void endpointStatus35WithAlarmAndLearner() throws IOException {
        List<EndpointStatus> status = EtcdctlJson.endpointStatus(sample("endpoint-status-3.5.16.json"));
        EndpointStatus leader = status.get(0);
        assertTrue(leader.isLeader());
        assertEquals(2_147_483_648L, leader.dbSize());
        assertEquals(List.of("memberID:3390414928781987415 alarm:NOSPACE "), leader.errors());
        EndpointStatus learner = status.get(1);
        assertTrue(learner.learner());
        assertFalse(learner.isLeader());
        assertEquals(120_031, learner.raftAppliedIndex());
    }

    @Test
    void memberWithoutLeaderReportsZero() {
        List<EndpointStatus> status = EtcdctlJson.endpointStatus(
                "[{\"Endpoint\":\"https://127.0.0.1:2379\",\"Status\":{\"header\":{\"cluster_id\":1,\"member_id\":2},"
                        + "\"version\":\"3.5.16\"}}]");
        assertFalse(status.get(0).hasLeader());
        assertFalse(status.get(0).isLeader());
    }

    @Test
    void garbageIsAReadableError() {
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> EtcdctlJson.members("Error: context deadline exceeded\n"));
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertTrue(e.summary().startsWith("etcdctl member list -w json gave output that is not JSON"), e.summary());
        assertTrue(e.detail().orElseThrow().contains("Error: context deadline exceeded"));

        assertThrows(DcsprovException.class, () -> EtcdctlJson.endpointHealth("{}"));
        assertThrows(DcsprovException.class, () -> EtcdctlJson.endpointStatus(""));
        assertThrows(DcsprovException.class, () -> EtcdctlJson.members("{\"members\":[{\"ID\":-1}]}"));
    }
}
