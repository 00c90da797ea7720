package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.inventory.EtcdSource;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * The host side of an upgrade: etcd as Debian packages (the distribution's, or a newer release's pinned in, see
 * {@link AptRelease}), or from the inventory's release tarball, unpacked under /opt/dcsprov/etcd/VERSION with a
 * drop-in for Debian's unit that points ExecStart there (the package stays installed: its unit, user and etcdctl).
 */
public final class HostInstaller implements RollingUpgrade.Installer {
    /** A policy-rc.d that exits 101, so the package never starts or stops etcd itself (as a fresh install). */
    static final String GUARD = dev.dcsprov.steps.PackagesStep.NO_SERVICE_STARTS;

    static final String DROP_IN = "/etc/systemd/system/etcd.service.d/dcsprov-etcd.conf";

    private final ConnectedHosts hosts;
    private final EtcdSource source;
    private final Optional<Tarball> tarball;

    public HostInstaller(ConnectedHosts hosts, EtcdSource source, Optional<Tarball> tarball) {
        this.hosts = hosts;
        this.source = source;
        this.tarball = tarball;
    }

    /** A Debian version of etcd-server the host can install, and where from ("trixie", "bookworm"). */
    public record Available(String debianVersion, String suite) {
        public EtcdVersion version() {
            return EtcdVersion.parse(debianVersion);
        }
    }

    /**
     * What the host has: the installed package version, etcd's own --version, what apt offers with the inventory's
     * source, the etcd_tarball directory the unit runs (if any) and the etcdutl of the install it runs (if any).
     *
     * @param halfInstalled the version of an etcd-server dpkg holds but did not finish installing (an apt-get killed
     *                      midway: unpacked, half-configured ...); the next install finishes dpkg's work first
     */
    public record HostVersions(String host, Optional<String> installed, Optional<EtcdVersion> binary, Optional<String> candidate,
                               List<Available> available, String arch, Optional<String> tarballDir, Optional<String> etcdutl,
                               Optional<String> halfInstalled) {
        public HostVersions(String host, Optional<String> installed, Optional<EtcdVersion> binary, Optional<String> candidate,
                            List<Available> available, String arch, Optional<String> tarballDir, Optional<String> etcdutl) {
            this(host, installed, binary, candidate, available, arch, tarballDir, etcdutl, Optional.empty());
        }
    }

