package dev.dcsprov.patroni;

import dev.dcsprov.inventory.PatroniHost;

import java.util.List;

/**
 * Patroni's etcd3 settings as environment variables, for the unit's EnvironmentFile. Patroni applies
 * PATRONI_ETCD3_* over config.yml (config.py, {@code _load_config_file}), so config.yml needs no etcd section.
 * Values are double-quoted for systemd, which then takes {@code \ " ` $} escaped by a backslash literally.
 */
public final class PatroniEnvFile {
    private PatroniEnvFile() {
    }

    public static String render(PatroniHost p, List<String> hostPorts, String password) {
        String dir = p.current();
        return "# Managed by dcsprov: Patroni's etcd3 settings (its unit reads this file as EnvironmentFile).\n"
                + "# Patroni reads them at start; a reload (HUP) re-reads only the files they point to.\n"
                + line("PATRONI_ETCD3_HOSTS", String.join(",", hostPorts))
                + line("PATRONI_ETCD3_PROTOCOL", "https")
                + line("PATRONI_ETCD3_CACERT", dir + "/ca.crt")
                + line("PATRONI_ETCD3_CERT", dir + "/client.crt")
                + line("PATRONI_ETCD3_KEY", dir + "/client.key")
                + line("PATRONI_ETCD3_USERNAME", p.etcdUser())
                + line("PATRONI_ETCD3_PASSWORD", password);
    }

    static String line(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`").replace("$", "\\$") + "\"\n";
    }
}
