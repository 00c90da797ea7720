package dev.dcsprov.inventory;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ansible's host patterns for --limit, on an inventory Ansible itself reads the same (ansible/ini/hosts.ini). */
class LimitPatternTest {
    private static final InventoryView VIEW = InventoryView.load(List.of(AnsibleInventoryProofTest.DIR.resolve("shared/hosts.ini")));

    private static List<String> select(String pattern) {
        return LimitPattern.select(pattern, VIEW);
    }

    @Test
    void namesGroupsWildcardsAndRegexes() {
        assertEquals(List.of("node2"), select("node2"));
        assertEquals(List.of("node1", "node2", "node3"), select("etcd"));
        assertEquals(List.of("node1", "node2", "node3"), select("all"));
        assertEquals(List.of("node1", "node3"), select("node[13]"));
        assertEquals(List.of("node2", "node3"), select("~node[23]"));
        assertEquals(List.of("node1", "node2", "node3"), select("node*"));
    }

    @Test
    void unionIntersectionAndExclusionInAnsiblesOrder() {
        assertEquals(List.of("node1", "node3"), select("node3:node1"), "inventory order, as Ansible");
        assertEquals(List.of("node1", "node3"), select("node1,node3"));
        assertEquals(List.of("node1"), select("etcd:&kube_control_plane"));
        assertEquals(List.of("node2", "node3"), select("!kube_control_plane:etcd"), "exclusions apply after the plain terms");
        assertEquals(List.of("node2", "node3"), select("!node1"), "an exclusion alone starts from all hosts");
    }

    @Test
    void aTermThatMatchesNothingIsAnErrorEvenInAnExclusion() {
        DcsprovException e = assertThrows(DcsprovException.class, () -> select("etcd:!nod1"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.summary().contains("'nod1' matches no host or group of the inventory; did you mean 'node1'?"), e.summary());
        assertThrows(DcsprovException.class, () -> select(" , "));
        assertThrows(DcsprovException.class, () -> select("~node[")).summary();
    }

    @Test
    void aFileOfTerms() throws Exception {
        Path f = Files.createTempFile("limit", ".txt");
        Files.writeString(f, "# retry\nnode3\nnode1\n");
        assertEquals(List.of("node1", "node3"), select("@" + f));
    }
}
