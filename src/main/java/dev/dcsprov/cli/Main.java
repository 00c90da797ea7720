package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;

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
                MemberCommand.class,
                StatusCommand.class,
                EnvCommand.class,
                PatroniConfigCommand.class,
                BackupCommand.class,
                RestoreCommand.class,
                CommandLine.HelpCommand.class,
                AutoComplete.GenerateCompletion.class,
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--stacktrace")).toArray(String[]::new);
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> report(ex, cmd.getErr(), stacktrace));
        return cli.execute(rest);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cli;
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
