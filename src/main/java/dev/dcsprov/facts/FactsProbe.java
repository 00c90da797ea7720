package dev.dcsprov.facts;

import dev.dcsprov.etcd.EtcdctlInvocation;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.RemoteException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Reads a host's facts with one shell script, so gathering costs one SSH round trip per host.
 * The script prints tab-separated records; text that may hold anything is base64 encoded.
 */
public final class FactsProbe {

    static final List<String> PACKAGES = List.of("etcd-server", "etcd-client");

    /** What to look at on the host. */
    public record Request(List<String> files, String configFile, String defaultsFile, String dataDir,
                          String localClientUrl, String caCert, String adminCert, String adminKey,
                          List<String> restartFiles) {
        // restartFiles: restart markers (see HostPlanner.restartMarker); present = a restart is still owed
    }

    private FactsProbe() {
    }

    public static HostFacts gather(Connection connection, Request request) {
        CommandResult result = connection.run(RemoteCommand.of(script(request)));
        if (!result.ok()) {
            throw new RemoteException(ExitCode.HOST_FAILED, connection.hostName(), "could not read the host's facts",
                    result.stderr().strip(), "check that the host runs Debian with a POSIX sh, coreutils and systemd", null);
        }
        return parse(result.stdout());
    }

    static String script(Request r) {
        StringBuilder s = new StringBuilder();
        s.append("LC_ALL=C; export LC_ALL\n");
        s.append(". /etc/os-release 2>/dev/null\n");
        s.append("printf 'os\\t%s\\t%s\\t%s\\n' \"$ID\" \"$VERSION_ID\" \"$VERSION_CODENAME\"\n");
        s.append("printf 'hostname\\t%s\\t%s\\n' \"$(hostname)\" \"$(hostname -f 2>/dev/null || hostname)\"\n");
        s.append("dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Status}\\n' ")
                .append(String.join(" ", PACKAGES)).append(" 2>/dev/null | sed 's/^/pkg\\t/'\n");
        s.append("for f in ").append(String.join(" ", r.files().stream().map(p -> quote(p)).toList())).append("; do\n")
                .append("  if [ -e \"$f\" ] && [ ! -L \"$f\" ]; then\n")
                .append("    set -- $(stat -c '%a %U %G' \"$f\")\n")
                .append("    printf 'file\\t%s\\t%s\\t%s\\t%s\\t%s\\n' \"$f\" \"$1\" \"$2\" \"$3\" ")
                .append("\"$( [ -f \"$f\" ] && sha256sum < \"$f\" | cut -d' ' -f1)\"\n")
                .append("  fi\ndone\n");
        s.append("c=").append(quote(r.configFile())).append("\n")
                .append("[ -f \"$c\" ] && printf 'config\\t%s\\n' \"$(base64 -w0 < \"$c\")\"\n");
        s.append("d=").append(quote(r.defaultsFile())).append("\n")
                .append("if [ -L \"$d\" ]; then printf 'defaults\\tlink\\t%s\\n' \"$(readlink \"$d\")\";")
                .append(" elif [ -e \"$d\" ]; then printf 'defaults\\tfile\\n'; fi\n");
        s.append("printf 'active\\t%s\\n' \"$(systemctl is-active etcd 2>/dev/null)\"\n");
        s.append("[ -d ").append(quote(r.dataDir() + "/member")).append(" ] && printf 'data\\tmember\\n'\n");
        // The local member's own view of the cluster: its cluster ID, member ID and the leader.
        s.append("if [ \"$(systemctl is-active etcd 2>/dev/null)\" = active ] && [ -r ").append(quote(r.adminKey()))
                .append(" ] && command -v etcdctl >/dev/null; then\n")
                .append("  st=$(").append(EtcdctlInvocation.of(r.localClientUrl(), r.caCert(), r.adminCert(), r.adminKey()).bounded(5))
                .append(" --dial-timeout=2s --command-timeout=3s")
                .append(" endpoint status -w json 2>/dev/null) && printf 'status\\t%s\\n' \"$(printf '%s' \"$st\" | base64 -w0)\"\n")
                .append("fi\n");
        s.append("[ -f ").append(quote(r.caCert())).append(" ] && printf 'ca\\t%s\\n' \"$(base64 -w0 < ").append(quote(r.caCert())).append(")\"\n");
        // Left by a run that wrote files etcd must restart for, removed by the restart itself.
        for (String marker : r.restartFiles()) {
            s.append("[ -e ").append(quote(marker)).append(" ] && printf 'stale\\t%s\\n' ").append(quote(marker)).append("\n");
        }
        s.append("exit 0\n");
        return s.toString();
    }

    static HostFacts parse(String out) {
        String osId = "", osVersion = "", osCodename = "", hostname = "", fqdn = "", config = "", status = "", ca = "";
        boolean stale = false;
        Map<String, String> packages = new LinkedHashMap<>();
        Map<String, FileState> files = new LinkedHashMap<>();
        Optional<String> link = Optional.empty();
        boolean defaultsIsFile = false, active = false, member = false;
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "os" -> {
                    osId = at(f, 1);
                    osVersion = at(f, 2);
                    osCodename = at(f, 3);
                }
                case "hostname" -> {
                    hostname = at(f, 1);
                    fqdn = at(f, 2).isEmpty() ? hostname : at(f, 2);
                }
                case "pkg" -> {
                    if (at(f, 3).equals("installed")) {
                        packages.put(at(f, 1), at(f, 2));
                    }
                }
                case "file" -> files.put(at(f, 1), new FileState(at(f, 1), true, normaliseMode(at(f, 2)), at(f, 3), at(f, 4), at(f, 5)));
                case "config" -> config = decode(at(f, 1));
                case "defaults" -> {
                    if (at(f, 1).equals("link")) {
                        link = Optional.of(at(f, 2));
                    } else {
                        defaultsIsFile = true;
                    }
                }
                case "active" -> active = at(f, 1).equals("active");
                case "data" -> member = true;
                case "status" -> status = decode(at(f, 1));
                case "ca" -> ca = decode(at(f, 1));
                case "stale" -> stale = true;
                default -> {
                }
            }
        }
        return new HostFacts(osId, osVersion, osCodename, hostname, fqdn, packages, files, config, link,
                defaultsIsFile, active, member, status, ca, stale);
    }

    private static String at(String[] f, int i) {
        return i < f.length ? f[i] : "";
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64.strip()), StandardCharsets.UTF_8);
    }

    /** stat prints 640; plans and comparisons use 0640. */
    static String normaliseMode(String mode) {
        return mode.length() < 4 ? "0".repeat(4 - mode.length()) + mode : mode;
    }
}
