package dev.dcsprov.ssh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A shell script to run remotely, with optional bytes for its standard input.
 *
 * @param script  POSIX sh script; never contains secrets (it shows up in ps)
 * @param stdin   data fed to the script's standard input, may be empty; the only channel for secrets
 * @param timeout how long to wait for the script to finish
 */
public record RemoteCommand(String script, byte[] stdin, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    public static RemoteCommand of(String script) {
        return new RemoteCommand(script, new byte[0], DEFAULT_TIMEOUT);
    }

    public RemoteCommand withStdin(byte[] data) {
        return new RemoteCommand(script, data, timeout);
    }

    public RemoteCommand withStdin(String data) {
        return withStdin(data.getBytes(StandardCharsets.UTF_8));
    }

    public RemoteCommand withTimeout(Duration t) {
        return new RemoteCommand(script, stdin, t);
    }
}
