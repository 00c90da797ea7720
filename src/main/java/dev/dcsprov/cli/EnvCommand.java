package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.auth.EtcdctlEnv;
import dev.dcsprov.auth.Secrets;
import dev.dcsprov.inventory.AuthSettings;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.PkiStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.util.Optional;

/** dcsprov env: ETCDCTL_* for this machine, with the local client certificate. No SSH. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Prints the ETCDCTL_* variables that let etcdctl on this machine reach the cluster.",
                "They name the local CA and client certificate (CN root): eval \"$(dcsprov env INVENTORY)\", then etcdctl works.",
                "Connects to no host."})
final class EnvCommand extends InventoryCommand implements ConnectsToNoHost {
    @Option(names = "--with-password", description = "Also print ETCDCTL_USER=root:<password>, read from the inventory's source. "
            + "Without it the client certificate (CN root) authenticates and no secret is printed.")
    boolean withPassword;

    @Override
    public Integer call() {
        Inventory inventory = loadInventory();
        PkiStore pki = new PkiStore(inventory.cluster().pkiDir());
        if (!Files.exists(pki.clientCertificateFile(AuthSettings.ROOT)) || !Files.exists(pki.clientKeyFile(AuthSettings.ROOT))) {
            throw new DcsprovException(ExitCode.PKI, "no local client certificate in " + pki.directory(),
                    "dcsprov env points etcdctl at " + pki.clientCertificateFile(AuthSettings.ROOT) + ", which dcsprov apply creates.",
                    "run 'dcsprov apply " + options.inventory + "' first, or set dcsprov_pki_dir to where the PKI is");
        }
        Optional<String> user = Optional.empty();
        if (withPassword) {
            if (!inventory.auth().on()) {
                throw new DcsprovException(ExitCode.USAGE, "--with-password needs etcd_auth_enabled: true in the inventory",
                        "", "leave --with-password out: the client certificate authenticates");
            }
            user = Optional.of(AuthSettings.ROOT + ":" + new Secrets().read(inventory.auth().rootPassword().orElseThrow(), "etcd user root"));
        }
        EtcdctlEnv env = new EtcdctlEnv(inventory.members().stream().map(h -> h.clientUrl(inventory.cluster())).toList(),
                pki.clientTrustFile().toAbsolutePath().toString(), // the bundle of both CAs during rotate-certs --ca
                pki.clientCertificateFile(AuthSettings.ROOT).toAbsolutePath().toString(),
                pki.clientKeyFile(AuthSettings.ROOT).toAbsolutePath().toString(), user);
        if (json()) {
            printJson(env.variables());
            return ExitCode.OK.code();
        }
        String text = env.render("cluster '" + inventory.cluster().name() + "': eval \"$(dcsprov env " + options.inventory + ")\"");
        out().print(text);
        out().flush();
        return ExitCode.OK.code();
    }
}
