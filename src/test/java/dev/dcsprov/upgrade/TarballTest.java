package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tarballs made with the real tar, as a release's are: etcd-vX.Y.Z-linux-ARCH/etcd with an ELF header. */
class TarballTest {
    @TempDir
    Path dir;

    private Path tarball(String top, int elfMachine, boolean elf) throws Exception {
        Path d = Files.createDirectories(dir.resolve("src").resolve(top));
        byte[] h = new byte[64];
        if (elf) {
            h[0] = 0x7f;
            h[1] = 'E';
            h[2] = 'L';
            h[3] = 'F';
            h[4] = 2;
            h[5] = 1;
            h[18] = (byte) (elfMachine & 0xff);
            h[19] = (byte) (elfMachine >> 8);
        }
        Files.write(d.resolve("etcd"), h);
        Files.write(d.resolve("etcdctl"), h);
        Files.writeString(d.resolve("README.md"), "etcd\n");
        Path out = dir.resolve(top + "-" + elfMachine + ".tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", out.toString(), "-C", dir.resolve("src").toString(), top).inheritIO().start();
        assertEquals(0, p.waitFor());
        return out;
    }

    @Test
    void aReleaseTarballGivesItsVersionAndArchitecture() throws Exception {
        Path t = tarball("etcd-v3.5.16-linux-amd64", 62, true);
        Tarball tb = Tarball.inspect(t, Tarball.sha256(t));
        assertEquals(EtcdVersion.parse("3.5.16"), tb.version());
        assertEquals("amd64", tb.elfArch());
        assertEquals("/opt/dcsprov/etcd/3.5.16", tb.installDir());
        tb.requireArch("dcs-85", "amd64");
    }

    @Test
    void etcdutlComesOutWholeAndATarballWithoutOneGivesNone() throws Exception {
        Path t = tarball("etcd-v3.5.16-linux-amd64", 62, true);
        assertTrue(Tarball.inspect(t, Tarball.sha256(t)).extractEtcdutl(dir.resolve("none")).isEmpty(), "no etcdutl in it");
        Path src = dir.resolve("src/etcd-v3.5.16-linux-amd64");
        byte[] etcdutl = new byte[1500];
        java.util.Arrays.fill(etcdutl, (byte) 7);
        Files.write(src.resolve("etcdutl"), etcdutl);
        Path with = dir.resolve("with-etcdutl.tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", with.toString(), "-C", dir.resolve("src").toString(), "etcd-v3.5.16-linux-amd64")
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        Path out = Tarball.inspect(with, Tarball.sha256(with)).extractEtcdutl(dir.resolve("etcdutl")).orElseThrow();
        assertTrue(java.util.Arrays.equals(etcdutl, Files.readAllBytes(out)));
    }

    @Test
    void aDifferentSha256IsRefusedNamingBoth() throws Exception {
        Path t = tarball("etcd-v3.5.16-linux-amd64", 62, true);
        String wrong = "0".repeat(64);
        DcsprovException e = assertThrows(DcsprovException.class, () -> Tarball.inspect(t, wrong));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertTrue(e.summary().contains("SHA-256 differs"), e.summary());
        assertTrue(e.detail().orElseThrow().contains(Tarball.sha256(t)) && e.detail().orElseThrow().contains(wrong), e.detail().orElseThrow());
    }

    @Test
    void anotherArchitectureIsRefusedWithTheTarballToUse() throws Exception {
        Path t = tarball("etcd-v3.5.16-linux-arm64", 183, true);
        Tarball tb = Tarball.inspect(t, Tarball.sha256(t));
        assertEquals("arm64", tb.elfArch());
        DcsprovException e = assertThrows(DcsprovException.class, () -> tb.requireArch("dcs-85", "amd64"));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertTrue(e.summary().contains("is for arm64, but dcs-85 is amd64"), e.summary());
        assertTrue(e.fix().orElseThrow().contains("etcd-v3.5.16-linux-amd64.tar.gz"), e.fix().orElseThrow());
    }

    @Test
    void notAnElfBinaryOrNoVersionOrNoTarIsRefused() throws Exception {
        Path script = tarball("etcd-v3.5.16-linux-amd64", 0, false);
        assertTrue(assertThrows(DcsprovException.class, () -> Tarball.inspect(script, Tarball.sha256(script))).summary().contains("not an ELF"));
        Path noVersion = tarball("etcd", 62, true);
        assertTrue(assertThrows(DcsprovException.class, () -> Tarball.inspect(noVersion, Tarball.sha256(noVersion))).summary()
                .contains("does not name an etcd version"));
        Path text = Files.writeString(dir.resolve("x.tar.gz"), "not a tarball");
        assertTrue(assertThrows(DcsprovException.class, () -> Tarball.inspect(text, Tarball.sha256(text))).summary().contains("not a gzip tar"));
    }

    @Test
    void elfMachinesMapToDebianArchitectures() throws IOException {
        byte[] h = new byte[20];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[5] = 1;
        h[18] = 62;
        assertEquals("amd64", Tarball.elfArch(h).orElseThrow());
        h[18] = (byte) 183;
        assertEquals("arm64", Tarball.elfArch(h).orElseThrow());
    }
}
