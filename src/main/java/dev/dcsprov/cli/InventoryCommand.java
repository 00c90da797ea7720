package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.InventoryLoader;
import dev.dcsprov.patroni.PatroniResume;
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
        dev.dcsprov.Verbosity.set(options.verbose.length);
        if (options.limit != null && !(this instanceof TakesLimit)) {
            throw new DcsprovException(ExitCode.USAGE, spec.qualifiedName() + " takes no --limit",
                    spec.qualifiedName() + " " + TakesLimit.WHY_NOT, "leave --limit out; it works with apply, plan and rotate-certs");
        }
        Inventory inventory = InventoryLoader.load(InventoryLoader.Request.of(options.sources()).group(options.group)
                .patroniGroup(options.patroniGroup).extraVars(options.extraVars).vault(options.vault()));
        inventory.warnings().forEach(w -> err().println("warning: " + w));
        err().flush();
        return inventory;
    }

    /** The members --limit selects, in inventory order; empty without --limit. No member selected is an error. */
    java.util.Set<String> limit(Inventory inventory) {
        if (options.limit == null) {
            return java.util.Set.of();
        }
        List<String> selected = dev.dcsprov.inventory.LimitPattern.select(options.limit,
                dev.dcsprov.inventory.InventoryView.load(options.sources(), List.of(), options.vault()));
        java.util.Set<String> members = new java.util.LinkedHashSet<>();
        inventory.members().stream().map(Host::name).filter(selected::contains).forEach(members::add);
        if (members.isEmpty()) {
            throw new DcsprovException(ExitCode.USAGE, "--limit '" + options.limit + "' matches no member of group '" + inventory.group() + "'",
                    "It selects " + (selected.isEmpty() ? "no host" : String.join(", ", selected)) + "; the members are "
                            + String.join(", ", inventory.members().stream().map(Host::name).toList()) + ".",
                    "name members of group '" + inventory.group() + "'; nothing was touched");
        }
        return members;
    }

    /** --list-hosts: the members this command would work on, as Ansible prints them. Connects to no host. */
    Integer listHosts() {
        Inventory inventory = loadInventory();
        java.util.Set<String> limited = limit(inventory);
        List<String> hosts = inventory.members().stream().map(Host::name).filter(n -> limited.isEmpty() || limited.contains(n)).toList();
        if (json()) {
            printJson(Map.of("hosts", hosts));
        } else {
            out().println("  hosts (" + hosts.size() + "):");
            hosts.forEach(h -> out().println("    " + h));
            out().flush();
        }
        return ExitCode.OK.code();
    }

    boolean json() {
        return options.output == RunOptions.OutputFormat.json;
    }

    /** Every command's --output json ends in one indented document on stdout. */
    void printJson(Object doc) {
        JsonReporter.print(out(), doc);
    }

    /** Before a run: an operation's plan, for people (JSON carries it under "plan" in the result document). */
    void showPlan(dev.dcsprov.plan.OperationPlan plan) {
        if (!json()) {
            out().print(dev.dcsprov.plan.OperationPlanText.render(plan));
            out().println();
            out().flush();
        }
    }

    /** --check of an operation: the plan alone ({"plan": ...} in JSON), and exit 0 as plan and maintain --check do. */
    Integer printCheck(dev.dcsprov.plan.OperationPlan plan) {
        if (json()) {
            printJson(java.util.Map.of("plan", plan));
        } else {
            out().print(dev.dcsprov.plan.OperationPlanText.render(plan));
            out().println("--check: nothing was changed, locally or on any host.");
            out().flush();
        }
        return ExitCode.OK.code();
    }

    Reporter reporter() {
        return json() ? new JsonReporter(out()) : new TextReporter(out());
    }

    /** Connects to every member, all or nothing: no change starts while a member is unreachable. */
    ConnectedHosts connect(Inventory inventory) {
        return connect(inventory, false);
    }

    /**
     * As {@link #connect(Inventory)}, with the Patroni hosts too when {@code withPatroni} (apply, plan, rotate-certs:
     * the commands that deliver to them); the others need no Patroni host and are not stopped by one.
     */
    ConnectedHosts connect(Inventory inventory, boolean withPatroni) {
        List<SshTarget> targets = (withPatroni ? inventory.allHosts() : inventory.members()).stream().map(InventoryCommand::target).toList();
        HostKeyPolicy policy = options.acceptNewHostKeys
                ? HostKeyPolicy.acceptNew(inventory.cluster().knownHostsFiles())
                : HostKeyPolicy.strict(inventory.cluster().knownHostsFiles());
        Connections connections = Connections.open(new SshConnector(), targets, policy, Math.max(1, options.forks));
        if (!connections.allOpen()) {
            connections.close();
            Map<String, RemoteException> failed = new java.util.LinkedHashMap<>();
            connections.failed().forEach((host, e) -> failed.put(host, withPatroniFix(inventory, host, e)));
            if (failed.size() == 1) {
                throw failed.values().iterator().next();
            }
            throw new DcsprovException(ExitCode.UNREACHABLE, failed.size() + " hosts could not be reached: "
                    + String.join(", ", failed.keySet()),
                    failed.values().stream().map(e -> "- " + e.summary() + e.detail().map(d -> "\n  " + d).orElse("")
                            + e.fix().map(f -> "\n  fix: " + f).orElse("")).collect(Collectors.joining("\n")),
                    "nothing was changed on any host; fix the connections above and run again");
        }
        return new ConnectedHosts(connections.open(), Math.max(1, options.forks));
    }

    /**
     * A Patroni host that is not a member: its failure says why dcsprov needs it (its etcd files and the check
     * before any member is touched) and the other way out, taking it out of the Patroni group.
     */
    static RemoteException withPatroniFix(Inventory inventory, String host, RemoteException e) {
        if (inventory.member(host).isPresent() || inventory.patroni().stream().noneMatch(p -> p.name().equals(host))) {
            return e;
        }
        String summary = e.summary().startsWith(host + ": ") ? e.summary().substring(host.length() + 2) : e.summary();
        return new RemoteException(e.exitCode(), host, summary + " (a Patroni host)",
                e.detail().map(d -> d + "\n").orElse("") + host + " is in the Patroni group: dcsprov delivers Patroni's etcd files there and checks it before any member is touched. "
                        + "Nothing was changed on any host.",
                e.fix().map(f -> f + "; or ").orElse("") + "take " + host + " out of the Patroni group if Patroni no longer runs there",
                e);
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

    /** This run's command line as the user typed it, to name in a journal as the command that finishes the job. */
    String commandLine() {
        var parsed = spec.root().commandLine().getParseResult();
        List<String> args = parsed == null ? List.of(spec.name()) : parsed.originalArgs();
        return "dcsprov " + args.stream().map(a -> a.matches("[A-Za-z0-9_./=:,@+-]+") ? a : dev.dcsprov.Shell.quote(a))
                .collect(Collectors.joining(" "));
    }

    /** The run journal of an operation that changes members, its member copies written through {@code hosts}. */
    dev.dcsprov.journal.Journal journal(Inventory inventory, ConnectedHosts hosts, String operation) {
        return journal(inventory, hosts, operation, false);
    }

    /**
     * As above; {@code deliversToPatroni} for the commands whose run also finishes an interrupted Patroni delivery
     * ({@link #patroniJournal}), which then is not announced as another operation left unfinished.
     */
    dev.dcsprov.journal.Journal journal(Inventory inventory, ConnectedHosts hosts, String operation, boolean deliversToPatroni) {
        var journal = journalOf(inventory, hosts, operation);
        // Another operation's unfinished run keeps its own record; this run neither finishes nor hides it.
        journal.otherInterrupted().stream().filter(e -> !(deliversToPatroni && e.operation().equals(PatroniResume.OPERATION)))
                .forEach(e -> err().println("warning: another operation did not finish: " + e.describe()
                + ". Its record is kept; finish it with: " + e.resume()));
        err().flush();
        return journal;
    }

    /** {@link #journal} without the warnings about other operations: for a second journal of the same run. */
    dev.dcsprov.journal.Journal journalOf(Inventory inventory, ConnectedHosts hosts, String operation) {
        return dev.dcsprov.journal.Journal.open(inventory.cluster().pkiDir(), operation, commandLine(),
                new dev.dcsprov.journal.HostJournals(hosts::connection));
    }

    /**
     * The journal of Patroni's delivery ({@link PatroniResume}), its host copies in {@link PatroniResume#HOST_JOURNAL} next
     * to a member's own record. Any command that delivers to Patroni finishes what an interrupted delivery left.
     */
    dev.dcsprov.journal.Journal patroniJournal(Inventory inventory, ConnectedHosts hosts) {
        var journal = dev.dcsprov.journal.Journal.open(inventory.cluster().pkiDir(), PatroniResume.OPERATION, commandLine(),
                new dev.dcsprov.journal.HostJournals(hosts::connection, PatroniResume.HOST_JOURNAL));
        journal.interrupted().ifPresent(e -> err().println("note: an interrupted Patroni delivery is finished first: " + e.describe()));
        err().flush();
        return journal;
    }

    static SshTarget target(Host h) {
        return new SshTarget(h.name(), h.address(), h.sshPort(), h.sshUser(), h.privateKey(), h.become(),
                h.jumps().stream().map(InventoryCommand::hop).toList());
    }

    /** A jump host as the inventory resolved it (through ~/.ssh/config); its host key is verified like a member's. */
    static SshTarget hop(dev.dcsprov.inventory.JumpHost j) {
        return new SshTarget(j.name(), j.address(), j.port(), j.user(), j.privateKey(), false);
    }
}
