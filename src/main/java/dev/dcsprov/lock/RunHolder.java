package dev.dcsprov.lock;

import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Who holds a run lock: recorded beside the lock so that a refused run can name it. One line, no
 * secrets (dcsprov takes none on its command line).
 */
public record RunHolder(String user, String machine, long pid, String command, Instant since) {

    public static RunHolder current(List<String> args) {
        String machine;
        try {
            machine = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            machine = System.getenv().getOrDefault("HOSTNAME", "unknown-machine");
        }
        String command = ("dcsprov " + String.join(" ", args)).strip().replaceAll("[\\r\\n\\x00-\\x1f]", " ");
        return new RunHolder(System.getProperty("user.name"), machine, ProcessHandle.current().pid(), command,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The line written into lock files and quoted in refusals. */
    public String line() {
        return user + "@" + machine + ", pid " + pid + ", since " + since + ": " + command;
    }
}
