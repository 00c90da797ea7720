package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.auth.Secrets;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.render.RemotePaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** dcsprov patroni-config: the etcd3 section of a patroni.yml for one etcd user. No SSH. */
@Command(name = "patroni-config", mixinStandardHelpOptions = true,
        description = {"Prints the etcd3: section of a patroni.yml for an etcd user of the inventory (etcd_users):",
                "hosts, protocol https, the CA on the members and the user. Connects to no host."})
final class PatroniConfigCommand extends InventoryCommand {
    @Option(names = "--user", required = true, paramLabel = "NAME", description = "an etcd user from etcd_users")
    String user;

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
        StringBuilder y = new StringBuilder("etcd3:\n  hosts:\n");
        inventory.members().forEach(h -> y.append("  - ").append(h.clientUrl(inventory.cluster()).replaceFirst("^https://", "")).append('\n'));
        y.append("  protocol: https\n");
        y.append("  cacert: ").append(RemotePaths.of(inventory.cluster()).caCert()).append('\n');
        y.append("  username: ").append(yamlString(user)).append('\n');
        if (withPassword) {
            y.append("  password: ").append(yamlString(new Secrets().read(spec.password(), "etcd user " + user))).append('\n');
        } else {
            y.append("  password: CHANGE-ME  # from ").append(spec.password().describe())
                    .append("; --with-password prints it\n");
        }
        out().print(y);
        out().flush();
        return ExitCode.OK.code();
    }

    /** Double-quoted YAML scalar: safe for any password. */
    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
