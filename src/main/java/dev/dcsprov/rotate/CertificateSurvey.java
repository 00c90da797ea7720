package dev.dcsprov.rotate;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.render.RemotePaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the local PKI and every member's deployed certificates and compares them: what {@code dcsprov certs} shows. */
public final class CertificateSurvey {
    private final Inventory inventory;
    private final ConnectedHosts hosts;
    private final PkiStore store;
    private final RemotePaths paths;

    public CertificateSurvey(Inventory inventory, ConnectedHosts hosts, PkiStore store) {
        this.inventory = inventory;
        this.hosts = hosts;
        this.store = store;
        this.paths = RemotePaths.of(inventory.cluster());
    }

    /** Rows per member (ca, server, admin), in inventory order. */
    public List<CertificateRow> survey(Instant now, int thresholdDays) {
        Map<String, DeployedCertificates> deployed = hosts.eachInParallel(inventory.members(),
                (h, c) -> DeployedCertificates.read(c, paths));
        return rows(deployed, now, thresholdDays);
    }

    List<CertificateRow> rows(Map<String, DeployedCertificates> deployed, Instant now, int thresholdDays) {
        // During a CA rotation members should carry the phase's trust bundle, not ca.crt alone.
        List<CertificateInfo> ca = Files.exists(store.caCertificateFile()) ? trusted() : List.of();
        List<CertificateInfo> admin = local(store.clientCertificateFile(PkiStore.ADMIN_CLIENT));
        List<CertificateRow> rows = new ArrayList<>();
        for (Host h : inventory.members()) {
            DeployedCertificates d = deployed.get(h.name());
            rows.add(CertificateSelection.row(h.name(), "ca", ca, parse(d, paths.caCert()), now, thresholdDays));
            rows.add(CertificateSelection.row(h.name(), "server", local(store.hostCertificateFile(h.memberName())),
                    parse(d, paths.serverCert()), now, thresholdDays));
            rows.add(CertificateSelection.row(h.name(), "admin", admin, parse(d, paths.adminCert()), now, thresholdDays));
        }
        return rows;
    }

    /** The application client certificates of the local PKI (apply issues one per etcd user): no member carries them. */
    public List<CertificateRow> applicationRows(Instant now, int thresholdDays) {
        List<CertificateRow> rows = new ArrayList<>();
        for (String name : store.clientNames()) {
            if (!name.equals(PkiStore.ADMIN_CLIENT)) {
                List<CertificateInfo> local = local(store.clientCertificateFile(name));
                rows.add(new CertificateRow(CertificateRow.LOCAL, "client " + name, local, List.of(), CertificateRow.Match.LOCAL_ONLY,
                        CertificateSelection.soonest(local, List.of(), now, thresholdDays)));
            }
        }
        return rows;
    }

    private List<CertificateInfo> trusted() {
        try {
            return CertificateInfo.parseAll(store.trustedCaPem());
        } catch (IOException | IllegalArgumentException e) {
            throw new DcsprovException(ExitCode.PKI, "cannot read the CA certificates in " + store.directory(), e.getMessage(),
                    "restore ca.crt (and ca-next.crt during a CA rotation) from a backup of the PKI dir");
        }
    }

    static List<CertificateInfo> local(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return CertificateInfo.parseAll(Files.readAllBytes(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new DcsprovException(ExitCode.PKI, "cannot read " + file, e.getMessage(),
                    "restore it from a backup of the PKI dir, or move it aside and run apply to issue a new one");
        }
    }

    private static List<CertificateInfo> parse(DeployedCertificates d, String path) {
        try {
            return CertificateInfo.parseAll(d.file(path));
        } catch (IOException | IllegalArgumentException e) {
            // An unreadable file on the host differs from anything local; apply or rotate-certs replaces it.
            return List.of();
        }
    }
}
