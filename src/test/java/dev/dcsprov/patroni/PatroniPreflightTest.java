package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.LocalShell;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.auth.Secrets;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real probe script, run by python3 on this machine (which has no Patroni unit), through the real preflight. */
class PatroniPreflightTest {
    @TempDir
    Path dir;

    @Test
    void aHostWithoutPatronisUnitIsRefusedNamingItAndTheFix() throws Exception {
        Inventory inv = PatroniTestInventory.write(dir, ", dcsprov_patroni_unit: dcsprov-test-no-such-unit",
                "{pg1: {ansible_host: 10.0.0.9}}");
        try (ConnectedHosts hosts = new ConnectedHosts(Map.of("a", new LocalShell(), "pg1", new LocalShell()), 2)) {
            PatroniDelivery d = new PatroniDelivery(inv, hosts, new PkiStore(dir.resolve("pki")), new Secrets());
            DcsprovException e = assertThrows(DcsprovException.class, d::preflight);
            assertEquals(ExitCode.UNSAFE, e.exitCode());
            assertTrue(e.summary().contains("Patroni host pg1 has no systemd unit 'dcsprov-test-no-such-unit'"), e.summary());
            assertTrue(e.fix().orElseThrow().contains("install Patroni on pg1"), e.fix().orElseThrow());
            assertTrue(e.detail().orElseThrow().contains("Nothing was changed"));
        }
    }

    Inventory inventory(String patroniVars) throws Exception {
        return PatroniTestInventory.write(dir, patroniVars, "{a: , pg1: {ansible_host: 10.0.0.9}}");
    }

    /** A host that answers the probe with this document, as the probe script prints it. */
    static Connection answering(String probeJson) {
        return new Connection() {
            @Override
            public String hostName() {
                return "canned";
            }

            @Override
            public CommandResult run(RemoteCommand command) {
                return new CommandResult(0, probeJson, "");
            }

            @Override
            public CommandResult run(RemoteCommand command, java.io.OutputStream stdout) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    /** pg1's answer refused; a (a member, and a Patroni host) answers as a running Patroni leader. */
    DcsprovException refusedFor(String pg1Answers, String patroniVars) throws Exception {
        Inventory inv = inventory(patroniVars);
        try (ConnectedHosts hosts = new ConnectedHosts(Map.of("a", answering(PatroniStatusTest.PROBE), "pg1", answering(pg1Answers)), 2)) {
            PatroniDelivery d = new PatroniDelivery(inv, hosts, new PkiStore(dir.resolve("pki")), new Secrets());
            DcsprovException e = assertThrows(DcsprovException.class, d::preflight);
            assertEquals(ExitCode.UNSAFE, e.exitCode());
            assertTrue(e.detail().orElseThrow().contains("Nothing was changed on any host"), e.detail().orElseThrow());
            return e;
        }
    }

    @Test
    void aRunningPatroniWhoseRestApiIsSilentIsRefusedNamingThePortAndTheSetting() throws Exception {
        DcsprovException e = refusedFor("""
                {"now": 1.0, "load": "loaded", "active": "active", "user": true, "sections": [], "current": "", "current_sha256": "",
                 "rest": {}, "rest_error": "http://127.0.0.1:8010/patroni: <urlopen error [Errno 111] Connection refused>"}
                """, ", dcsprov_patroni_rest_port: 8010");
        assertEquals("Patroni host pg1 runs patroni but its REST API does not answer on port 8010", e.summary());
        assertTrue(e.detail().orElseThrow().contains("Connection refused"), e.detail().orElseThrow());
        assertTrue(e.fix().orElseThrow().contains("journalctl -u patroni' on pg1"), e.fix().orElseThrow());
        assertTrue(e.fix().orElseThrow().contains("dcsprov_patroni_rest_port"), e.fix().orElseThrow());
    }

    @Test
    void aPatroniHostWithoutPython3OrAccountOrWithADcsSectionOfItsOwnIsRefused() throws Exception {
        assertEquals("Patroni host pg1 has no python3",
                refusedFor("{\"load\": \"loaded\", \"active\": \"inactive\", \"python3\": false}", "").summary());
        DcsprovException account = refusedFor("""
                {"now": 1.0, "load": "loaded", "active": "inactive", "user": false, "sections": [], "rest": {}}
                """, "");
        assertEquals("Patroni host pg1 has no account 'postgres' for Patroni", account.summary());
        assertTrue(account.fix().orElseThrow().contains("dcsprov_patroni_os_user"));
        DcsprovException section = refusedFor("""
                {"now": 1.0, "load": "loaded", "active": "inactive", "user": true, "sections": ["etcd"], "rest": {}}
                """, "");
        assertEquals("Patroni host pg1 /etc/patroni/config.yml has a DCS section of its own: etcd", section.summary());
        assertTrue(section.fix().orElseThrow().contains("remove the etcd section"), section.fix().orElseThrow());
    }

    @Test
    void aPatroniHostThatIsAlsoAMemberAndAStoppedPatroniPassTheChecks() throws Exception {
        Inventory inv = inventory("");
        String stopped = "{\"now\": 1.0, \"load\": \"loaded\", \"active\": \"inactive\", \"user\": true, \"sections\": [], \"rest\": {}}";
        try (ConnectedHosts hosts = new ConnectedHosts(Map.of("a", answering(PatroniStatusTest.PROBE), "pg1", answering(stopped)), 2)) {
            Map<String, PatroniFacts> facts = new PatroniDelivery(inv, hosts, new PkiStore(dir.resolve("pki")), new Secrets()).preflight();
            assertEquals(List.of("a", "pg1"), List.copyOf(facts.keySet()));
            assertEquals("master", facts.get("a").role());
        }
    }
}
