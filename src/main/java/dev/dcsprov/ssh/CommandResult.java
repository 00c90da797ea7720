package dev.dcsprov.ssh;

/** What a remote script did: its exit status and everything it printed. */
public record CommandResult(int exitStatus, String stdout, String stderr) {
    /** "exit status 1: what it said on stderr", for error messages. */
    public String describe() {
        String err = stderr.strip();
        return "exit status " + exitStatus + (err.isEmpty() ? "" : ": " + err);
    }

    public boolean ok() {
        return exitStatus == 0;
    }
}
