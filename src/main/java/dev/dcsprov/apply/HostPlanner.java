package dev.dcsprov.apply;

import dev.dcsprov.pki.HostMaterial;
import dev.dcsprov.backup.ScheduledSnapshots;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.HostPlan;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.DefaultsLinkStep;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.DirectoryStep;
import dev.dcsprov.steps.FileStep;
import dev.dcsprov.steps.Ownership;
import dev.dcsprov.steps.PackagesStep;
import dev.dcsprov.steps.Step;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The steps one member needs, in the order they must run, and the plan they make from its facts. */
public final class HostPlanner {
    static final String APT_PROXY_FILE = "/etc/apt/apt.conf.d/01dcsprov-proxy";

    private final ClusterSettings cluster;
    private final RemotePaths paths;

    public HostPlanner(ClusterSettings cluster, RemotePaths paths) {
        this.cluster = cluster;
        this.paths = paths;
    }

    /**
     * Written on a host before the first file etcd must restart for, removed by that restart: a run
     * killed in between leaves it, and the next run finishes the restart even though no file differs.
     */
    public static String restartMarker(ClusterSettings cluster) {
        return cluster.configDir() + "/.dcsprov-restart-pending";
    }

    public HostPlan plan(Host host, HostFacts facts, HostMaterial material, String config) {
        List<Change> changes = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Step step : steps(facts, material, config)) {
            Step.Outcome o = step.plan(host.name(), facts);
            changes.addAll(o.changes());
            if (o.changes().isEmpty()) {
                unchanged.add(o.unchangedReason());
            }
        }
        markPendingRestart(changes);
        return new HostPlan(host.name(), changes, unchanged);
    }

    /**
     * Certificates and keys; old versions are archived on the host, never overwritten. In plan
     * mode material that does not exist yet is shown as a change with no content.
     */
    private Step certificateStep(byte[] content, String path, Ownership o, boolean sensitive, boolean restarts, HostMaterial m) {
        if (HostMaterial.pending(content)) {
            return (host, facts) -> Step.Outcome.changes(new Change(host, "file",
                    facts.file(path).exists() ? Action.UPDATE : Action.CREATE, path, "new certificate: " + m.pendingReason(),
                    "", sensitive, restarts && facts.file(path).exists(), List.of()));
        }
        DesiredFile file = DesiredFile.of(path, content, o, sensitive, restarts, true);
        return sensitive ? new FileStep(file, Optional.empty()) : FileStep.certificate(file);
    }

    /**
     * The etcd config as every writer of it installs it: systemd reads it as root (EnvironmentFile),
     * so etcd may read it but never write it.
     */
    public static DesiredFile configFile(RemotePaths paths, String config, boolean restartsEtcd) {
        return DesiredFile.of(paths.configFile(), config.getBytes(StandardCharsets.UTF_8), Ownership.ETCD_READS, false,
                restartsEtcd, false);
    }

    private void markPendingRestart(List<Change> changes) {
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            if (c.restartsEtcd() && !c.commands().isEmpty()) {
                List<RemoteCommand> commands = new ArrayList<>();
                commands.add(RemoteCommand.of("touch " + dev.dcsprov.Shell.quote(restartMarker(cluster))));
                commands.addAll(c.commands());
                changes.set(i, new Change(c.host(), c.step(), c.action(), c.subject(), c.reason(), c.diff(), c.sensitive(),
                        c.restartsEtcd(), commands, c.certificates()));
                return;
            }
        }
    }

    /**
     * apt's proxy setting. With credentials in the URL it is a secret: root-only file, and the plan shows
     * "(sensitive)" instead of a diff. Without, it stays world-readable so apt works for every user.
     */
    static DesiredFile aptProxyFile(String proxy) {
        boolean secret = dev.dcsprov.inventory.ProxyUrl.hasCredentials(proxy);
        return new DesiredFile(APT_PROXY_FILE, ("// Managed by dcsprov (dcsprov_apt_proxy)\nAcquire::http::Proxy \"" + proxy + "\";\n")
                .getBytes(StandardCharsets.UTF_8), secret ? "0600" : "0644", "root", "root", secret, false, false);
    }

    List<Step> steps(HostFacts facts, HostMaterial m, String config) {
        List<Step> steps = new ArrayList<>();
        cluster.aptProxy().ifPresent(proxy -> steps.add(new FileStep(aptProxyFile(proxy), Optional.empty())));
        steps.add(new PackagesStep(cluster.etcdSource()));
        // Root owns all of it (see Ownership): etcd reads its certificates, key and directories, writes nothing here.
        steps.add(new DirectoryStep(cluster.configDir(), Ownership.ETCD_READS_DIR));
        steps.add(new DirectoryStep(cluster.certDir(), Ownership.ETCD_READS_DIR));
        steps.add(certificateStep(m.serverCert(), paths.serverCert(), Ownership.ETCD_READS, false, true, m));
        steps.add(certificateStep(m.serverKey(), paths.serverKey(), Ownership.ETCD_READS, true, true, m));
        steps.add(certificateStep(m.caCert(), paths.caCert(), Ownership.ETCD_READS, false, true, m));
        steps.add(certificateStep(m.adminCert(), paths.adminCert(), Ownership.ETCD_READS, false, false, m));
        steps.add(certificateStep(m.adminKey(), paths.adminKey(), Ownership.ROOT_ONLY, true, false, m));
        boolean restart = facts.etcdActive() && EtcdConfigSemantics.restartNeeded(facts.configText(), config);
        steps.add(new FileStep(configFile(paths, config, restart), Optional.of(facts.configText())));
        steps.add(new DefaultsLinkStep(paths.defaultsLink(), paths.configFile()));
        steps.addAll(new ScheduledSnapshots(cluster, paths).steps());
        steps.addAll(new ScheduledMaintenance(cluster, paths).steps());
        return steps;
    }
}
