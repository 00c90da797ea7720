package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.inventory.AnsibleCli;
import dev.dcsprov.inventory.InventoryView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dcsprov inventory prints what the real ansible-inventory prints (--list as JSON, --graph line for line), validates
 * offline with exit 3; and the CLI habits every command shares: --list-hosts, -o json on errors, --limit where it
 * is refused, -f, --diff, -e.
 */
class InventoryCommandTest {
    private static final Path ANSIBLE = Path.of("src", "test", "resources", "ansible");
    private static final Path LAB = Path.of("src", "test", "resources", "inventory", "lab.yml");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.configured(args);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ini/hosts.ini", "connection/aliases.ini", "shared/hosts.ini", "yaml/inventory.yml", "dir",
            "priority/hosts", "multi/a/hosts.ini multi/b/more.yml"})
    void listAndGraphAreWhatAnsibleInventoryPrints(String sources) throws Exception {
        Assumptions.assumeTrue(AnsibleCli.available("ansible-inventory"), "ansible-inventory is not installed (apt-get install ansible)");
        List<Path> paths = Arrays.stream(sources.split(" ")).map(ANSIBLE::resolve).toList();
        JsonNode ansible = AnsibleCli.list(paths, "-e", "extra_var=1");
        JsonNode dcsprov = JSON.readTree(JSON.writeValueAsString(InventoryShowCommand.list(InventoryView.load(paths, List.of("extra_var=1")))));
        assertEquals(ansible, dcsprov);
        List<String> cmd = new java.util.ArrayList<>(List.of("ansible-inventory", "--graph"));
        paths.forEach(p -> { cmd.add("-i"); cmd.add(p.toString()); });
        assertEquals(AnsibleCli.run(cmd, java.util.Map.of()).strip(), String.join("\n", InventoryShowCommand.graph(InventoryView.load(paths))));
    }

    @Test
    void theCommandValidatesAsApplyWouldAndPrintsJsonErrors() throws Exception {
        Run ok = run("inventory", LAB.toString(), "--host", "dcs-00");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("192.168.56.10", JSON.readTree(ok.out()).get("ansible_host").asText());
        Path bad = Path.of("src", "test", "resources", "inventory", "connection-refused.yml");
        Run r = run("inventory", bad.toString(), "-o", "json");
        assertEquals(3, r.exit());
        JsonNode error = JSON.readTree(r.out()).get("error");
        assertEquals(3, error.get("exit_code").asInt());
        assertEquals(6, error.get("problems").size());
        assertEquals(8, error.get("problems").get(0).get("line").asInt());
        assertTrue(r.err().contains("ansible_connection is 'local'"), r.err());
    }

    @Test
    void listHostsWithALimitConnectsToNoHost() {
        Run r = run("plan", LAB.toString(), "--list-hosts", "-l", "etcd:!dcs-01");
        assertEquals(0, r.exit(), r.err());
        assertEquals("  hosts (2):\n    dcs-00\n    dcs-02\n", r.out());
        Run json = run("rotate-certs", LAB.toString(), "--list-hosts", "--limit", "dcs-0[12]", "-o", "json", "-f", "2", "--diff");
        assertEquals(0, json.exit(), json.err());
        assertTrue(json.out().replaceAll("\\s", "").contains("{\"hosts\":[\"dcs-01\",\"dcs-02\"]}"), json.out());
    }

    @Test
    void commandsThatJudgeTheWholeClusterRefuseALimit() throws Exception {
        Run r = run("status", LAB.toString(), "--limit", "dcs-00", "-o", "json");
        assertEquals(2, r.exit());
        assertTrue(JSON.readTree(r.out()).get("error").get("summary").asText().contains("status takes no --limit"), r.out());
    }

    @Test
    void aBadCommandLineIsAJsonDocumentToo() throws Exception {
        Run r = run("plan", LAB.toString(), "--forks", "many", "-o", "json");
        assertEquals(2, r.exit());
        assertEquals(2, JSON.readTree(r.out()).get("error").get("exit_code").asInt(), r.out());
    }

    @Test
    void extraVarsReachTheInventory() throws Exception {
        Run r = run("inventory", LAB.toString(), "-e", "{\"etcd_snapshot_cont\": 1}");
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("did you mean 'etcd_snapshot_count'?"), r.err());
    }
}
