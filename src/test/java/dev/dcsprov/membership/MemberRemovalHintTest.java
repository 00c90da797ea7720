package dev.dcsprov.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The printed "mv" hint quotes the data dir: run by a real shell, it moves exactly that directory. */
class MemberRemovalHintTest {
    @TempDir
    Path dir;

    @Test
    void theMoveAsideHintWorksForAPathWithSpacesAndQuotes() throws Exception {
        Path data = dir.resolve("it's data $(touch pwned)");
        Files.createDirectories(data);
        Connection failing = new Connection() {
            public String hostName() { return "db1"; }
            public CommandResult run(RemoteCommand command) { return new CommandResult(1, "", "stop failed"); }
            public CommandResult run(RemoteCommand command, OutputStream stdout) { return run(command); }
            public void close() { }
        };
        DcsprovException e = assertThrows(DcsprovException.class, () -> MemberRemoval.stopAndMoveAside(failing, data.toString()));
        String fix = e.fix().orElseThrow();
        String mv = fix.substring(fix.indexOf("mv "));
        Process p = new ProcessBuilder("sh", "-c", mv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), mv + "\n" + out);
        assertTrue(Files.notExists(data), "moved away");
        assertTrue(Files.notExists(dir.resolve("pwned")), "nothing in the path was run");
        try (var s = Files.list(dir)) {
            List<String> names = s.map(x -> x.getFileName().toString()).toList();
            assertTrue(names.size() == 1 && names.get(0).startsWith("it's data $(touch pwned).removed-"), names.toString());
        }
    }
}
