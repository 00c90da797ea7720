package dev.dcsprov.pki;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.pki.CertificateCheck;
import dev.dcsprov.pki.ClientSubject;
import dev.dcsprov.pki.HostCertificateRequest;
import dev.dcsprov.pki.IssuedCertificate;
import dev.dcsprov.pki.PkiStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides each member's certificate from the local PKI: in apply mode it issues what is missing
 * or stale; in plan mode it only checks, so plan never creates a CA or a key.
 */
public final class MemberCertificates {
    private final PkiStore store;
    private final ClusterSettings cluster;
    private byte[] ca;
    private IssuedCertificate admin;

    public MemberCertificates(ClusterSettings cluster) {
        this.cluster = cluster;
        this.store = new PkiStore(cluster.pkiDir());
    }

    public PkiStore store() {
        return store;
    }

    /** Every name a client or peer may dial this member by. */
    public static List<String> sans(Host host, HostFacts facts) {
        Set<String> sans = new LinkedHashSet<>();
        sans.add(host.advertiseAddress());
        sans.addAll(host.listenAddresses());
        sans.add(host.address());
        sans.add("127.0.0.1");
        sans.add("localhost");
        sans.add(host.name());
        sans.add(host.memberName());
        if (!facts.hostname().isEmpty()) {
            sans.add(facts.hostname());
        }
        if (!facts.fqdn().isEmpty()) {
            sans.add(facts.fqdn());
        }
        sans.addAll(host.extraSans());
        sans.removeIf(s -> s.equals("0.0.0.0") || s.equals("::"));
        return new ArrayList<>(sans);
    }

    /** The CA and the admin client certificate are the same for every member: made or checked once per run. */
    private synchronized IssuedCertificate admin() {
        if (admin == null) {
            store.ensureCa(cluster.name(), cluster.keyAlgorithm(), cluster.caDays());
            ca = store.trustedCaPem(); // the bundle (or the new CA) while rotate-certs --ca is under way
            admin = store.ensureAdminClientCertificate(cluster.keyAlgorithm(), cluster.certDays(), cluster.renewBeforeDays());
        }
        return admin;
    }

    /** The CA file members should trust, or nothing when the local PKI has no CA yet. Writes nothing. */
    public byte[] trustedCaOrEmpty() {
        return Files.exists(store.caCertificateFile()) ? store.trustedCaPem() : new byte[0];
    }

    public HostMaterial materialFor(Host host, HostFacts facts, boolean apply) {
        HostCertificateRequest request = HostCertificateRequest.of(host.memberName(), sans(host, facts),
                cluster.certDays(), cluster.keyAlgorithm());
        if (apply) {
            IssuedCertificate admin = admin(); // makes the CA first when there is none
            IssuedCertificate server = store.ensureHostCertificate(request, cluster.renewBeforeDays());
            return new HostMaterial(ca, server.certificatePem(), server.privateKeyPem(), admin.certificatePem(),
                    admin.privateKeyPem(), "");
        }
        boolean caExists = Files.exists(store.caCertificateFile());
        CertificateCheck server = store.checkHostCertificate(request, cluster.renewBeforeDays());
        CertificateCheck admin = store.checkClientCertificate(PkiStore.ADMIN_CLIENT, cluster.keyAlgorithm(), cluster.renewBeforeDays());
        String pending = !caExists ? "a new CA and certificates will be created"
                : server.reissue() ? server.reason() : admin.reissue() ? "admin client certificate: " + admin.reason() : "";
        return new HostMaterial(
                caExists ? store.trustedCaPem() : HostMaterial.PENDING,
                server.reissue() ? HostMaterial.PENDING : read(store.hostCertificateFile(host.memberName())),
                server.reissue() ? HostMaterial.PENDING : read(store.hostKeyFile(host.memberName())),
                admin.reissue() ? HostMaterial.PENDING : read(store.clientCertificateFile(PkiStore.ADMIN_CLIENT)),
                admin.reissue() ? HostMaterial.PENDING : read(store.clientKeyFile(PkiStore.ADMIN_CLIENT)),
                pending);
    }

    /**
     * Client certificates for the inventory's etcd users, kept in the local PKI for the operator to
     * hand to the applications (every member requires a client certificate, so Patroni needs one
     * even when it logs in with a password). A user with a password gets one without CN, because
     * etcd's JSON gateway refuses any certificate with a CN; a certificate-only user (no password)
     * gets CN = user name, which etcd takes as the user over gRPC. Issued in apply mode when
     * missing, in the other form, from another CA, or expiring within the renewal window; in plan
     * mode only checked. Returns a note per certificate issued (or to issue).
     */
    public List<String> applicationClients(Collection<UserSpec> users, boolean apply) {
        List<String> notes = new ArrayList<>();
        for (UserSpec spec : users) {
            String user = spec.name();
            ClientSubject form = subjectOf(spec);
            if (user.equals(PkiStore.ADMIN_CLIENT)) {
                continue; // root's certificate is dcsprov's admin certificate
            }
            if (!HostCertificateRequest.fileSafeName(user)) {
                notes.add("etcd user '" + user + "' gets no client certificate: its name cannot name a file "
                        + "(letters, digits, '.', '_', '-'); give its application a certificate "
                        + (spec.certificateOnly() ? "with CN " + user : "without CN") + " yourself");
                continue;
            }
            Path file = store.clientCertificateFile(user);
            if (apply) {
                IssuedCertificate c = store.ensureClientCertificate(user, form, cluster.keyAlgorithm(), cluster.certDays(), cluster.renewBeforeDays());
                if (c.issued()) {
                    notes.add("issued a client certificate for etcd user " + user + " (" + c.reason() + "; " + form.describe() + "): " + file
                            + " and its .key; give both to the application (see 'dcsprov patroni-config')");
                }
            } else {
                CertificateCheck check = Files.exists(store.caCertificateFile())
                        ? store.checkClientCertificate(user, form, cluster.keyAlgorithm(), cluster.renewBeforeDays())
                        : new CertificateCheck(true, "missing");
                if (check.reissue()) {
                    notes.add("a client certificate for etcd user " + user + " will be issued (" + check.reason() + "): " + file);
                }
            }
        }
        return notes;
    }

    /** Which form of client certificate an etcd user gets. */
    public static ClientSubject subjectOf(UserSpec user) {
        return user.certificateOnly() ? ClientSubject.COMMON_NAME : ClientSubject.NO_COMMON_NAME;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "cannot read " + file, e.toString(),
                    "check the permissions of the PKI directory", e);
        }
    }
}
