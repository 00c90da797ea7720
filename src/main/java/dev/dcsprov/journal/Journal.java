package dev.dcsprov.journal;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.RollingRestart;
import dev.dcsprov.pki.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's journal: before each step that changes a member the run records what it is about to do,
 * locally ({@code journal-OPERATION} in the PKI dir, 0600, written atomically: temp file, fsync, rename) and on
 * the member ({@link MemberJournals}), and records it done afterwards. The next run of the same
 * operation reads it: a member the interrupted run left inside a step (it may be stopped, or
 * restarted with new files) is the first one to finish, not an unhealthy cluster to refuse
 * (see {@link dev.dcsprov.cluster.ResumeGate}). {@code dcsprov status} shows an interrupted operation.
 *
 * <p>Each operation keeps its own local record, so a run of one operation (a join, say) never overwrites
 * what an interrupted other one (a CA rotation) needs to finish; the run is told that the other is pending.
 */
public final class Journal {
    /** The one local record of releases before the per-operation ones; still read, replaced by the first record. */
    public static final String LEGACY_FILE = "journal";
    private static final String PREFIX = "journal-";

    /** Where the members keep their copy of the record. */
    public interface MemberJournals {
        /** Records the entry on the member atomically, or throws (the step then does not start). */
        void write(String member, JournalEntry entry);

        MemberJournals NONE = (member, entry) -> {
        };
    }

    private final Path file;
    private final Path legacy;
    private final String operation;
    private final String resume;
    private final MemberJournals members;
    private final KillPoint kill;
    private final Optional<JournalEntry> previous;
    /** Set once this run recorded a member step: from then on the previous run's member is finished or being finished. */
    private volatile boolean resumed;
    private volatile boolean wrote;
    /** Written with every record from now on (see {@link JournalEntry#detail()}). */
    private volatile String detail = "";

    private Journal(Path pkiDir, String operation, String resume, MemberJournals members, KillPoint kill) {
        this.file = pkiDir == null ? null : fileOf(pkiDir, operation);
        this.legacy = pkiDir == null ? null : pkiDir.resolve(LEGACY_FILE);
        this.operation = operation;
        this.resume = resume;
        this.members = members;
        this.kill = kill;
        this.previous = file == null ? Optional.empty()
                : read(file).or(() -> read(legacy).filter(e -> e.operation().equals(operation)));
    }

    /** The local record of {@code operation} in {@code pkiDir}. */
    public static Path fileOf(Path pkiDir, String operation) {
        return pkiDir.resolve(PREFIX + operation);
    }

    /** A journal that records nothing (unit tests of code that takes one). */
    public static Journal none() {
        return new Journal(null, "", "", MemberJournals.NONE, new KillPoint(null));
    }

    /**
     * @param pkiDir    the cluster's PKI dir, where the local record lives
     * @param operation the operation's id ({@code rotate-certs}, {@code rotate-certs-ca} ...)
     * @param resume    the command line that finishes it (the run's own)
     */
    public static Journal open(Path pkiDir, String operation, String resume, MemberJournals members) {
        return new Journal(pkiDir, operation, resume, members, KillPoint.fromEnvironment());
    }

    /** For tests: a journal with kill points of its own. */
    static Journal open(Path pkiDir, String operation, String resume, MemberJournals members, String killAt) {
        return new Journal(pkiDir, operation, resume, members, new KillPoint(killAt));
    }

    /** The local record in {@code pkiDir}, if there is a readable one. */
    public static Optional<JournalEntry> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return JournalEntry.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Every operation's local record in {@code pkiDir}, newest first (the legacy record only when no newer one is of its operation). */
    public static List<JournalEntry> readAll(Path pkiDir) {
        Map<String, JournalEntry> byOperation = new HashMap<>();
        try (Stream<Path> files = Files.isDirectory(pkiDir) ? Files.list(pkiDir) : Stream.empty()) {
            files.filter(f -> f.getFileName().toString().startsWith(PREFIX)).sorted().forEach(f ->
                    read(f).ifPresent(e -> byOperation.put(e.operation(), e)));
        } catch (IOException e) {
            return List.of();
        }
        read(pkiDir.resolve(LEGACY_FILE)).ifPresent(e -> byOperation.putIfAbsent(e.operation(), e));
        return byOperation.values().stream().sorted(Comparator.comparing(JournalEntry::time).reversed()).toList();
    }

    /** The local record of {@code operation}, as the next run of it reads it. */
    public static Optional<JournalEntry> readDir(Path pkiDir, String operation) {
        return read(fileOf(pkiDir, operation))
                .or(() -> read(pkiDir.resolve(LEGACY_FILE)).filter(e -> e.operation().equals(operation)));
    }

