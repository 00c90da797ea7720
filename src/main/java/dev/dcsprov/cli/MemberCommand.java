package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.pki.MemberCertificates;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.membership.MemberJoin;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.membership.MemberRemoval;
import dev.dcsprov.membership.MembershipPlan;
import dev.dcsprov.membership.MembershipResume;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.apply.Provisioner;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.EtcdctlMembership;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.Connections;
import dev.dcsprov.ssh.HostKeyPolicy;
import dev.dcsprov.ssh.RemoteException;
import dev.dcsprov.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** dcsprov member list|remove|replace: the membership, and changes to it one member at a time. */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "Shows and changes the cluster's membership, one member at a time and never at the cost of quorum.",
        subcommands = {MemberCommand.ListMembers.class, MemberCommand.Remove.class, MemberCommand.Replace.class})
final class MemberCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Common to the member subcommands: connect to what answers, and find a running member to ask. */
    abstract static class Base extends InventoryCommand {
        Map<String, RemoteException> unreachable = new LinkedHashMap<>();

        /** Connects to every member that answers; a member whose host is down must not stop a removal. */
        ConnectedHosts connectReachable(Inventory inventory) {
            HostKeyPolicy policy = options.acceptNewHostKeys
                    ? HostKeyPolicy.acceptNew(inventory.cluster().knownHostsFiles())
                    : HostKeyPolicy.strict(inventory.cluster().knownHostsFiles());
            Connections c = Connections.open(new SshConnector(), inventory.members().stream().map(InventoryCommand::target).toList(),
                    policy, Math.max(1, options.forks));
            unreachable.putAll(c.failed());
            unreachable.forEach((host, e) -> err().println("warning: " + host + " unreachable: " + e.summary()));
            err().flush();
            return new ConnectedHosts(c.open(), Math.max(1, options.forks));
        }

        /** The member list, asked through the first reachable host (other than {@code avoid}) whose etcdctl answers. */
        Asked ask(Inventory inventory, ConnectedHosts hosts, Optional<String> avoid) {
            RemotePaths paths = RemotePaths.of(inventory.cluster());
            List<String> endpoints = inventory.members().stream().map(h -> h.clientUrl(inventory.cluster())).toList();
            List<String> tried = new ArrayList<>();
            for (Host h : inventory.members()) {
                if (unreachable.containsKey(h.name()) || avoid.filter(h.name()::equals).isPresent()) {
                    continue;
                }
                RemoteEtcdctl etcdctl = new RemoteEtcdctl(hosts.connection(h.name()), paths.caCert(), paths.adminCert(), paths.adminKey());
                try {
                    return new Asked(etcdctl, endpoints, new EtcdctlMembership(etcdctl, endpoints).list());
                } catch (DcsprovException e) {
                    tried.add(h.name() + ": " + e.detail().orElse(e.summary()));
                }
            }
            throw new DcsprovException(ExitCode.UNHEALTHY, "no member answered 'member list'",
                    tried.isEmpty() ? "No member host could be reached." : String.join("\n", tried),
                    "check that etcd runs on the members (systemctl status etcd) and that apply has run");
        }

        record Asked(RemoteEtcdctl etcdctl, List<String> endpoints, MemberList list) {
        }

        /** A member given by inventory host name, member name, unstarted-ID or hex ID. */
        static Optional<Member> find(Inventory inventory, MemberList list, String name) {
            String memberName = inventory.member(name).map(Host::memberName).orElse(name);
            Optional<String> peer = inventory.member(name).map(h -> h.peerUrl(inventory.cluster()));
            return list.members().stream().filter(m -> MembershipPlan.displayName(m).equals(memberName)
                    || m.idHex().equalsIgnoreCase(name) || peer.filter(m.peerUrls()::contains).isPresent()).findFirst();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Prints the membership table: ID, name, role, leader, URLs, inventory host.")
    static final class ListMembers extends Base {
        @Override
        public Integer call() {
            Inventory inventory = loadInventory();
            try (ConnectedHosts hosts = connectReachable(inventory)) {
                Asked asked = ask(inventory, hosts, Optional.empty());
                List<String> started = asked.list().members().stream().filter(Member::started).flatMap(m -> m.clientUrls().stream()).toList();
                List<EndpointStatus> status = started.isEmpty() ? List.of() : asked.etcdctl().status(started);
                List<EndpointHealth> health = started.isEmpty() ? List.of() : asked.etcdctl().health(started);
                MemberTable table = new MemberTable(inventory, asked.list(), status, health);
                if (options.output == RunOptions.OutputFormat.json) {
                    out().println(table.json());
                } else {
                    out().print(table.text());
                }
                out().flush();
                return ExitCode.OK.code();
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Removes one member: refuses to break quorum, moves the leadership away if it leads, member remove,",
                    "then (when its host is in the inventory and reachable) stops etcd there and moves its data dir aside.",
                    "Take the host out of the inventory afterwards, or the next apply joins it again as a new member.",
                    "It shows its plan first; --check shows the plan and changes nothing."})
    static final class Remove extends Base {
        @Parameters(index = "1", paramLabel = "NAME", description = "inventory host name, member name, or member ID (hex)")
        String name;

        @Option(names = "--check", description = "Show the plan (leadership move, member remove, etcd stopped and the data dir "
                + "moved aside) after the same refusals; change nothing, and take no run lock")
        boolean check;

        @Override
        public Integer call() {
            Inventory inventory = loadInventory();
            if (check) {
                try (ConnectedHosts hosts = connectReachable(inventory)) {
                    var journal = journal(inventory, hosts, MembershipResume.REMOVE_OPERATION);
                    Removal removal = prepare(inventory, hosts, name);
                    return printCheck(plan("member remove", inventory, removal.steps(), notes(journal, removal.notes())));
                }
            }
            try (var lock = lockRun(inventory); ConnectedHosts hosts = connectReachable(inventory)) {
                lock.onMembers(hosts);
                var journal = journal(inventory, hosts, MembershipResume.REMOVE_OPERATION);
                Removal removal = prepare(inventory, hosts, name);
                OperationPlan plan = plan("member remove", inventory, removal.steps(), notes(journal, removal.notes()));
                showPlan(plan);
                boolean removed = execute(inventory, hosts, removal, journal);
                journal.finished(MembershipResume.REMOVE);
                if (json()) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("plan", plan);
                    doc.put("removed", removed);
                    doc.put("member", removal.displayName());
                    printJson(doc);
                }
                return ExitCode.OK.code();
            }
        }

        /** What removing {@code name} will do, read before anything changes; refuses as the removal would. */
        Removal prepare(Inventory inventory, ConnectedHosts hosts, String name) {
            Optional<Host> host = inventory.member(name);
            Asked asked = ask(inventory, hosts, host.map(Host::name));
            Optional<Member> member = find(inventory, asked.list(), name);
            if (member.isEmpty() && host.isEmpty()) {
                throw new DcsprovException(ExitCode.USAGE, "no member or inventory host is called " + name,
                        "Members: " + String.join(", ", asked.list().members().stream().map(MembershipPlan::displayName).toList()),
                        "see 'dcsprov member list " + inventory.file() + "'");
            }
            Optional<Connection> leaving = host.filter(h -> !unreachable.containsKey(h.name())).map(h -> hosts.connection(h.name()));
            String displayName = member.map(MembershipPlan::displayName).orElse(name);
            List<String> notes = new ArrayList<>();
            List<Change> steps = removal(asked).plan(displayName, leaving.map(Connection::hostName),
                    host.map(Host::name).filter(unreachable::containsKey), inventory.cluster().dataDir(), notes);
            return new Removal(host, asked, displayName, leaving, steps, notes);
        }

        private MemberRemoval removal(Asked asked) {
            return new MemberRemoval(new EtcdctlCluster(asked.etcdctl()), asked.endpoints(), json() ? Reporter.SILENT : reporter(),
                    Journal.none());
        }

        /** Removes the member (if still there) and, when its host is reachable, stops etcd and moves the data aside. */
        boolean execute(Inventory inventory, ConnectedHosts hosts, Removal removal, Journal journal) {
            MemberRemoval.Result r = new MemberRemoval(new EtcdctlCluster(removal.asked().etcdctl()), removal.asked().endpoints(),
                    json() ? Reporter.SILENT : reporter(), journal).remove(removal.displayName(), removal.leaving(), inventory.cluster().dataDir());
            if (!json()) {
                out().println(r.removed() ? "removed member " + removal.displayName() + " (" + r.memberId() + ")"
                        : "member " + removal.displayName() + " was not in the cluster");
                if (removal.host().isPresent() && removal.leaving().isEmpty()) {
                    out().println(removal.host().get().name() + " is unreachable: etcd there was not stopped and its data dir "
                            + inventory.cluster().dataDir() + " was not moved aside; do that when it is back (or run member replace)");
                }
                out().flush();
            }
            return r.removed();
        }
    }

    /** A removal as planned: the member's inventory host, where etcd was asked, the plan's steps and notes. */
    record Removal(Optional<Host> host, Base.Asked asked, String displayName, Optional<Connection> leaving, List<Change> steps,
                   List<String> notes) {
    }

    static OperationPlan plan(String operation, Inventory inventory, List<Change> steps, List<String> notes) {
        return new OperationPlan(operation, inventory.cluster().name(), inventory.members().stream().map(Host::name).toList(), steps, notes);
    }

    /** The journal's word on an interrupted run first, then what the plan was made from. */
    static List<String> notes(Journal journal, List<String> more) {
        List<String> notes = new ArrayList<>();
        MembershipResume.note(journal.interrupted()).ifPresent(notes::add);
        notes.addAll(more);
        return notes;
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = {"Replaces the member of a host that died or was reinstalled: removes the old member, moves its stale",
                    "data aside, and joins the host again as a new member. When the host is down only the removal happens;",
                    "run apply (or replace again) once it is back. It shows its plan first; --check shows the plan and changes nothing."})
    static final class Replace extends Base {
        @Parameters(index = "1", paramLabel = "NAME", description = "inventory host name of the member to replace")
        String name;

        @Option(names = "--check", description = "Show the plan (the removal, then the join) after the same refusals; "
                + "change nothing, and take no run lock")
        boolean check;

        @Override
        public Integer call() {
            Inventory inventory = loadInventory();
            Host host = inventory.member(name).orElseThrow(() -> new DcsprovException(ExitCode.USAGE,
                    name + " is not a host of group '" + inventory.group() + "' in " + inventory.file(),
                    "replace joins the host again, so it must be in the inventory.",
                    "use 'dcsprov member remove " + inventory.file() + " " + name + "' to remove a member for good"));
            if (check) {
                try (ConnectedHosts hosts = connectReachable(inventory)) {
                    return printCheck(plan(inventory, hosts, host, journal(inventory, hosts, MembershipResume.REPLACE_OPERATION)).plan());
                }
            }
            try (var lock = lockRun(inventory); ConnectedHosts hosts = connectReachable(inventory)) {
                lock.onMembers(hosts);
                Journal journal = journal(inventory, hosts, MembershipResume.REPLACE_OPERATION);
                Planned planned = plan(inventory, hosts, host, journal);
                showPlan(planned.plan());
                if (planned.removal().isEmpty()) {
                    // The old member is gone and its data moved aside: removing the member now there would remove the new one.
                    out().println("the interrupted run already removed the old member of " + host.name()
                            + " and moved its data aside; finishing the join");
                } else {
                    remover().execute(inventory, hosts, planned.removal().get(), journal);
                }
                if (unreachable.containsKey(host.name())) {
                    out().println(host.name() + " is down: only the removal was done. When it is back (reinstalled or not), run: dcsprov member replace "
                            + inventory.file() + " " + name);
                    out().flush();
                    return ExitCode.OK.code();
                }
                out().println("joining " + host.name() + " again as a new member");
                out().flush();
                return new Provisioner(inventory, hosts, new MemberCertificates(inventory.cluster()), reporter()).journaled(journal)
                        .run(true).code();
            }
        }

        record Planned(OperationPlan plan, Optional<Removal> removal) {
        }

        private Remove remover() {
            Remove remove = new Remove();
            remove.options = options;
            remove.spec = spec;
            remove.unreachable = unreachable;
            return remove;
        }

        /** The removal (unless an interrupted replace did it) and the join, from facts; refusals before any change. */
        Planned plan(Inventory inventory, ConnectedHosts hosts, Host host, Journal journal) {
            List<String> othersDown = unreachable.keySet().stream().filter(n -> !n.equals(host.name())).toList();
            if (!othersDown.isEmpty()) {
                throw new DcsprovException(ExitCode.UNREACHABLE, "cannot replace " + name + " while "
                        + String.join(", ", othersDown) + " cannot be reached", "Nothing was changed.",
                        "bring them back or take them out of the inventory with 'dcsprov member remove', then run again");
            }
            List<Change> steps = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            Optional<Removal> removal = Optional.empty();
            if (MembershipResume.removalDone(journal.interrupted(), host.name())) {
                notes.add("the interrupted run already removed the old member of " + host.name()
                        + " and moved its data aside: this run goes straight to the join");
            } else {
                removal = Optional.of(remover().prepare(inventory, hosts, name));
                steps.addAll(removal.get().steps());
                notes.addAll(removal.get().notes());
            }
            if (unreachable.containsKey(host.name())) {
                notes.add(host.name() + " is down: only the removal happens; run member replace again (or apply) once it is back");
            } else {
                steps.addAll(MemberJoin.planned(host, inventory.cluster()));
            }
            return new Planned(MemberCommand.plan("member replace", inventory, steps, notes(journal, notes)), removal);
        }
    }
}
