package dev.dcsprov.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The proof that dcsprov reads inventories as Ansible does: for every fixture under
 * src/test/resources/ansible, the real {@code ansible-inventory --list} (Debian's ansible, which .ci/run
 * installs) and dcsprov must agree on every host, every group's hosts and children, and every host's merged
 * variables. Skipped, with a message, only where ansible-inventory is not installed.
 */
class AnsibleInventoryProofTest {
    static final Path DIR = Path.of("src", "test", "resources", "ansible");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void ansibleInstalled() {
        Assumptions.assumeTrue(AnsibleCli.available("ansible-inventory"),
                "ansible-inventory is not installed (apt-get install ansible); the proof against Ansible is skipped");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ini/hosts.ini", "connection/aliases.ini", "shared/hosts.ini", "yaml/inventory.yml", "dir", "priority/hosts", "multi/a/hosts.ini multi/b/more.yml",
            "multi/b/more.yml multi/a/hosts.ini", "yaml/inventory.yml ini/hosts.ini", "json/list.json",
            "multi/a/hosts.ini dir multi/b/more.yml", "dir yaml/inventory.yml ini/hosts.ini"})
    void dcsprovReadsWhatAnsibleReads(String sources) throws Exception {
        List<Path> paths = Arrays.stream(sources.split(" ")).map(DIR::resolve).toList();
        List<Path> forAnsible = new ArrayList<>();
        for (Path p : paths) {
            // Ansible reads the JSON of --list only from an inventory script; dcsprov reads the file itself.
            forAnsible.add(p.toString().endsWith(".json") ? script(p) : p);
        }
        JsonNode ansible = AnsibleCli.list(forAnsible);
        InventoryView dcsprov = InventoryView.load(paths);

        JsonNode hostvars = ansible.path("_meta").path("hostvars");
        TreeSet<String> ansibleHosts = new TreeSet<>();
        hostvars.fieldNames().forEachRemaining(ansibleHosts::add);
        for (Iterator<Map.Entry<String, JsonNode>> it = ansible.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            g.getValue().path("hosts").forEach(h -> ansibleHosts.add(h.asText()));
        }
        assertEquals(ansibleHosts, new TreeSet<>(dcsprov.hostVars().keySet()), "hosts");
        assertFalse(ansibleHosts.isEmpty());

        for (String host : ansibleHosts) {
            JsonNode expected = hostvars.path(host).isMissingNode() ? JSON.createObjectNode() : hostvars.path(host);
            JsonNode actual = JSON.readTree(JSON.writeValueAsString(dcsprov.hostVars().get(host)));
            assertEquals(sorted(expected), sorted(actual), "variables of " + host);
        }
        for (Map.Entry<String, InventoryView.GroupView> g : dcsprov.groups().entrySet()) {
            JsonNode a = ansible.path(g.getKey());
            if (!g.getKey().equals(InventoryTree.ALL)) { // --list never shows the hosts written directly under all
                assertEquals(names(a.path("hosts")), new TreeSet<>(g.getValue().hosts()), "hosts of group " + g.getKey());
            }
            assertEquals(names(a.path("children")), new TreeSet<>(g.getValue().children()), "children of group " + g.getKey());
        }
    }

    private static TreeSet<String> names(JsonNode list) {
        TreeSet<String> out = new TreeSet<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String sorted(JsonNode node) throws IOException {
        Object value = JSON.treeToValue(node, Object.class);
        return JSON.writeValueAsString(sort(value));
    }

    @SuppressWarnings("unchecked")
    private static Object sort(Object v) {
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> out = new TreeMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> out.put(k, sort(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(AnsibleInventoryProofTest::sort).toList();
        }
        return v;
    }

    private Path script(Path json) throws IOException {
        Path script = tmp.resolve(json.getFileName() + ".sh");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = --list ] && exec cat '" + json.toAbsolutePath() + "'\necho '{}'\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
