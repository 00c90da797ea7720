package dev.dcsprov.cli;

import dev.dcsprov.pki.MemberCertificates;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.PhaseTimer;
import dev.dcsprov.apply.Provisioner;
import dev.dcsprov.inventory.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** dcsprov apply: converge the cluster to the inventory. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Installs, configures and starts etcd on every member so the cluster matches the inventory.",
                "A new cluster is bootstrapped; an existing one is converged one member at a time.",
                "With etcd_package_release or etcd_tarball, the members are then moved to that source's etcd version as "
                        + "'dcsprov upgrade' moves them."})
final class ApplyCommand extends InventoryCommand implements TakesLimit {
    @Option(names = "--check", description = "Only show the plan, as 'dcsprov plan' does")
    boolean check;

    @Option(names = "--remove-absent-members", description = {"Remove cluster members that the inventory no longer lists",
            "(one at a time, never breaking quorum). Without it such members stop the run."})
    boolean removeAbsentMembers;

    @Override
    public Integer call() {
        return run(this, !check, removeAbsentMembers);
    }

    static Integer run(InventoryCommand command, boolean apply, boolean removeAbsentMembers) {
        PhaseTimer timer = new PhaseTimer();
        Inventory inventory = command.loadInventory();
        java.util.Set<String> limit = command.limit(inventory);
        timer.mark("inventory");
        try (var lock = apply ? command.lockRun(inventory) : null; ConnectedHosts hosts = command.connect(inventory, true)) {
            if (lock != null) {
                lock.onMembers(hosts);
            }
            timer.mark("connect");
            var reporter = command.reporter();
            var exit = new Provisioner(inventory, hosts, new MemberCertificates(inventory.cluster()), reporter,
                    removeAbsentMembers).limitedTo(limit)
                    .movingVersionWith(new UpgradeVersionMove(inventory, hosts, reporter,
                            command.journalOf(inventory, hosts, UpgradeVersionMove.OPERATION)))
                    .journaled(command.journal(inventory, hosts, dev.dcsprov.membership.MembershipResume.JOIN_OPERATION, true))
                    .deliveringWith(command.patroniJournal(inventory, hosts)).run(apply);
            if (!apply && reporter instanceof JsonReporter json) {
                json.printPlanOnly();
            }
            return exit.code();
        }
    }
}
