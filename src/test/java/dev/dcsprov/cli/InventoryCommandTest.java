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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            "priority/hosts", "multi/a/hosts.ini multi/b/more.yml", "multi/a/hosts.ini dir multi/b/more.yml"})
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

    /** Three members on 127.0.0.1-3 port 1: a command that got as far as connecting would exit 4 (connection refused). */
    private static Path unreachableCluster(Path dir, String extraVars) throws Exception {
        Path inv = java.nio.file.Files.writeString(dir.resolve("hosts.ini"), """
                [etcd]
                dcs-00 ansible_host=127.0.0.1 ansible_port=1
                dcs-01 ansible_host=127.0.0.2 ansible_port=1
                dcs-02 ansible_host=127.0.0.3 ansible_port=1
                [all:vars]
                """ + "dcsprov_pki_dir=" + dir.resolve("pki") + "\n" + extraVars);
        java.nio.file.Files.createDirectories(dir.resolve("group_vars"));
        return inv;
    }

    @Test
    void aVarsFileThatCannotBeReadIsExitThreeBeforeAnyConnection(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path inv = unreachableCluster(dir, "");
        Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("group_vars/etcd.yml"), dir.resolve("vault/etcd.yml"));
        for (String command : List.of("plan", "apply", "inventory")) {
            Run r = run(command, inv.toString(), "-o", "json");
            assertEquals(3, r.exit(), command + ": " + r.err());
            JsonNode problem = JSON.readTree(r.out()).get("error").get("problems").get(0);
            assertEquals(link.toString(), problem.get("file").asText());
            assertTrue(problem.get("message").asText().contains("which does not exist"), problem.toString());
            assertTrue(r.err().contains(link + ":1:1: cannot read " + link), r.err());
        }
        java.nio.file.Files.delete(link);
        assertEquals(4, run("plan", inv.toString()).exit(), "the same inventory readable: plan connects, and is refused");
    }

    @Test
    void envAndPatroniConfigPrintJsonDocumentsAndJsonErrors(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pw = java.nio.file.Files.writeString(dir.resolve("patroni.pw"), "s3cret-Pw\n");
        java.nio.file.Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path inv = unreachableCluster(dir, "etcd_client_port=2399\n");
        java.nio.file.Files.writeString(dir.resolve("group_vars/etcd.yml"), "etcd_auth_enabled: true\netcd_auth_root_password: {file: " + pw
                + "}\netcd_users:\n  patroni: {password: {file: " + pw + "}, roles: []}\n");
        Run noPki = run("env", inv.toString(), "-o", "json");
        assertEquals(8, noPki.exit(), noPki.err());
        assertEquals(8, JSON.readTree(noPki.out()).get("error").get("exit_code").asInt(), noPki.out());
        assertTrue(JSON.readTree(noPki.out()).get("error").get("summary").asText().startsWith("no local client certificate in "), noPki.out());

        dev.dcsprov.pki.PkiStore pki = new dev.dcsprov.pki.PkiStore(dir.resolve("pki"));
        for (Path f : List.of(pki.caCertificateFile(), pki.clientCertificateFile("root"), pki.clientKeyFile("root"),
                pki.clientCertificateFile("patroni"), pki.clientKeyFile("patroni"))) {
            java.nio.file.Files.createDirectories(f.getParent());
            java.nio.file.Files.writeString(f, "placeholder\n");
        }
        Run env = run("env", inv.toString(), "-o", "json");
        assertEquals(0, env.exit(), env.err());
        JsonNode vars = JSON.readTree(env.out());
        assertEquals("https://127.0.0.1:2399,https://127.0.0.2:2399,https://127.0.0.3:2399", vars.get("ETCDCTL_ENDPOINTS").asText());
        assertEquals(pki.caCertificateFile().toAbsolutePath().toString(), vars.get("ETCDCTL_CACERT").asText());
        assertEquals(pki.clientCertificateFile("root").toAbsolutePath().toString(), vars.get("ETCDCTL_CERT").asText());
        assertEquals(pki.clientKeyFile("root").toAbsolutePath().toString(), vars.get("ETCDCTL_KEY").asText());
        assertTrue(vars.path("ETCDCTL_USER").isMissingNode(), "no password without --with-password: " + vars);
        Run withPw = run("env", inv.toString(), "-o", "json", "--with-password");
        assertEquals(0, withPw.exit(), withPw.err());
        assertEquals("root:s3cret-Pw", JSON.readTree(withPw.out()).get("ETCDCTL_USER").asText(), withPw.out());

        Run patroni = run("patroni-config", inv.toString(), "--user", "patroni", "-o", "json", "--tls-dir", "/etc/patroni/tls");
        assertEquals(0, patroni.exit(), patroni.err());
        JsonNode etcd3 = JSON.readTree(patroni.out()).get("etcd3");
        assertEquals(List.of("127.0.0.1:2399", "127.0.0.2:2399", "127.0.0.3:2399"),
                JSON.convertValue(etcd3.get("hosts"), List.class));
        assertEquals("https", etcd3.get("protocol").asText());
        assertEquals("/etc/patroni/tls/ca.crt", etcd3.get("cacert").asText());
        assertEquals("/etc/patroni/tls/patroni.crt", etcd3.get("cert").asText());
        assertEquals("/etc/patroni/tls/patroni.key", etcd3.get("key").asText());
        assertEquals("patroni", etcd3.get("username").asText());
        assertEquals("CHANGE-ME", etcd3.get("password").asText());
        assertFalse(patroni.out().contains("s3cret"), patroni.out());
        Run patroniPw = run("patroni-config", inv.toString(), "--user", "patroni", "-o", "json", "--with-password");
        assertEquals("s3cret-Pw", JSON.readTree(patroniPw.out()).get("etcd3").get("password").asText(), patroniPw.out());

        Run noUser = run("patroni-config", inv.toString(), "--user", "nobody", "-o", "json");
        assertEquals(2, noUser.exit(), noUser.err());
        assertEquals("etcd user 'nobody' is not in the inventory's etcd_users", JSON.readTree(noUser.out()).get("error").get("summary").asText());
        java.nio.file.Files.writeString(inv, "[etcd]\ndcs-00 ansible_host=127.0.0.1 etcd_clinet_port=1\n");
        for (String[] args : List.of(new String[] {"env", inv.toString(), "-o", "json"},
                new String[] {"patroni-config", inv.toString(), "--user", "patroni", "-o", "json"})) {
            Run bad = run(args);
            assertEquals(3, bad.exit(), bad.err());
            JsonNode error = JSON.readTree(bad.out()).get("error");
            assertEquals(3, error.get("exit_code").asInt());
            assertEquals(inv.toString(), error.get("problems").get(0).get("file").asText());
            assertEquals(2, error.get("problems").get(0).get("line").asInt());
            assertTrue(error.get("problems").get(0).get("message").asText().contains("etcd_clinet_port"), error.toString());
        }
    }
}
