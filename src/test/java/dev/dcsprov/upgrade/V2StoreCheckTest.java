package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 'etcdutl check v2store' before 3.6: the etcdutl of the install (not PATH's), its output shown, exit 6 when it fails. */
class V2StoreCheckTest {
    /** A host that records the scripts it is given and answers each with a fixed result. */
    static final class Host implements Connection {
        final String name;
        final CommandResult answer;
        final List<String> scripts = new ArrayList<>();
        byte[] stdin = new byte[0];

        Host(String name, CommandResult answer) {
            this.name = name;
            this.answer = answer;
        }

        @Override
        public String hostName() {
            return name;
        }

        @Override
        public CommandResult run(RemoteCommand command) {
            scripts.add(command.script());
            try (InputStream in = command.openStdin()) {
                stdin = in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return answer;
        }

        @Override
        public CommandResult run(RemoteCommand command, OutputStream stdout) {
            return run(command);
        }

        @Override
        public void close() {
        }
    }

    private final List<String> progress = new ArrayList<>();

    private V2StoreCheck check(Map<String, Host> hosts, Optional<Path> targetEtcdutl) {
        return new V2StoreCheck(hosts::get, "/var/lib/etcd/dcs", targetEtcdutl, progress::add);
    }

    @Test
    void theRunningInstallsEtcdutlRunsOnEveryMemberAndItsOutputIsShown() {
        Host a = new Host("a", new CommandResult(0, "No v2store content found\n", ""));
        Host b = new Host("b", new CommandResult(0, "No v2store content found\n", ""));
        List<String> shown = check(Map.of("a", a, "b", b), Optional.empty()).run(List.of(
                new V2StoreCheck.Member("a", Optional.of("/opt/dcsprov/etcd/3.5.26/etcdutl")),
                new V2StoreCheck.Member("b", Optional.of("/usr/bin/etcdutl"))));
        assertEquals(List.of("'/opt/dcsprov/etcd/3.5.26/etcdutl' check v2store --data-dir '/var/lib/etcd/dcs' 2>&1"), a.scripts);
        assertEquals(List.of("'/usr/bin/etcdutl' check v2store --data-dir '/var/lib/etcd/dcs' 2>&1"), b.scripts);
        assertEquals(List.of("a: etcdutl check v2store (/opt/dcsprov/etcd/3.5.26/etcdutl): No v2store content found",
                "b: etcdutl check v2store (/usr/bin/etcdutl): No v2store content found"), shown);
        assertEquals(shown, progress);
    }

    @Test
    void theTargetTarballsEtcdutlIsStreamedToTheMemberAndRunFromATemporaryDirectory(@TempDir Path tmp) throws IOException {
        Path etcdutl = Files.write(tmp.resolve("etcdutl"), "ELF-3.6".getBytes(StandardCharsets.UTF_8));
        Host a = new Host("a", new CommandResult(0, "ok\n", ""));
        check(Map.of("a", a), Optional.of(etcdutl)).run(List.of(new V2StoreCheck.Member("a", Optional.empty())));
        assertArrayEquals("ELF-3.6".getBytes(StandardCharsets.UTF_8), a.stdin);
        String script = a.scripts.get(0);
        assertTrue(script.contains("trap 'rm -rf \"$t\"' EXIT") && script.contains("cat > \"$t/etcdutl\"")
                && script.contains("\"$t/etcdutl\" check v2store --data-dir '/var/lib/etcd/dcs'"), script);
    }

    @Test
    void aFailedCheckRefusesWithExit6AndShowsItsOutput() {
        Host a = new Host("a", new CommandResult(0, "ok\n", ""));
        Host b = new Host("b", new CommandResult(1, "detected custom content in v2store: /foo\n", ""));
        Host c = new Host("c", new CommandResult(0, "ok\n", ""));
        DcsprovException e = assertThrows(DcsprovException.class, () -> check(Map.of("a", a, "b", b, "c", c), Optional.empty()).run(List.of(
                new V2StoreCheck.Member("a", Optional.of("/usr/bin/etcdutl")),
                new V2StoreCheck.Member("b", Optional.of("/usr/bin/etcdutl")),
                new V2StoreCheck.Member("c", Optional.of("/usr/bin/etcdutl")))));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertEquals("upgrade refused: 'etcdutl check v2store' failed on b", e.summary());
        assertTrue(e.detail().orElseThrow().contains("detected custom content in v2store: /foo"), e.detail().orElseThrow());
        assertTrue(progress.contains("b: etcdutl check v2store (/usr/bin/etcdutl): detected custom content in v2store: /foo"), progress::toString);
        assertEquals(List.of(), c.scripts, "the run stops at the first member that fails");
    }

    @Test
    void aMemberWithoutEtcdutlIsRefusedWithExit6NotRunOnPath() {
        Host a = new Host("a", new CommandResult(0, "", ""));
        DcsprovException e = assertThrows(DcsprovException.class, () -> check(Map.of("a", a), Optional.empty())
                .run(List.of(new V2StoreCheck.Member("a", Optional.empty()))));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("no etcdutl on a"), e.summary());
        assertTrue(e.fix().orElseThrow().contains("etcd_tarball"), e.toString());
        assertEquals(List.of(), a.scripts);
    }
}
