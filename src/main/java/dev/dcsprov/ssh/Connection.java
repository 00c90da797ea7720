package dev.dcsprov.ssh;

/**
 * An open session to one host, reused for a whole run. Implementations are thread-safe for
 * sequential use by one worker; one connection is never shared by two hosts.
 */
public interface Connection extends AutoCloseable {

    /** The inventory name of the host, for messages. */
    String hostName();

    /**
     * Runs a POSIX shell script on the host (through {@code sudo -n} when the host needs become).
     * The script text is visible in the host's process list, so it must never contain a secret;
     * secrets travel in {@link RemoteCommand#stdin()}.
     *
     * @throws RemoteException when the transport fails (not when the script exits non-zero)
     */
    CommandResult run(RemoteCommand command);

    /**
     * Like {@link #run(RemoteCommand)}, but the script's standard output goes to {@code stdout} byte for byte
     * (binary-safe, never held in memory as a whole), e.g. a snapshot read with {@code cat}. The result's
     * stdout is then empty; stderr is captured as usual.
     */
    CommandResult run(RemoteCommand command, java.io.OutputStream stdout);

    /**
     * Starts a script, feeds it {@code command.stdin()} without closing its standard input, and waits until it
     * prints the line {@code readyLine} (then it stays running until the handle is closed or the connection
     * dies) or ends (then the handle carries its result). For locks that must die with this process.
     */
    default HeldCommand hold(RemoteCommand command, String readyLine) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot hold a command");
    }

    @Override
    void close();
}
