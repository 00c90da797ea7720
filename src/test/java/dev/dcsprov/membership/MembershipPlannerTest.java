package dev.dcsprov.membership;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.ResponseHeader;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.SourceLocation;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.render.RemotePaths;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Member list + facts in, membership plan or refusal out: every way the inventory and the cluster can disagree. */
class MembershipPlannerTest {
    static final EtcdId CLUSTER = EtcdId.fromHex("f566f07ef72af72f");
    static final ClusterSettings SETTINGS = new ClusterSettings("dcs", "dcs-token", "/var/lib/etcd/dcs", "/etc/dcs", "/etc/dcs/etcd",
            "/etc/dcs/cert", 2379, 2380, EtcdTuning.defaults(), Optional.empty(), Path.of("pki/dcs"),
            KeyAlgorithm.ECDSA_P256, 365, 3650, 30, List.of(), List.of(), Optional.empty(),
            new dev.dcsprov.inventory.BackupSettings(Path.of("backups/dcs"), 7, Optional.empty(), "/var/lib/dcs/backup", 7));

    static Host host(int i) {
        String name = "dcs-2" + i;
        String addr = "192.168.56.3" + i;
        return new Host(name, addr, 22, "root", Optional.empty(), false, name, addr, List.of(addr), List.of(),
                new SourceLocation(Path.of("inv.yml"), 3 + i, 5));
    }

    static Inventory inventory(int... hosts) {
        List<Host> list = new ArrayList<>();
        for (int i : hosts) {
            list.add(host(i));
        }
        return new Inventory(Path.of("inv.yml"), "etcd", list, SETTINGS, List.of());
    }

    static Member started(int i, boolean learner) {
        return new Member(new EtcdId(100 + i), "dcs-2" + i, List.of("https://192.168.56.3" + i + ":2380"),
                List.of("https://192.168.56.3" + i + ":2379"), learner);
    }

    static Member unstarted(int i, long id) {
        return new Member(new EtcdId(id), "", List.of("https://192.168.56.3" + i + ":2380"), List.of(), false);
    }

    static MemberList list(Member... members) {
        return new MemberList(new ResponseHeader(CLUSTER, new EtcdId(100), 7, 2), List.of(members));
    }

    static HostFacts facts(boolean data, boolean running, EtcdId clusterId) {
        String status = running ? "[{\"Endpoint\":\"https://127.0.0.1:2379\",\"Status\":{\"header\":{\"cluster_id\":"
                + clusterId.value() + ",\"member_id\":100,\"revision\":7,\"raft_term\":2},\"version\":\"3.4.23\",\"leader\":100}}]" : "";
        return new HostFacts("debian", "12", "bookworm", "h", "h", Map.of(), Map.of(), "", Optional.of("/etc/dcs/etcd"),
                false, running, data, status, "", false);
    }

    static Map<String, HostFacts> facts(Inventory inv, HostFacts... each) {
        Map<String, HostFacts> m = new LinkedHashMap<>();
        for (int i = 0; i < each.length; i++) {
            m.put(inv.members().get(i).name(), each[i]);
        }
        return m;
    }

    static HostFacts member() {
        return facts(true, true, CLUSTER);
    }

    static HostFacts fresh() {
        return facts(false, false, CLUSTER);
    }

    MembershipPlan plan(Inventory inv, Map<String, HostFacts> facts, MemberList list, boolean removeAbsent) {
        return new MembershipPlanner(inv, RemotePaths.of(SETTINGS)).plan(facts, Optional.of(list), removeAbsent);
    }

    @Test
    void newHostsJoinOneAfterAnotherEachWithTheMembershipOfItsMoment() {
        Inventory inv = inventory(0, 1, 2, 3, 4);
        MembershipPlan p = plan(inv, facts(inv, member(), member(), member(), fresh(), fresh()),
                list(started(0, false), started(1, false), started(2, false)), false);
        assertEquals(List.of("dcs-23", "dcs-24"), p.joiners().stream().map(j -> j.host().name()).toList());
        String three = "dcs-20=https://192.168.56.30:2380,dcs-21=https://192.168.56.31:2380,dcs-22=https://192.168.56.32:2380";
        assertEquals(three + ",dcs-23=https://192.168.56.33:2380", p.joiners().get(0).initialCluster());
        assertEquals(three + ",dcs-23=https://192.168.56.33:2380,dcs-24=https://192.168.56.34:2380", p.joiners().get(1).initialCluster());
        assertTrue(p.changes().get(0).reason().contains("member add --learner https://192.168.56.33:2380"), p.changes().toString());
    }

