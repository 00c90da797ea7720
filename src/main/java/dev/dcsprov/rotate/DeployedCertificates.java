package dev.dcsprov.rotate;

import dev.dcsprov.ExitCode;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.RemoteException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.dcsprov.Shell.quote;

/**
 * The certificates actually on a member (ca.crt, server.crt, admin.crt), read in one round trip.
 * Only certificates travel back: keys are never read from a host.
 *
 * @param files remote path -> PEM bytes; a path that does not exist is absent from the map
 */
public record DeployedCertificates(String host, Map<String, byte[]> files) {

    public static DeployedCertificates read(Connection connection, RemotePaths paths) {
        List<String> wanted = List.of(paths.caCert(), paths.serverCert(), paths.adminCert());
        StringBuilder s = new StringBuilder("for f in");
        wanted.forEach(f -> s.append(' ').append(quote(f)));
        s.append("; do if [ -f \"$f\" ]; then printf '%s\\t%s\\n' \"$f\" \"$(base64 -w0 < \"$f\")\"; fi; done\n");
        CommandResult r = connection.run(RemoteCommand.of(s.toString()));
        if (!r.ok()) {
            throw new RemoteException(ExitCode.HOST_FAILED, connection.hostName(), "could not read the deployed certificates",
                    r.stderr().strip(), "check that root (or sudo) can read " + paths.certDir(), null);
        }
        return new DeployedCertificates(connection.hostName(), parse(r.stdout()));
    }

    static Map<String, byte[]> parse(String out) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && !f[0].isEmpty()) {
                files.put(f[0], Base64.getDecoder().decode(f[1].strip()));
            }
        }
        return files;
    }

    public byte[] file(String path) {
        return files.getOrDefault(path, new byte[0]);
    }

    public String text(String path) {
        return new String(file(path), StandardCharsets.US_ASCII);
    }
}
