package dev.dcsprov.pki;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The files of a CA rotation in the PKI dir: the recorded phase (one line, replaced atomically,
 * so a crash leaves the old or the new phase), the next CA, the bundle of both for clients, and
 * the finish that makes the next CA the current one. Callers hold the directory's lock for changes.
 */
final class CaRotationRecord {
    private final PkiDirectory dir;

    CaRotationRecord(PkiDirectory dir) {
        this.dir = dir;
    }

    /** The recorded phase, empty when no CA rotation is under way. */
    Optional<CaRotationPhase> phase() {
        Path f = dir.caRotation();
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        String name = new String(dir.read(f), StandardCharsets.US_ASCII).strip();
        try {
            return Optional.of(CaRotationPhase.valueOf(name));
        } catch (IllegalArgumentException e) {
            throw new DcsprovException(ExitCode.PKI, f + " names no CA rotation phase: '" + name + "'",
                    "It records how far 'rotate-certs --ca' got; one of TRUST_BOTH, NEW_LEAVES, DROP_OLD.",
                    "Check 'dcsprov certs' for which CA the members trust and write the matching phase, or restore the file from a backup.");
        }
    }

    void record(CaRotationPhase phase) {
        dir.write(dir.caRotation(), (phase.name() + "\n").getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC);
    }

    /** ca-next.* present and not copies of ca.* (which a finish that crashed leaves behind). */
    boolean hasFreshNextCa() {
        return Files.exists(dir.caNextCertificate()) && Files.exists(dir.caNextKey())
                && !Arrays.equals(dir.read(dir.caNextCertificate()), dir.read(dir.caCertificate()));
    }

    /**
     * The old ca.crt|key go to archive/&lt;time&gt;/ca/, the next CA becomes ca.crt|key, and the record
     * goes. Safe to repeat after a crash at any point.
     */
    void finish() {
        if (Files.exists(dir.caNextCertificate()) && Files.exists(dir.caNextKey())) {
            try {
                byte[] nextCert = Files.readAllBytes(dir.caNextCertificate());
                byte[] nextKey = Files.readAllBytes(dir.caNextKey());
                if (!Arrays.equals(nextCert, Files.readAllBytes(dir.caCertificate()))) {
                    Path target = dir.archiveDirectory("ca", List.of(dir.caCertificate(), dir.caKey()));
                    Files.copy(dir.caKey(), target.resolve("ca.key"), StandardCopyOption.COPY_ATTRIBUTES);
                    Files.copy(dir.caCertificate(), target.resolve("ca.crt"), StandardCopyOption.COPY_ATTRIBUTES);
                    dir.write(dir.caKey(), nextKey, SecureFiles.PRIVATE);
                    dir.write(dir.caCertificate(), nextCert, SecureFiles.PUBLIC);
                }
                // The record goes first: ca-next.* left behind by a crash now are copies of ca.*, which
                // hasFreshNextCa recognises. Nothing is lost by removing the duplicates.
                Files.deleteIfExists(dir.caRotation());
                Files.delete(dir.caNextKey());
                Files.delete(dir.caNextCertificate());
                Files.deleteIfExists(dir.caBundle()); // ca.crt + ca-next.crt, both kept above
            } catch (IOException e) {
                throw PkiDirectory.ioError("Cannot make the new CA the current one in " + dir.root(), e);
            }
        }
        try {
            Files.deleteIfExists(dir.caRotation());
        } catch (IOException e) {
            throw PkiDirectory.ioError("Cannot remove " + dir.caRotation(), e);
        }
    }

    /** What members should carry as ca.crt: the current CA; phases 1 and 2 the bundle current + next; phase 3 the next alone. */
    byte[] trustedCaPem() {
        byte[] current = dir.read(dir.caCertificate());
        Optional<CaRotationPhase> phase = phase();
        if (phase.isEmpty()) {
            return current;
        }
        byte[] next = dir.read(dir.caNextCertificate());
        return phase.get() == CaRotationPhase.DROP_OLD ? next : bundle(current, next);
    }

    /** Writes ca-bundle.crt (current + next) when it is missing or stale. */
    void writeClientBundle() {
        byte[] both = bundle(dir.read(dir.caCertificate()), dir.read(dir.caNextCertificate()));
        if (!Files.exists(dir.caBundle()) || !Arrays.equals(both, dir.read(dir.caBundle()))) {
            dir.write(dir.caBundle(), both, SecureFiles.PUBLIC);
        }
    }

    private static byte[] bundle(byte[] first, byte[] second) {
        String a = new String(first, StandardCharsets.US_ASCII);
        return ((a.endsWith("\n") ? a : a + "\n") + new String(second, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
    }
}
