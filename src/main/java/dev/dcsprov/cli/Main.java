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
                BackupCommand.class,
                RestoreCommand.class,
                MaintainCommand.class,
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
    static final Set<String> HOST_OPTIONS = Set.of("--forks", "--accept-new-host-keys", "--limit", "--output");

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
        boolean stacktrace = Arrays.asList(args).contains("--stacktrace");
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> report(ex, cmd.getErr(), stacktrace));
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        dropHostOptions(cli);
        // picocli skips its check for unmatched arguments when --help is given ("dcsprov frobnicate --help"
        // would print the top-level help and exit 0): check them before running anything.
        cli.setExecutionStrategy(parsed -> {
            rejectUnmatched(parsed);
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
