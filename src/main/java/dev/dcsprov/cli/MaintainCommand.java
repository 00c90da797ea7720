package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.Waiting;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.maintain.Bytes;
import dev.dcsprov.maintain.Maintenance;
import dev.dcsprov.maintain.MaintenanceOptions;
import dev.dcsprov.maintain.MaintenancePlan;
import dev.dcsprov.maintain.MemberSpace;
import dev.dcsprov.maintain.MemberVerdict;
import dev.dcsprov.maintain.RemoteFreeDisk;
import dev.dcsprov.render.RemotePaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** dcsprov maintain: compaction, defragmentation one member at a time, and the NOSPACE alarm disarmed once space is back. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
        description = {"Frees etcd's database space: compacts the history to the current revision (or keeps the last "
                + "--keep-revisions), then defragments the members one at a time (followers first, leadership moved away "
                + "before the leader's turn, each only when the cluster is healthy and the previous one caught up), then "
                + "disarms a NOSPACE alarm once every database is below the quota.",
                "A member is defragmented only with more than --min-reclaimable percent of its database free, and only with "
                        + "free disk for a copy of its database plus --disk-margin-mib; a member without is refused with "
                        + "the figures, the others are still done, and the run exits 6 saying what is left.",
                "Refuses (exit 6, nothing changed) an unhealthy cluster or a CORRUPT alarm. Holds the run lock. "
                        + "--check shows the plan and changes nothing.",
                "Journaled (journal-maintain in the PKI dir, /var/lib/dcsprov/journal on the member): killed at any point, "
                        + "the same command finishes the job, the member left mid-defragmentation first."})
final class MaintainCommand extends InventoryCommand {
    @Option(names = "--check", description = "Show what would be done (compaction target, per member verdict, alarms); change nothing")
    boolean check;

    @Option(names = "--keep-revisions", paramLabel = "N", description = "Revisions of history the compaction keeps (default ${DEFAULT-VALUE}: compact to the current revision)")
    long keepRevisions = 0;

    @Option(names = "--min-reclaimable", paramLabel = "PCT", description = "Defragment only members with more than PCT percent of their database reclaimable (default ${DEFAULT-VALUE})")
    int minReclaimable = MaintenanceOptions.DEFAULT_MIN_RECLAIMABLE_PERCENT;

    @Option(names = "--disk-margin-mib", paramLabel = "MIB", description = "Free disk a member needs beyond its database size (default ${DEFAULT-VALUE} MiB)")
    long diskMarginMib = MaintenanceOptions.DEFAULT_DISK_MARGIN_BYTES / (1024 * 1024);

