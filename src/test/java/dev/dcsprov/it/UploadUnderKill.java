package dev.dcsprov.it;

import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.HostKeyPolicy;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.SshConnector;
import dev.dcsprov.ssh.SshTarget;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A process for {@code UploadKillIT} to kill: pushes one file to a lab host with dcsprov's own SSH
 * transport and file command, as {@code apply} does. With a pause, the standard input of the command
 * stops at chosen byte offsets and says so on stdout ({@code at N}, {@code at N eof}), so the test can
 * kill the JVM with {@code kill -9} at exactly that point of the transfer.
 *
 * <p>Arguments: address user become target content-file mode owner group pause-ms [offset...]
 */
public final class UploadUnderKill {
    private UploadUnderKill() {
    }

    public static void main(String[] a) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SshTarget target = new SshTarget("upload-target", a[0], 22, a[1], Optional.of(Lab.SSH_KEY), Boolean.parseBoolean(a[2]));
        DesiredFile file = new DesiredFile(a[3], Files.readAllBytes(Path.of(a[4])), a[5], a[6], a[7], true, false, false);
        long pause = Long.parseLong(a[8]);
        List<Long> offsets = new ArrayList<>();
        for (int i = 9; i < a.length; i++) {
            offsets.add(Long.parseLong(a[i]));
        }
        try (Connection c = new SshConnector().connect(target, HostKeyPolicy.strict(List.of(Lab.KNOWN_HOSTS)))) {
            out.println("connected");
            RemoteCommand command = FileStep.writeCommand(file);
            byte[] stdin = command.openStdin().readAllBytes();
            out.println("stdin " + stdin.length + " header " + headerLength(stdin));
            RemoteCommand paced = pause == 0 ? command
                    : command.withStdinFrom(() -> new PausingStream(stdin, offsets, pause, out));
            CommandResult r = c.run(paced);
            out.println("exit " + r.exitStatus());
            System.err.print(r.stderr());
            System.exit(r.exitStatus() == 0 ? 0 : 3);
        }
    }

    /** The length of the first line (with its newline) when the input starts with one, else 0. */
    static int headerLength(byte[] stdin) {
        for (int i = 0; i < Math.min(stdin.length, 200); i++) {
            if (stdin[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    /** Delivers the bytes, stopping for {@code pause} ms at each offset after announcing it. */
    static final class PausingStream extends InputStream {
        private final byte[] data;
        private final List<Long> stops;
        private final long pause;
        private final PrintStream out;
        private int pos;

        PausingStream(byte[] data, List<Long> stops, long pause, PrintStream out) {
            this.data = data;
            this.stops = new ArrayList<>(stops.stream().filter(s -> s >= 0 && s <= data.length).sorted().distinct().toList());
            this.pause = pause;
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!stops.isEmpty() && stops.get(0) == pos) {
                stops.remove(0);
                out.println("at " + pos + (pos == data.length ? " eof" : ""));
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (pos == data.length) {
                return -1;
            }
            long limit = stops.isEmpty() ? data.length : stops.get(0);
            int n = (int) Math.min(len, limit - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
