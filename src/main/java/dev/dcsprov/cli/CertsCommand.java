package dev.dcsprov.cli;

import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.rotate.CertificateRow;
import dev.dcsprov.rotate.CertificateSurvey;
import dev.dcsprov.rotate.Expiry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** dcsprov certs: the certificates in the local PKI and on every member, compared by fingerprint. */
@Command(name = "certs", aliases = "check-certs", mixinStandardHelpOptions = true,
        description = {"Compares the certificates in the local PKI with those deployed on each member.",
                "Per member the CA, member and admin certificates: subject, SANs, issuer, serial, not-after and days left, "
                        + "and whether they match.",
                "Exits 9 when a certificate expires within the threshold or a host's differs from the local PKI."})
final class CertsCommand extends InventoryCommand {
    @Option(names = "--warn-days", paramLabel = "DAYS",
            description = "Threshold in days (default: dcsprov_cert_renew_before_days, 30)")
    Integer warnDays;

    @Override
    public Integer call() {
        Inventory inventory = loadInventory();
        int threshold = warnDays != null ? warnDays : inventory.cluster().renewBeforeDays();
        if (threshold < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--warn-days must not be negative");
        }
        PkiStore store = new PkiStore(inventory.cluster().pkiDir());
        List<CertificateRow> rows;
        try (ConnectedHosts hosts = connect(inventory)) {
            CertificateSurvey survey = new CertificateSurvey(inventory, hosts, store);
            Instant now = Instant.now();
            rows = new ArrayList<>(survey.survey(now, threshold));
            rows.addAll(survey.applicationRows(now, threshold));
        }
        boolean attention = rows.stream().anyMatch(CertificateRow::needsAttention);
        if (options.output == RunOptions.OutputFormat.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("cluster", inventory.cluster().name());
            doc.put("pki_dir", store.directory().toString());
            doc.put("threshold_days", threshold);
            doc.put("ok", !attention);
            doc.put("ca_rotation", store.caRotationPhase().map(p -> (Object) Map.of("phase", p.number(), "of", 3,
                    "name", p.name().toLowerCase(), "description", p.description())).orElse(null));
            doc.put("certificates", rows.stream().map(CertsCommand::json).toList());
            printJson(doc);
        } else {
            text(out(), inventory, store, rows, threshold, attention);
        }
        out().flush();
        return attention ? ExitCode.CERTS.code() : ExitCode.OK.code();
    }

    private static void text(PrintWriter out, Inventory inventory, PkiStore store, List<CertificateRow> rows, int threshold,
                             boolean attention) {
        out.printf("cluster %s, local PKI %s, threshold %d days%n", inventory.cluster().name(), store.directory(), threshold);
        store.caRotationPhase().ifPresent(p -> out.println("CA rotation: " + p.describe()
                + "; 'dcsprov rotate-certs --ca' continues it"));
        String host = "";
        for (CertificateRow r : rows) {
            if (!r.host().equals(host)) {
                host = r.host();
                out.println();
                out.println(host);
            }
            String state = switch (r.match()) {
                case MATCH -> "deployed = local";
                case DIFFERENT -> "DEPLOYED DIFFERS FROM LOCAL";
                case NOT_DEPLOYED -> "NOT DEPLOYED";
                case NO_LOCAL -> "NOT IN LOCAL PKI";
                case LOCAL_ONLY -> "local only";
            };
            out.printf("  %-7s %-28s %s%n", r.role(), state, r.expiry().map(Expiry::describe).orElse(""));
            describe(out, "local", r.local());
            if (r.match() != CertificateRow.Match.MATCH && r.match() != CertificateRow.Match.LOCAL_ONLY) {
                describe(out, "deployed", r.deployed());
            }
        }
        out.println();
        out.println(attention ? "ATTENTION: renew with 'dcsprov rotate-certs' (--clients for application certificates), "
                + "or run 'dcsprov apply' where deployed differs"
                : "all certificates match and are valid for more than " + threshold + " days");
    }

    private static void describe(PrintWriter out, String where, List<CertificateInfo> certs) {
        for (CertificateInfo c : certs) {
            List<String> sans = new ArrayList<>(c.dnsNames());
            sans.addAll(c.ipAddresses());
            out.printf("      %-8s %s  issuer %s%n", where, c.subject(), c.issuer());
            out.printf("               serial %s  not after %s  sha256 %s%n", c.serialHex(), c.notAfter(),
                    c.fingerprintSha256().substring(0, 23) + "...");
            if (!sans.isEmpty()) {
                out.printf("               SANs %s%n", String.join(", ", sans));
            }
        }
    }

    static Map<String, Object> json(CertificateRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", r.host());
        m.put("role", r.role());
        m.put("match", r.match().name().toLowerCase());
        r.expiry().ifPresent(e -> {
            m.put("expiry", e.state().name().toLowerCase().replace('_', '-'));
            m.put("days_left", e.daysLeft());
        });
        m.put("attention", r.needsAttention());
        m.put("local", r.local().stream().map(CertsCommand::json).toList());
        m.put("deployed", r.deployed().stream().map(CertsCommand::json).toList());
        return m;
    }

    static Map<String, Object> json(CertificateInfo c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", c.subject());
        m.put("issuer", c.issuer());
        m.put("serial", c.serialHex());
        m.put("not_before", c.notBefore().toString());
        m.put("not_after", c.notAfter().toString());
        m.put("dns_names", c.dnsNames());
        m.put("ip_addresses", c.ipAddresses());
        m.put("sha256", c.fingerprintSha256());
        return m;
    }
}
