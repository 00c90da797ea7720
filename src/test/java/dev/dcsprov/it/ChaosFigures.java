package dev.dcsprov.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a chaos class did per operation: kills, re-runs needed, the most re-runs one kill needed and
 * failures. The re-run is always the same command: nothing else is ever run to recover. Printed as one
 * {@code CHAOS} line per operation, which bench/chaos.sh sums.
 */
final class ChaosFigures {
    private final int maxReruns;
    private final Map<String, int[]> figures = new TreeMap<>();

    ChaosFigures(int maxReruns) {
        this.maxReruns = maxReruns;
    }

    void killed(String op) {
        of(op)[0]++;
    }

    /** {@code runs} re-runs, the last of which finished the job, made after one kill by a test that runs them itself. */
    void ranAgain(String op, int runs) {
        int[] f = of(op);
        f[1] += runs;
        f[2] = Math.max(f[2], runs);
    }

    /** Runs dcsprov with {@code args} and SIGKILLs it after {@code millis}, wherever it is; false when it finished first (it must succeed then). */
    boolean killAtRandom(String op, long millis, String... args) throws Exception {
        Process p = dcsprov(Map.of(), args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            new ProcessBuilder("kill", "-KILL", String.valueOf(p.pid())).start().waitFor();
            p.waitFor(30, TimeUnit.SECONDS);
            killed(op);
            return true;
        }
        assertEquals(0, p.exitValue(), "a run not killed succeeded by itself");
        return false;
    }

    /**
     * Runs dcsprov with {@code env} and {@code args} and SIGKILLs it {@code millis} after it printed a line containing
     * {@code marker} (so the kill lands in the part of a run that line starts, not in the connecting and reading before
     * it); false when it finished first (it must succeed then). Prints where the kill landed: the last line before it.
     */
    boolean killAtRandomAfter(String op, Map<String, String> env, String marker, long millis, String... args) throws Exception {
        return runKillingAfter(op, env, marker, millis, args).killed();
    }

    /**
     * What {@link #runKillingAfter} saw: killed, or not, everything the run printed (stdout and stderr), and for a run
     * that finished, how long it ran after the marker (what a later random kill is drawn within).
     */
    record Run(boolean killed, String output, long millisAfterMarker) {
    }

    /** As {@link #killAtRandomAfter}, with the run's output: what a test needs from a run that finished first. */
    Run runKillingAfter(String op, Map<String, String> env, String marker, long millis, String... args) throws Exception {
        Process p = dcsprov(env, args).start();
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        long[] seenAt = new long[1];
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.contains(marker) && seen.getCount() > 0) {
                        seenAt[0] = System.nanoTime();
                        seen.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        }, "chaos-output");
        reader.start();
        while (!seen.await(100, TimeUnit.MILLISECONDS) && p.isAlive()) {
            // waiting for the marker or the end of the run
        }
        if (seen.getCount() == 0 && !p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            new ProcessBuilder("kill", "-KILL", String.valueOf(p.pid())).start().waitFor();
            p.waitFor(30, TimeUnit.SECONDS);
            reader.join(5000);
            killed(op);
            System.out.println("CHAOS-KILL " + op + " " + millis + " ms after '" + marker + "', after: "
                    + (lines.isEmpty() ? "(nothing)" : lines.get(lines.size() - 1)));
            return new Run(true, String.join("\n", lines), millis);
        }
        p.waitFor(600, TimeUnit.SECONDS);
        long endedAt = System.nanoTime();
        reader.join(5000);
        assertEquals(0, p.exitValue(), () -> "a run not killed succeeded by itself:\n" + String.join("\n", lines));
        assertEquals(0, seen.getCount(), () -> "the run printed '" + marker + "':\n" + String.join("\n", lines));
        return new Run(false, String.join("\n", lines), (endedAt - seenAt[0]) / 1_000_000);
    }

    /** What {@link #measure} measured: the milliseconds from one output line to another, and the run's output. */
    record Timed(long millis, String output) {
    }

    /**
     * Runs dcsprov with {@code env} and {@code args} to its end (it must exit 0) and measures the time from the first
     * output line containing {@code from} to the first later one containing {@code to}: the length of that part of a
     * clean run, within which a random kill is then drawn.
     */
    static Timed measure(Map<String, String> env, String from, String to, String... args) throws Exception {
        Process p = dcsprov(env, args).start();
        List<String> lines = new ArrayList<>();
        long start = -1;
        long end = -1;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                if (start < 0 && line.contains(from)) {
                    start = System.nanoTime();
                } else if (start >= 0 && end < 0 && line.contains(to)) {
                    end = System.nanoTime();
                }
            }
        }
        p.waitFor(600, TimeUnit.SECONDS);
        String output = String.join("\n", lines);
        assertEquals(0, p.exitValue(), () -> "the clean run succeeded:\n" + output);
        if (start < 0 || end < 0) {
            throw new AssertionError("the clean run printed '" + from + "' and then '" + to + "':\n" + output);
        }
        return new Timed((end - start) / 1_000_000, output);
    }

    /** The dcsprov launcher with {@code args}, from the repository, stdout and stderr as one stream. */
    private static ProcessBuilder dcsprov(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Lab.REPO.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
    }

    /** The same command, again and again, until it exits 0, at most {@code maxReruns} times; the run that did. */
    Proc.Result rerunUntilDone(String op, String... args) {
        return rerunUntilDone(op, Map.of(), args);
    }

    /** As {@link #rerunUntilDone(String, String...)}, with extra environment (a password the inventory reads from it). */
    Proc.Result rerunUntilDone(String op, Map<String, String> env, String... args) {
        int[] f = of(op);
        List<Proc.Result> runs = new ArrayList<>();
        for (int i = 0; i < maxReruns; i++) {
            Proc.Result r = Cli.dcsprov(env, args);
            runs.add(r);
            f[1]++;
            if (r.exit() == 0) {
                f[2] = Math.max(f[2], i + 1);
                return r;
            }
            // A re-run that did not finish: why, for the log (the figures count it; more than 1 for one kill is worth a look).
            System.out.println("CHAOS-RERUN " + op + " run " + (i + 1) + " exit " + r.exit() + ":\n" + tail(r.out() + r.err(), 15));
        }
        f[3]++;
        throw new AssertionError("the same command did not finish the job in " + maxReruns + " runs:\n" + runs);
    }

    private static String tail(String text, int lines) {
        List<String> l = text.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    }

    void print() {
        figures.forEach((op, f) -> System.out.println("CHAOS " + op + " kills=" + f[0] + " reruns=" + f[1]
                + " max_reruns_one_kill=" + f[2] + " failures=" + f[3]));
    }

    private int[] of(String op) {
        return figures.computeIfAbsent(op, k -> new int[4]);
    }
}
