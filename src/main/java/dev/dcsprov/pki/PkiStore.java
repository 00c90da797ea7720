package dev.dcsprov.pki;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.pki.PkiDirectory.Kind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * The local PKI of one cluster, in one directory:
 * <pre>
 * ca.crt ca.key                      the cluster CA; the key never leaves this directory
 * hosts/&lt;member&gt;.crt .key            member certificates (TLS server and client)
 * clients/&lt;name&gt;.crt .key            client certificates; clients/root.* is dcsprov's admin
 * archive/&lt;yyyyMMddTHHmmssZ&gt;/...      replaced material, moved here and never deleted
 * .lock                              held while a run changes the directory
 * </pre>
 * Directories are 0700, keys 0600, certificates 0644, and every file is replaced atomically.
 * The ensure methods reuse what is still right and reissue only what is not; a member's files are
 * never touched when another member is added or changed. Methods are synchronized, so host
 * workers may call them in parallel.
 *
 * <p>This class decides which certificates to keep and which to issue. The layout, locking, atomic
 * writes and archive are {@link PkiDirectory}'s; reading a CA safely is {@link CaFiles}'s; the files of
 * a CA rotation are {@link CaRotationRecord}'s; why a leaf must be reissued is {@link LeafExamination}'s.
 */
public final class PkiStore {
    /** etcd maps a client certificate's CN to the user name; dcsprov's admin must be the root user. */
    public static final String ADMIN_CLIENT = "root";

    private final PkiDirectory dir;
    private final CaRotationRecord rotation;
    private final Clock clock;
    private CertificateAuthority ca;
    private CertificateAuthority nextCa;

    public PkiStore(Path directory) {
        this(directory, Clock.systemUTC());
    }

    /** With a clock, so that tests can issue certificates "in the past". */
    public PkiStore(Path directory, Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        this.dir = new PkiDirectory(Objects.requireNonNull(directory).toAbsolutePath().normalize(), clock);
        this.rotation = new CaRotationRecord(dir);
    }

    public Path directory() {
        return dir.root();
    }

    public Path caCertificateFile() {
        return dir.caCertificate();
    }

    public Path hostCertificateFile(String member) {
        return dir.file(Kind.HOST, member, ".crt");
    }

    public Path hostKeyFile(String member) {
        return dir.file(Kind.HOST, member, ".key");
    }

    public Path clientCertificateFile(String name) {
        return dir.file(Kind.CLIENT, name, ".crt");
    }

    public Path clientKeyFile(String name) {
        return dir.file(Kind.CLIENT, name, ".key");
    }

    // ---------------------------------------------------------------- CA

    /**
     * Loads the CA, or creates it when neither ca.crt nor ca.key exists. An existing CA is always
     * kept, even when it differs from what is asked: replacing it would break every member.
     *
     * @throws DcsprovException (PKI) when the CA files are incomplete, unreadable, loosely
     *                          permitted, do not match each other, or the CA has expired
     */
    public synchronized EnsuredCa ensureCa(String clusterName, KeyAlgorithm algorithm, int caDays) {
        Objects.requireNonNull(algorithm, "algorithm");
        return dir.exclusively(() -> ensureCaLocked(clusterName, algorithm, caDays));
    }

