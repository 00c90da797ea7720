package dev.dcsprov.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user meets it: help, version, completion, and errors with exit codes. */
class MainTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> Main.report(ex, cmd.getErr(), false));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.exit());
        for (String command : new String[] {"apply", "plan", "generate-completion"}) {
            assertTrue(r.out().contains(command), "help lists " + command + ":\n" + r.out());
        }
        assertTrue(r.out().contains("3  invalid inventory"), r.out());
    }

    @Test
    void versionNamesTheProject() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("dcsprov "), r.out());
    }

    @Test
    void completionIsABashScriptForEverySubcommand() {
        Run r = run("generate-completion");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("complete -F") && r.out().contains("apply") && r.out().contains("plan"), r.out());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Run r = run("plan", "--no-such-option", "x.yml");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void anInvalidInventoryExitsThreeNamingFileLineAndColumnBeforeAnyConnection(@TempDir Path dir) throws IOException {
        Path inv = dir.resolve("bad.yml");
        Files.writeString(inv, """
                all:
                  vars:
                    etcd_clinet_port: 2379
                  children:
                    etcd:
                      hosts:
                        a: {ansible_host: 192.0.2.1}
                """);
        Run r = run("plan", inv.toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains(inv + ":3:5"), r.err());
        assertTrue(r.err().contains("etcd_client_port"), "did-you-mean: " + r.err());
    }

    @Test
    void aMissingInventoryFileIsAnInventoryError(@TempDir Path dir) {
        Run r = run("apply", dir.resolve("nope.yml").toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("nope.yml"), r.err());
    }
}
