package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.apply.Hosts;
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

/** etcd as Debian packages: the distribution's, or a newer release's pinned in ({@link AptRelease}). */
public final class PackageInstaller implements RollingUpgrade.Installer {
    /** Like PackagesStep: a policy-rc.d that exits 101, so the package never starts or stops etcd itself. */
    static final String GUARD = """
            p=/usr/sbin/policy-rc.d
            saved=
            if [ -e "$p" ] || [ -L "$p" ]; then saved="$p.dcsprov-saved"; mv -f "$p" "$saved"; fi
            restore() { rm -f "$p"; if [ -n "$saved" ]; then mv -f "$saved" "$p"; fi; }
            trap restore EXIT
            printf '#!/bin/sh\\n# dcsprov: no service starts during package installation\\nexit 101\\n' > "$p"
            chmod 0755 "$p"
            export DEBIAN_FRONTEND=noninteractive
            """;

    private final Hosts hosts;
    private final EtcdSource source;

    public PackageInstaller(Hosts hosts, EtcdSource source) {
        this.hosts = hosts;
        this.source = source;
    }

    /** A Debian version of etcd-server the host can install, and where from ("trixie", "bookworm"). */
    public record Available(String debianVersion, String suite) {
        public EtcdVersion version() {
            return EtcdVersion.parse(debianVersion);
        }
    }

    /** What the host has: the installed package version and etcd's own --version, and what apt offers. */
    public record HostVersions(String host, Optional<String> installed, Optional<EtcdVersion> binary, Optional<String> candidate,
                               List<Available> available) {
    }

    /** Adds the release's source and pin when one is set, refreshes apt's lists and reads the versions. Touches no etcd. */
    public HostVersions prepare(String host) {
        Connection c = hosts.connection(host);
        String script = "set -eu\nLC_ALL=C; export LC_ALL\n" + source.release().map(AptRelease::script).orElse("")
                + "apt-get update -q -o Acquire::Retries=3 -o Acquire::Languages=none >/dev/null\n"
                + "printf 'installed\\t%s\\n' \"$(dpkg-query -W -f='${db:Status-Status} ${Version}' etcd-server 2>/dev/null | sed -n 's/^installed //p')\"\n"
                + "printf 'binary\\t%s\\n' \"$(etcd --version 2>/dev/null | head -n 1)\"\n"
                + "printf 'candidate\\t%s\\n' \"$(apt-cache policy etcd-server | sed -n 's/^ *Candidate: *//p')\"\n"
                + "apt-cache madison etcd-server | awk -F'|' '{gsub(/ /,\"\",$2); split($3,a,\" \"); print \"available\\t\" $2 \"\\t\" a[2]}'\n";
        CommandResult r = c.run(RemoteCommand.of(script).withTimeout(Duration.ofMinutes(10)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not read the etcd versions apt offers on " + host,
                    "exit status " + r.exitStatus() + ": " + Hosts.lastLines(r.stderr(), 5),
                    "check apt on the host ('apt-get update'); no member was changed");
        }
        Optional<String> installed = Optional.empty();
        Optional<EtcdVersion> binary = Optional.empty();
        Optional<String> candidate = Optional.empty();
        List<Available> available = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "installed" -> installed = Optional.of(f[1].strip()).filter(s -> !s.isEmpty());
                case "binary" -> binary = EtcdVersion.find(f[1]);
                case "candidate" -> candidate = Optional.of(f[1].strip()).filter(s -> !s.isEmpty() && !s.equals("(none)"));
                case "available" -> {
                    if (f.length >= 3 && !f[1].isEmpty()) {
                        available.add(new Available(f[1], f[2].replaceFirst("/.*", "")));
                    }
                }
                default -> {
                }
            }
        }
        return new HostVersions(host, installed, binary, candidate, available);
    }

    @Override
    public void install(ClusterMember member, RollingUpgrade.Release release) {
        String v = release.label().split(" ")[0];
        String pkgs = String.join(" ", java.util.Arrays.stream(AptRelease.PACKAGES).map(p -> quote(p + "=" + v)).toList());
        run(member.name(), "set -eu\n" + GUARD + "apt-get install -y -q --no-install-recommends --allow-downgrades "
                + "-o Dpkg::Options::=--force-confold " + pkgs + " >/dev/null\n", "installing etcd " + release);
    }

    @Override
    public void restart(ClusterMember member) {
        run(member.name(), "systemctl restart etcd", "systemctl restart etcd");
    }

    private void run(String host, String script, String what) {
        CommandResult r = hosts.connection(host).run(RemoteCommand.of(script).withTimeout(Duration.ofMinutes(10)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, what + " failed on " + host,
                    "exit status " + r.exitStatus() + ": " + Hosts.lastLines(r.stderr(), 5), "");
        }
    }
}
