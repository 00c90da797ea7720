package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.Suggestions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Entry point: wires the subcommands and turns every error into a message for people and an exit code. */
@Command(name = "dcsprov",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Stands up and runs TLS etcd clusters on bare-metal hosts over SSH.",
        subcommands = {
                ApplyCommand.class,
                WarmClassesCommand.class,
                PlanCommand.class,
                CertsCommand.class,
                RotateCertsCommand.class,
                UpgradeCommand.class,
                MemberCommand.class,
                StatusCommand.class,
                EnvCommand.class,
                PatroniConfigCommand.class,
                InventoryShowCommand.class,
                BackupCommand.class,
                RestoreCommand.class,
                MaintainCommand.class,
                MonitoringCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class,
                CompletionCommand.class,
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  unexpected internal error",
                "  2  bad command line",
                "  3  invalid inventory (nothing was touched)",
                "  4  a host unreachable, host key not verified, or sudo failed",
                "  5  a change failed on a host",
                "  6  refused as unsafe for the cluster",
                "  7  status: cluster not fully healthy",
                "  8  local PKI problem",
                "  9  certs: a certificate expires soon or differs from the local PKI",
        })
public final class Main implements Runnable {
    /** Options of {@link RunOptions} that only matter to commands that connect to hosts. */
    static final Set<String> HOST_OPTIONS = Set.of("--forks", "--accept-new-host-keys", "--limit", "--list-hosts", "--diff");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read from the raw arguments in execute() (errors while parsing need it too); declared so every help shows it.
    @Option(names = "--stacktrace", scope = ScopeType.INHERIT,
            description = "On an error, also print the Java stack trace (for a bug report)")
    boolean stacktrace;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // SSH crypto setup is the largest fixed cost of a run: overlap it with parsing and the inventory.
        dev.dcsprov.ssh.SshConnector.warmUp();
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code; tests call this instead of main. */
    public static int execute(String... args) {
        return configured(args).execute(args);
    }

    /** The command line with the error handling {@link #execute} uses (text on stderr, and JSON on stdout with -o json). */
    static CommandLine configured(String... args) {
        boolean stacktrace = Arrays.asList(args).contains("--stacktrace");
        boolean json = wantsJson(args);
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            int code = report(ex, cmd.getErr(), stacktrace);
            if (json) {
                jsonError(cmd.getOut(), code, ex);
            }
            return code;
        });
        if (json) {
            CommandLine.IParameterExceptionHandler text = cli.getParameterExceptionHandler();
            cli.setParameterExceptionHandler((ex, a) -> {
                int code = text.handleParseException(ex, a);
                jsonError(ex.getCommandLine().getOut(), code, ex);
                return code;
            });
        }
        return cli;
    }

    /** -o json / --output json / --output=json / -ojson anywhere: errors then also end in a JSON document on stdout. */
    static boolean wantsJson(String... args) {
        List<String> a = Arrays.asList(args);
        for (int i = 0; i < a.size(); i++) {
            String w = a.get(i);
            if (w.equals("--output=json") || w.equals("-ojson") || w.equals("-o=json")
                    || ((w.equals("-o") || w.equals("--output")) && i + 1 < a.size() && a.get(i + 1).equals("json"))) {
                return true;
            }
        }
        return false;
    }

    /** {"error": {...}} with the same summary, detail, fix and exit code as the text on stderr; never a stack trace. */
    static void jsonError(PrintWriter out, int code, Exception ex) {
        java.util.Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("exit_code", code);
        if (ex instanceof DcsprovException e) {
            error.put("summary", e.summary());
            error.put("detail", e.detail().orElse(""));
            error.put("fix", e.fix().orElse(""));
            if (e instanceof dev.dcsprov.inventory.InventoryException ie) {
                error.put("problems", ie.problems().stream().map(p -> java.util.Map.of("file", p.location().file().toString(),
                        "line", p.location().line(), "column", p.location().column(), "message", p.message(), "fix", p.fix())).toList());
            }
        } else {
            error.put("summary", ex instanceof CommandLine.ParameterException ? ex.getMessage()
                    : "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
        JsonReporter.print(out, java.util.Map.of("error", error));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        dropHostOptions(cli);
        // picocli skips its check for unmatched arguments when --help is given ("dcsprov frobnicate --help"
        // would print the top-level help and exit 0): check them before running anything.
        cli.setExecutionStrategy(parsed -> {
            rejectUnmatched(parsed);
            ParseResult last = parsed;
            while (last.subcommand() != null) {
                last = last.subcommand();
            }
            if (last.commandSpec().userObject() instanceof InventoryCommand c && c.options != null && c.options.listHosts
                    && !last.isUsageHelpRequested()) {
                try {
                    return c.listHosts();
                } catch (RuntimeException e) {
                    throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), String.valueOf(e.getMessage()), e);
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        CommandLine.IParameterExceptionHandler picocliDefault = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((ex, args) -> unknownCommand(ex)
                ? reportUnknownCommand((UnmatchedArgumentException) ex)
                : picocliDefault.handleParseException(ex, args));
        return cli;
    }

    /** Commands that connect to no host (env, patroni-config) do not offer the options that would do nothing there. */
    private static void dropHostOptions(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommand() instanceof ConnectsToNoHost) {
                CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
                HOST_OPTIONS.stream().map(spec::findOption).filter(o -> o != null).distinct().forEach(spec::remove);
            }
        }
    }

    private static void rejectUnmatched(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                throw new UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
            }
        }
    }

    /** An unmatched word where a command with subcommands expects its subcommand: "dcsprov frobnicate". */
    private static boolean unknownCommand(CommandLine.ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return false;
        }
        CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
        return !spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-");
    }

    private static int reportUnknownCommand(UnmatchedArgumentException ex) {
        CommandLine cmd = ex.getCommandLine();
        String word = ex.getUnmatched().get(0);
        String name = cmd.getCommandSpec().qualifiedName();
        List<String> commands = cmd.getSubcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .map(java.util.Map.Entry::getKey).toList();
        PrintWriter err = cmd.getErr();
        err.println("error: '" + word + "' is not a " + name + " command");
        err.println(Suggestions.didYouMean(word, commands)
                .map(s -> "Did you mean: " + name + " " + s + "?")
                .orElse("The commands are: " + String.join(", ", commands) + "."));
        err.println("'" + name + " --help' says what each one does.");
        err.flush();
        return ExitCode.USAGE.code();
    }

    static int report(Exception ex, PrintWriter err, boolean stacktrace) {
        if (ex instanceof DcsprovException e) {
            err.println("error: " + e.summary());
            e.detail().ifPresent(d -> err.println("\n" + d));
            e.fix().ifPresent(f -> err.println("\nfix: " + f));
            if (stacktrace) {
                e.printStackTrace(err);
            }
            err.flush();
            return e.exitCode().code();
        }
        err.println("error: unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        if (stacktrace) {
            ex.printStackTrace(err);
        } else {
            err.println("(run again with --stacktrace for details)");
        }
        err.flush();
        return ExitCode.FAILED.code();
    }
}
