package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.LocalShell;
import dev.dcsprov.cluster.Hosts;
import dev.dcsprov.auth.Secrets;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.InventoryLoader;
import dev.dcsprov.pki.PkiStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
        Path f = dir.resolve("inv.yml");
        Files.writeString(f, """
                all:
                  vars:
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {env: ROOT_PW}
                    etcd_users:
                      patroni: {password: {env: PATRONI_PW}, roles: []}
                  children:
                    etcd: {hosts: {a: {ansible_host: 10.0.0.1}}}
                    patroni:
                      vars: {dcsprov_patroni_etcd_user: patroni, dcsprov_patroni_unit: dcsprov-test-no-such-unit}
                      hosts: {pg1: {ansible_host: 10.0.0.9}}
                """);
        Inventory inv = InventoryLoader.load(f, null, dir);
        try (Hosts hosts = new Hosts(Map.of("a", new LocalShell(), "pg1", new LocalShell()), 2)) {
            PatroniDelivery d = new PatroniDelivery(inv, hosts, new PkiStore(dir.resolve("pki")), new Secrets());
            DcsprovException e = assertThrows(DcsprovException.class, d::preflight);
            assertEquals(ExitCode.UNSAFE, e.exitCode());
            assertTrue(e.summary().contains("Patroni host pg1 has no systemd unit 'dcsprov-test-no-such-unit'"), e.summary());
            assertTrue(e.fix().orElseThrow().contains("install Patroni on pg1"), e.fix().orElseThrow());
            assertTrue(e.detail().orElseThrow().contains("Nothing was changed"));
        }
    }
}