    private EnsuredCa ensureCaLocked(String clusterName, KeyAlgorithm algorithm, int caDays) {
        if (!dir.hasCa()) {
            CertificateAuthority created = CertificateAuthority.create(clusterName, algorithm, caDays, clock.instant());
            // Key first: a crash in between leaves "ca.key without ca.crt", reported below, never a CA cert without its key.
            dir.write(dir.caKey(), Pem.encodePrivateKey(created.privateKey()), SecureFiles.PRIVATE);
            dir.write(dir.caCertificate(), created.certificatePem(), SecureFiles.PUBLIC);
            ca = created;
            return new EnsuredCa(true, "missing", created.info(), created.certificatePem());
        }
        CertificateAuthority existing = loadCa();
        Instant now = clock.instant();
        CertificateInfo info = existing.info();
        if (info.isExpired(now)) {
            throw new DcsprovException(ExitCode.PKI,
                    "The cluster CA " + caCertificateFile() + " expired on " + info.notAfter(),
                    "No certificate it signs is accepted any more, and dcsprov does not rotate a CA automatically.",
                    "Move the PKI dir aside and run apply again to create a new CA and new member certificates.");
        }
        List<String> notes = new ArrayList<>();
        String actual = existing.keyAlgorithm().map(KeyAlgorithm::id).orElse(info.keyAlgorithm());
        if (!actual.equals(algorithm.id())) {
            notes.add("the CA key is " + actual + ", not " + algorithm.id());
        }
        String expectedCn = clusterName + " etcd CA";
        if (!info.commonName().equals(expectedCn)) {
            notes.add("its CN is '" + info.commonName() + "', not '" + expectedCn + "'");
        }
        String reason = "exists, expires in " + info.daysLeft(now) + " days";
        if (!notes.isEmpty()) {
            reason += "; kept although " + String.join(" and ", notes) + " (a CA is never replaced automatically)";
        }
        return new EnsuredCa(false, reason, info, existing.certificatePem());
    }

    /** The CA certificate if the store has one; for read-only commands. */
    public synchronized Optional<CertificateInfo> caInfo() {
        return dir.hasCa() ? Optional.of(loadCa().info()) : Optional.empty();
    }

    private CertificateAuthority currentCa() {
        if (!dir.hasCa()) {
            throw new DcsprovException(ExitCode.PKI,
                    "There is no CA in " + dir.root(),
                    "Certificates can only be issued after the cluster CA exists.",
                    "Run apply, which creates the CA first.");
        }
        return signingCa();
    }

    /** The CA that signs leaves: the new one from phase 2 of a CA rotation on, the current one otherwise. */
    private CertificateAuthority signingCa() {
        if (caRotationPhase().filter(CaRotationPhase::signsWithNewCa).isPresent()) {
            return nextCaIfPresent().orElseThrow(() -> new DcsprovException(ExitCode.PKI,
                    "A CA rotation is recorded in " + caRotationFile() + " but " + caNextCertificateFile() + " is missing",
                    "The new CA signs member certificates from phase 2 on.", CaFiles.RESTORE_FIX));
        }
        return loadCa();
    }

    /** A leaf apply may keep: signed by the signing CA, or, while members trust both CAs (phases 1 and 2), by either. */
    private boolean trusted(X509Certificate certificate) {
        if (signingCa().signed(certificate)) {
            return true;
        }
        // Only rotate-certs --ca moves leaves to the new CA, one rolling phase at a time.
        Optional<CaRotationPhase> phase = caRotationPhase();
        if (phase.isEmpty() || phase.get() == CaRotationPhase.DROP_OLD) {
            return false;
        }
        return loadCa().signed(certificate) || nextCaIfPresent().map(n -> n.signed(certificate)).orElse(false);
    }

    private Optional<CertificateAuthority> nextCaIfPresent() {
        if (nextCa == null && Files.exists(caNextCertificateFile())) {
            nextCa = CaFiles.load(dir, dir.caNextCertificate(), dir.caNextKey());
        }
        return Optional.ofNullable(nextCa);
    }

    /** True when the certificate in the file was signed by the new CA of a CA rotation in progress. */
    public synchronized boolean signedByNewCa(Path certificateFile) {
        Optional<CertificateAuthority> next = nextCaIfPresent();
        if (next.isEmpty() || !Files.exists(certificateFile)) {
            return false;
        }
        try {
            return next.get().signed(Pem.decodeCertificate(Files.readAllBytes(certificateFile)));
        } catch (IOException e) {
            return false;
        }
    }

    private CertificateAuthority loadCa() {
        if (ca == null) {
            ca = CaFiles.load(dir, dir.caCertificate(), dir.caKey());
        }
        return ca;
    }

