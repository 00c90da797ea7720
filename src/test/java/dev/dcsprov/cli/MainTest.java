package dev.dcsprov.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void versionIsACommandToo() {
        Run r = run("version");
        assertEquals(0, r.exit(), r.err());
        assertEquals(run("--version").out(), r.out());
    }

    @Test
    void anUnknownCommandWithHelpIsAUsageErrorWithADidYouMean() {
        Run r = run("stauts", "--help");
        assertEquals(2, r.exit(), r.out());
        assertEquals("", r.out(), "no help for a command that does not exist");
        assertTrue(r.err().contains("'stauts' is not a dcsprov command"), r.err());
        assertTrue(r.err().contains("Did you mean: dcsprov status?"), r.err());
    }

    @Test
    void anUnknownCommandFarFromAnyListsTheCommands() {
        for (String[] args : List.of(new String[] {"frobnicate", "--help"}, new String[] {"frobnicate"})) {
            Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertTrue(r.err().contains("'frobnicate' is not a dcsprov command"), r.err());
            assertTrue(r.err().contains("The commands are: apply, plan,"), r.err());
            assertFalse(r.err().contains("warm-classes"), "hidden commands stay hidden: " + r.err());
        }
    }

    @Test
    void anUnknownSubcommandOfMemberIsNamedWithItsParent() {
        Run r = run("member", "lsit", "--help");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Did you mean: dcsprov member list?"), r.err());
    }

    @Test
    void knownCommandsStillGiveTheirHelp() {
        Run r = run("plan", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: dcsprov plan"), r.out());
    }

    @Test
    void theCommandListShowsOneWholeSentencePerCommand() {
        CommandLine cli = Main.commandLine();
        for (var e : cli.getSubcommands().entrySet()) {
            var usage = e.getValue().getCommandSpec().usageMessage();
            if (usage.hidden()) {
                continue;
            }
            // picocli's command list shows the first header line, else the first description line.
            String first = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
            assertTrue(first.endsWith("."), e.getKey() + ": the command list shows \"" + first + "\"");
            assertTrue(Character.isUpperCase(first.charAt(0)), e.getKey() + ": " + first);
        }
        // and in the rendered list, a description never runs into the next command's line unfinished
        String help = run("--help").out();
        String list = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:"));
        List<String> entries = new ArrayList<>();
        for (String line : list.lines().skip(1).toList()) {
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                entries.add(line.strip());
            } else if (!line.isBlank()) {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
            }
        }
        assertTrue(entries.size() >= 12, list);
        entries.forEach(entry -> assertTrue(entry.endsWith("."), "cut mid-sentence: " + entry));
    }

    @Test
    void commandsThatConnectToNoHostOfferNoConnectionOptions() {
        for (String command : List.of("env", "patroni-config", "inventory", "monitoring")) {
            String help = run(command, "--help").out();
            assertTrue(help.contains("--output"), command + " prints JSON with -o json");
            for (String option : List.of("--forks", "--accept-new-host-keys", "--limit", "--list-hosts")) {
                assertFalse(help.contains(option), command + " offers " + option + ":\n" + help);
            }
            assertTrue(help.contains("--group"), help);
            Run r = run(command, "--forks", "3", "x.yml");
            assertEquals(2, r.exit(), command + " --forks: " + r.err());
        }
        for (String command : List.of("plan", "apply", "status", "backup")) {
            assertTrue(run(command, "--help").out().contains("--forks"), command + " keeps --forks");
        }
    }

    @Test
    void stacktraceIsInEveryHelp() {
        assertTrue(run("--help").out().contains("--stacktrace"));
        for (String command : List.of("plan", "env", "status")) {
            assertTrue(run(command, "--help").out().contains("--stacktrace"), command);
        }
        assertEquals(3, run("plan", "--stacktrace", "/nonexistent/inventory.yml").exit(), "--stacktrace is accepted after the command");
    }

    @Test
    void stacktracePrintsTheTraceOfAnError(@TempDir Path dir) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.execute("--stacktrace", "plan", dir.resolve("nope.yml").toString());
        } finally {
            System.setErr(before);
        }
        assertEquals(3, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("\tat dev.dcsprov."), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void completionWorksForDcsprovDotSlashDcsprovAndTheLaunchersPath(@TempDir Path dir) throws Exception {
        Path launcher = dir.resolve("a checkout/dcsprov");
        String before = System.getProperty("dcsprov.launcher");
        System.setProperty("dcsprov.launcher", launcher.toString());
        Run r;
        try {
            r = run("generate-completion");
        } finally {
            if (before == null) {
                System.clearProperty("dcsprov.launcher");
            } else {
                System.setProperty("dcsprov.launcher", before);
            }
        }
        assertEquals(0, r.exit(), r.err());
        Path script = Files.writeString(dir.resolve("dcsprov.bash"), r.out());
        for (String command : List.of("dcsprov", "./dcsprov", launcher.toString())) {
            String q = "'" + command + "'";
            String out = bash("source " + script + " && complete -p " + q
                    + " && COMP_LINE=" + q + "' pl' && COMP_WORDS=(" + q + " pl) && COMP_CWORD=1 && COMP_POINT=${#COMP_LINE}"
                    + " && _complete_dcsprov && printf 'reply:%s\\n' \"${COMPREPLY[@]}\""
                    + " && COMP_LINE=" + q + "' env --' && COMP_WORDS=(" + q + " env --) && COMP_CWORD=2"
                    + " && _complete_dcsprov && printf 'env:%s\\n' \"${COMPREPLY[@]}\"");
            assertTrue(out.contains("-F _complete_dcsprov"), command + ": " + out);
            assertTrue(out.contains("reply:plan\n"), command + ": " + out);
            assertTrue(out.contains("env:--with-password\n") && !out.contains("env:--forks"), command + ": " + out);
        }
    }

    static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
