package dev.dcsprov.patroni;

import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.InventoryLoader;

import java.nio.file.Files;
import java.nio.file.Path;

/** A one-member inventory with auth, a patroni user and a Patroni group, for the Patroni unit tests. */
public final class PatroniTestInventory {
    private PatroniTestInventory() {
    }

    /**
     * @param patroniVars more vars of the patroni group, each ", name: value"
     * @param hosts       the patroni group's hosts, e.g. "{a: , pg1: {ansible_host: 10.0.0.9}}" (a is the member)
     */
    public static Inventory write(Path dir, String patroniVars, String hosts) throws Exception {
        Path f = Files.createTempFile(dir, "inv", ".yml");
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
                      vars: {dcsprov_patroni_etcd_user: patroni%s}
                      hosts: %s
                """.formatted(patroniVars, hosts));
        return InventoryLoader.load(f, null, dir);
    }
}
