package dev.dcsprov.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vaults made at test time by the real ansible-vault (1.1 and 1.2 with a vault id), read by dcsprov. */
class VaultTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void ansibleVaultInstalled() {
        Assumptions.assumeTrue(AnsibleCli.available("ansible-vault"), "ansible-vault is not installed (apt-get install ansible)");
    }

    private Path copyFixture() throws Exception {
        Path inv = dir.resolve("hosts.yml");
        Files.copy(AnsibleInventoryProofTest.DIR.resolve("vault/hosts.yml"), inv);
        Files.createDirectories(dir.resolve("group_vars"));
        return inv;
    }

    private Path password(String name, String pw) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, pw + "\n");
        return f;
    }

    private static String vault(List<String> args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ansible-vault"));
        cmd.addAll(args);
        return AnsibleCli.run(cmd, Map.of());
    }

    @Test
    void inlineVaultValuesAndVaultFilesDecryptWithTheRightPassword() throws Exception {
        Path inv = copyFixture();
        Path pw = password("pw", "correct horse");
        Path devPw = password("dev.pw", "dev secret");
        // An inline !vault value (format 1.1) for the root password, in group_vars/all.yml ...
        String inline = vault(List.of("encrypt_string", "--vault-password-file", pw.toString(), "--name", "etcd_auth_root_password",
                "root-pa55word"));
        Files.writeString(dir.resolve("group_vars/all.yml"), inline);
        // ... and a whole vars file (format 1.2, vault id "dev") with a user's password written plainly inside it.
        Path etcd = dir.resolve("group_vars/etcd.yml");
        Files.writeString(etcd, "etcd_users:\n  patroni: {password: patroni-pa55word, roles: []}\nansible_user: deploy\n");
        vault(List.of("encrypt", "--vault-id", "dev@" + devPw, etcd.toString()));
        assertTrue(Files.readString(etcd).startsWith("$ANSIBLE_VAULT;1.2;AES256;dev"));

        Inventory inventory = InventoryLoader.load(InventoryLoader.Request.of(inv).home(Fixtures.HOME).vault(VaultKeys.from(List.of(pw), List.of("dev@" + devPw), false, null)));
        assertEquals("deploy", inventory.members().get(0).sshUser(), "a variable of the vault file");
        SecretSource root = inventory.auth().rootPassword().orElseThrow();
        assertEquals("root-pa55word", new dev.dcsprov.auth.Secrets().read(root, "root"));
        assertFalse(root.toString().contains("pa55word"), "never shown: " + root);
        assertFalse(root.describe().contains("pa55word"));
        SecretSource patroni = inventory.auth().users().get("patroni").password().orElseThrow();
        assertEquals("patroni-pa55word", new dev.dcsprov.auth.Secrets().read(patroni, "patroni"));

        // ansible-inventory agrees on everything but the secrets, which dcsprov never shows.
        JsonNode ansible = AnsibleCli.list(List.of(inv), "--vault-password-file", pw.toString(), "--vault-id", "dev@" + devPw);
        InventoryView view = InventoryView.load(List.of(inv), List.of(), VaultKeys.from(List.of(pw), List.of("dev@" + devPw), false, null));
        JsonNode a = ansible.path("_meta").path("hostvars").path("dcs-00");
        Map<String, Object> d = view.hostVars().get("dcs-00");
        assertEquals(a.path("etcd_auth_root_password").path("__ansible_vault").asText(),
                ((Map<?, ?>) d.get("etcd_auth_root_password")).get("__ansible_vault"), "inline: the ciphertext, as Ansible shows it");
        assertEquals("deploy", a.path("ansible_user").asText(), "Ansible decrypts the file");
        assertEquals("patroni-pa55word", a.path("etcd_users").path("patroni").path("password").asText());
        String masked = InventoryView.VAULTED + etcd.toAbsolutePath().normalize() + ")";
        assertEquals(masked, String.valueOf(d.get("ansible_user")).replace(etcd.toString(), etcd.toAbsolutePath().normalize().toString()),
                "dcsprov names the file instead of showing what it holds");
        assertFalse(view.hostVars().toString().contains("pa55word"));
    }

    @Test
    void aWrongVaultPasswordIsAnErrorAtTheFileAndLine() throws Exception {
        Path inv = copyFixture();
        Path pw = password("pw", "correct horse");
        Files.writeString(dir.resolve("group_vars/all.yml"), "ansible_user: root\n" + vault(List.of("encrypt_string", "--vault-password-file",
                pw.toString(), "--name", "etcd_auth_root_password", "root-pa55word")));
        Path etcd = dir.resolve("group_vars/etcd.yml");
        Files.writeString(etcd, "ansible_port: 2222\n");
        vault(List.of("encrypt", "--vault-password-file", pw.toString(), etcd.toString()));
        VaultKeys wrong = VaultKeys.from(List.of(password("wrong", "battery staple")), List.of(), false, null);
        InventoryException e = assertThrows(InventoryException.class, () -> InventoryLoader.load(InventoryLoader.Request.of(inv).home(Fixtures.HOME).vault(wrong)));
        String all = e.problems().toString();
        assertTrue(all.contains(etcd + ":1:1: cannot decrypt " + etcd + ": no vault password given decrypts it"), all);
        assertEquals(dev.dcsprov.ExitCode.INVENTORY, e.exitCode());
        Files.writeString(etcd, "ansible_port: 2222\n"); // the file readable again: now the inline value is what fails
        InventoryException inline = assertThrows(InventoryException.class, () -> InventoryLoader.load(InventoryLoader.Request.of(inv).home(Fixtures.HOME).vault(wrong)));
        assertTrue(inline.problems().toString().contains(dir.resolve("group_vars/all.yml") + ":2:26: cannot decrypt the !vault value of etcd_auth_root_password"),
                inline.problems().toString());
        InventoryException none = assertThrows(InventoryException.class, () -> InventoryLoader.load(inv, null, Fixtures.HOME));
        assertTrue(none.problems().toString().contains("no vault password was given"), none.problems().toString());
    }
}
