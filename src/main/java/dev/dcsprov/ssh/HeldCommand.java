package dev.dcsprov.ssh;

/**
 * A remote script that keeps running while this handle is open (e.g. one holding a lock), or the
 * result of one that ended before it said it was ready. Closing it ends the script's standard input
 * and its session; if this process dies, its SSH connection and with it the script go too.
 */
public final class HeldCommand implements AutoCloseable {
    private final CommandResult ended;
    private final Runnable release;

    private HeldCommand(CommandResult ended, Runnable release) {
        this.ended = ended;
        this.release = release;
    }

    public static HeldCommand held(Runnable release) {
        return new HeldCommand(null, release);
    }

    public static HeldCommand ended(CommandResult result) {
        return new HeldCommand(result, () -> { });
    }

    /** True while the script runs and holds what it was started for. */
    public boolean held() {
        return ended == null;
    }

    /** What the script printed and its exit status, when it ended instead of holding. */
    public CommandResult result() {
        if (ended == null) {
            throw new IllegalStateException("the command is still held");
        }
        return ended;
    }

    @Override
    public void close() {
        release.run();
    }
}
