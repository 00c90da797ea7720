package dev.dcsprov.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.plan.OperationPlanText;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** backup's plan: where the snapshot is taken, the file it becomes, and which old backups go. */
class BackupPlanTest {
    static final List<String> MEMBERS = List.of("dcs-40", "dcs-41", "dcs-42");

    static List<String> lines(OperationPlan plan) {
        return plan.steps().stream().map(c -> c.host() + " " + c.step() + " " + c.action().label() + " " + c.subject()).toList();
    }

    @Test
    void theSnapshotIsTakenOnTheChosenMemberThenKeptHereAndNothingIsRemovedBelowTheLimit() {
        OperationPlan plan = BackupPlan.of(new BackupPlan.Facts("dcs", MEMBERS, "dcs-41", List.of("dcs-40 (connection refused)"),
                "backups/dcs", "dcs", List.of(Path.of("backups/dcs/dcs-20261201T000000Z.db")), 7));
        assertEquals(List.of("dcs-41 snapshot run etcdctl snapshot save", "local backup create backups/dcs/dcs-<UTC time>.db"), lines(plan));
        assertTrue(plan.notes().get(0).startsWith("dcs-41 is the first healthy member"), plan.notes().toString());
        assertTrue(plan.notes().get(1).contains("dcs-40 (connection refused)"), plan.notes().toString());
        assertTrue(plan.steps().get(1).reason().contains(".sha256"), plan.steps().get(1).reason());
    }

    @Test
    void theOldestBeyondTheKeepLimitAreRemovedAfterwardsAndShownAsTextAndJson() throws Exception {
        List<Path> existing = List.of(Path.of("b/dcs-20261129T000000Z.db"), Path.of("b/dcs-20261130T000000Z.db"),
                Path.of("b/dcs-20261201T000000Z.db"));
        OperationPlan plan = BackupPlan.of(new BackupPlan.Facts("dcs", MEMBERS, "dcs-40", List.of(), "b", "dcs", existing, 2));
        assertEquals(List.of("dcs-40 snapshot run etcdctl snapshot save", "local backup create b/dcs-<UTC time>.db",
                "local backup delete b/dcs-20261129T000000Z.db", "local backup delete b/dcs-20261130T000000Z.db"), lines(plan));
        String text = OperationPlanText.render(plan);
        assertTrue(text.contains("Plan for backup on cluster 'dcs' (3 members)"), text);
        assertTrue(text.contains("local: - backup b/dcs-20261129T000000Z.db"), text);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(Map.of("plan", plan)));
        assertEquals("backup", json.path("plan").path("operation").asText());
        assertEquals("run", json.path("plan").path("steps").get(0).path("action").asText());
        assertEquals(4, json.path("plan").path("steps").size());
    }
}
