package dev.dcsprov.steps;

import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.EtcdSource;
import dev.dcsprov.upgrade.AptRelease;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
import java.util.List;

/**
 * Installs Debian's etcd packages without letting them start etcd: the package's postinst would
 * start a single-member cluster from the stock config, and that data later causes
 * "cluster ID mismatch". A policy-rc.d that exits 101 stops the start; an operator's own
 * policy-rc.d is put back afterwards.
 */
public final class PackagesStep implements Step {

    static final List<String> PACKAGES = List.of("etcd-server", "etcd-client");

    /**
     * Shell lines that keep every package from starting or stopping a service until the script ends
     * (a policy-rc.d that exits 101; an operator's own is put back by the EXIT trap).
     */
    public static final String NO_SERVICE_STARTS = """
            p=/usr/sbin/policy-rc.d
            saved=
            if [ -e "$p" ] || [ -L "$p" ]; then saved="$p.dcsprov-saved"; mv -f "$p" "$saved"; fi
            restore() { rm -f "$p"; if [ -n "$saved" ]; then mv -f "$saved" "$p"; fi; }
            trap restore EXIT
            printf '#!/bin/sh\\n# dcsprov: no service starts during package installation\\nexit 101\\n' > "$p"
            chmod 0755 "$p"
            export DEBIAN_FRONTEND=noninteractive
            """;

    static final String INSTALL = "set -eu\n" + NO_SERVICE_STARTS + """
            apt-get update -q -o Acquire::Retries=3 -o Acquire::Languages=none >/dev/null
            apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold %s >/dev/null
            """;

    private final EtcdSource source;

    public PackagesStep() {
        this(EtcdSource.distribution());
    }

    public PackagesStep(EtcdSource source) {
        this.source = source;
    }

    /**
     * Installs what is missing, from the pinned release when one is set. A version that is installed is left alone here:
     * moving a running cluster to another version is the upgrade's choreography (gates, snapshot, one member at a time),
     * which apply runs last.
     */
    @Override
    public Outcome plan(String host, HostFacts facts) {
        List<String> missing = PACKAGES.stream().filter(p -> !facts.hasPackage(p)).toList();
        if (missing.isEmpty()) {
            String runs = "etcd-server " + facts.packages().get("etcd-server") + " is installed";
            return Outcome.unchanged(source.release().map(r -> runs + "; etcd_package_release " + r
                    + ": a move to the version it offers is apply's last step (etcd-version), never a package step").orElse(runs));
        }
        String list = String.join(" ", missing);
        String install = INSTALL.formatted(list);
        String script = source.release().map(r -> install.replace("export DEBIAN_FRONTEND", AptRelease.script(r) + "export DEBIAN_FRONTEND"))
                .orElse(install);
        return Outcome.changes(new Change(host, "package", Action.CREATE, list,
                "not installed; etcd must not start with the stock config", "", false, false,
                List.of(RemoteCommand.of(script).withTimeout(Duration.ofMinutes(10)))));
    }
}
