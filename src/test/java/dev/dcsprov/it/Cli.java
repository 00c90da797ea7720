package dev.dcsprov.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real dcsprov command line, as a user runs it: the launcher at the repository root. */
public final class Cli {
    private Cli() {
    }

    public static Proc.Result dcsprov(String... args) {
        return dcsprov(Map.of(), args);
    }

    /** With extra environment, e.g. JAVA_TOOL_OPTIONS=-Duser.home=... so a test never writes the real ~/.ssh. */
    public static Proc.Result dcsprov(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, env, Lab.REPO, 600);
    }

    /** etcdctl from Debian's etcd-client on this machine, with dcsprov's admin client certificate. */
    public static Proc.Result etcdctl(Path pki, List<String> endpoints, String... args) {
        return etcdctl(pki.resolve("ca.crt"), pki.resolve("clients/root.crt"), pki.resolve("clients/root.key"), endpoints, 3, 10, args);
    }

    /** etcdctl with the given CA and client pair, dial and command timeouts in seconds. */
    public static Proc.Result etcdctl(Path ca, Path cert, Path key, List<String> endpoints, int dialSeconds, int commandSeconds,
                                      String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--cacert=" + ca, "--cert=" + cert, "--key=" + key,
                "--dial-timeout=" + dialSeconds + "s", "--command-timeout=" + commandSeconds + "s"));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3"), null, 60);
    }

    public static List<String> endpoints(List<String> hosts) {
        return hosts.stream().map(h -> "https://" + Lab.address(h) + ":2379").toList();
    }
}
