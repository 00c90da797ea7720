package dev.dcsprov.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dcsprov.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or careless inventories: system paths, host names that would be patterns, amplification. */
class InventoryHardeningTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("inv.yml");
        Files.writeString(f, yaml);
        return f;
    }

    private Inventory load(String yaml) throws Exception {
        return InventoryLoader.load(write(yaml), null, dir);
    }

    private List<String> errors(String yaml) throws Exception {
        Path f = write(yaml);
        InventoryException e = assertThrows(InventoryException.class, () -> InventoryLoader.load(f, null, dir));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        return e.problems().stream().map(Problem::toString).map(s -> s.replace(f + ":", "")).toList();
    }

    private static String withVar(String var) {
        return "all:\n  vars:\n    " + var + "\n  children:\n    etcd:\n      hosts:\n        dcs-00: {ansible_host: 10.0.0.1}\n";
    }

    private void refused(String var, String... parts) throws Exception {
        List<String> errors = errors(withVar(var));
        assertEquals(1, errors.size(), errors.toString());
        for (String p : parts) {
            assertTrue(errors.get(0).contains(p), errors.get(0) + " should contain " + p);
        }
        assertTrue(errors.get(0).startsWith("3:"), "line 3: " + errors.get(0));
    }

    @Test
    void systemDirectoriesAndTheirParentsAreRefused() throws Exception {
        refused("etcd_data_dir: /", "etcd_data_dir '/' is the system directory /");
        refused("etcd_config_dir: /etc", "etcd_config_dir '/etc' is the system directory /etc");
        refused("dcsprov_backup_host_dir: /..", "contains '..'");
        refused("etcd_data_dir: /var/lib/etcd/../..", "contains '..'");
        refused("etcd_data_dir: /var", "is the system directory /var");
        refused("etcd_cert_dir: /usr/local/etcd", "under /usr");
        refused("etcd_config_dir: /tmp/dcs", "under /tmp");
        refused("etcd_config_dir: /etc/systemd/system/etcd.service.d", "under /etc/systemd");
        refused("etcd_data_dir: /root", "/root");
        refused("etcd_data_dir: /var//lib/", "is the system directory /var/lib");
        refused("etcd_config_file: /etc/passwd", "would be written in /etc");
        refused("etcd_data_dir: var/lib/etcd", "must be an absolute path");
        refused("etcd_data_dir: \"/data/etcd\\nETCD_X=1\"", "may contain only");
        refused("etcd_data_dir: '/data/my etcd'", "may contain only");
    }

    @Test
    void ownDirectoriesAreAcceptedAndNormalised() throws Exception {
        ClusterSettings c = load(withVar("etcd_data_dir: /var/lib/etcd/")).cluster();
        assertEquals("/var/lib/etcd", c.dataDir(), "the package's own etcd home is fine");
        c = load(withVar("etcd_config_dir: /srv//etcd/./conf/")).cluster();
        assertEquals("/srv/etcd/conf", c.configDir());
        assertEquals("/srv/etcd/conf/etcd", c.configFile());
        assertEquals("/srv/etcd/conf/cert", c.certDir());
        assertEquals("/var/lib/dcs/backup", load(withVar("etcd_name_unused: 1".replace("etcd_name_unused: 1", "dcsprov_backup_keep: 3")))
                .cluster().backup().hostDir());
    }

    @Test
    void hostNamesThatWouldBePatternsOrLinesAreRefusedEvenWithAnsibleHost() throws Exception {
        for (String name : List.of("'db1,*'", "'db*'", "'db?'", "'!db1'", "'@revoked'", "'db 1'", "\"db1\\n@revoked * x\"",
                "'db|1'", "'db#1'")) {
            String yaml = "all:\n  children:\n    etcd:\n      hosts:\n        " + name + ": {ansible_host: 10.0.0.1, etcd_name: db1}\n";
            List<String> errors = errors(yaml);
            assertTrue(errors.stream().anyMatch(e -> e.startsWith("5:9: host name") && e.contains("may contain only")),
                    name + ": " + errors);
        }
        // Plain names, IPv4 and IPv6 addresses are fine.
        Inventory ok = load("all:\n  children:\n    etcd:\n      hosts:\n        db_1: {ansible_host: 10.0.0.1}\n"
                + "        10.0.0.2:\n");
        assertEquals(List.of("db_1", "10.0.0.2"), ok.members().stream().map(Host::name).toList());
        // 'db1:2222' is host db1 on port 2222, as Ansible reads a host key with a port.
        Host withPort = load("all:\n  children:\n    etcd:\n      hosts:\n        'db1:2222': {ansible_host: 10.0.0.1}\n").members().get(0);
        assertEquals("db1", withPort.name());
        assertEquals(2222, withPort.sshPort());
        assertTrue(HostNameCheck.problem("fd00::3").isEmpty());
        assertTrue(HostNameCheck.problem("db1.example.com").isEmpty());
    }

    @Test
    void aHugeHostRangeIsRefusedBeforeItIsExpanded() throws Exception {
        List<String> errors = errors("all:\n  children:\n    etcd:\n      hosts:\n        h[0:20000000]:\n");
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("5:9: 'h[0:20000000]' stands for 20000001 hosts, more than 10000")),
                errors.toString());
        errors = errors("all:\n  children:\n    etcd:\n      hosts:\n        h[0:999999999][0:999999999][0:999999999]:\n");
        assertTrue(errors.stream().anyMatch(e -> e.contains("stands for too many hosts")), errors.toString());
        assertEquals(List.of("h1", "h2"), HostPattern.expand("h[1:2]"));
    }

    @Test
    void manyRangesTogetherAreCappedToo() throws Exception {
        StringBuilder yaml = new StringBuilder("all:\n  children:\n    etcd:\n      hosts:\n");
        for (int i = 0; i < 20; i++) {
            yaml.append("        g").append(i).append("-[0000:9999]:\n");
        }
        List<String> errors = errors(yaml.toString());
        assertEquals(1, errors.size(), "the cap stops the load before 10000 hosts are resolved: " + errors.size());
        assertTrue(errors.get(0).startsWith("6:9: the inventory names more than 10000 hosts"), errors.toString());
    }

    @Test
    void aLetterRangeWithAHugeStepEnds() {
        assertEquals(List.of("a"), HostPattern.expand("[a:z:65536]"));
    }

    @Test
    void aliasDoublingIsRefused() throws Exception {
        StringBuilder yaml = new StringBuilder("all:\n  vars:\n    x0: &a0 [{prefix: /, permission: read}]\n");
        for (int i = 1; i <= 30; i++) {
            yaml.append("    x").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        yaml.append("    etcd_auth_enabled: true\n    etcd_auth_root_password: {env: PW}\n    etcd_roles: {r: *a30}\n");
        yaml.append("  children:\n    etcd:\n      hosts:\n        dcs-00: {ansible_host: 10.0.0.1}\n");
        List<String> errors = errors(yaml.toString());
        assertTrue(errors.get(0).contains("more than 1000000 values once its YAML aliases are expanded"), errors.toString());
    }

    @Test
    void tooManyAliasesOrTooDeepNestingIsAnInventoryError() throws Exception {
        StringBuilder yaml = new StringBuilder("all:\n  vars:\n    a: &a [1]\n    b: [");
        for (int i = 0; i < 200; i++) {
            yaml.append(i == 0 ? "" : ", ").append("*a");
        }
        yaml.append("]\n");
        assertTrue(errors(yaml.toString()).get(0).contains("cannot read YAML"));
        String deep = "all:\n  vars:\n    a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        assertTrue(errors(deep).get(0).contains("cannot read YAML"));
    }

    @Test
    void aRecursiveAliasIsRefused() throws Exception {
        List<String> errors = errors("all:\n  vars:\n    a: &a [*a]\n");
        assertTrue(errors.get(0).contains("contains itself"), errors.toString());
    }

    @Test
    void aNonScalarRoleOrUserNameIsAnErrorNotAClassCastException() throws Exception {
        String yaml = "all:\n  vars:\n    etcd_auth_enabled: true\n    etcd_auth_root_password: {env: PW}\n"
                + "    etcd_roles: {[a, b]: [{prefix: /, permission: read}]}\n"
                + "    etcd_users: {{x: 1}: {password: {env: PW}, roles: []}}\n"
                + "  children:\n    etcd:\n      hosts:\n        dcs-00: {ansible_host: 10.0.0.1}\n";
        List<String> errors = errors(yaml);
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("5:18: a role name must be a plain name, not a list")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("6:18: a user name must be a plain name, not a mapping")), errors.toString());
    }
}