    // ---------------------------------------------------------------- CA rotation (files: CaRotationRecord)

    /** The CA that replaces ca.crt when a CA rotation finishes. */
    public Path caNextCertificateFile() {
        return dir.caNextCertificate();
    }

    /** One line, the name of the current {@link CaRotationPhase}; absent when no CA rotation is under way. */
    public Path caRotationFile() {
        return dir.caRotation();
    }

    /** The recorded phase of a CA rotation, empty when none is under way. */
    public synchronized Optional<CaRotationPhase> caRotationPhase() {
        return rotation.phase();
    }

    /**
     * Starts a CA rotation: creates the new CA as ca-next.crt|key (reusing one left by an
     * interrupted start) and records phase 1. Does nothing when a rotation is already recorded.
     */
    public synchronized CaRotationPhase startCaRotation(String clusterName, KeyAlgorithm algorithm, int caDays) {
        currentCa();
        return dir.exclusively(() -> {
            Optional<CaRotationPhase> recorded = rotation.phase();
            if (recorded.isPresent()) {
                return recorded.get();
            }
            if (!rotation.hasFreshNextCa()) {
                CertificateAuthority created = CertificateAuthority.create(clusterName, algorithm, caDays, clock.instant(),
                        "generation " + dir.stamp());
                dir.write(dir.caNextKey(), Pem.encodePrivateKey(created.privateKey()), SecureFiles.PRIVATE);
                dir.write(dir.caNextCertificate(), created.certificatePem(), SecureFiles.PUBLIC);
            }
            CaFiles.load(dir, dir.caNextCertificate(), dir.caNextKey());
            rotation.record(CaRotationPhase.TRUST_BOTH);
            rotation.writeClientBundle();
            return CaRotationPhase.TRUST_BOTH;
        });
    }

    /** Records the next phase of a CA rotation (atomically, so a crash leaves the old or the new phase). */
    public synchronized void advanceCaRotation(CaRotationPhase phase) {
        dir.exclusively(() -> {
            rotation.record(phase);
            return null;
        });
    }

    /**
     * Ends a CA rotation: the old ca.crt|key go to archive/&lt;time&gt;/ca/, the new CA becomes
     * ca.crt|key, and the phase record is removed. Safe to repeat after a crash at any point.
     */
    public synchronized void finishCaRotation() {
        dir.exclusively(() -> {
            rotation.finish();
            ca = null;
            nextCa = null;
            return null;
        });
    }

    /**
     * What members should carry as ca.crt: the current CA; during phases 1 and 2 of a CA rotation
     * the bundle current + new; during phase 3 the new CA alone.
     */
    public synchronized byte[] trustedCaPem() {
        return rotation.trustedCaPem();
    }

    /**
     * The CA file a client on this machine (etcdctl via 'dcsprov env', an application) should trust
     * now: while a CA rotation is recorded, members present certificates of either CA, so
     * ca-bundle.crt with both (written when missing or stale); ca.crt otherwise.
     */
    public synchronized Path clientTrustFile() {
        if (caRotationPhase().isEmpty() || !Files.exists(caNextCertificateFile())) {
            return caCertificateFile();
        }
        return dir.exclusively(() -> {
            rotation.writeClientBundle();
            return caBundleFile();
        });
    }

    /** Old and new CA together, for clients, while a CA rotation is recorded. */
    public Path caBundleFile() {
        return dir.caBundle();
    }

    // ---------------------------------------------------------------- leaf certificates

    /** What {@link #ensureHostCertificate} would do, without writing anything. */
    public synchronized CertificateCheck checkHostCertificate(HostCertificateRequest request, int renewBeforeDays) {
        if (!dir.hasCa()) {
            return new CertificateCheck(true, Files.exists(hostCertificateFile(request.memberName()))
                    ? "signed by another CA" : "missing");
        }
        return examine(Kind.HOST, request.memberName(), request.keyAlgorithm(), request.sanSet(), renewBeforeDays,
                ClientSubject.COMMON_NAME);
    }

