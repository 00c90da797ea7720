package dev.dcsprov.it;

import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code kill -9} of dcsprov at many points of a file transfer, against real OpenSSH: afterwards the
 * target is, checked with ssh and sha256sum on the host, exactly the old file or exactly the new one
 * (the old one whenever the kill came before every byte was sent), with the right mode, and the next
 * run cleans whatever a killed run left. dcs-47 is reached as root, dcs-48 as a user through sudo.
 *
 * <p>{@code -Ddcsprov.uploadKill.randomRounds=N} adds N kills at random offsets and delays per host
 * (bench/upload-kill.sh).
 */
class UploadKillIT {
    static final String ROOT_HOST = "dcs-47";
    static final String SUDO_HOST = "dcs-48";
    static final String DIR = "/etc/dcs/cert";
    static final long PAUSE_MS = 150;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void freshHosts() {
        Lab.requireUp();
        Lab.recreate(List.of(ROOT_HOST, SUDO_HOST));
    }

    @Test
    void aKilledUploadOfALargeFileLeavesTheOldOrTheWholeNewFile() throws Exception {
        Uploader up = new Uploader(ROOT_HOST, "root", DIR + "/snapshot.bin", random(1_480_000, 1), random(1_480_000, 2));
        long total = up.stdinLength(up.b);
        int h = up.headerLength(up.b);
        // Before the first byte, right after the header, where the issue saw 589,824 bytes renamed into place,
        // one byte short of the end, and with everything sent but the end of input.
        for (long offset : List.of(0L, h + 1L, 589_824L, total - 1, total)) {
            up.killAtOffset(offset);
        }
        for (long delay : List.of(0L, 1000L)) {
            up.killAfterConnect(delay);
        }
        up.randomRounds(new Random(47));
        up.finishesAndLeavesNoTempFile();
    }

    @Test
    void aKilledUploadOfAKeyNeverLeavesItEmptyOrTruncated() throws Exception {
        Uploader up = new Uploader(ROOT_HOST, "root", DIR + "/server.key", keyLike(1), keyLike(2));
        long total = up.stdinLength(up.b);
        int h = up.headerLength(up.b);
        for (long offset : List.of(0L, (long) h, total)) {
            up.killAtOffset(offset);
        }
        up.finishesAndLeavesNoTempFile();
    }

    @Test
    void throughSudoAKilledUploadLeavesTheOldOrTheWholeNewFile() throws Exception {
        Uploader big = new Uploader(SUDO_HOST, "dcsadmin", DIR + "/snapshot.bin", random(1_480_000, 3), random(1_480_000, 4));
        for (long offset : List.of(0L, 589_824L)) {
            big.killAtOffset(offset);
        }
        big.randomRounds(new Random(48));
        big.finishesAndLeavesNoTempFile();
        Uploader key = new Uploader(SUDO_HOST, "dcsadmin", DIR + "/server.key", keyLike(3), keyLike(4));
        key.killAtOffset(0);
        key.finishesAndLeavesNoTempFile();
    }

    // ---- the upload under test and its independent checks ------------------------------------------

    /** Alternately pushes content a and b to one file; after each kill the host holds one of them whole. */
    static final class Uploader {
        final String host;
        final String user;
        final String target;
        final byte[] a;
        final byte[] b;
        final Path aFile;
        final Path bFile;
        byte[] current;
        final List<String> log = new ArrayList<>();

        Uploader(String host, String user, String target, byte[] a, byte[] b) throws IOException {
            this.host = host;
            this.user = user;
            this.target = target;
            this.a = a;
            this.b = b;
            this.aFile = Files.write(tmp.resolve(host + "-" + Path.of(target).getFileName() + ".a"), a);
            this.bFile = Files.write(tmp.resolve(host + "-" + Path.of(target).getFileName() + ".b"), b);
            // The old file, written with OpenSSH alone.
            Proc.Result r = sshWithInput(host, "mkdir -p -m 0700 " + DIR + " && cat > " + target + " && chmod 0600 " + target, aFile);
            assertEquals(0, r.exit(), r::toString);
            current = a;
            assertEquals(sha(a), remoteSha());
        }

        DesiredFile desired(byte[] content) {
            return new DesiredFile(target, content, "0600", "root", "root", true, false, false);
        }

        long stdinLength(byte[] content) throws IOException {
            return FileStep.writeCommand(desired(content)).openStdin().readAllBytes().length;
        }

        int headerLength(byte[] content) throws IOException {
            return UploadUnderKill.headerLength(FileStep.writeCommand(desired(content)).openStdin().readAllBytes());
        }

        byte[] next() {
            return current == a ? b : a;
        }

        /** Kills the run while its input stands still at {@code offset}; before the last byte the old file must stay. */
        void killAtOffset(long offset) throws Exception {
            byte[] next = next();
            long total = stdinLength(next);
            Child child = Child.start(this, next, PAUSE_MS, List.of(offset));
            String line = child.awaitLine(l -> l.startsWith("at " + offset));
            child.kill();
            check("kill at byte " + offset + " of " + total, next, offset < total, line + "\n" + child.output());
        }

        void killAfterConnect(long delayMs) throws Exception {
            byte[] next = next();
            Child child = Child.start(this, next, 0, List.of());
            child.awaitLine(l -> l.equals("connected"));
            Thread.sleep(delayMs);
            child.kill();
            check("kill " + delayMs + " ms after connecting", next, false, child.output());
        }

