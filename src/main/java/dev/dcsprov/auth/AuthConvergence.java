package dev.dcsprov.auth;

import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.Shell;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.AuthSettings;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;
import dev.dcsprov.steps.Ownership;
import dev.dcsprov.steps.Step;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The auth stage of apply: etcd users, roles and the auth flag as the inventory says, plus the
 * operators' etcdctl environment file on every member. Runs after the cluster is healthy. Every
 * password is read when this is built, so a missing one stops the run before anything changes.
 */
public final class AuthConvergence {
    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final ConnectedHosts hosts;
    private final Map<String, String> passwords;
    private List<Change> envChanges = List.of();

    public AuthConvergence(Inventory inventory, RemotePaths paths, ConnectedHosts hosts, Secrets secrets) {
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = paths;
        this.hosts = hosts;
        this.passwords = readPasswords(inventory.auth(), secrets);
    }

    /** The operators' env file on each member, next to the etcd config. */
    public static String envFile(ClusterSettings cluster) {
        return cluster.configDir().replaceFirst("/+$", "") + "/etcdctl.env";
    }

    private static Map<String, String> readPasswords(AuthSettings auth, Secrets secrets) {
        Map<String, String> pw = new LinkedHashMap<>();
        if (auth.on()) {
            pw.put(AuthSettings.ROOT, secrets.read(auth.rootPassword().orElseThrow(), "etcd user root"));
        }
        for (UserSpec u : auth.users().values()) {
            // A certificate-only user still needs some password for 'user add' on etcd 3.4 (no --no-password):
            // a random one that is never stored or shown, so nobody can log in with a password.
            pw.put(u.name(), u.password().map(p -> secrets.read(p, "etcd user " + u.name())).orElseGet(AuthConvergence::unknowable));
        }
        return pw;
    }

    private static String unknowable() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The planned changes and notes; on a cluster that does not run yet, everything is still to create. */
    public AuthChanges.Result plan(Map<String, HostFacts> facts, boolean bootstrap) {
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Change> env = new ArrayList<>();
        for (Host h : inventory.members()) {
            env.addAll(envStep().plan(h.name(), facts.get(h.name())).changes());
        }
        envChanges = List.copyOf(env);
        if (inventory.auth().managed()) {
            Optional<Host> via = bootstrap ? Optional.of(inventory.members().get(0))
                    : inventory.members().stream().filter(h -> facts.get(h.name()).etcdActive()).findFirst();
            if (via.isEmpty()) {
                notes.add("etcd users and roles are read and converged once etcd runs again");
            } else {
                AuthEtcdctl etcdctl = etcdctl(via.get());
                AuthState have = bootstrap ? AuthState.empty() : etcdctl.read();
                AuthChanges.Result r = new AuthChanges(inventory.auth(), passwords, etcdctl).plan(have, etcdctl::authenticates);
                changes.addAll(r.changes());
                notes.addAll(r.notes());
            }
        }
        changes.addAll(envChanges);
        return new AuthChanges.Result(changes, notes);
    }

    /**
     * Converges users and roles from a fresh look at the healthy cluster (the plan's look may
     * predate a bootstrap or restarts), then writes the env files.
     */
    public void apply(Reporter reporter) {
        if (inventory.auth().managed()) {
            AuthEtcdctl etcdctl = etcdctl(inventory.members().get(0));
            AuthChanges.Result r = new AuthChanges(inventory.auth(), passwords, etcdctl).plan(etcdctl.read(), etcdctl::authenticates);
            run(r.changes(), reporter, "etcd users and roles");
        }
        run(envChanges, reporter, "the etcdctl environment file");
    }

    private void run(List<Change> changes, Reporter reporter, String what) {
        Map<String, String> failed = hosts.runInParallel(changes, reporter);
        if (!failed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not converge " + what + " on " + String.join(", ", failed.keySet()),
                    String.join("\n", failed.values()), "fix the cause and run apply again; finished changes are kept");
        }
    }

    /**
     * The operators' etcdctl environment: the admin certificate (CN root) alone authenticates etcdctl
     * as etcd's root, so the file holds no password (one an older dcsprov wrote there is removed and
     * the plan says so, without showing it). Root sources it: root's, not writable by etcd.
     */
    private Step envStep() {
        return envStep(cluster, paths, endpoints(), Optional.ofNullable(passwords.get(AuthSettings.ROOT)));
    }

    /** @param rootPassword root's password when auth is on: only to recognise the file an older dcsprov wrote */
    static Step envStep(ClusterSettings cluster, RemotePaths paths, List<String> endpoints, Optional<String> rootPassword) {
        String comment = "Managed by dcsprov. As root: . " + envFile(cluster) + " && etcdctl endpoint health";
        EtcdctlEnv env = new EtcdctlEnv(endpoints, paths.caCert(), paths.adminCert(), paths.adminKey(), Optional.empty());
        DesiredFile want = DesiredFile.of(envFile(cluster), env.render(comment).getBytes(StandardCharsets.UTF_8),
                Ownership.ROOT_READS, false, false, false);
        return (host, facts) -> {
            Optional<String> legacy = rootPassword.map(pw -> new EtcdctlEnv(endpoints, paths.caCert(), paths.adminCert(),
                    paths.adminKey(), Optional.of(AuthSettings.ROOT + ":" + pw)).render(comment));
            boolean withPassword = legacy.isPresent() && facts.file(want.path()).sha256().equals(sha256(legacy.get()));
            if (!withPassword) {
                return new FileStep(want, Optional.empty()).plan(host, facts);
            }
            // The diff shows the line going, with the password itself masked.
            String shown = legacy.get().replace(Shell.quote(AuthSettings.ROOT + ":" + rootPassword.get()), "'root:(sensitive)'");
            Step.Outcome o = new FileStep(want, Optional.of(shown)).plan(host, facts);
            Change c = o.changes().get(0);
            return Step.Outcome.changes(new Change(c.host(), c.step(), c.action(), c.subject(),
                    "no password at rest: the admin certificate (CN root) authenticates etcdctl", c.diff(), false, false, c.commands()));
        };
    }

    private static String sha256(String text) {
        return DesiredFile.of("", text.getBytes(StandardCharsets.UTF_8), Ownership.ROOT_READS, false, false, false).sha256();
    }

    private List<String> endpoints() {
        return inventory.members().stream().map(h -> h.clientUrl(cluster)).toList();
    }

    private AuthEtcdctl etcdctl(Host via) {
        return new AuthEtcdctl(hosts.connection(via.name()), endpoints(), paths.caCert(), paths.adminCert(), paths.adminKey());
    }
}