    /**
     * Returns the member's certificate, reusing the stored one when it has its key, was signed by
     * the current CA, has exactly the requested SANs and key algorithm, and expires after
     * now + renewBeforeDays; otherwise moves the old pair to the archive and issues a new one.
     */
    public synchronized IssuedCertificate ensureHostCertificate(HostCertificateRequest request, int renewBeforeDays) {
        currentCa();
        return dir.exclusively(() -> {
            String name = request.memberName();
            CertificateCheck check = examine(Kind.HOST, name, request.keyAlgorithm(), request.sanSet(), renewBeforeDays,
                    ClientSubject.COMMON_NAME);
            return check.reissue() ? issueHost(request, check.reason()) : stored(Kind.HOST, name, check.reason());
        });
    }

    /** What {@link #ensureClientCertificate} would do, without writing anything; the form is the stored one's. */
    public synchronized CertificateCheck checkClientCertificate(String name, KeyAlgorithm algorithm, int renewBeforeDays) {
        return checkClientCertificate(name, storedClientSubject(name), algorithm, renewBeforeDays);
    }

    /** What {@link #ensureClientCertificate} would do for a certificate of that form, without writing anything. */
    public synchronized CertificateCheck checkClientCertificate(String name, ClientSubject form, KeyAlgorithm algorithm,
            int renewBeforeDays) {
        HostCertificateRequest.requireFileSafeName("client", name);
        if (!dir.hasCa()) {
            return new CertificateCheck(true, Files.exists(clientCertificateFile(name))
                    ? "signed by another CA" : "missing");
        }
        return examine(Kind.CLIENT, name, algorithm, null, renewBeforeDays, form);
    }

    /** Like {@link #ensureHostCertificate} for a client certificate (CN = name, clientAuth only, no SANs). */
    public synchronized IssuedCertificate ensureClientCertificate(
            String name, KeyAlgorithm algorithm, int days, int renewBeforeDays) {
        return ensureClientCertificate(name, ClientSubject.COMMON_NAME, algorithm, days, renewBeforeDays);
    }

    /** Like {@link #ensureHostCertificate} for a client certificate of the given form; one of the other form is reissued. */
    public synchronized IssuedCertificate ensureClientCertificate(
            String name, ClientSubject form, KeyAlgorithm algorithm, int days, int renewBeforeDays) {
        HostCertificateRequest.requireFileSafeName("client", name);
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(form, "form");
        currentCa();
        return dir.exclusively(() -> {
            CertificateCheck check = examine(Kind.CLIENT, name, algorithm, null, renewBeforeDays, form);
            return check.reissue() ? issueClient(name, form, algorithm, days, check.reason())
                    : stored(Kind.CLIENT, name, check.reason());
        });
    }

    /**
     * The form of the stored client certificate: without CN only when it has none and names the
     * client in its OU; CN = name otherwise (also when there is none or it cannot be read).
     */
    public synchronized ClientSubject storedClientSubject(String name) {
        Path file = clientCertificateFile(name);
        try {
            X509Certificate c = Pem.decodeCertificate(Files.readAllBytes(file));
            return CertificateInfo.commonName(c.getSubjectX500Principal()).isEmpty()
                    && CertificateInfo.organizationalUnit(c.getSubjectX500Principal()).equals(name)
                    ? ClientSubject.NO_COMMON_NAME : ClientSubject.COMMON_NAME;
        } catch (IOException | RuntimeException e) {
            return ClientSubject.COMMON_NAME;
        }
    }

    /**
     * Rotation: always issues a new key and certificate for the member from the current CA, moving
     * the old pair to the archive, even when the stored one is still valid.
     */
    public synchronized IssuedCertificate reissueHostCertificate(HostCertificateRequest request) {
        currentCa();
        return dir.exclusively(() -> issueHost(request, "rotated"));
    }

