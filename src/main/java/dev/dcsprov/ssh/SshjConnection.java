package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;

/**
 * A {@link Connection} over one sshj client. {@link #run} may be called from several threads at once:
 * each call opens its own session channel on the shared transport.
 */
public final class SshjConnection implements Connection {
    /** Pumps stdin/stdout/stderr of running commands; daemon threads so a stuck remote never blocks JVM exit. */
    private static final ExecutorService IO = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "dcsprov-ssh-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    private static final List<String> SUDO_REFUSALS = List.of("a password is required", "a terminal is required",
            "no tty present", "is not in the sudoers file", "is not allowed to", "may not run sudo");

    private final SshTarget target;
    private final SSHClient client;

    /** Connections to the jump hosts this one is tunnelled through, last hop last; closed after it. */
    private final java.util.List<SSHClient> hops;

    SshjConnection(SshTarget target, SSHClient client) {
        this(target, client, java.util.List.of());
    }

    SshjConnection(SshTarget target, SSHClient client, java.util.List<SSHClient> hops) {
        this.target = target;
        this.client = client;
        this.hops = java.util.List.copyOf(hops);
    }

    public SshTarget target() {
        return target;
    }

    @Override
    public String hostName() {
        return target.hostName();
    }

    /**
     * The exact command line sent to the host: {@code env DCSPROV_RUN=<run> sh -c '<script>'} (the marker in the shell's
     * own environment, past sudo's env_reset, see {@link RunMarker}), behind {@code sudo -n --} if needed.
     */
    String commandLine(String script) {
        String sh = "env " + RunMarker.assignment() + " sh -c " + dev.dcsprov.Shell.quote(script);
        return target.needsSudo() ? "sudo -n -- " + sh : sh;
    }

    @Override
    public CommandResult run(RemoteCommand command) {
        return run(command, null);
    }

    @Override
    public CommandResult run(RemoteCommand command, OutputStream stdoutSink) {
        Duration timeout = command.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        Session session = null;
        Future<byte[]> out = null;
        Future<byte[]> err = null;
        Future<?> in = null;
        try {
            if (!client.isConnected()) {
                throw lost(new IllegalStateException("the connection is closed"));
            }
            session = client.startSession();
            Session.Command cmd = session.exec(commandLine(command.script()));
            // All three streams move at once: a remote that fills stdout while we still write its stdin,
            // or fills stderr while we read stdout, would otherwise wait for us forever.
            out = IO.submit(stdoutSink == null ? readAll(cmd.getInputStream()) : copy(cmd.getInputStream(), stdoutSink));
            err = IO.submit(readAll(cmd.getErrorStream()));
            in = IO.submit(writeAndClose(cmd.getOutputStream(), command));
            byte[] stdout = out.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            byte[] stderr = err.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            awaitExit(cmd, deadline);
            CommandResult result = result(cmd, stdout, stderr);
            if (dev.dcsprov.Verbosity.at(2)) {
                String script = command.script().strip();
                dev.dcsprov.Verbosity.log(2, "[" + target.hostName() + "] exit " + result.exitStatus() + " in "
                        + (timeout.toNanos() - remainingNanos(deadline)) / 1_000_000 + " ms: "
                        + (dev.dcsprov.Verbosity.at(3) ? script : script.lines().findFirst().orElse("")));
            }
            checkSudo(result);
            return result;
        } catch (TimeoutException e) {
            throw new RemoteException(ExitCode.HOST_FAILED, target.hostName(),
                    "command timed out after " + describe(timeout),
                    "The remote script did not finish within " + describe(timeout) + " and was abandoned; "
                            + "it may still be running on the host.",
                    "Check what the host is waiting for (network, apt locks, a full disk), or allow more time.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw lost(e);
        } catch (ExecutionException e) {
            throw lost(e.getCause());
        } catch (IllegalStateException e) {
            throw lost(e); // sshj's word for a transport that went away between the check and the call
        } catch (IOException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new RemoteException(ExitCode.HOST_FAILED, target.hostName(),
                        "command timed out after " + describe(timeout), e.toString(),
                        "Check what the host is waiting for, or allow more time.", e);
            }
            throw lost(e);
        } finally {
            // Closing the channel ends the pumps of a command that timed out or failed.
            closeQuietly(session);
            if (in != null) {
                in.cancel(true); // a remote that exited without reading all of stdin leaves the writer blocked
            }
        }
    }

    @Override
    public HeldCommand hold(RemoteCommand command, String readyLine) {
        long deadline = System.nanoTime() + command.timeout().toNanos();
        Session session = null;
        try {
            if (!client.isConnected()) {
                throw lost(new IllegalStateException("the connection is closed"));
            }
            session = client.startSession();
            Session.Command cmd = session.exec(commandLine(command.script()));
            Future<byte[]> err = IO.submit(readAll(cmd.getErrorStream()));
            OutputStream stdin = cmd.getOutputStream();
            stdin.write(command.stdin());
            stdin.flush();
            java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(cmd.getInputStream(), StandardCharsets.UTF_8));
            Future<String> before = IO.submit(() -> {
                StringBuilder seen = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals(readyLine)) {
                        return null;
                    }
                    seen.append(line).append('\n');
                }
                return seen.toString();
            });
            String output = before.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            if (output == null) {
                Session held = session;
                session = null;
                return HeldCommand.held(() -> {
                    try {
                        stdin.close();
                    } catch (IOException | RuntimeException ignored) {
                        // the session is closed next either way
                    }
                    closeQuietly(held);
                });
            }
            byte[] stderr = err.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            awaitExit(cmd, deadline);
            CommandResult result = result(cmd, output.getBytes(StandardCharsets.UTF_8), stderr);
            checkSudo(result);
            return HeldCommand.ended(result);
        } catch (TimeoutException e) {
            throw new RemoteException(ExitCode.HOST_FAILED, target.hostName(), "command timed out after " + describe(command.timeout()),
                    "The remote script neither became ready nor ended.", "Check what the host is waiting for, then run again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw lost(e);
        } catch (ExecutionException e) {
            throw lost(e.getCause());
        } catch (IOException | IllegalStateException e) {
            throw lost(e);
        } finally {
            closeQuietly(session);
        }
    }

    /**
     * Waits for the exit status, not for the channel to close: a server may keep the channel open while
     * stdin data the script never read is still pending, which would turn a finished command into a timeout.
     */
    private static void awaitExit(Session.Command cmd, long deadline) throws IOException, TimeoutException {
        while (cmd.getExitStatus() == null && cmd.getExitSignal() == null && cmd.isOpen()) {
            long remaining = remainingNanos(deadline);
            if (remaining == 0) {
                throw new TimeoutException("no exit status");
            }
            try {
                cmd.join(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(remaining))), TimeUnit.MILLISECONDS);
            } catch (ConnectionException e) {
                if (!(e.getCause() instanceof TimeoutException)) {
                    throw e;
                }
            }
        }
    }

    private CommandResult result(Session.Command cmd, byte[] stdout, byte[] stderr) {
        String errText = new String(stderr, StandardCharsets.UTF_8);
        Integer status = cmd.getExitStatus();
        if (status == null) {
            // Killed by a signal (or sshd sent no status): 255 like ssh(1), with the reason in stderr.
            Signal signal = cmd.getExitSignal();
            status = 255;
            errText += "\n[dcsprov: remote command ended " + (signal != null ? "by signal " + signal : "without an exit status") + "]";
        }
        return new CommandResult(status, new String(stdout, StandardCharsets.UTF_8), errText);
    }

    private void checkSudo(CommandResult result) {
        if (!target.needsSudo()) {
            return;
        }
        String err = result.stderr();
        boolean refused = result.exitStatus() == 1 && err.startsWith("sudo:")
                && SUDO_REFUSALS.stream().anyMatch(err::contains);
        if (refused) {
            throw new RemoteException(ExitCode.UNREACHABLE, target.hostName(),
                    "sudo failed for user " + target.user() + " on " + target.hostName()
                            + ": passwordless sudo is required (NOPASSWD)",
                    err.strip(),
                    "On the host, allow it: echo '" + target.user() + " ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/"
                            + target.user() + " (visudo -cf to check), or connect as root.", null);
        }
        if (result.exitStatus() == 127 && err.contains("sudo") && err.contains("not found")) {
            throw new RemoteException(ExitCode.UNREACHABLE, target.hostName(),
                    "sudo is not installed on " + target.hostName(), err.strip(),
                    "Install sudo on the host (apt-get install sudo) or connect as root.", null);
        }
    }

    private RemoteException lost(Throwable cause) {
        return new RemoteException(ExitCode.UNREACHABLE, target.hostName(),
                "lost the SSH connection while running a command", String.valueOf(cause),
                "Check that the host is still up and reachable, then run again.", cause);
    }

    private static Callable<byte[]> readAll(InputStream stream) {
        return stream::readAllBytes;
    }

    /** Streams bytes unchanged into the sink (binary data, files larger than memory); returns no bytes. */
    private static Callable<byte[]> copy(InputStream stream, OutputStream sink) {
        return () -> {
            stream.transferTo(sink);
            sink.flush();
            return new byte[0];
        };
    }

    private static Callable<Void> writeAndClose(OutputStream stream, RemoteCommand command) {
        return () -> {
            // close() sends EOF, so a script reading stdin (cat, wc) sees its end.
            try (stream; InputStream data = command.openStdin()) {
                if (data.transferTo(stream) > 0) {
                    stream.flush();
                }
            }
            return null;
        };
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void closeQuietly(Session session) {
        if (session != null) {
            try {
                session.close();
            } catch (IOException | RuntimeException ignored) {
                // the channel is gone either way
            }
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (IOException | RuntimeException ignored) {
            // closing at the end of a run; nothing to recover
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            try {
                hops.get(i).disconnect();
            } catch (IOException | RuntimeException ignored) {
                // the tunnel goes with the connection through it
            }
        }
    }
}
