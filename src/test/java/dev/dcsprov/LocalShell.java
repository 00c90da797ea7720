package dev.dcsprov;

import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A Connection that runs scripts with /bin/sh on this machine: tests run remote scripts for real, without a host. */
public final class LocalShell implements Connection {
    @Override
    public String hostName() {
        return "localhost";
    }

    @Override
    public CommandResult run(RemoteCommand command) {
        return run(command, null);
    }

    @Override
    public CommandResult run(RemoteCommand command, OutputStream sink) {
        try {
            Process p = new ProcessBuilder("sh", "-c", command.script()).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> sink == null ? read(p.getInputStream()) : copy(p.getInputStream(), sink));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream(); var data = command.openStdin()) {
                data.transferTo(in);
            }
            if (!p.waitFor(command.timeout().toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command.script());
            }
            return new CommandResult(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String copy(InputStream in, OutputStream sink) {
        try (in) {
            in.transferTo(sink);
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
    }
}
