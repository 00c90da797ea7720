package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ~/.ssh/config fills in what the inventory leaves unset, first value winning as in ssh; the inventory wins over it. */
class SshConfigTest {
    @TempDir
    Path home;

    private Inventory load(String config, String inventory) throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/config"), config);
        Path inv = home.resolve("hosts.ini");
        Files.writeString(inv, inventory);
        return InventoryLoader.load(inv, null, home);
    }

    @Test
    void hostPatternsHostNameUserPortIdentityFileAndProxyJump() throws Exception {
        Inventory inv = load("""
                # comment
                Host db-* !db-9
                    HostName %h.internal
                    User deploy
                    Port 2222
                    IdentityFile ~/.ssh/dcs_key
                    ProxyJump admin@bastion:22
                Host db-1
                    User ignored-first-value-wins
                Host *
                    User fallback
                    IdentityFile other_key
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1\ndb-9 ansible_host=10.0.0.9 ansible_user=root ansible_port=22\n"
                + "db-2 etcd_advertise_address=10.0.0.2 ansible_port=2200 ansible_ssh_private_key_file=/keys/k\n");
        Host h1 = inv.member("db-1").orElseThrow();
        assertEquals("db-1.internal", h1.address());
        assertEquals("10.0.0.1", h1.advertiseAddress());
        assertEquals("deploy", h1.sshUser());
        assertEquals(2222, h1.sshPort());
        assertEquals(Optional.of(home.resolve(".ssh/dcs_key")), h1.privateKey());
        assertEquals(List.of("admin@bastion:22"), h1.jumps().stream().map(JumpHost::spec).toList());
        Host h9 = inv.member("db-9").orElseThrow();
        assertEquals("10.0.0.9", h9.address(), "Host 10.0.0.9 matches only the * block: no HostName");
        assertEquals("root", h9.sshUser(), "the inventory wins");
        assertEquals(Optional.of(home.resolve("other_key")), h9.privateKey(), "relative to the home directory, as ssh");
        assertEquals(List.of(), h9.jumps());
        Host h2 = inv.member("db-2").orElseThrow();
        assertEquals(2200, h2.sshPort());
        assertEquals(Optional.of(Path.of("/keys/k")), h2.privateKey());
    }

    @Test
    void userKnownHostsFileIsReadBesideTheClustersOwnWithoutAWarning() throws Exception {
        Inventory inv = load("""
                Host db-1
                    UserKnownHostsFile ~/.ssh/dcs_known_hosts /etc/ssh/dcs_known_hosts
                Host db-2
                    UserKnownHostsFile none
                Host *
                    UserKnownHostsFile ignored-first-value-wins
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1\ndb-2 etcd_advertise_address=10.0.0.2\n");
        List<Path> files = inv.cluster().knownHostsFiles();
        assertTrue(files.contains(home.resolve(".ssh/dcs_known_hosts")), files::toString);
        assertTrue(files.contains(Path.of("/etc/ssh/dcs_known_hosts")), files::toString);
        assertTrue(files.stream().noneMatch(f -> f.toString().contains("ignored")), "db-1's first value wins: " + files);
        assertEquals(files.size(), files.stream().distinct().count(), "each file once");
        assertTrue(inv.warnings().stream().noneMatch(w -> w.contains("UserKnownHostsFile")), inv.warnings()::toString);
    }

    @Test
    void proxyCommandAndABadPortAreErrorsAtTheConfigsLine() throws Exception {
        InventoryException e = assertThrows(InventoryException.class, () -> load("""
                Host a 10.0.0.1
                  ProxyCommand ssh -W %h:%p gw
                Host 10.0.0.2
                  Port none
                  ProxyJump gw:ssh
                """, "[etcd]\na ansible_host=10.0.0.1\nb ansible_host=10.0.0.2\n"));
        String all = e.problems().toString();
        assertTrue(all.contains(home.resolve(".ssh/config") + ":2:1: ProxyCommand for 10.0.0.1"), all);
        assertTrue(all.contains(home.resolve(".ssh/config") + ":4:1: Port 'none' for 10.0.0.2 is not a port number"), all);
        assertTrue(all.contains(home.resolve(".ssh/config") + ":5:1: ProxyJump 'gw:ssh' for 10.0.0.2 is not [user@]host[:port]"), all);
        assertEquals(3, e.problems().size(), all);
    }

    @Test
    void jumpHostsAreLookedUpInTheConfigAsSshDoes() throws Exception {
        Inventory inv = load("""
                Host bastion
                    HostName 10.9.0.1
                    User jump
                    Port 2201
                    IdentityFile ~/.ssh/bastion_key
                    UserKnownHostsFile ~/.ssh/bastion_known_hosts
                Host hop2
                    HostName 10.9.0.2
                    User hop2-user
                    Port 2202
                Host db-*
                    ProxyJump bastion,ops@hop2:2022
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1 ansible_user=deploy ansible_ssh_private_key_file=/keys/member\n");
        Host h = inv.member("db-1").orElseThrow();
        assertEquals(List.of(
                new JumpHost("bastion", "bastion", "10.9.0.1", 2201, "jump", Optional.of(home.resolve(".ssh/bastion_key"))),
                new JumpHost("ops@hop2:2022", "hop2", "10.9.0.2", 2022, "ops", Optional.of(Path.of("/keys/member")))), h.jumps(),
                "the spec's user and port win over the config's, the config's over the member's");
        assertTrue(inv.cluster().knownHostsFiles().contains(home.resolve(".ssh/bastion_known_hosts")), inv.cluster().knownHostsFiles()::toString);
    }

    @Test
    void aHopWithNothingInTheConfigTakesTheMembersUserAndKey() throws Exception {
        Inventory inv = load("""
                Host other
                    User nobody
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1 ansible_user=deploy ansible_ssh_private_key_file=/keys/member "
                + "ansible_ssh_common_args='-J 10.9.0.7'\n");
        assertEquals(List.of(new JumpHost("10.9.0.7", "10.9.0.7", "10.9.0.7", 22, "deploy", Optional.of(Path.of("/keys/member")))),
                inv.member("db-1").orElseThrow().jumps());
    }

    @Test
    void theFirstHopsOwnProxyJumpIsGoneThroughFirst() throws Exception {
        Inventory inv = load("""
                Host inner
                    HostName 10.9.0.3
                    ProxyJump outer
                Host outer
                    HostName 10.9.0.4
                    User gate
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1 ansible_ssh_common_args='-J inner'\n");
        List<JumpHost> hops = inv.member("db-1").orElseThrow().jumps();
        assertEquals(List.of("outer", "inner"), hops.stream().map(JumpHost::name).toList());
        assertEquals("10.9.0.4", hops.get(0).address());
        assertEquals("gate", hops.get(0).user());
        assertEquals("10.9.0.3", hops.get(1).address());
    }

    @Test
    void aProxyJumpLoopAndAProxyCommandAtAHopAreErrorsAtTheConfigsLine() throws Exception {
        InventoryException loop = assertThrows(InventoryException.class, () -> load("""
                Host *
                    ProxyJump bastion
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1\n"));
        assertTrue(loop.problems().toString().contains(home.resolve(".ssh/config") + ":2:1: ProxyJump for jump host bastion"), loop.problems()::toString);
        assertTrue(loop.problems().toString().contains("makes a loop: bastion -> bastion"), loop.problems()::toString);
        InventoryException command = assertThrows(InventoryException.class, () -> load("""
                Host bastion
                    ProxyCommand nc %h %p
                """, "[etcd]\ndb-1 etcd_advertise_address=10.0.0.1 ansible_ssh_common_args='-J bastion'\n"));
        assertTrue(command.problems().toString().contains(home.resolve(".ssh/config") + ":2:1: ProxyCommand for bastion"), command.problems()::toString);
    }
}
