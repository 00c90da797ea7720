package dev.dcsprov.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.plan.OperationPlanText;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** restore's plan: every member checked before any stops, then stop, move aside, restore, config, start; the executor's phases. */
class RestorePlanTest {
    static final List<RestorePlan.Member> MEMBERS = List.of(new RestorePlan.Member("dcs-40", "dcs-40", "https://192.168.56.50:2380"),
            new RestorePlan.Member("dcs-41", "dcs-41", "https://192.168.56.51:2380"));

    static OperationPlan plan() {
        return RestorePlan.of(new RestorePlan.Facts("dcs", MEMBERS, "/var/lib/etcd/dcs", "20261202T200000Z", "dcs-token-restored-20261202t200000z",
                "/etc/dcs/etcd", "/etc/dcs/restore-history", List.of("no member is healthy: the cluster is not serving")));
    }

    @Test
    void everyMemberPassesTheTrialBeforeAnyIsStoppedThenEachPhaseOnAllMembers() {
        List<String> lines = plan().steps().stream().map(c -> c.host() + " " + c.step() + " " + c.action().label()).toList();
        assertEquals(List.of("dcs-40 snapshot run", "dcs-41 snapshot run", "dcs-40 service run", "dcs-41 service run",
                "dcs-40 datadir update", "dcs-41 datadir update", "dcs-40 snapshot create", "dcs-41 snapshot create",
                "dcs-40 file update", "dcs-41 file update", "dcs-40 service start", "dcs-41 service start"), lines);
        Change aside = plan().steps().get(4);
        assertEquals("/var/lib/etcd/dcs -> /var/lib/etcd/dcs.before-restore-20261202T200000Z", aside.subject());
        assertTrue(plan().steps().get(7).reason().contains("as member dcs-41 with peer URL https://192.168.56.51:2380"), plan().steps().get(7).reason());
        assertTrue(plan().steps().get(7).reason().contains("dcs-token-restored-20261202t200000z"), plan().steps().get(7).reason());
    }

    @Test
    void theExecutorFindsEachPhaseInThePlanOneStepPerMemberInMemberOrder() {
        for (RestorePlan.Phase phase : RestorePlan.Phase.values()) {
            assertEquals(List.of("dcs-40", "dcs-41"), phase.of(plan()).stream().map(Change::host).toList(), phase.name());
        }
        assertEquals(plan().steps().size(), RestorePlan.Phase.values().length * MEMBERS.size(), "no step belongs to no phase");
    }

    @Test
    void theSamePlanAsTextAndJsonWithoutCommands() throws Exception {
        String text = OperationPlanText.render(plan());
        assertTrue(text.contains("Plan for restore on cluster 'dcs' (2 members)"), text);
        assertTrue(text.contains("note: no member is healthy"), text);
        assertTrue(text.contains("dcs-41: ! service systemctl stop etcd"), text);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(Map.of("plan", plan())));
        assertEquals("restore", json.path("plan").path("operation").asText());
        assertEquals(12, json.path("plan").path("steps").size());
        assertEquals("start", json.path("plan").path("steps").get(11).path("action").asText());
        assertFalse(json.toString().contains("commands"), json.toString());
    }

    @Test
    void finishingAnInterruptedRestoreOnlyWritesConfigAndStartsNothingStoppedMovedOrCopied() {
        OperationPlan p = RestorePlan.finishing(new RestorePlan.Facts("dcs", MEMBERS, "/var/lib/etcd/dcs", "20261202T200000Z",
                "dcs-token-restored-20261202t200000z", "/etc/dcs/etcd", "/etc/dcs/restore-history", List.of("an interrupted restore ...")));
        assertEquals(List.of("dcs-40 file update", "dcs-41 file update", "dcs-40 service start", "dcs-41 service start"),
                p.steps().stream().map(c -> c.host() + " " + c.step() + " " + c.action().label()).toList());
        for (RestorePlan.Phase phase : List.of(RestorePlan.Phase.STAGE, RestorePlan.Phase.STOP, RestorePlan.Phase.MOVE_ASIDE, RestorePlan.Phase.RESTORE)) {
            assertEquals(List.of(), phase.of(p), phase.name());
        }
        assertTrue(p.steps().get(3).reason().contains("token dcs-token-restored-20261202t200000z"), p.steps().get(3).reason());
    }
}
