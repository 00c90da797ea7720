package dev.dcsprov.ssh;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What marks this process's commands on the hosts: every remote script runs with {@value #NAME} set to this run's
 * own random value in its environment (and its children inherit it). An SSH client that dies does not take its remote
 * commands with it (sshd leaves a non-pty command running), so a run killed mid-step would otherwise leave that step
 * changing the host under the next run; the member run lock, when its session ends, holds the next run off until
 * nothing with its run's marker runs there ({@link dev.dcsprov.lock.MemberRunLocks}). Not a secret: it names a run,
 * it grants nothing.
 */
public final class RunMarker {
    public static final String NAME = "DCSPROV_RUN";
    private static final String VALUE = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));

    private RunMarker() {
    }

    /** {@code DCSPROV_RUN=<this run's value>}, as env(1) takes it and as /proc/PID/environ holds it. */
    public static String assignment() {
        return NAME + "=" + VALUE;
    }
}
