package dev.dcsprov.auth;

import dev.dcsprov.Shell;
import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.BackupSettings;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.DesiredFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /etc/dcs/etcdctl.env: root sources it, so it is root's, and it never holds root's password. */
class EtcdctlEnvFileTest {
    static final String PASSWORD = "s3cret 'quoted' pw";
    static final ClusterSettings CLUSTER = new ClusterSettings("dcs", "dcs-token", "/var/lib/etcd/dcs", "/etc/dcs", "/etc/dcs/etcd",
            "/etc/dcs/cert", 2379, 2380, EtcdTuning.defaults(), Optional.empty(), Path.of("pki/dcs"),
            KeyAlgorithm.ECDSA_P256, 365, 3650, 30, List.of(), List.of(), Optional.empty(),
            new BackupSettings(Path.of("backups/dcs"), 7, Optional.empty(), "/var/lib/dcs/backup", 7));
    static final RemotePaths PATHS = RemotePaths.of(CLUSTER);
    static final List<String> ENDPOINTS = List.of("https://192.168.56.10:2379");
    static final String COMMENT = "Managed by dcsprov. As root: . /etc/dcs/etcdctl.env && etcdctl endpoint health";

    private static Change plan(FileState have) {
        HostFacts facts = new HostFacts("debian", "12", "bookworm", "h", "h", Map.of(), Map.of(have.path(), have), "",
                Optional.empty(), false, false, false, "", "", false);
        List<Change> changes = AuthConvergence.envStep(CLUSTER, PATHS, ENDPOINTS, Optional.of(PASSWORD)).plan("h", facts).changes();
        assertEquals(1, changes.size());
        return changes.get(0);
    }

    private static String sent(Change c) throws IOException {
        StringBuilder all = new StringBuilder();
        for (RemoteCommand command : c.commands()) {
            all.append(command.script());
            try (InputStream in = command.openStdin()) {
                all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    private static String sha256(String text) {
        return new DesiredFile("", text.getBytes(StandardCharsets.UTF_8), "0644", "root", "root", false, false, false).sha256();
    }

    @Test
    void withAuthOnTheNewFileHoldsNoPasswordAndIsRootsAlone() throws IOException {
        Change c = plan(FileState.absent(AuthConvergence.envFile(CLUSTER)));
        assertEquals(Action.CREATE, c.action());
        String sent = sent(c);
        assertFalse(sent.contains("ETCDCTL_USER"), sent);
        assertFalse(sent.contains("s3cret"), sent);
        assertTrue(sent.contains("export ETCDCTL_KEY='/etc/dcs/cert/admin.key'"), "the admin certificate authenticates: " + sent);
        assertTrue(sent.contains("chown 'root:root'") && sent.contains("chmod 0644"), sent);
    }

    @Test
    void theFileAnOlderVersionWroteLosesItsPasswordAndThePlanSaysSoWithoutShowingIt() throws IOException {
        String legacy = new EtcdctlEnv(ENDPOINTS, PATHS.caCert(), PATHS.adminCert(), PATHS.adminKey(),
                Optional.of("root:" + PASSWORD)).render(COMMENT);
        assertTrue(legacy.contains("ETCDCTL_USER=" + Shell.quote("root:" + PASSWORD)), legacy);
        Change c = plan(new FileState(AuthConvergence.envFile(CLUSTER), true, "0640", "root", "etcd", sha256(legacy)));
        assertEquals(Action.UPDATE, c.action());
        assertEquals("no password at rest: the admin certificate (CN root) authenticates etcdctl", c.reason());
        assertTrue(c.diff().contains("-export ETCDCTL_USER='root:(sensitive)'"), c.diff());
        assertFalse(c.diff().contains("s3cret"), c.diff());
        assertFalse(c.restartsEtcd());
        String sent = sent(c);
        assertFalse(sent.contains("s3cret"), sent);
        assertFalse(sent.contains("ETCDCTL_USER"), sent);
    }
}
