package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -e/--extra-vars win over every inventory variable, host_vars included, as in Ansible. */
class ExtraVarsTest {
    private static final Path PRIORITY = AnsibleInventoryProofTest.DIR.resolve("connection/aliases.ini");

    @Test
    void keyValueJsonAndFileWinOverHostVarsLaterOnesWinning() throws Exception {
        Path file = Files.createTempFile("extra", ".yml");
        Files.writeString(file, "etcd_snapshot_count: 3000\nansible_ssh_port: 2201\n");
        Inventory inv = InventoryLoader.load(InventoryLoader.Request.of(PRIORITY).home(Fixtures.HOME).extraVars(List.of("ansible_ssh_user=backup etcd_snapshot_count=1000", "{\"ansible_ssh_port\": 2200}", "@" + file)));
        for (Host h : inv.members()) {
            assertEquals("backup", h.sshUser(), "over the host's own ansible_ssh_user: " + h.name());
            assertEquals(2201, h.sshPort(), "the file came last: " + h.name());
        }
        Inventory one = InventoryLoader.load(InventoryLoader.Request.of(PRIORITY).home(Fixtures.HOME).extraVars(List.of("ansible_ssh_port=2222")));
        assertTrue(one.members().stream().allMatch(h -> h.sshPort() == 2222));
    }

    @Test
    void badExtraVarsAreErrorsThatSayWhere() {
        InventoryException e = org.junit.jupiter.api.Assertions.assertThrows(InventoryException.class, () ->
                InventoryLoader.load(InventoryLoader.Request.of(PRIORITY).home(Fixtures.HOME).extraVars(List.of("ansible_ssh_port=2222 oops", "[1, 2]", "@/nonexistent/vars.yml"))));
        String all = String.join("\n", e.problems().stream().map(Problem::toString).toList());
        assertTrue(all.contains("--extra-vars #1:1:23: 'oops' is not key=value"), all);
        assertTrue(all.contains("--extra-vars #2:1:1: extra vars must be a mapping of variable names to values, not a list"), all);
        assertTrue(all.contains("/nonexistent/vars.yml"), all);
        InventoryException unknown = org.junit.jupiter.api.Assertions.assertThrows(InventoryException.class, () ->
                InventoryLoader.load(InventoryLoader.Request.of(PRIORITY).home(Fixtures.HOME).extraVars(List.of("etcd_snapshot_cont=5"))));
        assertTrue(unknown.problems().get(0).message().contains("did you mean 'etcd_snapshot_count'?"), unknown.problems().toString());
    }
}
