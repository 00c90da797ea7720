package dev.dcsprov.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dcsprov.ssh.RemoteCommand;

import java.util.List;

/**
 * One planned change on one host. What it shows (action, subject, reason, diff) is for people;
 * the commands are what the executor runs. A sensitive change never shows its content: its diff
 * is empty and its commands carry the secret only on standard input.
 *
 * @param host     inventory name
 * @param step     the step that planned it, e.g. "file", "package"
 * @param action   create, update, restart ...
 * @param subject  what changes, e.g. "/etc/dcs/etcd" or "etcd-server etcd-client"
 * @param reason   why, in a few words
 * @param diff     unified diff for text files, "" when there is none or the content is sensitive
 * @param sensitive key material or passwords: content is never shown
 * @param restartsEtcd applying it requires etcd on this host to restart (rolled out one host at a time)
 * @param commands remote scripts that carry the change out, in order
 * @param certificates what a certificate file's new content is, shown instead of its PEM; empty for other changes
 */
public record Change(
        String host,
        String step,
        Action action,
        String subject,
        String reason,
        String diff,
        boolean sensitive,
        boolean restartsEtcd,
        @JsonIgnore List<RemoteCommand> commands,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<CertificateSummary> certificates) {

    public Change {
        if (sensitive) {
            diff = "";
            certificates = List.of();
        }
        commands = List.copyOf(commands);
        certificates = List.copyOf(certificates);
    }

    /** A change that installs no certificate. */
    public Change(String host, String step, Action action, String subject, String reason, String diff,
                  boolean sensitive, boolean restartsEtcd, List<RemoteCommand> commands) {
        this(host, step, action, subject, reason, diff, sensitive, restartsEtcd, commands, List.of());
    }
}
