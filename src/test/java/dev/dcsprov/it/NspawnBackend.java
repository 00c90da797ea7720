package dev.dcsprov.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The nspawn lab made by lab/up on bridge 192.168.56.0/24: dcs-NN is 192.168.56.(10+NN). */
final class NspawnBackend implements LabBackend {
    private static final Path SSH_KEY = Path.of("/var/lib/dcslab/ssh/id_ed25519");
    private static final Path KNOWN_HOSTS = Path.of("/var/lib/dcslab/ssh/known_hosts");

    @Override
    public String host(String name) {
        return name;
    }

    @Override
    public String address(String host) {
        return "192.168.56." + (10 + Integer.parseInt(host.substring(4)));
    }

    @Override
    public Path sshKey() {
        return SSH_KEY;
    }

    @Override
    public Path knownHosts() {
        return KNOWN_HOSTS;
    }

    @Override
    public String aptProxy() {
        return "http://192.168.56.1:3142";
    }

    @Override
    public void requireUp() {
        if (!Files.exists(SSH_KEY)) {
            throw new AssertionError("the lab is not up: run 'lab/up' as root first (bash .ci/run does)");
        }
    }

    @Override
    public void recreate(List<String> hosts) {
        List<String> down = new ArrayList<>(List.of(Lab.REPO.resolve("lab/down").toString(), "--quiet"));
        down.addAll(hosts);
        Proc.Result d = Proc.run(down);
        assertEquals(0, d.exit(), () -> "lab/down " + hosts + "\n" + d);
        List<String> up = new ArrayList<>(List.of(Lab.REPO.resolve("lab/up").toString()));
        up.addAll(hosts);
        Proc.Result u = Proc.run(up);
        assertEquals(0, u.exit(), () -> "lab/up " + hosts + "\n" + u);
    }

    @Override
    public void release(List<String> hosts) {
        List<String> down = new ArrayList<>(List.of(Lab.REPO.resolve("lab/down").toString(), "--quiet"));
        down.addAll(hosts);
        Proc.Result d = Proc.run(down);
        if (d.exit() != 0) {
            System.err.println("lab/down " + hosts + " (releasing a finished class's hosts) failed: " + d);
        }
    }

    @Override
    public Path defaultInventory() {
        return Lab.REPO.resolve("inventories/lab.yml");
    }
}
