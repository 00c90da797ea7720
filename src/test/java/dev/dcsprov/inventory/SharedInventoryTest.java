package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inventories shared with other etcd roles work; templates in what dcsprov reads and near-misses of its names do not. */
class SharedInventoryTest {
    private static final Path SHARED = AnsibleInventoryProofTest.DIR.resolve("shared/hosts.ini");

    @Test
    void otherRolesEtcdVariablesAreWarningsListedOnce() {
        Inventory inv = InventoryLoader.load(SHARED, null, Fixtures.HOME);
        assertEquals(3, inv.members().size());
        List<String> w = inv.warnings().stream().filter(s -> s.startsWith("ignored, not dcsprov variables")).toList();
        assertEquals(1, w.size(), "listed once: " + inv.warnings());
        for (String name : List.of("etcd_member_name", "etcd_deployment_type", "etcd_seq", "etcd_cluster", "etcd_access_addresses")) {
            assertEquals(1, w.get(0).split(" " + name + " \\(", -1).length - 1, name + " once in " + w);
        }
        assertTrue(w.get(0).contains("etcd_member_name (" + SHARED + ":3:29)"), w.toString());
    }

    @Test
    void templatesInWhatDcsprovReadsAndNearMissesAreErrors() {
        String f = "templated.yml";
        List<String> errors = Fixtures.fail(f).problems().stream().map(Problem::toString).toList();
        String all = String.join("\n", errors);
        assertEquals(4, errors.size(), all);
        assertTrue(errors.get(0).startsWith(Fixtures.at(f, 5, 34) + ": etcd_users is a Jinja template ('{{ playbook_dir }}/patroni.pw'): "
                + "dcsprov does not evaluate Jinja"), all);
        assertTrue(errors.get(1).startsWith(Fixtures.at(f, 11, 22) + ": etcd_name is a Jinja template ('{{ inventory_hostname }}')"), all);
        assertTrue(errors.get(2).startsWith(Fixtures.at(f, 13, 25) + ": ansible_host is a Jinja template"), all);
        assertTrue(errors.get(3).startsWith(Fixtures.at(f, 14, 11) + ": unknown variable 'etcd_clustr_name'; did you mean 'etcd_cluster_name'?"), all);
        assertFalse(all.contains("is not an IP address"), "a template is reported as one, not as a bad address: " + all);
    }
}
