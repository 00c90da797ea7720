package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.apply.Hosts;
import dev.dcsprov.apply.Reporter;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.InventoryLoader;
import dev.dcsprov.ssh.Connections;
import dev.dcsprov.ssh.HostKeyPolicy;
import dev.dcsprov.ssh.RemoteException;
import dev.dcsprov.ssh.SshConnector;
import dev.dcsprov.ssh.SshTarget;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** A command that loads an inventory and connects to its members: the common start of apply, plan, status ... */
abstract class InventoryCommand implements Callable<Integer> {
    @CommandLine.Mixin
    RunOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Inventory loadInventory() {
        Inventory inventory = InventoryLoader.load(options.sources(), options.group, options.patroniGroup, java.nio.file.Path.of(System.getProperty("user.home")));
        inventory.warnings().forEach(w -> err().println("warning: " + w));
        err().flush();
        return inventory;
    }

    boolean json() {
        return options.output == RunOptions.OutputFormat.json;
    }

    /** Every command's --output json ends in one indented document on stdout. */
    void printJson(Object doc) {
        JsonReporter.print(out(), doc);
    }

    Reporter reporter() {
        return json() ? new JsonReporter(out()) : new TextReporter(out());
    }

    /** Connects to every member, all or nothing: no change starts while a member is unreachable. */
    Hosts connect(Inventory inventory) {
        return connect(inventory, false);
    }

    /**
     * As {@link #connect(Inventory)}, with the Patroni hosts too when {@code withPatroni} (apply, plan, rotate-certs:
     * the commands that deliver to them); the others need no Patroni host and are not stopped by one.
     */
    Hosts connect(Inventory inventory, boolean withPatroni) {
        List<SshTarget> targets = (withPatroni ? inventory.allHosts() : inventory.members()).stream().map(InventoryCommand::target).toList();
        HostKeyPolicy policy = options.acceptNewHostKeys
                ? HostKeyPolicy.acceptNew(inventory.cluster().knownHostsFiles())
                : HostKeyPolicy.strict(inventory.cluster().knownHostsFiles());
        Connections connections = Connections.open(new SshConnector(), targets, policy, Math.max(1, options.forks));
        if (!connections.allOpen()) {
            connections.close();
            Map<String, RemoteException> failed = connections.failed();
            if (failed.size() == 1) {
                throw failed.values().iterator().next();
            }
            throw new DcsprovException(ExitCode.UNREACHABLE, failed.size() + " hosts could not be reached: "
                    + String.join(", ", failed.keySet()),
                    failed.values().stream().map(e -> "- " + e.summary() + e.detail().map(d -> "\n  " + d).orElse("")
                            + e.fix().map(f -> "\n  fix: " + f).orElse("")).collect(Collectors.joining("\n")),
                    "nothing was changed on any host; fix the connections above and run again");
        }
        return new Hosts(connections.open(), Math.max(1, options.forks));
    }

    /**
     * This machine's part of the run lock, taken before connecting; {@link dev.dcsprov.lock.RunLock#onMembers}
     * adds the members' once connected. For the commands that change the cluster.
     */
    dev.dcsprov.lock.RunLock lockRun(Inventory inventory) {
        var parsed = spec.root().commandLine().getParseResult();
        return dev.dcsprov.lock.RunLock.local(inventory,
                dev.dcsprov.lock.RunHolder.current(parsed == null ? java.util.List.of(spec.name()) : parsed.originalArgs()));
    }

    static SshTarget target(Host h) {
        return new SshTarget(h.name(), h.address(), h.sshPort(), h.sshUser(), h.privateKey(), h.become());
    }
}
