package dev.dcsprov.it;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the end-to-end tests' hosts come from: the nspawn lab (lab/up, the default) or Docker
 * containers made by Testcontainers ({@code -Pdocker}, i.e. {@code -Ddcslab.backend=docker}).
 * Tests name hosts as the nspawn lab does (dcs-NN); a backend may map those names onto its own.
 */
interface LabBackend {
    /** The host this backend uses for a host name a test asks for (nspawn: the same name). */
    String host(String name);

    String address(String host);

    Path sshKey();

    Path knownHosts();

    /** The apt proxy URL the hosts reach. */
    String aptProxy();

    /** Fails the test with a message naming the cause and the fix when the backend cannot make hosts. */
    void requireUp();

    /** Replaces the named hosts with fresh ones (new file systems, new host keys). */
    void recreate(List<String> hosts);

    /** Removes hosts no test needs any more; a backend whose hosts cost nothing idle may keep them. */
    default void release(List<String> hosts) {
    }

    /** The inventory of the default three hosts, as lab/up writes it for the nspawn lab. */
    Path defaultInventory() throws java.io.IOException;

    static LabBackend fromSystemProperties() {
        String name = System.getProperty("dcslab.backend", "nspawn");
        return switch (name) {
            case "nspawn" -> new NspawnBackend();
            case "docker" -> new DockerBackend();
            default -> throw new IllegalArgumentException("unknown lab backend -Ddcslab.backend=" + name + ": use nspawn or docker");
        };
    }
}
