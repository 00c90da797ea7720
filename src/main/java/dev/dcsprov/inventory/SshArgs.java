package dev.dcsprov.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the OpenSSH options in {@code ansible_ssh_common_args}, {@code ansible_ssh_extra_args} and {@code ansible_ssh_args}
 * would mean to dcsprov, which has its own SSH client: options that only tune a connection are ignored with a
 * warning; options that choose where, through what or as whom to connect (ProxyCommand, Port, User, HostName,
 * IdentityFile, -p, -l, -i, ...) and unknown ones are refused, since ignoring them would connect elsewhere.
 * ProxyJump and -J are honoured: dcsprov tunnels through the jump hosts itself, verifying each one's host key.
 */
final class SshArgs {
    /** One option and what it means here; {@code jump} is the ProxyJump value when the option names jump hosts. */
    record Finding(boolean refused, String option, String why, String jump) {
        Finding(boolean refused, String option, String why) {
            this(refused, option, why, null);
        }
    }

    /** -o options with no effect on where or as whom: ignoring them is safe. */
    private static final Set<String> TUNING = Set.of("serveraliveinterval", "serveralivecountmax", "connecttimeout",
            "controlmaster", "controlpersist", "controlpath", "compression", "tcpkeepalive", "loglevel",
            "preferredauthentications", "pubkeyauthentication", "identitiesonly", "gssapiauthentication",
            "addkeystoagent", "connectionattempts", "batchmode", "forwardagent", "forwardx11", "kbdinteractiveauthentication",
            "passwordauthentication", "challengeresponseauthentication", "hashknownhosts", "updatehostkeys",
            "ipqos", "requesttty", "visualhostkey", "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms",
            "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", "checkhostip", "addressfamily");
    /** Flags without an argument that only tune a connection. */
    private static final Set<String> TUNING_FLAGS = Set.of("-C", "-q", "-v", "-vv", "-vvv", "-A", "-a", "-T", "-t", "-tt",
            "-x", "-X", "-Y", "-4", "-6", "-n", "-N", "-k", "-K", "-g");

    /** ssh's flags that take an argument (ssh(1)), so "-p 2222" is one option. */
    private static final Set<String> WITH_ARGUMENT = Set.of("-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-L", "-l",
            "-m", "-O", "-P", "-p", "-Q", "-R", "-S", "-W", "-w");

    private SshArgs() {
    }

    /** @throws Shlex.Unterminated for an open quote */
    static List<Finding> read(String args) throws Shlex.Unterminated {
        List<String> words = Shlex.split(args).stream().map(Shlex.Word::text).toList();
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-o") || (w.startsWith("-o") && w.length() > 2)) {
                String option = w.equals("-o") ? (i + 1 < words.size() ? words.get(++i) : "") : w.substring(2);
                // -o 'Key Value' and -o Key=Value, as ssh reads them
                String[] kv = option.split("[=\\s]+", 2);
                String key = kv[0];
                String value = kv.length > 1 ? kv[1] : (i + 1 < words.size() && !words.get(i + 1).startsWith("-") && !option.contains("=")
                        ? words.get(++i) : "");
                out.add(option(key, value));
            } else if (TUNING_FLAGS.contains(w)) {
                out.add(new Finding(false, w, "has no effect in dcsprov"));
            } else if (w.equals("-J") && i + 1 < words.size()) {
                String jump = words.get(++i);
                out.add(new Finding(false, "-J " + jump, "honoured", jump));
            } else if (WITH_ARGUMENT.contains(w) && i + 1 < words.size()) {
                out.add(new Finding(true, w + " " + words.get(++i),
                        "dcsprov cannot honour this ssh option, and ignoring it could connect elsewhere or as someone else"));
            } else {
                out.add(new Finding(true, w, "dcsprov cannot honour this ssh option, and ignoring it could connect elsewhere"));
            }
        }
        return out;
    }

    private static Finding option(String key, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        String shown = "-o " + key + "=" + value;
        if (TUNING.contains(k)) {
            return new Finding(false, shown, "has no effect in dcsprov");
        }
        if (k.equals("stricthostkeychecking") || (k.equals("userknownhostsfile") && value.equals("/dev/null"))) {
            return new Finding(false, shown, "has no effect: dcsprov always verifies host keys "
                    + "(--accept-new-host-keys records unknown ones)");
        }
        if (k.equals("userknownhostsfile") || k.equals("globalknownhostsfile")) {
            return new Finding(false, shown, "not read: name the file in dcsprov_known_hosts");
        }
        if (k.equals("proxyjump")) {
            return new Finding(false, shown, "honoured", value);
        }
        return new Finding(true, shown, "dcsprov cannot honour this ssh option, and ignoring it could connect elsewhere or as someone else");
    }
}
