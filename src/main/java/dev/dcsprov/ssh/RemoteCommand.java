package dev.dcsprov.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A shell script to run remotely, with optional bytes for its standard input.
 *
 * @param script      POSIX sh script; never contains secrets (it shows up in ps)
 * @param stdin       data fed to the script's standard input, may be empty; the only channel for secrets
 * @param stdinSource a stream opened when the command is sent, used instead of {@code stdin} (a snapshot:
 *                    too big to hold in memory)
 * @param timeout     how long to wait for the script to finish
 */
public record RemoteCommand(String script, byte[] stdin, Optional<StdinSource> stdinSource, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    /** Standard input that is opened, read once and closed when the command is sent. */
    @FunctionalInterface
    public interface StdinSource {
        InputStream open() throws IOException;
    }

    public static RemoteCommand of(String script) {
        return new RemoteCommand(script, new byte[0], Optional.empty(), DEFAULT_TIMEOUT);
    }

    public RemoteCommand withStdin(byte[] data) {
        return new RemoteCommand(script, data, Optional.empty(), timeout);
    }

    /** Streams {@code file} to the script's standard input, read as it is sent. */
    public RemoteCommand withStdinFrom(Path file) {
        return withStdinFrom(() -> Files.newInputStream(file));
    }

    public RemoteCommand withStdinFrom(StdinSource source) {
        return new RemoteCommand(script, new byte[0], Optional.of(source), timeout);
    }

    /** What goes to standard input: the source when there is one, the bytes otherwise. */
    public InputStream openStdin() throws IOException {
        return stdinSource.isPresent() ? stdinSource.get().open() : new ByteArrayInputStream(stdin);
    }

    public RemoteCommand withStdin(String data) {
        return withStdin(data.getBytes(StandardCharsets.UTF_8));
    }

    public RemoteCommand withTimeout(Duration t) {
        return new RemoteCommand(script, stdin, stdinSource, t);
    }
}