    @Test
    void anUnstartedMemberWithTheHostsPeerUrlIsReusedAndJoinsFirst() {
        Inventory inv = inventory(0, 1, 2, 3, 4);
        MembershipPlan p = plan(inv, facts(inv, member(), member(), member(), fresh(), fresh()),
                list(started(0, false), started(1, false), started(2, false), unstarted(4, 0xabc)), false);
        assertEquals(List.of("dcs-24", "dcs-23"), p.joiners().stream().map(j -> j.host().name()).toList());
        assertEquals("abc", p.joiners().get(0).reuse().orElseThrow().idHex());
        assertTrue(p.joiners().get(0).initialCluster().endsWith("dcs-24=https://192.168.56.34:2380"), p.joiners().get(0).initialCluster());
        assertTrue(p.joiners().get(1).initialCluster().contains("dcs-24=") && p.joiners().get(1).initialCluster().endsWith("dcs-23=https://192.168.56.33:2380"));
        assertTrue(p.absent().isEmpty());
    }

    @Test
    void aStartedLearnerIsPromoted() {
        Inventory inv = inventory(0, 1, 2);
        MembershipPlan p = plan(inv, facts(inv, member(), member(), member()), list(started(0, false), started(1, false), started(2, true)), false);
        assertEquals(List.of("dcs-22"), p.promotions().stream().map(Host::name).toList());
        assertTrue(p.joiners().isEmpty());
    }

    @Test
    void aMemberWhoseHostLostItsDataIsRefusedWithTheReplaceCommand() {
        Inventory inv = inventory(0, 1, 2);
        DcsprovException e = assertThrows(DcsprovException.class, () -> plan(inv, facts(inv, member(), member(), fresh()),
                list(started(0, false), started(1, false), started(2, false)), false));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertEquals("dcsprov member replace inv.yml dcs-22", e.fix().orElseThrow());
    }

    @Test
    void dataOfAnotherClusterIsRefused() {
        Inventory inv = inventory(0, 1, 2, 3);
        DcsprovException e = assertThrows(DcsprovException.class, () -> plan(inv,
                facts(inv, member(), member(), member(), facts(true, true, EtcdId.fromHex("1234"))),
                list(started(0, false), started(1, false), started(2, false)), false));
        assertTrue(e.summary().contains("dcs-23 runs a member of another cluster (cluster ID 1234"), e.summary());
        assertTrue(e.fix().orElseThrow().contains("dcsprov member replace inv.yml dcs-23"), e.fix().orElseThrow());
    }

    @Test
    void staleDataOfARemovedMemberIsRefused() {
        Inventory inv = inventory(0, 1, 2, 3);
        DcsprovException e = assertThrows(DcsprovException.class, () -> plan(inv,
                facts(inv, member(), member(), member(), facts(true, false, CLUSTER)),
                list(started(0, false), started(1, false), started(2, false)), false));
        assertTrue(e.summary().contains("dcs-23 holds etcd data but is not a member"), e.summary());
    }

    @Test
    void aMemberTheInventoryDropsIsShownAndRemovedOnlyWhenAsked() {
        Inventory inv = inventory(0, 1, 2);
        MemberList l = list(started(0, false), started(1, false), started(2, false), started(3, false));
        MembershipPlan quiet = plan(inv, facts(inv, member(), member(), member()), l, false);
        assertTrue(quiet.changes().isEmpty());
        assertTrue(quiet.notes().get(0).contains("member dcs-23") && quiet.notes().get(0).contains("--remove-absent-members"));
        DcsprovException e = assertThrows(DcsprovException.class, () -> quiet.refuseAbsentUnlessAsked("inv.yml"));
        assertEquals(ExitCode.UNSAFE, e.exitCode());

        MembershipPlan asked = plan(inv, facts(inv, member(), member(), member()), l, true);
        assertEquals("member", asked.changes().get(0).step());
        assertEquals("dcs-23", asked.changes().get(0).subject());
        asked.refuseAbsentUnlessAsked("inv.yml");
    }

    @Test
    void aPeerUrlHeldByAnotherStartedMemberIsRefused() {
        Inventory inv = inventory(0, 1, 2, 3);
        Member squatter = new Member(new EtcdId(999), "old-box", List.of("https://192.168.56.33:2380"), List.of(), false);
        DcsprovException e = assertThrows(DcsprovException.class, () -> plan(inv, facts(inv, member(), member(), member(), fresh()),
                list(started(0, false), started(1, false), started(2, false), squatter), false));
        assertTrue(e.summary().contains("belongs to member old-box"), e.summary());
    }
}
