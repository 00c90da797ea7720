package dev.dcsprov.inventory;

import dev.dcsprov.pki.KeyAlgorithm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.inventory.Fixtures.HOME;
import static dev.dcsprov.inventory.Fixtures.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InventoryLoaderTest {
    private static final Path ABS_DIR = Fixtures.DIR.toAbsolutePath().normalize();

    @Test
    void labInventoryGetsDefaults() {
        Inventory inv = load("lab.yml");

        assertEquals("etcd", inv.group());
        assertEquals(List.of("dcs-00", "dcs-01", "dcs-02"), inv.members().stream().map(Host::name).toList());
        Host h = inv.members().get(1);
        assertEquals("192.168.56.11", h.address());
        assertEquals(22, h.sshPort());
        assertEquals("root", h.sshUser());
        assertEquals(Optional.of(Path.of("/var/lib/dcslab/ssh/id_ed25519")), h.privateKey());
        assertFalse(h.become());
        assertEquals("dcs-01", h.memberName());
        assertEquals("192.168.56.11", h.advertiseAddress());
        assertEquals(List.of("192.168.56.11"), h.listenAddresses());
        assertEquals(List.of(), h.extraSans());
        assertEquals(Fixtures.at("lab.yml", 12, 9), h.location().toString());

        ClusterSettings c = inv.cluster();
        assertEquals("dcs", c.name());
        assertEquals("dcs-token", c.token());
        assertEquals("/var/lib/etcd/dcs", c.dataDir());
        assertEquals("/etc/dcs", c.configDir());
        assertEquals("/etc/dcs/etcd", c.configFile());
        assertEquals("/etc/dcs/cert", c.certDir());
        assertEquals(2379, c.clientPort());
        assertEquals(2380, c.peerPort());
        assertEquals(EtcdTuning.defaults(), c.tuning());
        assertEquals(Optional.of("http://192.168.56.1:3142"), c.aptProxy());
        assertEquals(ABS_DIR.resolve("pki/dcs"), c.pkiDir());
        assertEquals(KeyAlgorithm.ECDSA_P256, c.keyAlgorithm());
        assertEquals(365, c.certDays());
        assertEquals(3650, c.caDays());
        assertEquals(30, c.renewBeforeDays());
        assertEquals(List.of(Path.of("/var/lib/dcslab/ssh/known_hosts")), c.knownHostsFiles());
        assertEquals(Optional.empty(), c.templateDir());
        assertEquals(List.of(), inv.warnings());
        assertEquals("dcs-00=https://192.168.56.10:2380,dcs-01=https://192.168.56.11:2380,dcs-02=https://192.168.56.12:2380",
                inv.initialCluster());
    }

    @Test
    void groupAndHostVarsMerge() {
        Inventory inv = load("lab-vars.yml");
        Host h0 = inv.member("dcs-00").orElseThrow();
        Host h1 = inv.member("dcs-01").orElseThrow();
        Host h2 = inv.member("dcs-02").orElseThrow();

        assertEquals(2222, h0.sshPort());
        assertEquals(22, h1.sshPort());
        assertEquals("admin", h0.sshUser());
        assertEquals(Optional.of(ABS_DIR.resolve("keys/id_ed25519")), h0.privateKey());
        assertTrue(h0.become(), "group var ansible_become: \"yes\"");
        assertFalse(h1.become(), "host var ansible_become: no wins over the group");

        assertEquals("dcs-01.example.com", h1.address());
        assertEquals("member-one", h1.memberName());
        assertEquals("dcs-01.example.com", h1.advertiseAddress(), "a DNS ansible_host is advertised as is");
        assertEquals(List.of("10.0.0.11", "127.0.0.2"), h1.listenAddresses());
        assertEquals(List.of("dcs.example.com", "dcs-01.lan"), h1.extraSans());
        assertEquals(List.of("dcs.example.com"), h0.extraSans());

        assertEquals("10.1.0.12", h2.advertiseAddress());
        assertEquals(List.of("10.1.0.12"), h2.listenAddresses());
        assertEquals("https://10.1.0.12:12379", h2.clientUrl(inv.cluster()));

        ClusterSettings c = inv.cluster();
        assertEquals("pg-dcs", c.name());
        assertEquals("pg-dcs-token", c.token());
        assertEquals("/var/lib/etcd/pg-dcs", c.dataDir());
        assertEquals(12379, c.clientPort());
        assertEquals(12380, c.peerPort());
        assertEquals(new EtcdTuning(200, 2000, 8_589_934_592L, "revision", "1000", 100_000), c.tuning());
        assertEquals(KeyAlgorithm.RSA_4096, c.keyAlgorithm());
        assertEquals(ABS_DIR.getParent().resolve("pki-out"), c.pkiDir());
        assertEquals(List.of(HOME.resolve("lab/known_hosts"), ABS_DIR.resolve("known_hosts")), c.knownHostsFiles());
        assertEquals(List.of("dcs.example.com"), c.extraSans(), "only the SANs every member has are cluster-wide");
    }

    @Test
    void membersIncludeChildGroupsInFileOrder() {
        Inventory inv = load("nested.yml");
        assertEquals(List.of("n2", "n1", "n3"), inv.members().stream().map(Host::name).toList());
    }

    @Test
    void dcsprovGroupChoosesTheMemberGroup() {
        Inventory inv = load("dcsprov-group.yml");
        assertEquals("dcs", inv.group());
        assertEquals(List.of("right-0"), inv.members().stream().map(Host::name).toList());
    }

    @Test
    void explicitGroupWinsOverDcsprovGroup() {
        Inventory inv = InventoryLoader.load(Fixtures.file("dcsprov-group.yml"), "etcd", HOME);
        assertEquals(List.of("wrong-0"), inv.members().stream().map(Host::name).toList());
    }

    @Test
    void topLevelGroupsAreChildrenOfAllAndHostNamesAreAddresses() {
        Inventory inv = load("top-level-group.yml");
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "db-3.example.com"), inv.members().stream().map(Host::address).toList());
        assertEquals("10.0.0.2", inv.members().get(1).memberName());
    }

    @Test
    void evenMemberCountWarns() {
        Inventory inv = load("even.yml");
        assertEquals(List.of("group 'etcd' has 4 members: 4 members tolerate no more failures than 3; use an odd number"),
                inv.warnings());
    }

    @Test
    void moreThanSevenMembersWarns() {
        List<String> warnings = load("eight.yml").warnings();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("8 members tolerate no more failures than 7"), warnings.get(0));
        assertTrue(warnings.get(1).contains("more than 7"), warnings.get(1));
    }

    @Test
    void yamlMergeKeysShareHostSettings() {
        Inventory inv = load("anchors.yml");
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), inv.members().stream().map(Host::address).toList());
        inv.members().forEach(h -> {
            assertEquals(2200, h.sshPort(), h.name());
            assertEquals("ops", h.sshUser(), h.name());
        });
    }

    @Test
    void ansibleHostRangesStandForEachHostWithTheRangesVariables() {
        Inventory inv = Fixtures.load("host-range.yml");
        assertEquals(List.of("dcs-00.example.com", "dcs-01.example.com", "dcs-02.example.com", "dcs-x.example.com"),
                inv.members().stream().map(Host::name).toList());
        assertEquals(List.of(2222, 2222, 2222, 22), inv.members().stream().map(Host::sshPort).toList());
        assertEquals("admin", inv.members().get(1).sshUser());
    }
}
