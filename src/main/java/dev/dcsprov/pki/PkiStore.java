package dev.dcsprov.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

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
 */
public final class PkiStore {
    /** etcd maps a client certificate's CN to the user name; dcsprov's admin must be the root user. */
    public static final String ADMIN_CLIENT = "root";

    private static final DateTimeFormatter ARCHIVE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String CHMOD_FIX_FORMAT = "Run: chmod 600 %s (and chmod 700 %s)";
    private static final String RESTORE_FIX = "Restore the CA files from a backup of the PKI dir. If the CA is lost, "
            + "move the PKI dir aside and run apply again: a new CA is created and every member gets new "
            + "certificates (clients then need the new ca.crt).";

    private static final ConcurrentMap<Path, Object> DIRECTORY_MONITORS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Clock clock;
    private CertificateAuthority ca;
    private CertificateAuthority nextCa;

    public PkiStore(Path directory) {
        this(directory, Clock.systemUTC());
    }

    /** With a clock, so that tests can issue certificates "in the past". */
    public PkiStore(Path directory, Clock clock) {
        this.directory = Objects.requireNonNull(directory).toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock);
    }

    public Path directory() {
        return directory;
    }

    public Path caCertificateFile() {
        return directory.resolve("ca.crt");
    }

    Path caKeyFile() {
        return directory.resolve("ca.key");
    }

    public Path hostCertificateFile(String member) {
        return file(Kind.HOST, member, ".crt");
    }

    public Path hostKeyFile(String member) {
        return file(Kind.HOST, member, ".key");
    }

    public Path clientCertificateFile(String name) {
        return file(Kind.CLIENT, name, ".crt");
    }

    public Path clientKeyFile(String name) {
        return file(Kind.CLIENT, name, ".key");
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
        return exclusively(() -> ensureCaLocked(clusterName, algorithm, caDays));
    }

    private EnsuredCa ensureCaLocked(String clusterName, KeyAlgorithm algorithm, int caDays) {
        boolean certExists = Files.exists(caCertificateFile());
        boolean keyExists = Files.exists(caKeyFile());
        if (!certExists && !keyExists) {
            CertificateAuthority created = CertificateAuthority.create(clusterName, algorithm, caDays, clock.instant());
            // Key first: a crash in between leaves "ca.key without ca.crt", reported below, never a CA cert without its key.
            write(caKeyFile(), Pem.encodePrivateKey(created.privateKey()), SecureFiles.PRIVATE);
            write(caCertificateFile(), created.certificatePem(), SecureFiles.PUBLIC);
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
        if (!Files.exists(caCertificateFile()) && !Files.exists(caKeyFile())) {
            return Optional.empty();
        }
        return Optional.of(loadCa().info());
    }

    private CertificateAuthority currentCa() {
        if (!Files.exists(caCertificateFile()) && !Files.exists(caKeyFile())) {
            throw new DcsprovException(ExitCode.PKI,
                    "There is no CA in " + directory,
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
                    "The new CA signs member certificates from phase 2 on.", RESTORE_FIX));
        }
        return loadCa();
    }

    /**
     * While members trust both CAs (phases 1 and 2), a leaf of either CA is still good: apply keeps
     * it, and only rotate-certs --ca moves leaves to the new CA, one rolling phase at a time.
     */
    private boolean trustedDuringRotation(X509Certificate certificate) {
        Optional<CaRotationPhase> phase = caRotationPhase();
        if (phase.isEmpty() || phase.get() == CaRotationPhase.DROP_OLD) {
            return false;
        }
        return loadCa().signed(certificate) || nextCaIfPresent().map(n -> n.signed(certificate)).orElse(false);
    }

    private Optional<CertificateAuthority> nextCaIfPresent() {
        if (nextCa == null && Files.exists(caNextCertificateFile())) {
            nextCa = loadCa(caNextCertificateFile(), caNextKeyFile());
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

    // ---------------------------------------------------------------- CA rotation

    /** The CA that replaces ca.crt when a CA rotation finishes. */
    public Path caNextCertificateFile() {
        return directory.resolve("ca-next.crt");
    }

    Path caNextKeyFile() {
        return directory.resolve("ca-next.key");
    }

    /** One line, the name of the current {@link CaRotationPhase}; absent when no CA rotation is under way. */
    public Path caRotationFile() {
        return directory.resolve("ca-rotation");
    }

    /** The recorded phase of a CA rotation, empty when none is under way. */
    public synchronized Optional<CaRotationPhase> caRotationPhase() {
        Path f = caRotationFile();
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        String name;
        try {
            name = Files.readString(f).strip();
        } catch (IOException e) {
            throw ioError("Cannot read " + f, e);
        }
        try {
            return Optional.of(CaRotationPhase.valueOf(name));
        } catch (IllegalArgumentException e) {
            throw new DcsprovException(ExitCode.PKI, f + " names no CA rotation phase: '" + name + "'",
                    "It records how far 'rotate-certs --ca' got; one of TRUST_BOTH, NEW_LEAVES, DROP_OLD.",
                    "Check 'dcsprov certs' for which CA the members trust and write the matching phase, or restore the file from a backup.");
        }
    }

    /**
     * Starts a CA rotation: creates the new CA as ca-next.crt|key (reusing one left by an
     * interrupted start) and records phase 1. Does nothing when a rotation is already recorded.
     */
    public synchronized CaRotationPhase startCaRotation(String clusterName, KeyAlgorithm algorithm, int caDays) {
        currentCa();
        return exclusively(() -> {
            Optional<CaRotationPhase> recorded = caRotationPhase();
            if (recorded.isPresent()) {
                return recorded.get();
            }
            if (!Files.exists(caNextCertificateFile()) || !Files.exists(caNextKeyFile()) || staleNextCa()) {
                CertificateAuthority created = CertificateAuthority.create(clusterName, algorithm, caDays, clock.instant(),
                        "generation " + ARCHIVE_STAMP.format(clock.instant()));
                write(caNextKeyFile(), Pem.encodePrivateKey(created.privateKey()), SecureFiles.PRIVATE);
                write(caNextCertificateFile(), created.certificatePem(), SecureFiles.PUBLIC);
            }
            loadCa(caNextCertificateFile(), caNextKeyFile());
            recordPhase(CaRotationPhase.TRUST_BOTH);
            writeClientBundle();
            return CaRotationPhase.TRUST_BOTH;
        });
    }

    /** ca-next.* that are copies of ca.* were left by a finish that crashed: not a new CA. */
    private boolean staleNextCa() {
        try {
            return java.util.Arrays.equals(Files.readAllBytes(caNextCertificateFile()), Files.readAllBytes(caCertificateFile()));
        } catch (IOException e) {
            throw ioError("Cannot read " + caNextCertificateFile(), e);
        }
    }

    /** Records the next phase of a CA rotation (atomically, so a crash leaves the old or the new phase). */
    public synchronized void advanceCaRotation(CaRotationPhase phase) {
        exclusively(() -> {
            recordPhase(phase);
            return null;
        });
    }

    private void recordPhase(CaRotationPhase phase) {
        write(caRotationFile(), (phase.name() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), SecureFiles.PUBLIC);
    }

    /**
     * Ends a CA rotation: the old ca.crt|key go to archive/&lt;time&gt;/ca/, the new CA becomes
     * ca.crt|key, and the phase record is removed. Safe to repeat after a crash at any point.
     */
    public synchronized void finishCaRotation() {
        exclusively(() -> {
            if (Files.exists(caNextCertificateFile()) && Files.exists(caNextKeyFile())) {
                try {
                    byte[] nextCert = Files.readAllBytes(caNextCertificateFile());
                    byte[] nextKey = Files.readAllBytes(caNextKeyFile());
                    if (!java.util.Arrays.equals(nextCert, Files.readAllBytes(caCertificateFile()))) {
                        Path target = archiveDirectory("ca", List.of(caCertificateFile(), caKeyFile()));
                        Files.copy(caKeyFile(), target.resolve("ca.key"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                        Files.copy(caCertificateFile(), target.resolve("ca.crt"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                        write(caKeyFile(), nextKey, SecureFiles.PRIVATE);
                        write(caCertificateFile(), nextCert, SecureFiles.PUBLIC);
                    }
                    // The record goes first: ca-next.* left behind by a crash now are copies of ca.*, which
                    // startCaRotation recognises and replaces. Nothing is lost by removing the duplicates.
                    Files.deleteIfExists(caRotationFile());
                    Files.delete(caNextKeyFile());
                    Files.delete(caNextCertificateFile());
                    Files.deleteIfExists(caBundleFile()); // ca.crt + ca-next.crt, both kept above
                } catch (IOException e) {
                    throw ioError("Cannot make the new CA the current one in " + directory, e);
                }
            }
            try {
                Files.deleteIfExists(caRotationFile());
            } catch (IOException e) {
                throw ioError("Cannot remove " + caRotationFile(), e);
            }
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
        try {
            byte[] current = Files.readAllBytes(caCertificateFile());
            Optional<CaRotationPhase> phase = caRotationPhase();
            if (phase.isEmpty()) {
                return current;
            }
            byte[] next = Files.readAllBytes(caNextCertificateFile());
            if (phase.get() == CaRotationPhase.DROP_OLD) {
                return next;
            }
            return bundle(current, next);
        } catch (IOException e) {
            throw ioError("Cannot read the CA certificates in " + directory, e);
        }
    }

    private static byte[] bundle(byte[] first, byte[] second) {
        String a = new String(first, java.nio.charset.StandardCharsets.US_ASCII);
        return ((a.endsWith("\n") ? a : a + "\n") + new String(second, java.nio.charset.StandardCharsets.US_ASCII))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
        return exclusively(() -> {
            writeClientBundle();
            return caBundleFile();
        });
    }

    /** Old and new CA together, for clients, while a CA rotation is recorded. */
    public Path caBundleFile() {
        return directory.resolve("ca-bundle.crt");
    }

    private void writeClientBundle() {
        try {
            byte[] both = bundle(Files.readAllBytes(caCertificateFile()), Files.readAllBytes(caNextCertificateFile()));
            if (!Files.exists(caBundleFile()) || !java.util.Arrays.equals(both, Files.readAllBytes(caBundleFile()))) {
                write(caBundleFile(), both, SecureFiles.PUBLIC);
            }
        } catch (IOException e) {
            throw ioError("Cannot write " + caBundleFile(), e);
        }
    }

    private CertificateAuthority loadCa() {
        if (ca == null) {
            ca = loadCa(caCertificateFile(), caKeyFile());
        }
        return ca;
    }

    private CertificateAuthority loadCa(Path certFile, Path keyFile) {
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            Path present = Files.exists(certFile) ? certFile : keyFile;
            Path absent = present.equals(certFile) ? keyFile : certFile;
            throw new DcsprovException(ExitCode.PKI,
                    "The CA is incomplete: " + present + " exists but " + absent + " does not",
                    "dcsprov needs both the CA certificate and its key, and will not replace half of a CA.",
                    "Restore " + absent.getFileName() + " from a backup. If this PKI dir comes from an interrupted "
                            + "first run and no member uses it yet, delete " + present + " and run apply again.");
        }
        requirePrivate(keyFile);
        X509Certificate certificate;
        try {
            certificate = Pem.decodeCertificate(Files.readAllBytes(certFile));
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "Cannot read the CA certificate " + certFile,
                    e.getMessage(), RESTORE_FIX, e);
        }
        PrivateKey key;
        try {
            key = Pem.decodePrivateKey(Files.readAllBytes(keyFile));
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "Cannot read the CA key " + keyFile,
                    e.getMessage(), RESTORE_FIX, e);
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new DcsprovException(ExitCode.PKI, "The CA certificate " + certFile + " is not a CA certificate",
                    "It lacks basicConstraints CA:TRUE, so it cannot sign member certificates.", RESTORE_FIX);
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new DcsprovException(ExitCode.PKI,
                    "The CA key " + keyFile + " does not belong to the CA certificate " + certFile,
                    "The two files come from different CAs, so certificates signed with this key would not "
                            + "verify against ca.crt.",
                    RESTORE_FIX);
        }
        return new CertificateAuthority(certificate, key);
    }

    // ---------------------------------------------------------------- leaf certificates

    /** What {@link #ensureHostCertificate} would do, without writing anything. */
    public synchronized CertificateCheck checkHostCertificate(HostCertificateRequest request, int renewBeforeDays) {
        if (!Files.exists(caCertificateFile()) && !Files.exists(caKeyFile())) {
            return new CertificateCheck(true, Files.exists(hostCertificateFile(request.memberName()))
                    ? "signed by another CA" : "missing");
        }
        return examine(Kind.HOST, request.memberName(), request.keyAlgorithm(), request.sanSet(), renewBeforeDays);
    }

    /**
     * Returns the member's certificate, reusing the stored one when it has its key, was signed by
     * the current CA, has exactly the requested SANs and key algorithm, and expires after
     * now + renewBeforeDays; otherwise moves the old pair to the archive and issues a new one.
     */
    public synchronized IssuedCertificate ensureHostCertificate(HostCertificateRequest request, int renewBeforeDays) {
        currentCa();
        return exclusively(() -> ensureHostLocked(request, renewBeforeDays));
    }

    private IssuedCertificate ensureHostLocked(HostCertificateRequest request, int renewBeforeDays) {
        CertificateAuthority authority = currentCa();
        String name = request.memberName();
        CertificateCheck check = examine(Kind.HOST, name, request.keyAlgorithm(), request.sanSet(), renewBeforeDays);
        if (!check.reissue()) {
            return stored(Kind.HOST, name, check.reason());
        }
        archive(Kind.HOST, name);
        KeyPair keys = Keys.generate(request.keyAlgorithm());
        X509Certificate certificate = authority.issueHost(request, keys.getPublic(), clock.instant());
        return install(Kind.HOST, name, certificate, keys.getPrivate(), check.reason());
    }

    /** What {@link #ensureClientCertificate} would do, without writing anything; the form is the stored one's. */
    public synchronized CertificateCheck checkClientCertificate(String name, KeyAlgorithm algorithm, int renewBeforeDays) {
        return checkClientCertificate(name, storedClientSubject(name), algorithm, renewBeforeDays);
    }

    /** What {@link #ensureClientCertificate} would do for a certificate of that form, without writing anything. */
    public synchronized CertificateCheck checkClientCertificate(String name, ClientSubject form, KeyAlgorithm algorithm,
            int renewBeforeDays) {
        HostCertificateRequest.requireFileSafeName("client", name);
        if (!Files.exists(caCertificateFile()) && !Files.exists(caKeyFile())) {
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
        return exclusively(() -> ensureClientLocked(name, form, algorithm, days, renewBeforeDays));
    }

    private IssuedCertificate ensureClientLocked(String name, ClientSubject form, KeyAlgorithm algorithm, int days,
            int renewBeforeDays) {
        CertificateAuthority authority = currentCa();
        CertificateCheck check = examine(Kind.CLIENT, name, algorithm, null, renewBeforeDays, form);
        if (!check.reissue()) {
            return stored(Kind.CLIENT, name, check.reason());
        }
        archive(Kind.CLIENT, name);
        KeyPair keys = Keys.generate(algorithm);
        X509Certificate certificate = authority.issueClient(name, form, keys.getPublic(), days, clock.instant());
        return install(Kind.CLIENT, name, certificate, keys.getPrivate(), check.reason());
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
        CertificateAuthority authority = currentCa();
        return exclusively(() -> {
            archive(Kind.HOST, request.memberName());
            KeyPair keys = Keys.generate(request.keyAlgorithm());
            X509Certificate certificate = authority.issueHost(request, keys.getPublic(), clock.instant());
            return install(Kind.HOST, request.memberName(), certificate, keys.getPrivate(), "rotated");
        });
    }

    /**
     * Rotation of a client certificate: like {@link #reissueHostCertificate}, clientAuth only, in
     * the form of the stored one (apply, not a rotation, decides the form).
     */
    public synchronized IssuedCertificate reissueClientCertificate(String name, KeyAlgorithm algorithm, int days) {
        HostCertificateRequest.requireFileSafeName("client", name);
        Objects.requireNonNull(algorithm, "algorithm");
        CertificateAuthority authority = currentCa();
        ClientSubject form = name.equals(ADMIN_CLIENT) ? ClientSubject.COMMON_NAME : storedClientSubject(name);
        return exclusively(() -> {
            archive(Kind.CLIENT, name);
            KeyPair keys = Keys.generate(algorithm);
            X509Certificate certificate = authority.issueClient(name, form, keys.getPublic(), days, clock.instant());
            return install(Kind.CLIENT, name, certificate, keys.getPrivate(), "rotated");
        });
    }

    /** The names of the client certificates in clients/, sorted. */
    public synchronized List<String> clientNames() {
        return list().stream().filter(c -> c.kind().equals("client")).map(StoredCertificate::name).toList();
    }

    /** dcsprov's own admin certificate, CN "root", in clients/root.*. */
    public IssuedCertificate ensureAdminClientCertificate(KeyAlgorithm algorithm, int days, int renewBeforeDays) {
        return ensureClientCertificate(ADMIN_CLIENT, algorithm, days, renewBeforeDays);
    }

    /**
     * Why the stored certificate must be reissued, or why it can stay. The checks run from the
     * most to the least fundamental, so the reason names the real problem.
     *
     * @param sans expected SAN set for hosts; null for clients (which have none)
     */
    private CertificateCheck examine(Kind kind, String name, KeyAlgorithm algorithm, SortedSet<String> sans,
            int renewBeforeDays) {
        return examine(kind, name, algorithm, sans, renewBeforeDays, ClientSubject.COMMON_NAME);
    }

    private CertificateCheck examine(Kind kind, String name, KeyAlgorithm algorithm, SortedSet<String> sans,
            int renewBeforeDays, ClientSubject form) {
        if (renewBeforeDays < 0) {
            throw new IllegalArgumentException("renewBeforeDays must not be negative, got " + renewBeforeDays);
        }
        Path certFile = file(kind, name, ".crt");
        Path keyFile = file(kind, name, ".key");
        boolean certExists = Files.exists(certFile);
        boolean keyExists = Files.exists(keyFile);
        if (!certExists && !keyExists) {
            return reissue("missing");
        }
        if (!certExists) {
            return reissue("certificate file missing");
        }
        if (!keyExists) {
            return reissue("key file missing");
        }
        requirePrivate(keyFile);
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = Pem.decodeCertificate(Files.readAllBytes(certFile));
        } catch (IOException e) {
            return reissue("unreadable certificate: " + e.getMessage());
        }
        try {
            key = Pem.decodePrivateKey(Files.readAllBytes(keyFile));
        } catch (IOException e) {
            return reissue("unreadable key: " + e.getMessage());
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            return reissue("key does not match certificate");
        }
        if (!signingCa().signed(certificate) && !trustedDuringRotation(certificate)) {
            return reissue("signed by another CA");
        }
        Optional<KeyAlgorithm> actual = Keys.algorithmOf(certificate.getPublicKey());
        if (actual.isEmpty() || actual.get() != algorithm) {
            return reissue("key algorithm changed: " + Keys.describe(certificate.getPublicKey())
                    + " -> " + algorithm.id());
        }
        CertificateInfo info = CertificateInfo.of(certificate);
        if (kind == Kind.CLIENT && form == ClientSubject.NO_COMMON_NAME) {
            if (!info.commonName().isEmpty()) {
                return reissue("has CN '" + info.commonName() + "', which etcd's JSON gateway refuses; a user with a "
                        + "password gets a certificate without CN");
            }
            String ou = CertificateInfo.organizationalUnit(certificate.getSubjectX500Principal());
            if (!ou.equals(name)) {
                return reissue("subject OU is '" + ou + "', expected '" + name + "'");
            }
        } else if (!info.commonName().equals(name)) {
            return reissue(info.commonName().isEmpty() && kind == Kind.CLIENT
                    ? "has no CN; a user without a password is certificate-only and needs CN '" + name + "'"
                    : "subject CN is '" + info.commonName() + "', expected '" + name + "'");
        }
        List<String> usages = kind == Kind.HOST ? List.of("serverAuth", "clientAuth") : List.of("clientAuth");
        if (!info.extendedKeyUsages().containsAll(usages)) {
            return reissue("extended key usage " + info.extendedKeyUsages() + " lacks " + usages);
        }
        if (sans != null) {
            SortedSet<String> present = HostCertificateRequest.sanSet(info.dnsNames(), info.ipAddresses());
            if (!present.equals(sans)) {
                return reissue("SANs changed: " + sanDiff(present, sans));
            }
        }
        Instant now = clock.instant();
        long daysLeft = info.daysLeft(now);
        if (info.isExpired(now)) {
            return reissue("expired " + Math.max(1, -daysLeft) + " days ago");
        }
        if (!info.notAfter().isAfter(now.plus(Duration.ofDays(renewBeforeDays)))) {
            return reissue("expires in " + daysLeft + " days");
        }
        return new CertificateCheck(false, "valid, expires in " + daysLeft + " days");
    }

    private static CertificateCheck reissue(String reason) {
        return new CertificateCheck(true, reason);
    }

    /** "+dns:new +ip:1.2.3.5 -ip:1.2.3.4": additions first, then removals, each sorted. */
    static String sanDiff(SortedSet<String> present, SortedSet<String> wanted) {
        List<String> parts = new ArrayList<>();
        for (String san : wanted) {
            if (!present.contains(san)) {
                parts.add("+" + san);
            }
        }
        for (String san : present) {
            if (!wanted.contains(san)) {
                parts.add("-" + san);
            }
        }
        return String.join(" ", parts);
    }

    private IssuedCertificate stored(Kind kind, String name, String reason) {
        Path certFile = file(kind, name, ".crt");
        Path keyFile = file(kind, name, ".key");
        try {
            byte[] certPem = Files.readAllBytes(certFile);
            byte[] keyPem = Files.readAllBytes(keyFile);
            CertificateInfo info = CertificateInfo.parse(certPem);
            return new IssuedCertificate(name, false, reason, certPem, keyPem, info, certFile, keyFile);
        } catch (IOException e) {
            throw ioError("Cannot read " + certFile, e);
        }
    }

    /** Key first, then certificate: a crash in between leaves a pair that the next run sees as mismatched. */
    private IssuedCertificate install(Kind kind, String name, X509Certificate certificate, PrivateKey key,
            String reason) {
        Path certFile = file(kind, name, ".crt");
        Path keyFile = file(kind, name, ".key");
        byte[] keyPem = Pem.encodePrivateKey(key);
        byte[] certPem = Pem.encodeCertificate(certificate);
        write(keyFile, keyPem, SecureFiles.PRIVATE);
        write(certFile, certPem, SecureFiles.PUBLIC);
        return new IssuedCertificate(name, true, reason, certPem, keyPem, CertificateInfo.of(certificate),
                certFile, keyFile);
    }

    /** Moves the existing pair (or whichever half exists) to archive/&lt;timestamp&gt;/&lt;kind&gt;/. */
    private void archive(Kind kind, String name) {
        List<Path> existing = new ArrayList<>();
        for (String suffix : List.of(".crt", ".key")) {
            Path file = file(kind, name, suffix);
            if (Files.exists(file)) {
                existing.add(file);
            }
        }
        if (existing.isEmpty()) {
            return;
        }
        Path target = archiveDirectory(kind.directory, existing);
        try {
            for (Path file : existing) {
                SecureFiles.moveAtomically(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw ioError("Cannot move " + name + "'s old certificate to " + target, e);
        }
    }

    /** archive/&lt;stamp&gt;/&lt;kind&gt;, with "-2", "-3"... when the same files were archived within the second. */
    private Path archiveDirectory(String kind, List<Path> files) {
        String stamp = ARCHIVE_STAMP.format(clock.instant());
        for (int attempt = 1; ; attempt++) {
            Path dir = directory.resolve("archive").resolve(attempt == 1 ? stamp : stamp + "-" + attempt)
                    .resolve(kind);
            if (files.stream().noneMatch(f -> Files.exists(dir.resolve(f.getFileName())))) {
                try {
                    SecureFiles.createPrivateDirectory(directory);
                    SecureFiles.createPrivateDirectory(directory.resolve("archive"));
                    SecureFiles.createPrivateDirectory(dir.getParent());
                    SecureFiles.createPrivateDirectory(dir);
                } catch (IOException e) {
                    throw ioError("Cannot create " + dir, e);
                }
                return dir;
            }
        }
    }

    // ---------------------------------------------------------------- files

    /**
     * Runs a change with the PKI dir locked: against other stores on the same directory in this
     * JVM (a monitor) and against other dcsprov processes (a lock on .lock). Without it two runs
     * could each create a CA and one would silently replace the other's key.
     */
    private <T> T exclusively(Supplier<T> change) {
        synchronized (DIRECTORY_MONITORS.computeIfAbsent(directory, d -> new Object())) {
            Path lockFile = directory.resolve(".lock");
            try {
                SecureFiles.createPrivateDirectory(directory);
            } catch (IOException e) {
                throw ioError("Cannot create the PKI dir " + directory, e);
            }
            FileAttribute<?>[] attributes = SecureFiles.posix(directory)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SecureFiles.PRIVATE)}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(lockFile,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attributes);
                    FileLock lock = channel.lock()) {
                return change.get();
            } catch (IOException e) {
                throw ioError("Cannot lock " + lockFile, e);
            }
        }
    }

    private enum Kind {
        HOST("hosts"), CLIENT("clients");

        final String directory;

        Kind(String directory) {
            this.directory = directory;
        }
    }

    private Path file(Kind kind, String name, String suffix) {
        HostCertificateRequest.requireFileSafeName(kind == Kind.HOST ? "member" : "client", name);
        return directory.resolve(kind.directory).resolve(name + suffix);
    }

    private void write(Path file, byte[] content, Set<PosixFilePermission> perms) {
        try {
            // Create each level ourselves so every directory in the PKI dir is 0700.
            SecureFiles.createPrivateDirectory(directory);
            SecureFiles.createPrivateDirectory(file.getParent());
            SecureFiles.writeAtomically(file, content, perms);
        } catch (IOException e) {
            throw ioError("Cannot write " + file, e);
        }
    }

    private void requirePrivate(Path keyFile) {
        String loose;
        try {
            loose = SecureFiles.loosePermissions(keyFile);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw ioError("Cannot read the permissions of " + keyFile, e);
        }
        if (loose != null) {
            throw new DcsprovException(ExitCode.PKI,
                    "The private key " + keyFile + " is readable by other users (" + loose + ")",
                    "Private keys in the PKI dir must be readable by their owner only; dcsprov refuses to use "
                            + "a key that others may have copied.",
                    String.format(CHMOD_FIX_FORMAT, dev.dcsprov.Shell.quote(keyFile.toString()),
                            dev.dcsprov.Shell.quote(String.valueOf(keyFile.getParent()))));
        }
    }

    private static DcsprovException ioError(String summary, IOException e) {
        return new DcsprovException(ExitCode.PKI, summary, e.toString(),
                "Check that the PKI dir exists, is writable by you and its file system is not full.", e);
    }

    /** All stored certificates, for {@code dcsprov certs}: the CA, then members, then clients, by name. */
    public synchronized List<StoredCertificate> list() {
        List<StoredCertificate> result = new ArrayList<>();
        if (Files.exists(caCertificateFile())) {
            result.add(describe("ca", "ca", caCertificateFile()));
        }
        for (Kind kind : Kind.values()) {
            Path dir = directory.resolve(kind.directory);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            TreeSet<String> names = new TreeSet<>();
            try (var files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".crt") && !n.startsWith("."))
                        .forEach(n -> names.add(n.substring(0, n.length() - 4)));
            } catch (IOException e) {
                throw ioError("Cannot list " + dir, e);
            }
            for (String name : names) {
                result.add(describe(kind == Kind.HOST ? "host" : "client", name, dir.resolve(name + ".crt")));
            }
        }
        return result;
    }

    private static StoredCertificate describe(String kind, String name, Path file) {
        try {
            return new StoredCertificate(kind, name, file, Optional.of(CertificateInfo.parse(Files.readAllBytes(file))),
                    Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            return new StoredCertificate(kind, name, file, Optional.empty(), Optional.of(e.getMessage()));
        }
    }
}
