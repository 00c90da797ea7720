package dev.dcsprov.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host where Debian's package already started etcd with its stock single-member config holds
 * data of another cluster: apply refuses, touches nothing, and its suggested fix works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignDataIT {
    static final List<String> HOSTS = List.of("dcs-07", "dcs-08");
    private Path inventory;

    @BeforeAll
    void aHostWithTheStockEtcdRunning() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        Lab.sshOk("dcs-07", "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server >/dev/null");
        assertEquals("active", Lab.sshOk("dcs-07", "systemctl is-active etcd").strip(), "the package started the stock etcd");
        inventory = Lab.writeInventory(Files.createTempDirectory("dcsprov-foreign-it"), HOSTS, "");
    }

    @Test
    void applyRefusesThenSucceedsAfterTheSuggestedFix() throws IOException {
        Proc.Result refused = Cli.dcsprov("apply", inventory.toString());
        assertEquals(6, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("etcd is already running on dcs-07"), refused::toString);
        assertTrue(refused.err().contains("fix:") && refused.err().contains("systemctl stop etcd"), refused::toString);
        assertNotEquals(0, Lab.ssh("dcs-08", "test -e /etc/dcs").exit(), "the other host is untouched");
        assertEquals(0, Lab.ssh("dcs-07", "test -d /var/lib/etcd/default/member").exit(), "the foreign data is untouched");
        assertEquals("active", Lab.sshOk("dcs-07", "systemctl is-active etcd").strip(), "the foreign etcd still runs");

        Lab.sshOk("dcs-07", "systemctl stop etcd && mv /var/lib/etcd/default /var/lib/etcd/default.old");
        Proc.Result applied = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, applied.exit(), applied::toString);
        assertTrue(applied.err().contains("warning:"), "two members is an even count: " + applied.err());
        Path pki = inventory.getParent().resolve("pki/dcs");
        Proc.Result members = Cli.etcdctl(pki, Cli.endpoints(HOSTS), "member", "list", "-w", "json");
        assertEquals(0, members.exit(), members::toString);
        assertEquals(2, new ObjectMapper().readTree(members.out()).get("members").size(), members.out());
        assertEquals(0, Lab.ssh("dcs-07", "test -d /var/lib/etcd/default.old/member").exit(), "the moved data is kept");
    }
}