    /** Interrupted runs of other operations: not this run's to finish, but the operator is told they are pending. */
    public List<JournalEntry> otherInterrupted() {
        if (file == null) {
            return List.of();
        }
        return readAll(file.getParent()).stream().filter(e -> !e.operation().equals(operation) && e.interrupted()).toList();
    }

    /** The command that finishes the operation, as recorded. */
    public String resumeCommand() {
        return resume;
    }

    /** What the journal held when this run opened it. */
    public Optional<JournalEntry> previous() {
        return previous;
    }

    /** The previous run of this operation, when it did not end. */
    public Optional<JournalEntry> interrupted() {
        return previous.filter(e -> e.operation().equals(operation) && e.interrupted());
    }

    /** The member the interrupted run of this operation left inside a step (maybe down, maybe with new files). */
    public Optional<String> interruptedMember() {
        return resumed ? Optional.empty() : interrupted().filter(JournalEntry::inStep).map(JournalEntry::member);
    }

    /** Before a step on a member: recorded locally and on the member, then (test-only) maybe a halt. */
    public void begin(String phase, String member, String step) {
        resumed = true;
        record(new JournalEntry(operation, phase, member, step, JournalEntry.STARTED, resume, now(), pid(), detail), member);
    }

    /**
     * Before a step on a member whose host cannot take a copy of the record (unreachable, or not in the
     * inventory): recorded locally only, still naming the member.
     */
    public void beginLocally(String phase, String member, String step) {
        resumed = true;
        record(new JournalEntry(operation, phase, member, step, JournalEntry.STARTED, resume, now(), pid(), detail), "");
    }

    /** After the member's last step: it is consistent again. */
    public void done(String phase, String member, String step) {
        record(new JournalEntry(operation, phase, member, step, JournalEntry.DONE, resume, now(), pid(), detail), member);
    }

    /** {@link #done} for a member whose host cannot take a copy of the record. */
    public void doneLocally(String phase, String member, String step) {
        record(new JournalEntry(operation, phase, member, step, JournalEntry.DONE, resume, now(), pid(), detail), "");
    }

    /** What every later record of this run carries for the next run to read (one line, no secret). */
    public Journal detail(String detail) {
        this.detail = detail.replace('\n', ' ');
        return this;
    }

    /**
     * Before a step of the whole operation that changes no member's etcd (e.g. restore copying its snapshot to the
     * members' temp dirs), recorded locally only; {@code status} says the run stopped while doing it.
     */
    public void starting(String phase, String step) {
        record(new JournalEntry(operation, phase, "", step, JournalEntry.STARTED, resume, now(), pid(), detail), "");
    }

    /** A step of the whole operation (e.g. "issued" or the start of a phase), recorded locally only. */
    public void mark(String phase, String step) {
        record(new JournalEntry(operation, phase, "", step, JournalEntry.DONE, resume, now(), pid(), detail), "");
    }

    /** The operation stopped where it was asked to (e.g. --stop-after-phase): nothing to finish. */
    public void paused(String phase) {
        record(new JournalEntry(operation, phase, "", "paused", JournalEntry.PAUSED, resume, now(), pid(), detail), "");
    }

    public void finished(String phase) {
        record(new JournalEntry(operation, phase, "", "finished", JournalEntry.FINISHED, resume, now(), pid(), detail), "");
    }

    /**
     * The rolling restart's records for one phase: "files" before the member's new files, "restart" before its
     * restart, "done" once it is back and caught up (kill points name these steps).
     */
    public RollingRestart.Recorder recorder(String phase) {
        if (file == null) {
            return RollingRestart.Recorder.none();
        }
        return new RollingRestart.Recorder() {
            @Override
            public void step(ClusterMember member, String step) {
                begin(phase, member.name(), step);
            }

            @Override
            public void done(ClusterMember member) {
                Journal.this.done(phase, member.name(), "done");
            }
        };
    }

    /** True once this run recorded anything. */
    public boolean wroteThisRun() {
        return wrote;
    }

    private synchronized void record(JournalEntry entry, String member) {
        if (file == null) {
            return;
        }
        wrote = true;
        try {
            SecureFiles.writeAtomically(file, entry.text().getBytes(StandardCharsets.UTF_8), SecureFiles.PRIVATE);
            // The legacy record of this operation is superseded now; another operation's stays readable.
            if (read(legacy).filter(e -> e.operation().equals(operation)).isPresent()) {
                Files.deleteIfExists(legacy);
            }
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "cannot write the run journal " + file, e.toString(),
                    "check the PKI dir is writable, then run the command again; nothing was changed for this step");
        }
        if (!member.isEmpty()) {
            members.write(member, entry);
        }
        kill.haltIfReached(entry);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }
}