    @Override
    public Integer call() {
        if (keepRevisions < 0 || minReclaimable < 0 || minReclaimable > 99 || diskMarginMib < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--keep-revisions and --disk-margin-mib take 0 or more, --min-reclaimable a percentage from 0 to 99");
        }
        MaintenanceOptions opts = new MaintenanceOptions(keepRevisions, minReclaimable, diskMarginMib * 1024 * 1024);
        Inventory inventory = loadInventory();
        RemotePaths paths = RemotePaths.of(inventory.cluster());
        List<String> progress = new ArrayList<>();
        long started = System.nanoTime();
        if (check) {
            try (ConnectedHosts hosts = connect(inventory)) {
                MaintenancePlan plan = maintenance(inventory, hosts, paths, progressTo(progress), dev.dcsprov.journal.Journal.none()).plan(opts);
                printPlan(plan);
            }
            return ExitCode.OK.code();
        }
        Maintenance.Result result;
        try (var lock = lockRun(inventory); ConnectedHosts hosts = connect(inventory)) {
            lock.onMembers(hosts);
            result = maintenance(inventory, hosts, paths, progressTo(progress), journal(inventory, hosts, Maintenance.OPERATION)).run(opts);
        }
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("compacted_to", result.compactedTo());
            doc.put("defragmented", result.defragmented().stream().map(d -> Map.of("member", d.member(),
                    "db_size_before", d.sizeBefore(), "db_size_after", d.sizeAfter())).toList());
            doc.put("skipped", verdicts(result.plan(), MemberVerdict.Action.SKIP));
            doc.put("refused", verdicts(result.plan(), MemberVerdict.Action.REFUSED));
            doc.put("disarmed", result.disarmed());
            doc.put("alarms_left", result.alarmsLeft());
            doc.put("left_to_do", result.leftToDo());
            doc.put("progress", progress);
            printJson(doc);
        } else {
            out().println();
            out().println("MAINTAINED");
            out().println("compacted to revision: " + (result.compactedTo() == 0 ? "nothing to compact" : result.compactedTo()));
            result.defragmented().forEach(d -> out().printf("%-16s defragmented %s -> %s%n", d.member(), Bytes.show(d.sizeBefore()),
                    Bytes.show(d.sizeAfter())));
            result.plan().members().stream().filter(m -> m.action() != MemberVerdict.Action.DEFRAGMENT)
                    .forEach(m -> out().printf("%-16s %s: %s%n", m.member(), m.action() == MemberVerdict.Action.SKIP ? "skipped" : "REFUSED",
                            m.reason()));
            out().println("NOSPACE alarm: " + (result.disarmed() ? "disarmed" : result.alarmsLeft().isEmpty() ? "none" : "still active"));
            out().printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        out().flush();
        List<String> left = result.leftToDo();
        if (!left.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "maintenance left work undone", String.join("\n", left),
                    "free disk on the members named (or lower --disk-margin-mib if the margin is too cautious), then run "
                            + "dcsprov maintain again; a NOSPACE alarm stays until every database is below the quota");
        }
        return ExitCode.OK.code();
    }

    private static Maintenance maintenance(Inventory inventory, ConnectedHosts hosts, RemotePaths paths, Consumer<String> progress,
                                           dev.dcsprov.journal.Journal journal) {
        return new Maintenance(EtcdctlCluster.via(hosts.connection(inventory.members().get(0).name()), paths),
                ClusterMember.of(inventory.members(), inventory.cluster()), inventory.cluster().tuning().quotaBackendBytes(),
                new RemoteFreeDisk(hosts, inventory.cluster().dataDir()), progress, Waiting.REAL, journal);
    }

    private void printPlan(MaintenancePlan plan) {
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("revision", plan.revision());
            doc.put("compact_to", plan.compactTo());
            doc.put("members", plan.members().stream().map(MaintainCommand::verdict).toList());
            doc.put("alarms", plan.alarms());
            printJson(doc);
            return;
        }
        out().println("Maintenance plan (nothing changed)");
        out().println("  compaction: " + (plan.compactTo() == 0 ? "nothing to compact" : "to revision " + plan.compactTo()
                + " (current " + plan.revision() + ")"));
        out().println("  defragmentation, one member at a time, followers first (figures before the compaction, which frees more):");
        for (MemberVerdict v : plan.members()) {
            MemberSpace s = v.space();
            out().printf("    %-16s %-10s db %s, in use %s, %d%% of quota: %s%n", v.member(), v.action().name().toLowerCase(),
                    Bytes.show(s.dbSize()), Bytes.show(s.inUse()), s.quotaPercent(), v.reason());
        }
        out().println("  alarms: " + (plan.alarms().isEmpty() ? "none" : String.join(", ", plan.alarms())
                + (plan.noSpaceAlarm() ? " (NOSPACE is disarmed once every database is below the quota)" : "")));
        out().flush();
    }

    private static List<Map<String, Object>> verdicts(MaintenancePlan plan, MemberVerdict.Action action) {
        return plan.members().stream().filter(m -> m.action() == action).map(MaintainCommand::verdict).toList();
    }

    private static Map<String, Object> verdict(MemberVerdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("member", v.member());
        m.put("action", v.action().name().toLowerCase());
        m.put("reason", v.reason());
        m.put("db_size", v.space().dbSize());
        m.put("db_size_in_use", v.space().inUse());
        m.put("quota", v.space().quota());
        m.put("free_disk", v.freeDisk());
        return m;
    }

    private Consumer<String> progressTo(List<String> collected) {
        return message -> {
            collected.add(message);
            if (!json()) {
                out().println("[cluster] " + message);
                out().flush();
            }
        };
    }
}
