package dev.dcsprov.journal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One record of a run's journal: what the run is about to do (state {@code started}) or has just
 * finished ({@code done}) on a member, or how the operation ended ({@code paused}, {@code finished}).
 * Stored as {@code key=value} lines, one field per line, so an operator can read it with cat.
 *
 * @param operation the operation's id, e.g. {@code rotate-certs-ca} (see {@link #label()})
 * @param phase     where in the operation, e.g. a CA rotation phase name, or {@code leaf}
 * @param member    the member the step changes; empty for a record of the whole operation
 * @param step      what is done to it: {@code files} (new files about to be installed), {@code restart}
 *                  (files in place, etcd about to restart), or the operation's own step names: a membership change
 *                  records {@code add}, {@code start}, {@code promote} (a join) and {@code remove}, {@code move-aside}
 *                  (a removal), see {@link dev.dcsprov.membership.MembershipResume}; Patroni's delivery records {@code files} and
 *                  {@code reload} (see {@link dev.dcsprov.patroni.PatroniResume}); maintenance records {@code compact},
 *                  {@code defragment} (a member) and {@code disarm}, see {@link dev.dcsprov.maintain.Maintenance}
 * @param state     {@code started}, {@code done}, {@code paused} or {@code finished}
 * @param resume    the command that finishes the operation: the interrupted run's own command line
 * @param time      UTC time of the record
 * @param pid       the process that wrote it, for status
 * @param detail    what the operation needs to know of itself on a re-run (e.g. restore's snapshot checksum and
 *                  cluster token), one line without secrets; empty for most operations (the line is then not written)
 */
public record JournalEntry(String operation, String phase, String member, String step, String state, String resume,
                           String time, long pid, String detail) {
    public JournalEntry(String operation, String phase, String member, String step, String state, String resume, String time, long pid) {
        this(operation, phase, member, step, state, resume, time, pid, "");
    }

    public static final String STARTED = "started";
    public static final String DONE = "done";
    public static final String PAUSED = "paused";
    public static final String FINISHED = "finished";

    /** True when the run stopped inside a step: the member may be stopped or restarted with new files. */
    public boolean inStep() {
        return state.equals(STARTED) && !member.isEmpty();
    }

    /** True unless the operation ended (finished, or paused as asked). */
    public boolean interrupted() {
        return !state.equals(FINISHED) && !state.equals(PAUSED);
    }

    /** The kill-point label of this record: {@code operation:phase:step}. */
    public String label() {
        return operation + ":" + phase + ":" + step;
    }

    public String text() {
        StringBuilder s = new StringBuilder();
        fields().forEach((k, v) -> s.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        return s.toString();
    }

    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("operation", operation);
        m.put("phase", phase);
        m.put("member", member);
        m.put("step", step);
        m.put("state", state);
        m.put("resume", resume);
        m.put("time", time);
        m.put("pid", String.valueOf(pid));
        if (!detail.isEmpty()) {
            m.put("detail", detail);
        }
        return m;
    }

    /** Parses {@link #text()}; empty when the text is not a whole record (e.g. a file from elsewhere). */
    public static Optional<JournalEntry> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        for (String k : new String[] {"operation", "phase", "member", "step", "state", "resume", "time"}) {
            if (!m.containsKey(k)) {
                return Optional.empty();
            }
        }
        long pid;
        try {
            pid = Long.parseLong(m.getOrDefault("pid", "0"));
        } catch (NumberFormatException e) {
            pid = 0;
        }
        return Optional.of(new JournalEntry(m.get("operation"), m.get("phase"), m.get("member"), m.get("step"), m.get("state"),
                m.get("resume"), m.get("time"), pid, m.getOrDefault("detail", "")));
    }

    /** One line for people: what was being done, and where. */
    public String describe() {
        String where = member.isEmpty() ? "" : " on " + member;
        String what = operation.equals("restore") ? restoreStep(where) : operation.equals("backup") ? backupStep(where) : switch (step) {
            case "files" -> (operation.equals("patroni-delivery") ? "installing Patroni's etcd files" : "installing new files") + where;
            case "reload" -> "reloading Patroni" + where + " (then waiting until it reaches etcd)";
            case "restart" -> "restarting" + where + " with its new files";
            case "done" -> "finishing" + where;
            case "add" -> "adding" + where.replace(" on ", " ") + " to etcd as a learner";
            case "start" -> "starting etcd" + where + " (a learner, not yet a voter)";
            case "promote" -> "promoting" + where.replace(" on ", " ") + " from learner to voter";
            case "remove" -> "removing" + where.replace(" on ", " ") + " from etcd";
            case "move-aside" -> "stopping etcd" + where + " and moving its data dir aside";
            case "removed" -> "the removal" + where.replace(" on ", " of ");
            case "compact" -> "starting to compact the history";
            case "defragment" -> "defragmenting" + where.replace(" on ", " ");
            case "disarm" -> "every defragmentation, starting to disarm the NOSPACE alarm";
            default -> step + where;
        };
        return operation + " (" + phase + "): " + (state.equals(STARTED) ? "stopped while " + what : "stopped after " + what)
                + ", at " + time;
    }

    /** restore's steps (see {@link dev.dcsprov.backup.RestoreResume}). */
    private String restoreStep(String where) {
        return switch (step) {
            case "stage" -> "copying the snapshot to every member and trial-restoring it there (nothing changed yet)";
            case "stop" -> "stopping etcd" + where;
            case "move-aside" -> "moving the data dir aside" + where;
            case "restore" -> "restoring the data dir from the snapshot" + where;
            case "config" -> "writing the config" + where;
            case "start" -> "starting etcd" + where + " on the restored data";
            case "started" -> "starting every member on the restored data, before the cluster was seen healthy";
            case "healthy" -> "the restored cluster became healthy, before the restore recorded its end";
            default -> step + where;
        };
    }

    /** backup's steps: local records only (the member's temp copy is the only thing it changes there). */
    private String backupStep(String where) {
        return switch (step) {
            case "snapshot" -> "taking a snapshot" + where;
            case "copy" -> "copying the snapshot" + where.replace(" on ", " from ") + " to this machine";
            case "keep" -> "naming the backup and removing the oldest beyond dcsprov_backup_keep";
            default -> step + where;
        };
    }
}
