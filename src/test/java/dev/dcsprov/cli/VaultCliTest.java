package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.inventory.AnsibleCli;
import dev.dcsprov.pki.PkiStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ansible Vault through the real command line: every way Ansible takes a vault password (--vault-password-file, a
 * password script, ANSIBLE_VAULT_PASSWORD_FILE, --vault-id, --ask-vault-pass on a terminal), the exit codes of a
 * wrong password (3) and of a bad password file (2) with the file named, and no decrypted value anywhere in what
 * the commands print: text, -o json, -vvv, and errors. The vaults are made here by the real ansible-vault.
 */
class VaultCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Both secrets contain it: no output may. */
    private static final String SECRET = "pa55word";

    @TempDir
    static Path dir;
    static Path inv;
    static Path pw;
    static Path devPw;
    static Path etcdVars;

    /**
     * Three members on 127.0.0.1-3 port 1 (connection refused at once, for the commands that connect); group_vars/all.yml
     * holds an inline !vault root password (format 1.1), group_vars/etcd.yml is a whole vault file (1.2, id "dev") with
     * a user's password and etcd_client_port 2399, which env shows: the proof that the file was decrypted. Made once
     * (ansible-vault is slow to start); no test changes these files.
     */
    @BeforeAll
    static void vaultedInventory() throws Exception {
        Assumptions.assumeTrue(AnsibleCli.available("ansible-vault"), "ansible-vault is not installed (apt-get install ansible)");
        inv = dir.resolve("hosts.ini");
        Files.writeString(inv, """
                [etcd]
                dcs-00 ansible_host=127.0.0.1 ansible_port=1
                dcs-01 ansible_host=127.0.0.2 ansible_port=1
                dcs-02 ansible_host=127.0.0.3 ansible_port=1
                """);
        Files.createDirectories(dir.resolve("group_vars"));
        pw = secretFile("pw", "correct horse");
        devPw = secretFile("dev.pw", "dev secret");
        String inline = vault("encrypt_string", "--vault-password-file", pw.toString(), "--name", "etcd_auth_root_password", "root-" + SECRET);
        Files.writeString(dir.resolve("group_vars/all.yml"), "etcd_auth_enabled: true\ndcsprov_pki_dir: " + dir.resolve("pki")
                + "\ndcsprov_known_hosts: " + dir.resolve("known_hosts") + "\nansible_ssh_private_key_file: " + dir.resolve("no-key") + "\n" + inline);
        etcdVars = dir.resolve("group_vars/etcd.yml");
        Files.writeString(etcdVars, "etcd_client_port: 2399\netcd_users:\n  patroni: {password: patroni-" + SECRET + ", roles: []}\n");
        vault("encrypt", "--vault-id", "dev@" + devPw, etcdVars.toString());
        assertTrue(Files.readString(etcdVars).startsWith("$ANSIBLE_VAULT;1.2;AES256;dev"));
        // env and patroni-config only name the local client certificates: files at the right paths do
        PkiStore pki = new PkiStore(dir.resolve("pki"));
        for (Path f : List.of(pki.caCertificateFile(), pki.clientCertificateFile("root"), pki.clientKeyFile("root"),
                pki.clientCertificateFile("patroni"), pki.clientKeyFile("patroni"))) {
            Files.createDirectories(f.getParent());
            Files.writeString(f, "placeholder\n");
        }
    }

    private static Path secretFile(String name, String secret) throws Exception {
        return Files.writeString(dir.resolve(name), secret + "\n");
    }

    private static String vault(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ansible-vault"));
        cmd.addAll(List.of(args));
        return AnsibleCli.run(cmd, Map.of());
    }

    private static InventoryCommandTest.Run run(String... args) {
        InventoryCommandTest.Run r = InventoryCommandTest.run(args);
        assertNoSecret(String.join(" ", args), r.out() + r.err());
        return r;
    }

    private static void assertNoSecret(String what, String output) {
        assertFalse(output.contains(SECRET), what + " printed a decrypted value:\n" + output);
    }

    private List<String> keys() {
        return List.of("--vault-password-file", pw.toString(), "--vault-id", "dev@" + devPw);
    }

    private String[] with(List<String> keys, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(keys);
        return all.toArray(String[]::new);
    }

    @Test
    void passwordFilesAndVaultIdsDecryptAndNothingDecryptedIsPrinted() throws Exception {
        InventoryCommandTest.Run env = run(with(keys(), "env", inv.toString(), "-o", "json"));
        assertEquals(0, env.exit(), env.err());
        assertEquals("https://127.0.0.1:2399,https://127.0.0.2:2399,https://127.0.0.3:2399",
                JSON.readTree(env.out()).get("ETCDCTL_ENDPOINTS").asText(), "etcd_client_port from the vault file");

        InventoryCommandTest.Run list = run(with(keys(), "inventory", inv.toString(), "--list", "-o", "json"));
        assertEquals(0, list.exit(), list.err());
        JsonNode host = JSON.readTree(list.out()).get("_meta").get("hostvars").get("dcs-00");
        assertTrue(host.get("etcd_auth_root_password").has("__ansible_vault"), "the inline value shows as Ansible shows it: " + host);
        assertTrue(host.get("etcd_client_port").asText().contains("vault-encrypted, not shown"), host.toString());
        for (String[] args : List.of(new String[] {"inventory", inv.toString()}, new String[] {"inventory", inv.toString(), "--graph"},
                new String[] {"inventory", inv.toString(), "--host", "dcs-01", "-vvv"},
                new String[] {"env", inv.toString()}, new String[] {"env", inv.toString(), "-vvv"},
                new String[] {"patroni-config", inv.toString(), "--user", "patroni", "-o", "json"},
                new String[] {"patroni-config", inv.toString(), "--user", "patroni", "-vvv"},
                new String[] {"plan", inv.toString(), "--list-hosts", "-vvv"},
                new String[] {"apply", inv.toString(), "--list-hosts", "-o", "json"})) {
            InventoryCommandTest.Run r = run(with(keys(), args));
            assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
        }
        // commands that connect: the inventory (secrets included) is loaded, then the first connection fails
        for (String command : List.of("plan", "apply", "status")) {
            InventoryCommandTest.Run r = run(with(keys(), command, inv.toString(), "-vvv", "-o", "json"));
            assertEquals(4, r.exit(), command + ": " + r.out() + r.err());
            assertEquals(4, JSON.readTree(r.out().substring(r.out().lastIndexOf("{\n  \"error\""))).get("error").get("exit_code").asInt(), r.out());
        }
    }

    @Test
    void aPasswordScriptIsRunAndItsOutputIsThePassword() throws Exception {
        Path script = dir.resolve("vault-pass.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' 'correct horse'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        InventoryCommandTest.Run r = run("env", inv.toString(), "-o", "json", "--vault-password-file", script.toString(),
                "--vault-id", "dev@" + devPw);
        assertEquals(0, r.exit(), r.err());
        // only the script's output decrypts the inline value: no other password of the default id is given

        Path failing = Files.writeString(dir.resolve("fails.sh"), "#!/bin/sh\necho nope >&2\nexit 7\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwx------"));
        InventoryCommandTest.Run bad = run("inventory", inv.toString(), "-o", "json", "--vault-password-file", failing.toString());
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("the vault password script exited with 7 (" + failing + ")"), bad.err());
        assertEquals(2, JSON.readTree(bad.out()).get("error").get("exit_code").asInt(), bad.out());
    }

    @Test
    void aWrongPasswordIsExitThreeAtTheFileAndABadPasswordFileExitTwoNamingIt() throws Exception {
        Path wrong = secretFile("wrong", "battery staple");
        InventoryCommandTest.Run r = run("inventory", inv.toString(), "-o", "json", "--vault-password-file", wrong.toString(),
                "--vault-id", "dev@" + wrong);
        assertEquals(3, r.exit(), r.err());
        JsonNode error = JSON.readTree(r.out()).get("error");
        assertEquals(3, error.get("exit_code").asInt());
        List<String> files = new ArrayList<>();
        error.get("problems").forEach(p -> files.add(p.get("file").asText() + ":" + p.get("line").asInt() + ": " + p.get("message").asText()));
        assertTrue(files.stream().anyMatch(f -> f.startsWith(etcdVars + ":1: cannot decrypt")), files.toString());
        assertTrue(r.err().contains(etcdVars.toString()), r.err());

        InventoryCommandTest.Run none = run("plan", inv.toString());
        assertEquals(3, none.exit(), "no password at all: " + none.err());
        assertTrue(none.err().contains("no vault password was given"), none.err());

        Path missing = dir.resolve("no-such.pw");
        Path empty = Files.writeString(dir.resolve("empty.pw"), "\n");
        Path directory = Files.createDirectories(dir.resolve("pw.d"));
        for (String[] args : List.of(new String[] {"--vault-password-file", missing.toString()}, new String[] {"--vault-id", "dev@" + missing},
                new String[] {"--vault-password-file", empty.toString()}, new String[] {"--vault-password-file", directory.toString()})) {
            InventoryCommandTest.Run b = run(with(List.of(args), "plan", inv.toString(), "-o", "json"));
            assertEquals(2, b.exit(), String.join(" ", args) + ": " + b.err());
            String file = args[1].replaceFirst("^dev@", "");
            assertTrue(b.err().contains("(" + file + ")"), "names the file: " + b.err());
            assertTrue(JSON.readTree(b.out()).get("error").get("summary").asText().contains(file), b.out());
        }
    }

    @Test
    void askVaultPassWithoutATerminalIsAUsageError() throws Exception {
        InventoryCommandTest.Run r = run("inventory", inv.toString(), "--ask-vault-pass", "-o", "json");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("a vault password must be typed, but there is no terminal"), r.err());
        assertEquals(2, JSON.readTree(r.out()).get("error").get("exit_code").asInt());
    }

    /**
     * The real process (one JVM: they are slow to start), under script(1), which gives it a terminal:
     * ANSIBLE_VAULT_PASSWORD_FILE holds dev's password (every password is tried on every vault, as in Ansible) and
     * the default one is typed at --ask-vault-pass. Each is needed: without either one a vault stays shut (exit 3).
     * The password is typed only once the prompt is shown (echo is off by then, so the terminal does not echo it).
     */
    @Test
    void theEnvironmentVariableAndATypedPasswordInARealProcess() throws Exception {
        Assumptions.assumeTrue(AnsibleCli.available("script"), "script(1) (util-linux) gives the process a terminal");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.dcsprov.cli.Main", "env", inv.toString(), "-o", "json", "--ask-vault-pass");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", String.join(" ", cmd.stream().map(VaultCliTest::quote).toList()), "/dev/null")
                .redirectErrorStream(true);
        pb.environment().put("ANSIBLE_VAULT_PASSWORD_FILE", devPw.toString());
        Process t = pb.start();
        String screen = converse(t, List.of("Vault password: ", "correct horse\n"));
        assertTrue(t.waitFor(60, TimeUnit.SECONDS), screen);
        assertEquals(0, t.exitValue(), screen);
        assertTrue(screen.contains("https://127.0.0.1:2399"), "decrypted with both: " + screen);
        assertNoSecret("env --ask-vault-pass with ANSIBLE_VAULT_PASSWORD_FILE", screen);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Waits for each prompt in turn on the process's output and answers it; returns everything the process printed. */
    private static String converse(Process p, List<String> promptsAndAnswers) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        InputStream in = p.getInputStream();
        OutputStream keys = p.getOutputStream();
        int next = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int b;
        while ((b = in.read()) >= 0 && System.nanoTime() < deadline) {
            seen.write(b);
            if (next < promptsAndAnswers.size() && seen.toString(StandardCharsets.UTF_8).endsWith(promptsAndAnswers.get(next))) {
                keys.write(promptsAndAnswers.get(next + 1).getBytes(StandardCharsets.UTF_8));
                keys.flush();
                next += 2;
            }
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