        void killAfterSpawn(long delayMs) throws Exception {
            byte[] next = next();
            Child child = Child.start(this, next, 0, List.of());
            Thread.sleep(delayMs);
            child.kill();
            check("kill " + delayMs + " ms after the JVM started", next, false, child.output());
        }

        void randomRounds(Random random) throws Exception {
            int rounds = Integer.getInteger("dcsprov.uploadKill.randomRounds", 0);
            for (int i = 0; i < rounds; i++) {
                switch (random.nextInt(3)) {
                    case 0 -> killAtOffset(random.nextLong(stdinLength(next()) + 1));
                    case 1 -> killAfterConnect(random.nextInt(1500));
                    default -> killAfterSpawn(random.nextInt(2500));
                }
            }
        }

        private void check(String what, byte[] next, boolean mustBeOld, String childOutput) throws InterruptedException {
            awaitSettled();
            String got = remoteSha();
            String stat = Lab.sshOk(host, "stat -c '%a %U:%G %s' " + target).strip();
            String outcome;
            if (got.equals(sha(current))) {
                outcome = "old";
            } else if (got.equals(sha(next))) {
                outcome = "new";
                assertFalse(mustBeOld, host + ": " + what + ": the new file was installed before it was all sent\n" + childOutput);
                current = next;
            } else {
                fail(host + ": " + what + ": " + target + " is neither the old nor the new file (" + stat + ", sha256 " + got
                        + ")\n" + childOutput);
                return;
            }
            assertEquals("600 root:root " + current.length, stat, host + ": " + what);
            log.add(what + ": " + outcome);
            System.out.println("UploadKillIT " + host + " " + Path.of(target).getFileName() + ": " + what + ": " + outcome);
        }

        /**
         * The write script outlives the killed JVM for a moment (it sees end of input, then checks); wait until
         * no script of ours runs on the host, so a late rename cannot change the outcome after it was read.
         */
        void awaitSettled() throws InterruptedException {
            String count = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -c 'DCSPROV-UPLOA[D]' || :";
            for (int i = 0; i < 100; i++) {
                if (Lab.sshOk(host, count).strip().equals("0")) {
                    return;
                }
                Thread.sleep(100);
            }
            fail(host + ": the write script still runs 10 s after the kill");
        }

        String remoteSha() {
            return Lab.sshOk(host, "sha256sum < " + target + " | cut -c1-64").strip();
        }

        /** A whole run after the kills installs the new file and leaves no temp file; a planted stale one goes too. */
        void finishesAndLeavesNoTempFile() throws Exception {
            String name = Path.of(target).getFileName().toString();
            Lab.sshOk(host, "printf partial > " + DIR + "/." + name + ".dcsprov-Stale1 && chmod 0600 " + DIR + "/." + name + ".dcsprov-Stale1");
            byte[] next = next();
            Child child = Child.start(this, next, 0, List.of());
            assertTrue(child.process.waitFor(60, TimeUnit.SECONDS), "the upload finishes");
            assertEquals(0, child.process.exitValue(), child.output());
            assertEquals(sha(next), remoteSha());
            current = next;
            String left = Lab.sshOk(host, "ls -A " + DIR + " | grep -F " + dev.dcsprov.Shell.quote("." + name + ".") + " || true").strip();
            assertEquals("", left, host + ": temp files left next to " + target);
            assertTrue(log.stream().anyMatch(l -> l.endsWith("old")), "some kill left the old file: " + log);
        }
    }

    /** The killable JVM: {@link UploadUnderKill} with this test's class path. */
    static final class Child {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder all = new StringBuilder();

        private Child(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (all) {
                            all.append(l).append('\n');
                        }
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
                lines.add("<end>");
            });
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Uploader u, byte[] content, long pauseMs, List<Long> offsets) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    UploadUnderKill.class.getName(), Lab.address(u.host), u.user, String.valueOf(!u.user.equals("root")), u.target,
                    (content == u.a ? u.aFile : u.bFile).toString(), "0600", "root", "root", String.valueOf(pauseMs)));
            offsets.forEach(o -> cmd.add(String.valueOf(o)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return new Child(pb.start());
        }

        String awaitLine(java.util.function.Predicate<String> wanted) throws InterruptedException {
            while (true) {
                String l = lines.poll(60, TimeUnit.SECONDS);
                if (l == null || l.equals("<end>")) {
                    process.destroyForcibly();
                    throw new AssertionError("the upload ended before the kill point:\n" + output());
                }
                if (wanted.test(l)) {
                    return l;
                }
            }
        }

        /** SIGKILL: no shutdown hook, no finally block, the TCP connection simply drops. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        String output() {
            synchronized (all) {
                return all.toString();
            }
        }
    }

    static Proc.Result sshWithInput(String host, String command, Path input) throws IOException {
        List<String> cmd = List.of("ssh", "-q", "-i", Lab.SSH_KEY.toString(), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + Lab.KNOWN_HOSTS,
                "-o", "GlobalKnownHostsFile=/dev/null", "root@" + Lab.address(host), command);
        Process p = new ProcessBuilder(cmd).redirectInput(input.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Proc.Result(p.exitValue(), out, "");
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A PEM private key's shape and size (about 240 bytes), not a real key. */
    static byte[] keyLike(long seed) {
        String body = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(random(138, seed));
        return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    static String sha(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
