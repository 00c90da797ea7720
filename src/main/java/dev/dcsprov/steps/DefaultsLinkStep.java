package dev.dcsprov.steps;

import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.RemoteCommand;

import java.util.List;

import static dev.dcsprov.Shell.quote;

/**
 * Debian's etcd.service reads /etc/default/etcd; it becomes a link to dcsprov's config file.
 * The package's stock file (or an operator's) is moved aside, never deleted.
 */
public final class DefaultsLinkStep implements Step {
    private final String link;
    private final String target;

    public DefaultsLinkStep(String link, String target) {
        this.link = link;
        this.target = target;
    }

    @Override
    public Outcome plan(String host, HostFacts facts) {
        if (facts.defaultsLink().filter(target::equals).isPresent()) {
            return Outcome.unchanged(link + " links to " + target);
        }
        String script = "set -eu\nl=" + quote(link) + "\n"
                + "if [ -e \"$l\" ] && [ ! -L \"$l\" ]; then b=\"$l.dcsprov-orig\"; [ -e \"$b\" ] && b=\"$b.$(date -u +%Y%m%dT%H%M%SZ)\"; mv \"$l\" \"$b\"; fi\n"
                + "ln -sfn " + quote(target) + " \"$l\"\n";
        String reason = facts.defaultsIsFile() ? "a regular file (moved aside to " + link + ".dcsprov-orig)"
                : facts.defaultsLink().map(t -> "links to " + t).orElse("missing");
        return Outcome.changes(new Change(host, "link", facts.defaultsIsFile() || facts.defaultsLink().isPresent()
                ? Action.UPDATE : Action.CREATE, link + " -> " + target, reason, "", false, false,
                List.of(RemoteCommand.of(script))));
    }
}
