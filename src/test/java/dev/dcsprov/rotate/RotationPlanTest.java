package dev.dcsprov.rotate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.cluster.FakeEtcdCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.RollingPlan;
import dev.dcsprov.pki.CaRotationPhase;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.plan.OperationPlanText;
import dev.dcsprov.render.RemotePaths;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RotationPlanTest {
    static final List<String> MEMBERS = List.of("a", "b", "c");
    static final RemotePaths PATHS = new RemotePaths("/etc/dcs/cert", "/etc/dcs/cert/server.crt", "/etc/dcs/cert/server.key",
            "/etc/dcs/cert/ca.crt", "/etc/dcs/cert/admin.crt", "/etc/dcs/cert/admin.key", "/etc/dcs/etcd", "/etc/default/etcd", "/var/lib/etcd");

    /** The leader as the fake cluster reports it through the EtcdCluster seam. */
    static String leaderOf(FakeEtcdCluster etcd) {
        var health = new HealthGate(etcd, etcd.members().stream().map(m -> m.clientUrl()).toList(), etcd).check();
        return RollingPlan.leaderName(health, etcd.members()).orElseThrow();
    }

    static List<String> lines(OperationPlan plan) {
        return plan.steps().stream().map(c -> c.host() + " " + c.step() + " " + c.action().label()).toList();
    }

    @Test
    void aNewLeafRotationIssuesLocallyFirstThenRollsFollowersAndTheLeaderLastAfterTheMove() throws Exception {
        String leader = leaderOf(new FakeEtcdCluster(MEMBERS.toArray(String[]::new)).leader("a"));
        Map<String, String> local = new LinkedHashMap<>();
        MEMBERS.forEach(m -> local.put(m, "/pki/hosts/" + m + ".crt"));
        OperationPlan plan = LeafRotationPlan.of(new LeafRotationPlan.Facts("dcs", MEMBERS, leader, true, MEMBERS, Optional.empty(),
                local, MEMBERS, PATHS, false));
        assertEquals(List.of("local pki update", "local pki update", "local pki update",
                "a file update", "b file update", "c file update",
                "b file update", "b service restart", "c file update", "c service restart",
                "a leader run", "a file update", "a service restart"), lines(plan));
        assertTrue(plan.steps().get(10).subject().contains("move leadership to b"), plan.steps().get(10).toString());
        assertTrue(plan.steps().stream().filter(c -> c.subject().contains(".key")).allMatch(Change::sensitive));
        String text = OperationPlanText.render(plan);
        assertTrue(text.contains("c: @ service etcd"), text);
        String json = new ObjectMapper().writeValueAsString(plan);
        assertFalse(json.contains("BEGIN"), "no key or certificate content in the plan");
        assertFalse(json.contains("commands"), json);
    }

    @Test
    void aContinuedRotationIssuesNothingAndTakesTheInterruptedMemberFirst() {
        OperationPlan plan = LeafRotationPlan.of(new LeafRotationPlan.Facts("dcs", MEMBERS, "b", false, List.of("a", "c"),
                Optional.of("c"), Map.of(), List.of(), PATHS, false));
        assertEquals(List.of("c file update", "c service restart", "a file update", "a service restart"), lines(plan));
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("nothing new is issued")), plan.notes().toString());
    }

    @Test
    void aCaRotationPlansThreePhasesAndStopsWhereAsked() {
        OperationPlan all = CaRotationPlan.of(new CaRotationPlan.Facts("dcs", MEMBERS, "c", Optional.empty(), CaRotationPhase.TRUST_BOTH,
                3, MEMBERS, Optional.empty(), "/pki", PATHS, false));
        assertEquals("local pki create", lines(all).get(0));
        assertEquals(3, all.steps().stream().filter(c -> c.subject().equals("move leadership to a")
                || c.subject().startsWith("move leadership")).count(), "one leader move per phase");
        assertEquals("local pki update", lines(all).get(lines(all).size() - 1));
        OperationPlan one = CaRotationPlan.of(new CaRotationPlan.Facts("dcs", MEMBERS, "c", Optional.empty(), CaRotationPhase.TRUST_BOTH,
                1, MEMBERS, Optional.empty(), "/pki", PATHS, false));
        assertEquals(1 + 3 * 2 + 1, one.steps().size(), lines(one).toString());
        OperationPlan resumed = CaRotationPlan.of(new CaRotationPlan.Facts("dcs", MEMBERS, "a", Optional.of(CaRotationPhase.DROP_OLD),
                CaRotationPhase.DROP_OLD, 3, List.of("b"), Optional.empty(), "/pki", PATHS, false));
        assertEquals(List.of("b file update", "b service restart", "local pki update"), lines(resumed));
    }
}
