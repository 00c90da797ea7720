package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Ansible's precedence, checked on user variables that dcsprov passes through untouched. */
class VariableMergerTest {
    private final Problems problems = new Problems();
    private final VariableMerger merger = merger(Fixtures.file("nested.yml"));

    private VariableMerger merger(Path file) {
        return new VariableMerger(new InventorySources(problems).read(List.of(file)), problems);
    }

    private String value(String host, String var) {
        Map<String, Var> vars = merger.mergedFor(host);
        return YamlNodes.show(vars.get(var).value());
    }

    @Test
    void hostVarsWinOverEveryGroup() {
        assertEquals("host", value("n1", "color"));
    }

    @Test
    void childGroupWinsOverParentAndParentOverAll() {
        assertEquals("b_rack", value("n2", "color"));
        assertEquals("etcd", value("n2", "size"));
        assertEquals("all", value("n2", "mood"));
    }

    @Test
    void sameDepthGroupsMergeAlphabeticallyLaterWins() {
        // n1 is in a_rack and b_rack (both depth 2): b_rack sorts later, so it wins for shape.
        assertEquals("b_rack", value("n1", "shape"));
        // n3 is in alpha and omega (both depth 1).
        assertEquals("omega", value("n3", "mood"));
    }

    @Test
    void deeperGroupWinsEvenIfItsNameSortsFirst() {
        // zeta (depth 1) sorts after a_rack (depth 2), but depth comes first.
        assertEquals("a_rack", value("n3", "color"));
    }

    @Test
    void membersOfGroupIncludeChildGroupHosts() {
        assertEquals(java.util.List.of("n2", "n1", "n3"), merger.membersOf("etcd"));
        assertEquals(java.util.List.of("outsider", "n2", "n1", "n3"), merger.membersOf("all"));
        assertFalse(problems.hasErrors(), problems.errors().toString());
    }
}
