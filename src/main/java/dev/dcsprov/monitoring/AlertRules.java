package dev.dcsprov.monitoring;

import dev.dcsprov.backup.ScheduledSnapshots;
import dev.dcsprov.inventory.PromDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * etcd-alerts.yml: Prometheus alerting rules for one cluster, on etcd's own metrics, plus one rule per
 * local PKI certificate whose expiry is written in at generation time ({@code vector(time()) > <epoch>}): etcd
 * exports no certificate gauge, so the pack must be generated again after a renewal or rotation.
 */
public final class AlertRules {
    /** One rule: the alert's name, PromQL, how long it must hold, severity, and what to tell the operator. */
    public record Rule(String alert, String expr, String forDuration, String severity, String summary,
                       List<String[]> extraLabels) {
        Rule(String alert, String expr, String forDuration, String severity, String summary) {
            this(alert, expr, forDuration, severity, summary, List.of());
        }
    }

    /** The scheduled snapshot script's metrics (backup.ScheduledSnapshots writes them). */
    private static final String SNAPSHOT_SUCCESS = ScheduledSnapshots.LAST_SUCCESS;
    private static final String SNAPSHOT_FAILURE = ScheduledSnapshots.LAST_FAILURE;

    private final String job;
    private final String alertFor;
    private final List<ExpiringCertificate> certificates;
    private final Optional<SnapshotAlerts> snapshots;

    /**
     * The scheduled snapshots' rules, on the metrics the snapshot script publishes through node_exporter.
     *
     * @param nodeJob the node_exporter job of {@link ScrapeConfig#nodeJobName()}
     * @param maxAge  the age of the newest snapshot that alerts (dcsprov_backup_max_age or derived from the schedule)
     */
    public record SnapshotAlerts(String nodeJob, Duration maxAge) {
    }

    public AlertRules(String job, String alertFor, List<ExpiringCertificate> certificates) {
        this(job, alertFor, certificates, Optional.empty());
    }

    /**
     * @param job      the scrape job of {@link ScrapeConfig#jobName()}, so the rules see only this cluster
     * @param alertFor how long a condition must hold before its alert fires (Prometheus duration, e.g. 1m)
     */
    public AlertRules(String job, String alertFor, List<ExpiringCertificate> certificates, Optional<SnapshotAlerts> snapshots) {
        this.snapshots = snapshots;
        this.job = job;
        this.alertFor = alertFor;
        this.certificates = List.copyOf(certificates);
    }

