package dev.dcsprov.cli;

import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.InventoryLoader;
import dev.dcsprov.pki.HostCertificateRequest;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.plan.PlanText;
import dev.dcsprov.render.EtcdConfigRenderer;
import dev.dcsprov.render.UnifiedDiff;
import dev.dcsprov.ssh.SshConnector;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Loads the classes a real run needs, without touching any host, so the launcher can record
 * them in a class-data archive once per build: JVM start-up is most of a no-op apply.
 */
@Command(name = "warm-classes", hidden = true, description = "Load the classes of a run (used by the launcher).")
final class WarmClassesCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        SshConnector.warmUpNow();
        Path dir = Files.createTempDirectory("dcsprov-warm");
        try {
            Path file = dir.resolve("inventory.yml");
            Files.writeString(file, """
                    all:
                      vars: {dcsprov_pki_dir: pki}
                      children:
                        etcd:
                          hosts:
                            a: {ansible_host: 192.0.2.1}
                    """);
            Inventory inventory = InventoryLoader.load(file, null);
            String config = new EtcdConfigRenderer(Optional.empty())
                    .render(inventory, inventory.members().get(0), inventory.initialCluster(), "new");
            UnifiedDiff.unified("/etc/dcs/etcd", "", config);
            PkiStore pki = new PkiStore(dir.resolve("pki"));
            pki.ensureCa("warm", inventory.cluster().keyAlgorithm(), 1);
            pki.ensureHostCertificate(HostCertificateRequest.of("a", List.of("192.0.2.1", "a"), 1,
                    inventory.cluster().keyAlgorithm()), 0);
            JsonReporter.JSON.writeValueAsString(new dev.dcsprov.plan.Plan("warm", List.of(), List.of(), List.of()));
            PlanText.summary(new dev.dcsprov.plan.Plan("warm", List.of(), List.of(), List.of()));
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