    /**
     * Reads the versions and what apt would offer once the release's source and pin are in place, without writing
     * anything of the host's: apt runs on a temporary copy of its sources, pins and lists (removed on exit), so a
     * refused run and 'upgrade --check' leave the host as they found it. Touches no etcd.
     */
    public HostVersions probe(String host) {
        String sandbox = "t=$(mktemp -d /tmp/dcsprov-apt.XXXXXX)\ntrap 'rm -rf \"$t\"' EXIT\nchmod 0755 \"$t\"\n"
                + "mkdir -p \"$t/lists/partial\" \"$t/cache/archives/partial\" \"$t/parts\" \"$t/prefs\"\n"
                // the lists apt already has, so the update below only asks what changed
                + "cp -p /var/lib/apt/lists/*Release* /var/lib/apt/lists/*_Packages* \"$t/lists/\" 2>/dev/null || true\n"
                + "cp -p /etc/apt/sources.list.d/* \"$t/parts/\" 2>/dev/null || true\n"
                + "cp -p /etc/apt/preferences.d/* \"$t/prefs/\" 2>/dev/null || true\n"
                + "chown _apt:root \"$t/lists/partial\" 2>/dev/null || true\n"
                + source.release().map(r -> AptRelease.script(r, "\"$t\"/parts/dcsprov-etcd-" + r + ".list", "\"$t\"/prefs/dcsprov-etcd-" + r)).orElse("")
                + "A=\"-o Dir::State::Lists=$t/lists -o Dir::Cache=$t/cache -o Dir::Etc::SourceParts=$t/parts -o Dir::Etc::PreferencesParts=$t/prefs\"\n"
                + "apt-get $A update -q -o Acquire::Retries=3 -o Acquire::Languages=none >/dev/null\n";
        String script = "set -eu\nLC_ALL=C; export LC_ALL\n" + sandbox
                + "printf 'installed\\t%s\\n' \"$(dpkg-query -W -f='${db:Status-Status} ${Version}' etcd-server 2>/dev/null | sed -n 's/^installed //p')\"\n"
                + "printf 'dpkg\\t%s\\n' \"$(dpkg-query -W -f='${db:Status-Status} ${Version}' etcd-server 2>/dev/null)\"\n"
                + "printf 'binary\\t%s\\n' \"$(etcd --version 2>/dev/null | head -n 1)\"\n"
                + "printf 'candidate\\t%s\\n' \"$(apt-cache $A policy etcd-server | sed -n 's/^ *Candidate: *//p')\"\n"
                + "printf 'arch\\t%s\\n' \"$(dpkg --print-architecture)\"\n"
                + "d=$(sed -n 's|^ExecStart=\\(/opt/dcsprov/etcd/[^ ]*\\)/etcd .*|\\1|p' " + DROP_IN + " 2>/dev/null || true)\n"
                + "printf 'dir\\t%s\\n' \"$d\"\n"
                + "u=\nif [ -n \"$d\" ]; then if [ -x \"$d/etcdutl\" ]; then u=\"$d/etcdutl\"; fi; else u=$(command -v etcdutl || true); fi\n"
                + "printf 'etcdutl\\t%s\\n' \"$u\"\n"
                + "apt-cache $A madison etcd-server | awk -F'|' '{gsub(/ /,\"\",$2); split($3,a,\" \"); print \"available\\t\" $2 \"\\t\" a[2]}'\n";
        CommandResult r = hosts.connection(host).run(RemoteCommand.of(script).withTimeout(Duration.ofMinutes(10)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not read the etcd versions apt offers on " + host,
                    "exit status " + r.exitStatus() + ": " + ConnectedHosts.lastLines(r.stderr(), 5),
                    "check apt on the host ('apt-get update'); nothing was changed");
        }
        Optional<String> installed = Optional.empty();
        Optional<EtcdVersion> binary = Optional.empty();
        Optional<String> candidate = Optional.empty();
        String arch = "";
        Optional<String> dir = Optional.empty();
        Optional<String> etcdutl = Optional.empty();
        Optional<String> half = Optional.empty();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "installed" -> installed = nonEmpty(f[1]);
                case "binary" -> binary = EtcdVersion.find(f[1]);
                case "arch" -> arch = f[1].strip();
                case "dir" -> dir = nonEmpty(f[1]);
                case "etcdutl" -> etcdutl = nonEmpty(f[1]);
                case "dpkg" -> half = halfInstalled(f[1]);
                case "candidate" -> candidate = nonEmpty(f[1]).filter(s -> !s.equals("(none)"));
                default -> {
                }
            }
        }
        return new HostVersions(host, installed, binary, candidate, available(r.stdout()), arch, dir, etcdutl, half);
    }

    /** From dpkg-query's "STATUS VERSION": the version, when dpkg holds the package but did not finish installing it. */
    static Optional<String> halfInstalled(String statusAndVersion) {
        String[] f = statusAndVersion.strip().split(" ", 2);
        if (f.length < 2 || f[1].isBlank() || f[0].equals("installed") || f[0].equals("not-installed") || f[0].equals("config-files")) {
            return Optional.empty();
        }
        return Optional.of(f[1].strip());
    }

    /**
     * Puts the release's source and pin in place (when one is set) and refreshes apt's lists: run only once the gates
     * let the upgrade proceed, on every member before the first one changes. Returns what apt then offers.
     */
    public List<Available> prepare(String host) {
        String script = "set -eu\nLC_ALL=C; export LC_ALL\n" + source.release().map(AptRelease::script).orElse("")
                + "apt-get update -q -o Acquire::Retries=3 -o Acquire::Languages=none >/dev/null\n"
                + "apt-cache madison etcd-server | awk -F'|' '{gsub(/ /,\"\",$2); split($3,a,\" \"); print \"available\\t\" $2 \"\\t\" a[2]}'\n";
        CommandResult r = hosts.connection(host).run(RemoteCommand.of(script).withTimeout(Duration.ofMinutes(10)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "adding etcd's apt source on " + host + " failed",
                    "exit status " + r.exitStatus() + ": " + ConnectedHosts.lastLines(r.stderr(), 5),
                    "check apt on the host ('apt-get update'); no member was changed, run 'dcsprov upgrade' again");
        }
        return available(r.stdout());
    }

    private static List<Available> available(String stdout) {
        List<Available> available = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("available") && f.length >= 3 && !f[1].isEmpty()) {
                available.add(new Available(f[1], f[2].replaceFirst("/.*", "")));
            }
        }
        return available;
    }

    private static Optional<String> nonEmpty(String s) {
        return Optional.of(s.strip()).filter(x -> !x.isEmpty());
    }

    @Override
    public void install(ClusterMember member, RollingUpgrade.Release release) {
        switch (release.kind()) {
            case TARBALL -> {
                Tarball t = tarball.orElseThrow();
                unpack(member.name(), t);
                pointUnitAt(member.name(), t.installDir());
            }
            case DIRECTORY -> pointUnitAt(member.name(), release.label().split(" ")[0]);
            case PACKAGE -> {
                run(member.name(), "rm -f " + DROP_IN + " && systemctl daemon-reload", "removing " + DROP_IN);
                installPackage(member, release);
            }
        }
    }

    /** The tarball's binaries in their versioned directory (once: a directory with the same SHA-256 is kept). */
    private void unpack(String host, Tarball t) {
        String d = t.installDir();
        CommandResult have = hosts.connection(host).run(RemoteCommand.of("cat " + quote(d + "/.dcsprov-sha256") + " 2>/dev/null"));
        if (have.ok() && have.stdout().strip().equals(t.sha256())) {
            return;
        }
        String script = "set -eu\numask 022\nmkdir -p /opt/dcsprov/etcd\n"
                + "t=$(mktemp -d /opt/dcsprov/etcd/.incoming.XXXXXX)\ntrap 'rm -rf \"$t\"' EXIT\n"
                + "cat > \"$t/etcd.tar.gz\"\n"
                + "if [ \"$(sha256sum < \"$t/etcd.tar.gz\" | cut -d' ' -f1)\" != " + quote(t.sha256()) + " ]; then echo 'the tarball did not arrive whole' >&2; exit 65; fi\n"
                + "mkdir \"$t/x\"\ntar -xzf \"$t/etcd.tar.gz\" -C \"$t/x\" --strip-components=1 --no-same-owner\n"
                + "[ -x \"$t/x/etcd\" ] || { echo 'no etcd binary in the tarball' >&2; exit 65; }\n"
                + "printf '%s\\n' " + quote(t.sha256()) + " > \"$t/x/.dcsprov-sha256\"\nchmod 0755 \"$t/x\"\n"
                + "d=" + quote(d) + "\nif [ -e \"$d\" ]; then mv \"$d\" \"$d.replaced-$(date -u +%Y%m%dT%H%M%SZ)\"; fi\n"
                + "mv \"$t/x\" \"$d\"\n";
        CommandResult r = hosts.connection(host).run(RemoteCommand.of(script).withStdinFrom(t.file()).withTimeout(Duration.ofMinutes(10)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "unpacking " + t.file().getFileName() + " failed on " + host,
                    "exit status " + r.exitStatus() + ": " + ConnectedHosts.lastLines(r.stderr(), 5), "run 'dcsprov upgrade' again");
        }
    }

    /** Debian's unit, with ExecStart pointing at {@code dir}/etcd (same user, environment file and arguments). */
    private void pointUnitAt(String host, String dir) {
        String content = "# Managed by dcsprov (etcd_tarball): etcd from " + dir + "\n[Service]\nExecStart=\nExecStart=" + dir + "/etcd $DAEMON_ARGS\n";
        run(host, "set -eu\nmkdir -p /etc/systemd/system/etcd.service.d\ncat > " + DROP_IN + ".dcsprov-tmp <<'DCSPROV_UNIT'\n" + content
                + "DCSPROV_UNIT\nmv -f " + DROP_IN + ".dcsprov-tmp " + DROP_IN + "\nsystemctl daemon-reload\n", "pointing etcd.service at " + dir);
    }

    private void installPackage(ClusterMember member, RollingUpgrade.Release release) {
        String v = release.label().split(" ")[0];
        String pkgs = String.join(" ", java.util.Arrays.stream(AptRelease.PACKAGES).map(p -> quote(p + "=" + v)).toList());
        run(member.name(), "set -eu\n" + GUARD + FINISH_DPKG + "apt-get install -y -q --no-install-recommends --allow-downgrades "
                + "-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold " + pkgs + " >/dev/null\n", "installing etcd " + release);
    }

    /**
     * Before an install: what a killed run's apt-get left. Its dpkg may still be running (the SSH session went, the
     * process did not): wait for its lock, up to 5 minutes. Or it was killed midway, leaving packages unpacked or
     * half-configured ("dpkg was interrupted"): finish them with 'dpkg --configure -a', as apt itself asks. Nothing to
     * do (the normal case) costs one 'dpkg --audit'. Runs under {@link #GUARD}, so no package starts etcd.
     */
    static final String FINISH_DPKG = "n=0\n"
            + "while [ -n \"$(dpkg --audit 2>/dev/null)\" ]; do\n"
            + "  if e=$(DEBIAN_FRONTEND=noninteractive dpkg --force-confold --configure -a 2>&1 >/dev/null); then break; fi\n"
            + "  case \"$e\" in *lock*) ;; *) printf '%s\\n' \"dpkg --configure -a: $e\" >&2; exit 1 ;; esac\n"
            + "  n=$((n + 1)); if [ \"$n\" -ge 300 ]; then printf '%s\\n' \"dpkg is still locked after 300 s: $e\" >&2; exit 1; fi\n"
            + "  sleep 1\n"
            + "done\n";

    @Override
    public void restart(ClusterMember member) {
        run(member.name(), "systemctl restart etcd", "systemctl restart etcd");
    }

    private void run(String host, String script, String what) {
        CommandResult r = hosts.connection(host).run(RemoteCommand.of(script).withTimeout(Duration.ofMinutes(10)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, what + " failed on " + host,
                    "exit status " + r.exitStatus() + ": " + ConnectedHosts.lastLines(r.stderr(), 5), "");
        }
    }
}