    public List<Rule> rules() {
        String sel = "job=\"" + job + "\"";
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule("EtcdMemberDown", "up{" + sel + "} == 0", alertFor, "warning",
                "etcd member {{ $labels.member }} ({{ $labels.instance }}) does not answer Prometheus's scrape"));
        rules.add(new Rule("EtcdNoLeader", "etcd_server_has_leader{" + sel + "} == 0", alertFor, "critical",
                "etcd member {{ $labels.member }} has no leader: the cluster lost quorum or is partitioned; writes fail"));
        rules.add(new Rule("EtcdFrequentLeaderChanges",
                "increase(etcd_server_leader_changes_seen_total{" + sel + "}[15m]) > 3", alertFor, "warning",
                "etcd member {{ $labels.member }} saw {{ $value }} leader changes in 15 minutes (slow disks or network?)"));
        rules.add(new Rule("EtcdDatabaseQuotaHigh",
                "etcd_mvcc_db_total_size_in_bytes{" + sel + "} / etcd_server_quota_backend_bytes{" + sel + "} > 0.8",
                alertFor, "critical",
                "etcd member {{ $labels.member }}'s database is above 80% of its quota; at 100% etcd refuses writes "
                        + "(NOSPACE): run dcsprov maintain"));
        rules.add(new Rule("EtcdWalFsyncSlow",
                "histogram_quantile(0.99, sum by (instance, member, le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket{"
                        + sel + "}[5m]))) > 0.1", alertFor, "warning",
                "etcd member {{ $labels.member }}: WAL fsync p99 is {{ $value }} s (etcd's guidance: under 10 ms)"));
        rules.add(new Rule("EtcdBackendCommitSlow",
                "histogram_quantile(0.99, sum by (instance, member, le) (rate(etcd_disk_backend_commit_duration_seconds_bucket{"
                        + sel + "}[5m]))) > 0.25", alertFor, "warning",
                "etcd member {{ $labels.member }}: backend commit p99 is {{ $value }} s (etcd's guidance: under 25 ms)"));
        rules.add(new Rule("EtcdPeerRoundTripSlow",
                "histogram_quantile(0.99, sum by (instance, member, To, le) (rate(etcd_network_peer_round_trip_time_seconds_bucket{"
                        + sel + "}[5m]))) > 0.15", alertFor, "warning",
                "etcd member {{ $labels.member }}: peer round trip p99 to {{ $labels.To }} is {{ $value }} s"));
        rules.add(new Rule("EtcdProposalsFailing",
                "increase(etcd_server_proposals_failed_total{" + sel + "}[15m]) > 5", alertFor, "warning",
                "etcd member {{ $labels.member }}: {{ $value }} proposals failed in 15 minutes (leader elections, lost quorum)"));
        rules.add(new Rule("EtcdLearnerNotPromoted", "etcd_server_is_learner{" + sel + "} == 1", "15m", "warning",
                "etcd member {{ $labels.member }} is still a learner: dcsprov promotes a joining member once it caught up; "
                        + "run dcsprov apply or see dcsprov member list"));
        snapshots.ifPresent(a -> rules.addAll(snapshotRules(a)));
        for (ExpiringCertificate c : certificates) {
            List<String[]> labels = List.<String[]>of(new String[]{"certificate", c.name()},
                    new String[]{"not_after", c.notAfter().toString()});
            rules.add(new Rule("EtcdCertificateRenewalDue", "vector(time()) > " + c.renew().getEpochSecond(), "0s", "warning",
                    "certificate " + c.name() + " of the local PKI expires at " + c.notAfter() + ": run "
                            + (c.name().equals("ca") ? "dcsprov rotate-certs --ca" : "dcsprov apply (renews it) or dcsprov rotate-certs")
                            + ", then dcsprov monitoring again", labels));
            rules.add(new Rule("EtcdCertificateExpired", "vector(time()) > " + c.notAfter().getEpochSecond(), "0s", "critical",
                    "certificate " + c.name() + " of the local PKI expired at " + c.notAfter(), labels));
        }
        return List.copyOf(rules);
    }

    /**
     * Age: the newest snapshot is older than maxAge. Missing: a member's node_exporter target has no success
     * metric (node_exporter down, not installed, or no snapshot yet) for as long as maxAge, since a new timer
     * takes its first snapshot only at its first scheduled time. Failed: the last run failed after the last success.
     */
    private List<Rule> snapshotRules(SnapshotAlerts a) {
        String sel = "job=\"" + a.nodeJob() + "\"";
        String success = SNAPSHOT_SUCCESS + "{" + sel + "}";
        String age = PromDuration.format(a.maxAge());
        return List.of(
                new Rule("EtcdSnapshotTooOld", "time() - " + success + " > " + a.maxAge().getSeconds(), alertFor, "warning",
                        "the newest scheduled snapshot of etcd member {{ $labels.member }} is {{ $value | humanizeDuration }} old "
                                + "(more than " + age + "): see systemctl status dcsprov-snapshot.timer dcsprov-snapshot on it"),
                new Rule("EtcdSnapshotMetricMissing", "up{" + sel + "} unless on (instance) " + success, age, "warning",
                        "etcd member {{ $labels.member }} has published no snapshot metric for " + age + ": node_exporter down or "
                                + "not installed, or no scheduled snapshot succeeded there"),
                new Rule("EtcdSnapshotFailed", SNAPSHOT_FAILURE + "{" + sel + "} > " + success, alertFor, "warning",
                        "the last scheduled snapshot run on etcd member {{ $labels.member }} failed: see journalctl -u dcsprov-snapshot on it"));
    }

    public String render() {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by dcsprov monitoring. The certificate rules hold the expiry dates of the local PKI as of\n");
        y.append("# this run: run dcsprov monitoring again after apply renewed or rotate-certs replaced a certificate.\n");
        y.append("groups:\n");
        y.append("  - name: ").append(Yaml.quote(job)).append('\n');
        y.append("    rules:\n");
        for (Rule r : rules()) {
            y.append("      - alert: ").append(r.alert()).append('\n');
            y.append("        expr: ").append(Yaml.quote(r.expr())).append('\n');
            y.append("        for: ").append(r.forDuration()).append('\n');
            y.append("        labels:\n");
            y.append("          severity: ").append(r.severity()).append('\n');
            for (String[] l : r.extraLabels()) {
                y.append("          ").append(l[0]).append(": ").append(Yaml.quote(l[1])).append('\n');
            }
            y.append("        annotations:\n");
            y.append("          summary: ").append(Yaml.quote(r.summary())).append('\n');
        }
        return y.toString();
    }
}
