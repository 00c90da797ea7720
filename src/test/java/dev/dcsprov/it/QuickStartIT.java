package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's quick start, run as README writes it: the commands are read from README.md's
 * "## Quick start" section, never copied here, so README and the tool cannot drift apart.
 * Hosts dcs-00..02 (the ones inventories/lab.yml names).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.DEFAULT)
class QuickStartIT {
    /** What CI runs. */
    static final String CI_COMMAND = "bash .ci/run";

    static List<List<String>> blocks;

    @BeforeAll
    static void readReadme() throws IOException {
        String readme = Files.readString(Lab.REPO.resolve("README.md"));
        int start = readme.indexOf("\n## Quick start\n");
        assertTrue(start >= 0, "README has a Quick start section");
        String section = readme.substring(start + 1);
        int next = section.indexOf("\n## ", 3);
        section = next < 0 ? section : section.substring(0, next);
        blocks = new ArrayList<>();
        String[] parts = section.split("```sh\n");
        for (int i = 1; i < parts.length; i++) {
            String body = parts[i].substring(0, parts[i].indexOf("```"));
            blocks.add(body.lines().map(QuickStartIT::withoutComment).filter(l -> !l.isEmpty()).toList());
        }
        assertTrue(blocks.size() >= 2, "two command blocks: the quick start and what to try next: " + blocks);
    }

    /** "lab/cluster   # build ..." -> "lab/cluster"; a # inside quotes stays (none of these has one). */
    static String withoutComment(String line) {
        int hash = line.indexOf("  #");
        return (hash < 0 ? line : line.substring(0, hash)).strip();
    }

    static String command(int block, String prefix) {
        return blocks.get(block).stream().filter(c -> c.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("README's quick start has no '" + prefix + "...' in " + blocks.get(block)));
    }

    static Proc.Result sh(String command) {
        return Proc.run(List.of("bash", "-c", command), Map.of(), Lab.REPO, 600);
    }

    @Test
    @Order(1)
    void theQuickStartIsTheTestCommandCiRunsThenLabCluster() {
        assertEquals(List.of(CI_COMMAND, "lab/cluster"), blocks.get(0),
                "the test suite first (it ends with lab/down), then the cluster that stays");
        assertTrue(Files.isRegularFile(Lab.REPO.resolve(CI_COMMAND.substring("bash ".length()))));
    }

    @Test
    @Order(2)
    void labClusterAsWrittenLeavesAWorkingClusterAndTheNextCommandsWork() {
        Lab.requireUp();
        Lab.recreate(Lab.HOSTS);  // fresh hosts, as on a new machine; the lab/up inside lab/cluster leaves them running
        Proc.Result cluster = sh(blocks.get(0).get(1));
        assertEquals(0, cluster.exit(), cluster::toString);
        assertTrue(cluster.out().contains("RECAP") && cluster.out().contains("The lab cluster is up."), cluster::toString);

        // Independently of dcsprov: etcdctl on this machine with the PKI lab/cluster made.
        Proc.Result health = Cli.etcdctl(Lab.REPO.resolve("inventories/pki/dcs"), Cli.endpoints(Lab.HOSTS), "endpoint", "health");
        assertEquals(0, health.exit(), health::toString);

        Proc.Result status = sh(command(1, "./dcsprov status"));
        assertEquals(0, status.exit(), status::toString);
        for (String h : Lab.HOSTS) {
            assertTrue(status.out().contains(h), status::toString);
        }

        Proc.Result plan = sh(command(1, "./dcsprov plan"));
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("No changes") && plan.out().contains("= 3 hosts unchanged: dcs-00, dcs-01, dcs-02"),
                plan::toString);

        Proc.Result env = sh(command(1, "eval \"$(./dcsprov env"));
        assertEquals(0, env.exit(), env::toString);
        for (String h : Lab.HOSTS) {
            assertTrue(env.all().contains(Lab.address(h) + ":2379 is healthy"), env::toString);
        }
    }
}
