package dev.dcsprov.inventory;

import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.dcsprov.inventory.Fixtures.at;
import static dev.dcsprov.inventory.Fixtures.fail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fixture has one kind of mistake; the error must name the exact place and say what is wrong. */
class InventoryValidationTest {

    /** Asserts the exception lists exactly these "file:line:column: message" prefixes, in order. */
    private static void assertErrors(InventoryException e, String... expected) {
        List<String> actual = e.problems().stream().map(Problem::toString).toList();
        assertEquals(expected.length, actual.size(), "errors were:\n" + String.join("\n", actual));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(actual.get(i).startsWith(expected[i]),
                    "error " + i + "\nexpected to start with: " + expected[i] + "\nactual: " + actual.get(i));
        }
    }

    @Test
    void errorsAreReportedTogetherWithExitCodeHintsAndCount() {
        InventoryException e = fail("bad-types.yml");
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertEquals("inventory " + Fixtures.file("bad-types.yml") + " has 5 errors", e.summary());
        String detail = e.detail().orElseThrow();
        assertTrue(detail.startsWith(at("bad-types.yml", 3, 31) + ": etcd_quota_backend_bytes must be an integer, not a list"), detail);
        assertTrue(detail.contains("\n    hint: write a whole number such as 2147483648\n"), detail);
        assertTrue(e.fix().orElseThrow().contains("no host was touched"));
    }

    @Test
    void wrongTypes() {
        String f = "bad-types.yml";
        assertErrors(fail(f),
                at(f, 3, 31) + ": etcd_quota_backend_bytes must be an integer, not a list",
                at(f, 9, 25) + ": ansible_port must be an integer, not the string 'twenty-two'",
                at(f, 10, 27) + ": ansible_become must be true or false, not the string 'maybe'",
                at(f, 13, 25) + ": ansible_port must be between 1 and 65535, not 70000",
                at(f, 14, 34) + ": etcd_listen_addresses must be a list, not the string '10.0.0.2'");
    }

    @Test
    void yamlSyntaxErrorNamesTheProblemMark() {
        // The '[' on line 6 is never closed; SnakeYAML notices at the ':' after dcs-01 on line 7.
        String f = "syntax-error.yml";
        assertErrors(fail(f), at(f, 7, 15) + ": YAML syntax error: expected ',' or ']', but got :");
    }

    @Test
    void aHostRangeThatIsNotOneNamesWhereAndWhy() {
        String f = "bad-host-range.yml";
        assertErrors(fail(f), at(f, 5, 9) + ": the range in 'dcs-[02:00]' ends before it starts");
    }

    @Test
    void duplicateKeyInOneMapping() {
        String f = "duplicate-key.yml";
        assertErrors(fail(f), at(f, 9, 9) + ": duplicate key 'dcs-00' (first at line 5)");
    }

    @Test
    void unknownVariableSuggestsTheKnownOne() {
        String f = "unknown-var.yml";
        InventoryException e = fail(f);
        assertErrors(e,
                at(f, 3, 5) + ": unknown variable 'etcd_clinet_port'; did you mean 'etcd_client_port'?",
                at(f, 9, 5) + ": unknown variable 'dcsprov_zzzzzzzzzz'");
        assertTrue(!e.problems().get(1).message().contains("did you mean"), e.problems().get(1).message());
    }

    @Test
    void unknownGroupKeySuggestsHosts() {
        String f = "unknown-key.yml";
        assertErrors(fail(f), at(f, 4, 7) + ": unknown key 'host' in group 'etcd'; did you mean 'hosts'?");
    }

    @Test
    void missingGroupListsTheGroupsThatExist() {
        String f = "missing-group.yml";
        assertErrors(fail(f), at(f, 1, 1) + ": group 'etcd' is not in " + Fixtures.file(f) + "; groups: all, web, dbs");
    }

    @Test
    void emptyGroupIsAnError() {
        String f = "empty-group.yml";
        assertErrors(fail(f), at(f, 5, 5) + ": group 'etcd' in " + Fixtures.file(f) + " has no hosts; groups: all, ungrouped, etcd");
    }

    @Test
    void badAddresses() {
        String f = "bad-address.yml";
        assertErrors(fail(f),
                at(f, 5, 9) + ": host name 'dcs_00' is not an IP address or DNS name and no ansible_host is set",
                at(f, 7, 25) + ": ansible_host '10.0.0.300' is not an IP address or DNS name");
    }

    @Test
    void dnsNameCannotBeAListenAddress() {
        String f = "dns-listen.yml";
        assertErrors(fail(f),
                at(f, 5, 9) + ": etcd listens only on IP addresses, but db-1.example.com would listen on 'db-1.example.com'");
    }

    @Test
    void hostDefinedTwiceTakesTheLaterValuesAsAnsibleDoes() {
        Host h = Fixtures.load("conflicting-host.yml").member("dcs-00").orElseThrow();
        assertEquals("10.0.0.5", h.address(), "the definition under 'lab' comes later in the file");
    }

    @Test
    void duplicateMemberNamesAndAdvertiseAddresses() {
        String f = "duplicate-members.yml";
        assertErrors(fail(f),
                at(f, 9, 22) + ": hosts dcs-00 and dcs-01 have the same etcd member name 'dcs-00'",
                at(f, 11, 25) + ": hosts dcs-00 and dcs-02 have the same advertise address '10.0.0.1'");
    }

    @Test
    void metricsPortMustDifferFromTheClientPort() {
        String f = "metrics-port.yml";
        assertErrors(fail(f), at(f, 3, 24) + ": etcd_metrics_port 2379 is also the client port");
    }

    @Test
    void clientPortMustDifferFromPeerPort() {
        String f = "ports.yml";
        assertErrors(fail(f), at(f, 7, 25) + ": etcd_client_port and etcd_peer_port are both 2380");
    }

    @Test
    void clusterSettingThatDiffersOnOneHost() {
        String f = "cluster-differs.yml";
        assertErrors(fail(f), at(f, 13, 29) + ": etcd_client_port differs between dcs-00 (2379) and dcs-02 (2381); "
                + "cluster settings must be the same on every member");
    }

    @Test
    void badClusterSettings() {
        String f = "bad-settings.yml";
        assertErrors(fail(f),
                at(f, 3, 24) + ": etcd_cluster_name 'PG_dcs' must be lowercase letters, digits and '-'",
                at(f, 4, 20) + ": etcd_data_dir 'var/lib/etcd' must be an absolute path on the hosts",
                at(f, 6, 28) + ": etcd_election_timeout (1000 ms) must be at least 5 x etcd_heartbeat_interval (300 ms)",
                at(f, 7, 32) + ": etcd_auto_compaction_mode must be periodic or revision, not 'periodc'; did you mean 'periodic'?",
                at(f, 8, 24) + ": dcsprov_apt_proxy 'ftp://proxy:3142' is not an http:// or https:// URL",
                at(f, 9, 28) + ": dcsprov_key_algorithm 'rsa-2049' is not supported; did you mean 'rsa-2048'?");
    }

    @Test
    void topLevelMustBeAMapping() {
        String f = "not-a-mapping.yml";
        assertErrors(fail(f), at(f, 1, 1) + ": the inventory must be a mapping starting with 'all:', not a list");
    }

    @Test
    void unreadableFileIsAnInventoryError() {
        InventoryException e = fail("does-not-exist.yml");
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertTrue(e.summary().startsWith("cannot read inventory"), e.summary());
    }

    @Test
    void groupCycleIsAnError() {
        String f = "cycle.yml";
        assertErrors(fail(f), at(f, 3, 5) + ": group 'a' is its own ancestor: all > a > b > a");
    }

    @Test
    void aHostLevelSettingOnTheFirstMemberIsBlamedOnce() {
        String f = "first-differs.yml";
        assertErrors(fail(f), at(f, 7, 27) + ": etcd_peer_port differs between dcs-00 (2390) and dcs-01 (2380)");
    }
}
