package dev.dcsprov.inventory;

import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INI inventories end to end through the loader: members resolved, and malformed lines reported at file:line. */
class IniInventoryTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void membersOfAnIniInventoryWithGroupVars() throws IOException {
        Path f = write("hosts", "[etcd]\ndcs-[00:02] ansible_become=yes etcd_listen_addresses=\"['0.0.0.0']\"\n[etcd:vars]\nansible_user=deploy\n");
        Files.createDirectories(dir.resolve("group_vars"));
        Files.writeString(dir.resolve("group_vars/etcd.yml"), "ansible_port: 2299\n");
        Files.createDirectories(dir.resolve("host_vars"));
        Files.writeString(dir.resolve("host_vars/dcs-01.yml"), "ansible_host: 10.0.0.11\n");
        Inventory inv = InventoryLoader.load(f, null, Path.of("/home/tester"));
        assertEquals(List.of("dcs-00", "dcs-01", "dcs-02"), inv.members().stream().map(Host::name).toList());
        Host h = inv.member("dcs-01").orElseThrow();
        assertEquals("deploy", h.sshUser());
        assertEquals(2299, h.sshPort(), "from group_vars/etcd.yml");
        assertEquals("10.0.0.11", h.address());
        assertEquals(true, h.become());
    }

    @Test
    void malformedLinesAreErrorsAtTheirLine() throws IOException {
        Path f = write("bad.ini", "[etcd]\ndcs-00 ansible_host=10.0.0.1 oops\ndcs-01 note=\"open\n[etcd:weird]\n[ bad ]\n"
                + "[web:children]\nmissing\n");
        InventoryException e = assertThrows(InventoryException.class,
                () -> InventoryLoader.load(f, null, Path.of("/home/tester")));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        List<String> where = e.problems().stream().map(p -> p.location().line() + ": " + p.message()).toList();
        assertEquals(List.of(
                "2: expected key=value after the host name, got 'oops'",
                "3: cannot read the host line 'dcs-01 note=\"open': No closing quotation",
                "4: section [etcd:weird] has unknown type 'weird'",
                "5: invalid section header '[ bad ]'",
                "7: section [web:children] includes group 'missing', which is not declared"), where);
        assertEquals(f, e.problems().get(0).location().file());
    }

    @Test
    void aVarsFileThatIsNotUtf8IsAnErrorAtThatFile() throws IOException {
        Path f = write("hosts", "[etcd]\ndcs-00 ansible_host=10.0.0.1\n");
        Files.createDirectories(dir.resolve("group_vars"));
        Path vars = dir.resolve("group_vars/etcd.yml");
        Files.write(vars, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        InventoryException e = assertThrows(InventoryException.class,
                () -> InventoryLoader.load(f, null, Path.of("/home/tester")));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        Problem p = e.problems().get(0);
        assertEquals(vars, p.location().file());
        assertEquals(1, p.location().line());
        assertTrue(p.message().contains("is not UTF-8 text"), p.message());
    }

    @Test
    void aDirectoryWithOnlyIgnoredFilesSaysWhy() throws IOException {
        write("hosts.ini", "[etcd]\ndcs-00\n");
        InventoryException e = assertThrows(InventoryException.class,
                () -> InventoryLoader.load(dir, null, Path.of("/home/tester")));
        assertEquals("no inventory file found in " + dir, e.summary());
    }
}
