package dev.dcsprov.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backends' naming and addressing, without a lab: nspawn exactly as before, Docker on its own names and subnet. */
class LabBackendTest {
    @Test
    void nspawnIsTheDefaultAndKeepsNamesAddressesAndFilesAsBefore(@TempDir Path dir) throws IOException {
        // Unit tests run without -Ddcslab.backend: Lab is the nspawn lab, as every IT class had it.
        assertEquals(List.of("dcs-00", "dcs-01", "dcs-02"), Lab.HOSTS);
        assertEquals(List.of("dcs-30", "dcs-31"), Lab.hosts("dcs-30", "dcs-31"));
        assertEquals("192.168.56.42", Lab.address("dcs-32"));
        assertEquals(Path.of("/var/lib/dcslab/ssh/id_ed25519"), Lab.SSH_KEY);
        assertEquals(Path.of("/var/lib/dcslab/ssh/known_hosts"), Lab.KNOWN_HOSTS);
        assertEquals(Lab.REPO.resolve("inventories/lab.yml"), Lab.defaultInventory());
        // Byte for byte what Lab.writeInventory wrote before backends existed.
        Path inv = Lab.writeInventory(dir, List.of("dcs-05"), "    x: 1\n");
        assertEquals("all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: /var/lib/dcslab/ssh/id_ed25519\n"
                + "    dcsprov_known_hosts: /var/lib/dcslab/ssh/known_hosts\n    dcsprov_apt_proxy: http://192.168.56.1:3142\n"
                + "    x: 1\n  children:\n    etcd:\n      hosts:\n        dcs-05:\n          ansible_host: 192.168.56.15\n", Files.readString(inv));
    }

    @Test
    void dockerMapsEachDecadeOntoItsOwnHostsAndSubnet() {
        DockerBackend docker = new DockerBackend();
        assertEquals("dcs-90", docker.host("dcs-00"));
        assertEquals("dcs-92", docker.host("dcs-32"));
        assertEquals("dcs-93", docker.host("dcs-23"));
        assertEquals("192.168.57.100", docker.address("dcs-90"));
        assertEquals("192.168.57.102", docker.address(docker.host("dcs-32")));
        assertEquals("http://192.168.56.1:3142", docker.aptProxy(), "the lab's proxy, reached without forwarding");
        assertTrue(docker.knownHosts().toString().endsWith("dcslab-docker/known_hosts"), docker.knownHosts().toString());
    }

    @Test
    void anUnknownBackendIsRefusedByName() {
        System.setProperty("dcslab.backend", "podman");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, LabBackend::fromSystemProperties);
            assertTrue(e.getMessage().contains("podman") && e.getMessage().contains("nspawn or docker"), e.getMessage());
        } finally {
            System.clearProperty("dcslab.backend");
        }
    }
}
