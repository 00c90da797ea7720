package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.apply.CertificateService;
import dev.dcsprov.cluster.Hosts;
import dev.dcsprov.membership.MemberRemoval;
import dev.dcsprov.membership.MembershipPlan;
import dev.dcsprov.membership.MembershipResume;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.apply.Provisioner;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.Membership;
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
        Hosts connectReachable(Inventory inventory) {
            HostKeyPolicy policy = options.acceptNewHostKeys
                    ? HostKeyPolicy.acceptNew(inventory.cluster().knownHostsFiles())
                    : HostKeyPolicy.strict(inventory.cluster().knownHostsFiles());
            Connections c = Connections.open(new SshConnector(), inventory.members().stream().map(InventoryCommand::target).toList(),
                    policy, Math.max(1, options.forks));
            unreachable.putAll(c.failed());
            unreachable.forEach((host, e) -> err().println("warning: " + host + " unreachable: " + e.summary()));
            err().flush();
            return new Hosts(c.open(), Math.max(1, options.forks));
        }

        /** The member list, asked through the first reachable host (other than {@code avoid}) whose etcdctl answers. */
        Asked ask(Inventory inventory, Hosts hosts, Optional<String> avoid) {
            RemotePaths paths = RemotePaths.of(inventory.cluster());
            List<String> endpoints = inventory.members().stream().map(h -> h.clientUrl(inventory.cluster())).toList();
            List<String> tried = new ArrayList<>();
            for (Host h : inventory.members()) {
                if (unreachable.containsKey(h.name()) || avoid.filter(h.name()::equals).isPresent()) {
                    continue;
                }
                RemoteEtcdctl etcdctl = new RemoteEtcdctl(hosts.connection(h.name()), paths.caCert(), paths.adminCert(), paths.adminKey());
                try {
                    return new Asked(etcdctl, endpoints, new Membership(etcdctl, endpoints).list());
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
            try (Hosts hosts = connectReachable(inventory)) {
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
                    "Take the host out of the inventory afterwards, or the next apply joins it again as a new member."})
    static final class Remove extends Base {
        @Parameters(index = "1", paramLabel = "NAME", description = "inventory host name, member name, or member ID (hex)")
        String name;

        @Override
        public Integer call() {
            Inventory inventory = loadInventory();
            try (var lock = lockRun(inventory); Hosts hosts = connectReachable(inventory)) {
                lock.onMembers(hosts);
                var journal = journal(inventory, hosts, MembershipResume.REMOVE_OPERATION);
                removeOne(inventory, hosts, name, journal);
                journal.finished(MembershipResume.REMOVE);
                return ExitCode.OK.code();
            }
        }

        /** Removes the member (if still there) and, when its host is reachable, stops etcd and moves the data aside. */
        boolean removeOne(Inventory inventory, Hosts hosts, String name, Journal journal) {
            Optional<Host> host = inventory.member(name);
            Asked asked = ask(inventory, hosts, host.map(Host::name));
            Optional<Member> member = find(inventory, asked.list(), name);
            if (member.isEmpty() && host.isEmpty()) {
                throw new DcsprovException(ExitCode.USAGE, "no member or inventory host is called " + name,
                        "Members: " + String.join(", ", asked.list().members().stream().map(MembershipPlan::displayName).toList()),
                        "see 'dcsprov member list " + inventory.file() + "'");
            }
            Optional<Connection> leaving = host.filter(h -> !unreachable.containsKey(h.name())).map(h -> hosts.connection(h.name()));
            var reporter = reporter();
            MemberRemoval.Result r = new MemberRemoval(asked.etcdctl(), asked.endpoints(), reporter, journal).remove(
                    member.map(MembershipPlan::displayName).orElse(name), leaving, inventory.cluster().dataDir());
            out().println(r.removed() ? "removed member " + member.map(MembershipPlan::displayName).orElse(name) + " (" + r.memberId() + ")"
                    : "member " + name + " was not in the cluster");
            if (host.isPresent() && leaving.isEmpty()) {
                out().println(host.get().name() + " is unreachable: etcd there was not stopped and its data dir "
                        + inventory.cluster().dataDir() + " was not moved aside; do that when it is back (or run member replace)");
            }
            out().flush();
            return r.removed();
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = {"Replaces the member of a host that died or was reinstalled: removes the old member, moves its stale",
                    "data aside, and joins the host again as a new member. When the host is down only the removal happens;",
                    "run apply (or replace again) once it is back."})
    static final class Replace extends Base {
        @Parameters(index = "1", paramLabel = "NAME", description = "inventory host name of the member to replace")
        String name;

        @Override
        public Integer call() {
            Inventory inventory = loadInventory();
            Host host = inventory.member(name).orElseThrow(() -> new DcsprovException(ExitCode.USAGE,
                    name + " is not a host of group '" + inventory.group() + "' in " + inventory.file(),
                    "replace joins the host again, so it must be in the inventory.",
                    "use 'dcsprov member remove " + inventory.file() + " " + name + "' to remove a member for good"));
            try (var lock = lockRun(inventory); Hosts hosts = connectReachable(inventory)) {
                lock.onMembers(hosts);
                List<String> othersDown = unreachable.keySet().stream().filter(n -> !n.equals(host.name())).toList();
                if (!othersDown.isEmpty()) {
                    throw new DcsprovException(ExitCode.UNREACHABLE, "cannot replace " + name + " while "
                            + String.join(", ", othersDown) + " cannot be reached", "Nothing was changed.",
                            "bring them back or take them out of the inventory with 'dcsprov member remove', then run again");
                }
                Journal journal = journal(inventory, hosts, MembershipResume.REPLACE_OPERATION);
                if (MembershipResume.removalDone(journal.interrupted(), host.name())) {
                    // The old member is gone and its data moved aside: removing the member now there would remove the new one.
                    out().println("the interrupted run already removed the old member of " + host.name()
                            + " and moved its data aside; finishing the join");
                } else {
                    Remove remove = new Remove();
                    remove.options = options;
                    remove.spec = spec;
                    remove.unreachable = unreachable;
                    remove.removeOne(inventory, hosts, name, journal);
                }
                if (unreachable.containsKey(host.name())) {
                    out().println(host.name() + " is down: only the removal was done. When it is back (reinstalled or not), run: dcsprov member replace "
                            + inventory.file() + " " + name);
                    out().flush();
                    return ExitCode.OK.code();
                }
                out().println("joining " + host.name() + " again as a new member");
                out().flush();
                return new Provisioner(inventory, hosts, new CertificateService(inventory.cluster()), reporter()).journaled(journal)
                        .run(true).code();
            }
        }
    }

}
