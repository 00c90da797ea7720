package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.auth.Secrets;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.pki.HostCertificateRequest;
import dev.dcsprov.pki.PkiStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** dcsprov patroni-config: the etcd3 section of a patroni.yml for one etcd user. No SSH. */
@Command(name = "patroni-config", mixinStandardHelpOptions = true,
        description = {"Prints the etcd3: section of a patroni.yml for one etcd user of the inventory.",
                "It has the hosts, protocol https, the CA, the user's client certificate and key (issued by apply into "
                        + "the PKI dir's clients/; copy them to --tls-dir on the Patroni hosts) and the user (etcd_users).",
                "The user needs a password: Patroni talks to etcd's JSON gateway, which refuses client certificates "
                        + "with a CN, so such a user's certificate has none. Users without a password get CN = user name, "
                        + "for gRPC clients (etcdctl, kube-apiserver).",
                "Connects to no host."})
final class PatroniConfigCommand extends InventoryCommand implements ConnectsToNoHost {
    @Option(names = "--user", required = true, paramLabel = "NAME", description = "an etcd user from etcd_users")
    String user;

    @Option(names = "--tls-dir", paramLabel = "DIR", defaultValue = "/etc/patroni/dcs",
            description = "Where the CA, certificate and key will be on the Patroni hosts (default: ${DEFAULT-VALUE})")
    String tlsDir;

    @Option(names = "--with-password", description = "Print the user's password (read from its source) instead of a placeholder")
    boolean withPassword;

    @Override
    public Integer call() {
        Inventory inventory = loadInventory();
        UserSpec spec = inventory.auth().users().get(user);
        if (spec == null) {
            throw new DcsprovException(ExitCode.USAGE, "etcd user '" + user + "' is not in the inventory's etcd_users",
                    "users: " + String.join(", ", inventory.auth().users().keySet()), "pass --user with one of them, or add it to etcd_users");
        }
        if (spec.certificateOnly()) {
            throw new DcsprovException(ExitCode.USAGE, "etcd user '" + user + "' is certificate-only (it has no password), so Patroni cannot use it",
                    "Patroni talks to etcd's JSON gateway, which refuses client certificates with a CN and takes the user only from "
                            + "a password. A user without a password gets a certificate with CN = user name, for gRPC clients "
                            + "(etcdctl, kube-apiserver).",
                    "give the user a password in etcd_users (password: {file: ...}) and run dcsprov apply: its certificate is "
                            + "reissued without CN");
        }
        StringBuilder y = new StringBuilder("# for Patroni (etcd's JSON gateway): a client certificate without CN, the user from the password\n"
                + "etcd3:\n  hosts:\n");
        inventory.members().forEach(h -> y.append("  - ").append(h.clientUrl(inventory.cluster()).replaceFirst("^https://", "")).append('\n'));
        y.append("  protocol: https\n");
        PkiStore pki = new PkiStore(inventory.cluster().pkiDir());
        String dir = tlsDir.endsWith("/") ? tlsDir : tlsDir + "/";
        copyOf(y, "cacert", dir + "ca.crt", pki.clientTrustFile(), "");
        if (HostCertificateRequest.fileSafeName(user)) {
            copyOf(y, "cert", dir + user + ".crt", pki.clientCertificateFile(user), "");
            copyOf(y, "key", dir + user + ".key", pki.clientKeyFile(user), ", mode 0600, owned by Patroni's user");
        } else {
            y.append("  # cert, key: a client certificate of the cluster CA without CN (dcsprov issues none for this name)\n");
        }
        y.append("  username: ").append(yamlString(user)).append('\n');
        if (withPassword) {
            y.append("  password: ").append(yamlString(new Secrets().read(spec.password().orElseThrow(), "etcd user " + user))).append('\n');
        } else {
            y.append("  password: CHANGE-ME  # from ").append(spec.password().orElseThrow().describe())
                    .append("; --with-password prints it\n");
        }
        if (json()) { // the same document; the YAML's comments (which local file goes where) are left out
            printJson(new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()))
                    .load(y.toString()));
            return ExitCode.OK.code();
        }
        out().print(y);
        out().flush();
        return ExitCode.OK.code();
    }

    /** A path on the Patroni hosts, with the local file that goes there as a comment. */
    private static void copyOf(StringBuilder y, String key, String remote, Path local, String how) {
        y.append("  ").append(key).append(": ").append(yamlString(remote)).append("  # copy of ").append(local).append(how)
                .append(Files.exists(local) ? "" : " (not there yet: run dcsprov apply)").append('\n');
    }

    /** Double-quoted YAML scalar: safe for any password. */
    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
