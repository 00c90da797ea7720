package dev.dcsprov.ssh;

/** What a remote script did: its exit status and everything it printed. */
public record CommandResult(int exitStatus, String stdout, String stderr) {
    public boolean ok() {
        return exitStatus == 0;
    }
}
