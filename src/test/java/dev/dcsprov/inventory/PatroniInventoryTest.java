package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatroniInventoryTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            all:
              vars:
                etcd_auth_enabled: true
                etcd_auth_root_password: {env: ROOT_PW}
                etcd_roles:
                  patroni: [{prefix: /service/, permission: readwrite}]
                etcd_users:
                  patroni: {password: {env: PATRONI_PW}, roles: [patroni]}
                  kube: {roles: [patroni]}
              children:
                etcd:
                  hosts:
                    a: {ansible_host: 10.0.0.1}
                    b: {ansible_host: 10.0.0.2}
                    c: {ansible_host: 10.0.0.3}
            """;

    private Inventory load(String extra) throws IOException {
        Path f = dir.resolve("inv.yml");
        Files.writeString(f, BASE + extra);
        return InventoryLoader.load(f, null, dir);
    }

    @Test
    void noPatroniGroupMeansNoPatroniHosts() throws IOException {
        assertEquals(List.of(), load("").patroni());
    }

    @Test
    void patroniHostsWithDefaultsOneAlsoAMember() throws IOException {
        Inventory inv = load("""
                    patroni:
                      vars: {dcsprov_patroni_etcd_user: patroni}
                      hosts:
                        a:
                        pg1: {ansible_host: 10.0.0.9, dcsprov_patroni_rest_port: 8009, dcsprov_patroni_unit: patroni@15-main}
                """);
        assertEquals(2, inv.patroni().size());
        PatroniHost a = inv.patroni().get(0);
        assertEquals("a", a.name());
        assertEquals("10.0.0.1", a.host().address());
        assertEquals("postgres", a.osUser());
        assertEquals(8008, a.restPort());
        assertEquals("/etc/patroni/dcs/current", a.current());
        assertEquals("/etc/patroni_env.conf", a.envFile());
        assertEquals("patroni", a.unit());
        PatroniHost pg1 = inv.patroni().get(1);
        assertEquals(8009, pg1.restPort());
        assertEquals("patroni@15-main", pg1.unit());
        // The run connects to every member and to pg1, once each.
        assertEquals(List.of("a", "b", "c", "pg1"), inv.allHosts().stream().map(Host::name).toList());
    }

    @Test
    void aCertificateOnlyUserIsRefusedWithTheFix() {
        InventoryException e = assertThrows(InventoryException.class, () -> load("""
                    patroni:
                      vars: {dcsprov_patroni_etcd_user: kube}
                      hosts: {a: }
                """));
        assertTrue(text(e).contains("dcsprov_patroni_etcd_user 'kube' of a has no password"), text(e));
        assertTrue(text(e).contains("give kube a password in etcd_users"), text(e));
        assertEquals(dev.dcsprov.ExitCode.INVENTORY, e.exitCode());
    }

    @Test
    void aMissingOrUnknownUserIsRefused() {
        InventoryException missing = assertThrows(InventoryException.class, () -> load("""
                    patroni:
                      hosts: {a: }
                """));
        assertTrue(text(missing).contains("Patroni host a has no dcsprov_patroni_etcd_user"), text(missing));
        InventoryException unknown = assertThrows(InventoryException.class, () -> load("""
                    patroni:
                      vars: {dcsprov_patroni_etcd_user: patrony}
                      hosts: {a: }
                """));
        assertTrue(text(unknown).contains("'patrony' of a is not in etcd_users"), text(unknown));
        assertTrue(text(unknown).contains("patroni"), "a did-you-mean");
    }

    @Test
    void anEnvFileOutsidePatronisNamesIsRefused() {
        InventoryException e = assertThrows(InventoryException.class, () -> load("""
                    patroni:
                      vars: {dcsprov_patroni_etcd_user: patroni, dcsprov_patroni_env_file: /etc/passwd}
                      hosts: {a: }
                """));
        assertTrue(text(e).contains("dcsprov_patroni_env_file"), text(e));
    }

    @Test
    void anAskedForGroupThatIsMissingIsAnError() throws IOException {
        Path f = dir.resolve("inv.yml");
        Files.writeString(f, BASE);
        InventoryException e = assertThrows(InventoryException.class, () -> InventoryLoader.load(InventoryLoader.Request.of(f).patroniGroup("postgres").home(dir)));
        assertTrue(text(e).contains("Patroni group 'postgres' is not in the inventory"), text(e));
    }

    private static String text(dev.dcsprov.DcsprovException e) {
        return e.summary() + "\n" + e.detail().orElse("") + "\n" + e.fix().orElse("");
    }
}
