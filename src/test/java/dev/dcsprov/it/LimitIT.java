package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ansible's CLI habits against real hosts: --limit with a pattern changes and restarts only the members it selects
 * (checked over OpenSSH and with etcdctl), a limited apply refuses to bootstrap, -e wins over the inventory, and
 * -o json prints a document on errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.ANSIBLE)
class LimitIT {
    static final List<String> HOSTS = List.of("dcs-75", "dcs-76", "dcs-77");
    private Path inventory;

    @BeforeAll
    void freshHosts() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        inventory = Lab.writeInventory(Files.createTempDirectory("dcsprov-limit-it"), HOSTS, "");
    }

    @Test
    @Order(1)
    void aLimitedApplyRefusesToBootstrapAndTouchesNoHost() {
        Proc.Result r = Cli.dcsprov("apply", "--limit", "dcs-75", inventory.toString());
        assertEquals(6, r.exit(), r::toString);
        assertTrue(r.err().contains("refused with --limit: a new cluster is bootstrapped on all members at once"), r::toString);
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "test -e /etc/dcs || dpkg -s etcd-server >/dev/null 2>&1").exit(), h + " untouched");
        }
    }

    @Test
    @Order(2)
    void aPatternSelectsMembersAndListHostsShowsThem() {
        assertEquals(0, Cli.dcsprov("apply", "-f", "3", "--diff", inventory.toString()).exit());
        Proc.Result r = Cli.dcsprov("apply", "--list-hosts", "--limit", "etcd:!dcs-7[67]", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("  hosts (1):\n    dcs-75\n", r.out());
    }

    @Test
    @Order(3)
    void aLimitedApplyChangesAndRestartsOnlyTheSelectedMemberWithExtraVarsOnTop() throws IOException {
        String before76 = started("dcs-76");
        String before77 = started("dcs-77");
        String before75 = started("dcs-75");
        Proc.Result r = Cli.dcsprov("apply", "-v", "--limit", "dcs-7*:!dcs-76:!dcs-77", "-e", "etcd_snapshot_count=50001", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("timing:"), "-v prints timings: " + r.err());
        assertTrue(Lab.sshOk("dcs-75", "cat /etc/dcs/etcd").contains("ETCD_SNAPSHOT_COUNT=\"50001\""));
        for (String h : List.of("dcs-76", "dcs-77")) {
            assertTrue(Lab.sshOk(h, "cat /etc/dcs/etcd").contains("ETCD_SNAPSHOT_COUNT=\"100000\""), h + " left out");
        }
        assertNotEquals(before75, started("dcs-75"), "dcs-75 restarted");
        assertEquals(before76, started("dcs-76"), "dcs-76 not restarted");
        assertEquals(before77, started("dcs-77"), "dcs-77 not restarted");
        Proc.Result health = Cli.etcdctl(inventory.getParent().resolve("pki/dcs"), Cli.endpoints(HOSTS), "endpoint", "health");
        assertEquals(0, health.exit(), health::toString);
        // etcdctl prints endpoint health on stderr
        assertEquals(3, (health.out() + health.err()).lines().filter(l -> l.contains("is healthy")).count(), health::toString);
        JsonNode plan = new ObjectMapper().readTree(Cli.dcsprov("plan", "-o", "json", inventory.toString()).out());
        assertEquals(List.of("dcs-75"), HOSTS.stream().filter(h -> hasChanges(plan, h)).toList(),
                "without -e, only dcs-75 differs from the inventory: " + plan);
    }

    @Test
    @Order(4)
    void aPatternMatchingNothingIsAJsonErrorAndTouchesNothing() throws IOException {
        Proc.Result r = Cli.dcsprov("apply", "-o", "json", "--limit", "dcs-99", inventory.toString());
        assertEquals(2, r.exit(), r::toString);
        JsonNode error = new ObjectMapper().readTree(r.out()).get("error");
        assertEquals(2, error.get("exit_code").asInt());
        assertTrue(error.get("summary").asText().contains("'dcs-99' matches no host or group"), r::toString);
    }

    private static boolean hasChanges(JsonNode plan, String host) {
        for (JsonNode h : plan.get("plan").get("hosts")) {
            if (h.get("host").asText().equals(host)) {
                return h.get("changes").size() > 0;
            }
        }
        return false;
    }

    private static String started(String host) {
        return Lab.sshOk(host, "systemctl show -p ActiveEnterTimestampMonotonic --value etcd").strip();
    }
}
