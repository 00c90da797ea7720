package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every alias Ansible accepts is honoured; every other ansible_* variable is a warning or, where ignoring it is unsafe, an error. */
class ConnectionVarsTest {
    private static final Path ALIASES = AnsibleInventoryProofTest.DIR.resolve("connection/aliases.ini");

    @Test
    void everyAliasIsHonouredAndTheSshVariantWinsAsInAnsible() {
        Inventory inv = InventoryLoader.load(ALIASES, null, Fixtures.HOME);
        Host h0 = inv.member("dcs-00").orElseThrow();
        assertEquals("10.0.0.1", h0.address());
        assertEquals(2200, h0.sshPort());
        assertEquals("deploy", h0.sshUser());
        assertEquals(Optional.of(ALIASES.toAbsolutePath().getParent().resolve("keys/deploy").normalize()), h0.privateKey().map(Path::normalize));
        assertTrue(h0.become());
        Host h1 = inv.member("dcs-01").orElseThrow();
        assertEquals("10.0.0.22", h1.address(), "ansible_ssh_host beats ansible_host");
        assertEquals(2201, h1.sshPort());
        assertEquals("ops", h1.sshUser());
        assertTrue(h1.privateKey().orElseThrow().endsWith("keys/ops"));
    }

    @Test
    void ignoredVariablesAreWarningsListedOnceWithTheirHosts() {
        List<String> w = InventoryLoader.load(ALIASES, null, Fixtures.HOME).warnings();
        assertTrue(w.contains("ansible_ssh_host and ansible_host are both set and differ; ansible_ssh_host wins, as in Ansible (host dcs-01)"), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("ansible_python_interpreter is not used: dcsprov runs shell commands")
                && s.endsWith("(host dcs-02)")), w.toString());
        assertEquals(1, w.stream().filter(s -> s.startsWith("ansible_become_pass is not used")).count(), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("ansible_become_pass is not used") && s.endsWith("(hosts dcs-00, dcs-01, dcs-02)")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("ansible_ssh_common_args '-o ServerAliveInterval=30' has no effect")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("ansible_ssh_common_args '-o StrictHostKeyChecking=no' has no effect: dcsprov always verifies")), w.toString());
        assertFalse(w.stream().anyMatch(s -> s.contains("secret-not-used")), "a password is never shown");
        assertFalse(w.stream().anyMatch(s -> s.startsWith("ansible_become ") || s.startsWith("ansible_connection")), w.toString());
    }

    @Test
    void aTypoOfAConnectionVariableIsAWarningWithDidYouMean() {
        assertTrue(AnsibleVariables.ignoredBecause("ansible_usr").orElseThrow().contains("did you mean 'ansible_user'?"));
        assertTrue(AnsibleVariables.ignoredBecause("ansible_host").isEmpty());
        assertTrue(AnsibleVariables.ignoredBecause("etcd_name").isEmpty());
    }

    @Test
    void whatWouldConnectElsewhereOrAsSomeoneElseIsRefusedAtItsLine() {
        String f = "connection-refused.yml";
        InventoryException e = Fixtures.fail(f);
        List<String> errors = e.problems().stream().map(Problem::toString).toList();
        String all = String.join("\n", errors);
        assertEquals(6, errors.size(), all);
        assertTrue(errors.get(0).startsWith(Fixtures.at(f, 8, 31) + ": ansible_connection is 'local': Ansible would not reach dcs-00 over SSH"), all);
        assertTrue(errors.get(1).startsWith(Fixtures.at(f, 12, 32) + ": ansible_become_user is 'postgres'"), all);
        assertTrue(errors.get(2).startsWith(Fixtures.at(f, 15, 34) + ": ansible_become_method is 'su'"), all);
        assertTrue(errors.get(3).startsWith(Fixtures.at(f, 18, 29) + ": ansible_ssh_pass is set: dcsprov authenticates with SSH keys only"), all);
        assertFalse(all.contains("hunter2"), "a password is never shown");
        assertTrue(errors.get(4).startsWith(Fixtures.at(f, 21, 36) + ": ansible_ssh_common_args has '-o ProxyCommand=nc bastion 22'"), all);
        assertTrue(errors.get(5).startsWith(Fixtures.at(f, 24, 35) + ": ansible_ssh_extra_args has '-p 2222'"), all);
        assertEquals(dev.dcsprov.ExitCode.INVENTORY, e.exitCode());
    }

    @Test
    void sshArgsSplitAsSshReadsThem() throws Exception {
        List<SshArgs.Finding> f = SshArgs.read("-o 'ProxyCommand nc x' -oControlMaster=auto -C -J a,b");
        assertEquals(4, f.size());
        assertTrue(f.get(0).refused());
        assertEquals("-o ProxyCommand=nc x", f.get(0).option());
        assertFalse(f.get(1).refused());
        assertFalse(f.get(2).refused());
        assertFalse(f.get(3).refused());
        assertEquals("a,b", f.get(3).jump());
        assertEquals("bastion", SshArgs.read("-o 'ProxyJump bastion'").get(0).jump());
    }

    @Test
    void jumpHostsFromProxyJumpOrDashJFirstOneWinningAsInSsh() throws Exception {
        Path f = java.nio.file.Files.createTempFile("jump", ".ini");
        java.nio.file.Files.writeString(f, "[etcd]\n"
                + "dcs-00 ansible_host=10.0.0.1 ansible_ssh_common_args='-o ProxyJump=admin@bastion:2222,hop2' ansible_ssh_extra_args='-J other'\n"
                + "dcs-01 ansible_host=10.0.0.2 ansible_ssh_common_args='-J bastion'\n"
                + "dcs-02 ansible_host=10.0.0.3\n");
        Inventory inv = InventoryLoader.load(f, null, Fixtures.HOME);
        assertEquals(List.of("admin@bastion:2222", "hop2"), specs(inv.member("dcs-00").orElseThrow()));
        assertEquals(List.of("bastion"), specs(inv.member("dcs-01").orElseThrow()));
        assertEquals(List.of(), specs(inv.member("dcs-02").orElseThrow()));
        JumpHost admin = inv.member("dcs-00").orElseThrow().jumps().get(0);
        assertEquals(new JumpHost("admin@bastion:2222", "bastion", "bastion", 2222, "admin", Optional.empty()), admin);
        assertEquals(new JumpHost("hop2", "hop2", "hop2", 22, "root", Optional.empty()), inv.member("dcs-00").orElseThrow().jumps().get(1),
                "no user, port or key given, none in ~/.ssh/config: the member's user, port 22");
        assertFalse(inv.warnings().stream().anyMatch(w -> w.contains("ProxyJump") || w.contains("-J")), inv.warnings().toString());
        java.nio.file.Files.writeString(f, "[etcd]\ndcs-00 ansible_host=10.0.0.1 ansible_ssh_common_args='-J \"a b\"'\n");
        assertTrue(assertThrowsInventory(f).contains("jump host 'a b', which is not [user@]host[:port]"));
    }

    private static List<String> specs(Host h) {
        return h.jumps().stream().map(JumpHost::spec).toList();
    }

    private static String assertThrowsInventory(Path f) {
        return org.junit.jupiter.api.Assertions.assertThrows(InventoryException.class,
                () -> InventoryLoader.load(f, null, Fixtures.HOME)).problems().toString();
    }
}
