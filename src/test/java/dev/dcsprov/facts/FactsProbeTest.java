package dev.dcsprov.facts;

import dev.dcsprov.LocalShell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe script runs for real under sh on this machine, against files the test lays out. */
class FactsProbeTest {

    @Test
    void readsFilesConfigLinkAndDataDirInOneScript(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("etcd");
        Files.writeString(config, "ETCD_NAME=\"dcs-00\"\n# ünïcode survives\n");
        Path key = dir.resolve("server.key");
        Files.writeString(key, "k");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path defaults = dir.resolve("default-etcd");
        Files.createSymbolicLink(defaults, config);
        Files.createDirectories(dir.resolve("data/member"));

        FactsProbe.Request req = new FactsProbe.Request(List.of(config.toString(), key.toString(), dir.resolve("absent").toString()),
                config.toString(), defaults.toString(), dir.resolve("data").toString(), "https://127.0.0.1:1",
                "/nonexistent/ca", "/nonexistent/crt", "/nonexistent/key", List.of(dir.resolve("restart-pending").toString()));
        Files.writeString(dir.resolve("restart-pending"), "");
        HostFacts f = FactsProbe.gather(new LocalShell(), req);

        String osRelease = Files.readString(Path.of("/etc/os-release"));
        assertTrue(osRelease.contains("ID=" + f.osId()), f.osId());
        assertFalse(f.hostname().isEmpty());
        assertEquals("ETCD_NAME=\"dcs-00\"\n# ünïcode survives\n", f.configText());
        FileState k = f.file(key.toString());
        assertTrue(k.exists());
        assertEquals("0600", k.mode());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest("k".getBytes())),
                k.sha256(), "sha256 of the content");
        assertFalse(f.file(dir.resolve("absent").toString()).exists());
        assertEquals(config.toString(), f.defaultsLink().orElseThrow());
        assertTrue(f.dataDirHasMember());
        assertEquals("", f.etcdStatusJson(), "no etcd runs here");
        assertTrue(f.etcdRunsStaleFiles(), "the restart marker is reported");
    }

    @Test
    void aRegularDefaultsFileAndNoDataAreReportedAsSuch(@TempDir Path dir) throws IOException {
        Path defaults = dir.resolve("default-etcd");
        Files.writeString(defaults, "# stock\n");
        FactsProbe.Request req = new FactsProbe.Request(List.of(), dir.resolve("etcd").toString(), defaults.toString(),
                dir.resolve("data").toString(), "https://127.0.0.1:1", "/n/ca", "/n/crt", "/n/key", List.of());
        HostFacts f = FactsProbe.gather(new LocalShell(), req);
        assertTrue(f.defaultsIsFile());
        assertTrue(f.defaultsLink().isEmpty());
        assertFalse(f.dataDirHasMember());
        assertEquals("", f.configText());
        assertFalse(f.etcdRunsStaleFiles());
    }

    @Test
    void parsesInstalledPackagesOnly() {
        HostFacts f = FactsProbe.parse("pkg\tetcd-server\t3.4.23-4+b4\tinstalled\npkg\tetcd-client\t3.4.23-4+b4\tconfig-files\n");
        assertEquals("3.4.23-4+b4", f.packages().get("etcd-server"));
        assertFalse(f.hasPackage("etcd-client"), "a removed package with config files left is not installed");
    }
}
