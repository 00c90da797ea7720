package dev.dcsprov.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The local lab as tests see it: hosts, addresses, the lab key, and ways to reach hosts without dcsprov.
 * The hosts come from a {@link LabBackend} chosen at run time: the nspawn lab (default) or Docker
 * containers ({@code -Pdocker}). Classes name their hosts with {@link #hosts}, so each backend may map them.
 */
public final class Lab {
    public static final Path REPO = Path.of(System.getProperty("user.dir"));
    private static final LabBackend BACKEND = LabBackend.fromSystemProperties();
    public static final Path SSH_KEY = BACKEND.sshKey();
    public static final Path KNOWN_HOSTS = BACKEND.knownHosts();
    public static final List<String> HOSTS = hosts("dcs-00", "dcs-01", "dcs-02");

    private Lab() {
    }

    /** The backend's hosts for the names a class asks for: the same names on nspawn, dcs-9N on docker. */
    public static List<String> hosts(String... names) {
        return java.util.Arrays.stream(names).map(BACKEND::host).toList();
    }

    public static String address(String host) {
        return BACKEND.address(host);
    }

    /** The inventory of {@link #HOSTS}: inventories/lab.yml on nspawn (as lab/up wrote it), one written for the backend otherwise. */
    public static Path defaultInventory() throws java.io.IOException {
        return BACKEND.defaultInventory();
    }

    /** Fails the test with a clear message when the lab is not up. */
    public static void requireUp() {
        BACKEND.requireUp();
    }

    /** Runs a command on a lab host with OpenSSH and strict host key checking, independently of dcsprov. */
    public static Proc.Result ssh(String host, String command) {
        return ssh(host, command, 180);
    }

    /** {@link #ssh(String, String)} with its own limit, for long work such as installing packages under load. */
    public static Proc.Result ssh(String host, String command, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-q", "-i", SSH_KEY.toString(), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + KNOWN_HOSTS,
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "root@" + address(host), command));
        return Proc.run(cmd, java.util.Map.of(), null, timeoutSeconds);
    }

    public static String sshOk(String host, String command) {
        Proc.Result r = ssh(host, command);
        assertEquals(0, r.exit(), () -> host + ": " + command + "\n" + r);
        return r.out();
    }

    /**
     * Writes a lab inventory for the given hosts into dir (the local PKI then lives in dir/pki/dcs).
     * Each test class owns its own lab hosts, so classes never disturb each other's clusters.
     *
     * @param extraVars YAML lines added under all.vars, indented by four spaces, or ""
     */
    public static Path writeInventory(Path dir, List<String> hosts, String extraVars) throws java.io.IOException {
        StringBuilder y = new StringBuilder();
        y.append("all:\n  vars:\n    ansible_user: root\n")
                .append("    ansible_ssh_private_key_file: ").append(SSH_KEY).append('\n')
                .append("    dcsprov_known_hosts: ").append(KNOWN_HOSTS).append('\n')
                .append("    dcsprov_apt_proxy: ").append(BACKEND.aptProxy()).append('\n')
                .append(extraVars)
                .append("  children:\n    etcd:\n      hosts:\n");
        for (String h : hosts) {
            y.append("        ").append(h).append(":\n          ansible_host: ").append(address(h)).append('\n');
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("inventory.yml");
        Files.writeString(file, y.toString());
        return file;
    }

    /** Adds {@code lines} (each "name: value") to the all.vars of an inventory {@link #writeInventory} wrote. */
    public static void addVars(Path inventory, String... lines) throws java.io.IOException {
        StringBuilder vars = new StringBuilder();
        for (String l : lines) {
            vars.append("    ").append(l).append('\n');
        }
        Files.writeString(inventory, Files.readString(inventory).replace("  children:", vars + "  children:"));
    }

    /**
     * Fresh hosts with a cluster that dcsprov apply made on them: the inventory, in a temporary
     * directory named after {@code test}, with its PKI in pki/dcs next to it.
     */
    public static Path appliedCluster(List<String> hosts, String test) throws java.io.IOException {
        requireUp();
        recreate(hosts);
        Path inventory = writeInventory(Files.createTempDirectory("dcsprov-" + test), hosts, "");
        Proc.Result r = Cli.dcsprov("apply", inventory.toString());
        if (r.exit() != 0) {
            throw new AssertionError("apply on fresh hosts " + hosts + " failed: " + r);
        }
        return inventory;
    }

    public static void recreate(List<String> hosts) {
        LabHostRelease.made(hosts);
        BACKEND.recreate(hosts);
    }

    /** Removes hosts a finished class no longer needs (see {@link LabHostRelease}). */
    static void release(List<String> hosts) {
        BACKEND.release(hosts);
    }
}
