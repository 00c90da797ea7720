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

    /**
     * A vars file that cannot be read at all: a dangling link (ansible-inventory skips it silently, here and inside a
     * group_vars/NAME/ directory), a FIFO (ansible-inventory waits on it forever), a directory inside which a link
     * dangles. Each is exit 3 at that file, all listed at once, and the load never blocks.
     */
    @Test
    void aVarsFileThatCannotBeReadAtAllIsAnErrorNamingIt() throws Exception {
        Path f = write("hosts", "[etcd]\ndcs-00 ansible_host=10.0.0.1\ndcs-01 ansible_host=10.0.0.2\n[db]\npg-0 ansible_host=10.0.1.1\n");
        Files.createDirectories(dir.resolve("group_vars/db"));
        Files.createDirectories(dir.resolve("host_vars"));
        Path link = Files.createSymbolicLink(dir.resolve("group_vars/etcd.yml"), dir.resolve("gone.yml"));
        Path inDir = Files.createSymbolicLink(dir.resolve("group_vars/db/main.yml"), Path.of("/nonexistent/vars.yml"));
        Path fifo = dir.resolve("host_vars/dcs-01.yml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        InventoryException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> assertThrows(InventoryException.class, () -> InventoryLoader.load(f, null, Path.of("/home/tester"))));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        List<String> found = e.problems().stream().map(p -> p.location().file() + ":" + p.location().line() + ": " + p.message()).toList();
        assertTrue(found.contains(link + ":1: cannot read " + link + ": it is a symbolic link to " + dir.resolve("gone.yml")
                + ", which does not exist"), found.toString());
        assertTrue(found.contains(inDir + ":1: cannot read " + inDir + ": it is a symbolic link to /nonexistent/vars.yml, which does not exist"),
                found.toString());
        assertTrue(found.contains(fifo + ":1: cannot read " + fifo + ": it is not a regular file (a FIFO, socket or device)"), found.toString());
        assertEquals(3, found.size(), found.toString());
    }

    @Test
    void aDirectoryWithOnlyIgnoredFilesSaysWhy() throws IOException {
        write("hosts.ini", "[etcd]\ndcs-00\n");
        InventoryException e = assertThrows(InventoryException.class,
                () -> InventoryLoader.load(dir, null, Path.of("/home/tester")));
        assertEquals("no inventory file found in " + dir, e.summary());
    }
}
