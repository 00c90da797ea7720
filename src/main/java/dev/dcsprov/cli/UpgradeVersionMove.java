package dev.dcsprov.cli;

import dev.dcsprov.apply.VersionMove;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.upgrade.Upgrade;

import java.util.List;
import java.util.Optional;

/** apply's version move is 'dcsprov upgrade' to the inventory's source: the same gates, snapshot, order and way back. */
final class UpgradeVersionMove implements VersionMove {
    /** The journal apply's move records in: the upgrade's, so either command finishes what the other left. */
    static final String OPERATION = "upgrade";
    private final Inventory inventory;
    private final ConnectedHosts hosts;
    private final Reporter reporter;
    private final Journal journal;

    UpgradeVersionMove(Inventory inventory, ConnectedHosts hosts, Reporter reporter, Journal journal) {
        this.journal = journal;
        this.inventory = inventory;
        this.hosts = hosts;
        this.reporter = reporter;
    }

    @Override
    public List<Move> plan() {
        // Quiet: the plan shows the moves as changes, not the probe's progress.
        Upgrade.Result r = upgrade(m -> {
        }).run(Optional.empty(), true);
        return r.rows().stream().filter(row -> !row.willRun().equals("unchanged"))
                .map(row -> new Move(row.member(), row.runs(), row.willRun())).toList();
    }

    @Override
    public void run() {
        Upgrade.Result r = upgrade(reporter::progress).run(Optional.empty(), false);
        if (r.upgraded().isEmpty()) {
            reporter.progress("etcd version: every member runs " + r.target());
            return;
        }
        reporter.progress(r.upgradedLine());
        reporter.progress(r.clusterVersionLine());
        r.snapshot().ifPresent(s -> reporter.progress("snapshot before the upgrade: " + s.file()));
    }

    private Upgrade upgrade(java.util.function.Consumer<String> progress) {
        return new Upgrade(inventory, hosts, new PkiStore(inventory.cluster().pkiDir()), progress, journal);
    }
}