    /**
     * Rotation of a client certificate: like {@link #reissueHostCertificate}, clientAuth only, in
     * the form of the stored one (apply, not a rotation, decides the form).
     */
    public synchronized IssuedCertificate reissueClientCertificate(String name, KeyAlgorithm algorithm, int days) {
        HostCertificateRequest.requireFileSafeName("client", name);
        Objects.requireNonNull(algorithm, "algorithm");
        currentCa();
        ClientSubject form = name.equals(ADMIN_CLIENT) ? ClientSubject.COMMON_NAME : storedClientSubject(name);
        return dir.exclusively(() -> issueClient(name, form, algorithm, days, "rotated"));
    }

    /** The names of the client certificates in clients/, sorted. */
    public synchronized List<String> clientNames() {
        return list().stream().filter(c -> c.kind().equals("client")).map(StoredCertificate::name).toList();
    }

    /** dcsprov's own admin certificate, CN "root", in clients/root.*. */
    public IssuedCertificate ensureAdminClientCertificate(KeyAlgorithm algorithm, int days, int renewBeforeDays) {
        return ensureClientCertificate(ADMIN_CLIENT, algorithm, days, renewBeforeDays);
    }

    /** All stored certificates, for {@code dcsprov certs}: the CA, then members, then clients, by name. */
    public synchronized List<StoredCertificate> list() {
        return dir.list();
    }

    private CertificateCheck examine(Kind kind, String name, KeyAlgorithm algorithm, SortedSet<String> sans,
            int renewBeforeDays, ClientSubject form) {
        return new LeafExamination(dir, this::trusted, clock.instant()).examine(kind, name, algorithm, sans, renewBeforeDays, form);
    }

    /** A new key and certificate from the signing CA; the old pair goes to the archive first. */
    private IssuedCertificate issueHost(HostCertificateRequest request, String reason) {
        CertificateAuthority authority = currentCa();
        dir.archive(Kind.HOST, request.memberName());
        KeyPair keys = Keys.generate(request.keyAlgorithm());
        X509Certificate certificate = authority.issueHost(request, keys.getPublic(), clock.instant());
        return install(Kind.HOST, request.memberName(), certificate, keys.getPrivate(), reason);
    }

    private IssuedCertificate issueClient(String name, ClientSubject form, KeyAlgorithm algorithm, int days, String reason) {
        CertificateAuthority authority = currentCa();
        dir.archive(Kind.CLIENT, name);
        KeyPair keys = Keys.generate(algorithm);
        X509Certificate certificate = authority.issueClient(name, form, keys.getPublic(), days, clock.instant());
        return install(Kind.CLIENT, name, certificate, keys.getPrivate(), reason);
    }

    private IssuedCertificate stored(Kind kind, String name, String reason) {
        Path certFile = dir.file(kind, name, ".crt");
        Path keyFile = dir.file(kind, name, ".key");
        byte[] certPem = dir.read(certFile);
        byte[] keyPem = dir.read(keyFile);
        try {
            return new IssuedCertificate(name, false, reason, certPem, keyPem, CertificateInfo.parse(certPem), certFile, keyFile);
        } catch (IOException e) {
            throw PkiDirectory.ioError("Cannot read " + certFile, e);
        }
    }

    /** Key first, then certificate: a crash in between leaves a pair that the next run sees as mismatched. */
    private IssuedCertificate install(Kind kind, String name, X509Certificate certificate, PrivateKey key, String reason) {
        Path certFile = dir.file(kind, name, ".crt");
        Path keyFile = dir.file(kind, name, ".key");
        byte[] keyPem = Pem.encodePrivateKey(key);
        byte[] certPem = Pem.encodeCertificate(certificate);
        dir.write(keyFile, keyPem, SecureFiles.PRIVATE);
        dir.write(certFile, certPem, SecureFiles.PUBLIC);
        return new IssuedCertificate(name, true, reason, certPem, keyPem, CertificateInfo.of(certificate), certFile, keyFile);
    }
}
