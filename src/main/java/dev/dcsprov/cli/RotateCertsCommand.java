package dev.dcsprov.cli;

import dev.dcsprov.ExitCode;
import dev.dcsprov.apply.Hosts;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.rotate.CertRotation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** dcsprov rotate-certs: new member certificates, rolled out without downtime. */
@Command(name = "rotate-certs", mixinStandardHelpOptions = true,
        description = {"Issues new member certificates from the same CA (the old ones go to the PKI archive), pushes them "
                + "and restarts members one at a time: followers first, the leader last after leadership moved away; "
                + "each next member only once the cluster is healthy and the restarted member caught up.",
                "Refuses to start unless every member is healthy. If it stops midway, run it again: it continues with "
                        + "the members that still carry their previous certificate."})
final class RotateCertsCommand extends InventoryCommand {
    @Option(names = "--limit", split = ",", paramLabel = "HOST", description = "Rotate only these members (comma-separated)")
    List<String> limit = new ArrayList<>();

    @Option(names = "--clients", description = "Also reissue the application client certificates in the PKI dir "
            + "(clients/*; dcsprov's own admin certificate is always rotated in a run without --limit)")
    boolean clients;

    @Override
    public Integer call() {
        Inventory inventory = loadInventory();
        PkiStore store = new PkiStore(inventory.cluster().pkiDir());
        boolean json = options.output == RunOptions.OutputFormat.json;
        List<String> progress = new ArrayList<>();
        long started = System.nanoTime();
        CertRotation.Result result;
        try (Hosts hosts = connect(inventory)) {
            result = new CertRotation(inventory, hosts, store, message -> {
                progress.add(message);
                if (!json) {
                    out().println("[cluster] " + message);
                    out().flush();
                }
            }).run(new CertRotation.Options(Set.copyOf(new LinkedHashSet<>(limit)), clients));
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issued", result.issued());
            doc.put("members", result.members().stream().map(m -> Map.of("member", m.member(), "old_serial", m.oldSerial(),
                    "new_serial", m.newSerial(), "not_after", m.notAfter().toString())).toList());
            doc.put("clients_reissued", result.clientsReissued());
            doc.put("admin_pushed", result.adminPushed());
            doc.put("progress", progress);
            try {
                out().println(JsonReporter.JSON.writeValueAsString(doc));
            } catch (Exception e) {
                throw new IllegalStateException("could not write JSON", e);
            }
        } else {
            out().println();
            out().println("ROTATED");
            for (CertRotation.MemberResult m : result.members()) {
                out().printf("%-16s serial %s -> %s, valid until %s%n", m.member(), m.oldSerial().isEmpty() ? "(none)" : m.oldSerial(),
                        m.newSerial(), m.notAfter());
            }
            if (!result.clientsReissued().isEmpty()) {
                out().println("client certificates reissued in the PKI dir (hand them to their applications): "
                        + String.join(", ", result.clientsReissued()));
            }
            out().printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        out().flush();
        return ExitCode.OK.code();
    }
}
