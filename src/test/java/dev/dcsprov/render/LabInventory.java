package dev.dcsprov.render;

import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.SourceLocation;
import dev.dcsprov.pki.KeyAlgorithm;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The three-member lab cluster (192.168.56.10-12) built from the records, with the inventory defaults. */
final class LabInventory {
    static final Path FILE = Path.of("inventories/lab.yml");

    private LabInventory() {
    }

    static ClusterSettings cluster(Optional<Path> templateDir) {
        return new ClusterSettings("dcs", "dcs-token", "/var/lib/etcd/dcs", "/etc/dcs", "/etc/dcs/etcd",
                "/etc/dcs/cert", 2379, 2380, EtcdTuning.defaults(), Optional.empty(), Path.of("pki/dcs"),
                KeyAlgorithm.ECDSA_P256, 365, 3650, 30, List.of(), List.of(), templateDir,
                new dev.dcsprov.inventory.BackupSettings(Path.of("backups/dcs"), 7, Optional.empty(), "/var/lib/dcs/backup", 7));
    }

    static Host host(int i, String address, List<String> listen) {
        String name = "dcs-0" + i;
        return new Host(name, address, 22, "root", Optional.empty(), false, name, address, listen, List.of(),
                new SourceLocation(FILE, 3 + i, 5));
    }

    static Inventory inventory(ClusterSettings cluster, Host... hosts) {
        return new Inventory(FILE, "etcd", List.of(hosts), cluster, List.of());
    }

    static Inventory lab() {
        return inventory(cluster(Optional.empty()),
                host(0, "192.168.56.10", List.of("192.168.56.10")),
                host(1, "192.168.56.11", List.of("192.168.56.11")),
                host(2, "192.168.56.12", List.of("192.168.56.12")));
    }
}
