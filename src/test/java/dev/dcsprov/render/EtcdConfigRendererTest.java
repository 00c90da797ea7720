package dev.dcsprov.render;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtcdConfigRendererTest {
    /** The repository's templates/, the one source of the bundled templates (tests run in the module directory). */
    private static final Path REPO_TEMPLATES = Path.of("templates").toAbsolutePath();

    private final EtcdConfigRenderer renderer = new EtcdConfigRenderer(Optional.of(REPO_TEMPLATES));

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    @Test
    void rendersEveryMemberSettingOfTheLabCluster() {
        Inventory inv = LabInventory.lab();
        Host dcs01 = inv.member("dcs-01").orElseThrow();

        String text = renderer.render(inv, dcs01, inv.initialCluster(), "new");

        assertEquals("""
                # Managed by dcsprov; local changes are overwritten. Cluster dcs.

                # Member
                ETCD_NAME="dcs-01"
                ETCD_DATA_DIR="/var/lib/etcd/dcs"

                # Listening and advertised URLs
                ETCD_LISTEN_PEER_URLS="https://192.168.56.11:2380"
                ETCD_LISTEN_CLIENT_URLS="https://192.168.56.11:2379,https://127.0.0.1:2379"
                ETCD_ADVERTISE_CLIENT_URLS="https://192.168.56.11:2379"
                ETCD_INITIAL_ADVERTISE_PEER_URLS="https://192.168.56.11:2380"

                # Bootstrap; ignored once the data directory holds a member
                ETCD_INITIAL_CLUSTER="dcs-00=https://192.168.56.10:2380,dcs-01=https://192.168.56.11:2380,dcs-02=https://192.168.56.12:2380"
                ETCD_INITIAL_CLUSTER_TOKEN="dcs-token"
                ETCD_INITIAL_CLUSTER_STATE="new"

                # Client TLS: clients must present a certificate signed by the cluster CA
                ETCD_CERT_FILE="/etc/dcs/cert/server.crt"
                ETCD_KEY_FILE="/etc/dcs/cert/server.key"
                ETCD_CLIENT_CERT_AUTH="true"
                ETCD_TRUSTED_CA_FILE="/etc/dcs/cert/ca.crt"

                # Peer TLS: the server certificate has both serverAuth and clientAuth
                ETCD_PEER_CERT_FILE="/etc/dcs/cert/server.crt"
                ETCD_PEER_KEY_FILE="/etc/dcs/cert/server.key"
                ETCD_PEER_CLIENT_CERT_AUTH="true"
                ETCD_PEER_TRUSTED_CA_FILE="/etc/dcs/cert/ca.crt"

                # Tuning
                ETCD_HEARTBEAT_INTERVAL="100"
                ETCD_ELECTION_TIMEOUT="1000"
                ETCD_QUOTA_BACKEND_BYTES="2147483648"
                ETCD_AUTO_COMPACTION_MODE="periodic"
                ETCD_AUTO_COMPACTION_RETENTION="1h"
                ETCD_SNAPSHOT_COUNT="100000"
                """, text);
    }

    @Test
    void sameInputGivesSameBytesSoReRunsChangeNothing() {
        Inventory inv = LabInventory.lab();
        Host dcs00 = inv.members().get(0);
        String first = renderer.render(inv, dcs00, inv.initialCluster(), "new");
        String second = new EtcdConfigRenderer(Optional.of(REPO_TEMPLATES)).render(inv, dcs00, inv.initialCluster(), "new");
        assertEquals(first, second);
    }

    @Test
    void joiningMemberGetsTheCallersInitialClusterAndExistingState() {
        Inventory inv = LabInventory.lab();
        String fromMemberAdd = "dcs-00=https://192.168.56.10:2380,dcs-02=https://192.168.56.12:2380";
        List<String> lines = lines(renderer.render(inv, inv.members().get(2), fromMemberAdd, "existing"));
        assertTrue(lines.contains("ETCD_INITIAL_CLUSTER=\"" + fromMemberAdd + "\""), lines::toString);
        assertTrue(lines.contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\""), lines::toString);
    }

    @Test
    void rejectsUnknownClusterState() {
        Inventory inv = LabInventory.lab();
        assertThrows(IllegalArgumentException.class,
                () -> renderer.render(inv, inv.members().get(0), inv.initialCluster(), "New"));
    }

    @Test
    void ipv6AddressesAreBracketedAndLoopbackIsNotDuplicated() {
        ClusterSettings cluster = LabInventory.cluster(Optional.empty());
        Host v6 = LabInventory.host(0, "fd00::10", List.of("fd00::10", "127.0.0.1", "fd00::10"));
        Inventory inv = LabInventory.inventory(cluster, v6);
        List<String> lines = lines(renderer.render(inv, v6, inv.initialCluster(), "new"));
        assertTrue(lines.contains("ETCD_LISTEN_CLIENT_URLS=\"https://[fd00::10]:2379,https://127.0.0.1:2379\""),
                lines::toString);
        assertTrue(lines.contains("ETCD_LISTEN_PEER_URLS=\"https://[fd00::10]:2380,https://127.0.0.1:2380\""),
                lines::toString);
        assertTrue(lines.contains("ETCD_ADVERTISE_CLIENT_URLS=\"https://[fd00::10]:2379\""), lines::toString);
        assertTrue(lines.contains("ETCD_INITIAL_CLUSTER=\"dcs-00=https://[fd00::10]:2380\""), lines::toString);
    }

    @Test
    void wildcardListenAddressIsNotCombinedWithLoopback() {
        assertEquals(List.of("https://0.0.0.0:2379"), EtcdConfigRenderer.listenClientUrls(List.of("0.0.0.0"), 2379));
        assertEquals(List.of("https://[fe80::1%25eth0]:2379", "https://127.0.0.1:2379"),
                EtcdConfigRenderer.listenClientUrls(List.of("fe80::1%eth0"), 2379));
    }

    @Test
    void bigNumbersHaveNoGroupingSeparators() {
        ClusterSettings base = LabInventory.cluster(Optional.empty());
        EtcdTuning tuning = new EtcdTuning(250, 2500, 8L * 1024 * 1024 * 1024, "revision", "1000", 1_000_000);
        ClusterSettings cluster = new ClusterSettings(base.name(), base.token(), base.dataDir(), base.configDir(),
                base.configFile(), "/srv/tls/", base.clientPort(), base.peerPort(), tuning, base.aptProxy(),
                base.pkiDir(), base.keyAlgorithm(), base.certDays(), base.caDays(), base.renewBeforeDays(),
                base.extraSans(), base.knownHostsFiles(), base.templateDir(), base.backup());
        Host h = LabInventory.host(0, "192.168.56.10", List.of("192.168.56.10"));
        Inventory inv = LabInventory.inventory(cluster, h);
        List<String> lines = lines(renderer.render(inv, h, inv.initialCluster(), "new"));
        assertTrue(lines.contains("ETCD_QUOTA_BACKEND_BYTES=\"8589934592\""), lines::toString);
        assertTrue(lines.contains("ETCD_SNAPSHOT_COUNT=\"1000000\""), lines::toString);
        assertTrue(lines.contains("ETCD_HEARTBEAT_INTERVAL=\"250\""), lines::toString);
        assertTrue(lines.contains("ETCD_ELECTION_TIMEOUT=\"2500\""), lines::toString);
        assertTrue(lines.contains("ETCD_AUTO_COMPACTION_MODE=\"revision\""), lines::toString);
        assertTrue(lines.contains("ETCD_AUTO_COMPACTION_RETENTION=\"1000\""), lines::toString);
        // A trailing slash in the cert dir must not give //server.crt.
        assertTrue(lines.contains("ETCD_CERT_FILE=\"/srv/tls/server.crt\""), lines::toString);
    }

    @Test
    void metricsPortGivesPlainHttpMetricsUrlsOnTheListenAddressesAndLoopback() {
        ClusterSettings base = LabInventory.cluster(Optional.empty());
        Host h = LabInventory.host(0, "192.168.56.10", List.of("192.168.56.10"));
        Inventory without = LabInventory.inventory(base, h);
        assertFalse(renderer.render(without, h, without.initialCluster(), "new").contains("ETCD_LISTEN_METRICS_URLS"),
                "unset: etcd's default, /metrics only on the client port");

        EtcdTuning t = base.tuning();
        EtcdTuning tuning = new EtcdTuning(t.heartbeatIntervalMs(), t.electionTimeoutMs(), t.quotaBackendBytes(),
                t.autoCompactionMode(), t.autoCompactionRetention(), t.snapshotCount(), java.util.OptionalInt.of(2381));
        ClusterSettings cluster = new ClusterSettings(base.name(), base.token(), base.dataDir(), base.configDir(),
                base.configFile(), base.certDir(), base.clientPort(), base.peerPort(), tuning, base.aptProxy(),
                base.pkiDir(), base.keyAlgorithm(), base.certDays(), base.caDays(), base.renewBeforeDays(),
                base.extraSans(), base.knownHostsFiles(), base.templateDir(), base.backup());
        Inventory inv = LabInventory.inventory(cluster, h);
        List<String> lines = lines(renderer.render(inv, h, inv.initialCluster(), "new"));
        assertTrue(lines.contains("ETCD_LISTEN_METRICS_URLS=\"http://192.168.56.10:2381,http://127.0.0.1:2381\""), lines::toString);
        assertEquals(List.of("http://0.0.0.0:2381"), EtcdConfigRenderer.listenMetricsUrls(List.of("0.0.0.0"), 2381));
    }

    @Test
    void valueWithQuoteIsRefused() {
        ClusterSettings base = LabInventory.cluster(Optional.empty());
        ClusterSettings cluster = new ClusterSettings(base.name(), "tok\"en", base.dataDir(), base.configDir(),
                base.configFile(), base.certDir(), base.clientPort(), base.peerPort(), base.tuning(), base.aptProxy(),
                base.pkiDir(), base.keyAlgorithm(), base.certDays(), base.caDays(), base.renewBeforeDays(),
                base.extraSans(), base.knownHostsFiles(), base.templateDir(), base.backup());
        Host h = LabInventory.host(0, "192.168.56.10", List.of("192.168.56.10"));
        Inventory inv = LabInventory.inventory(cluster, h);
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> renderer.render(inv, h, inv.initialCluster(), "new"));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertTrue(e.detail().orElseThrow().contains("ETCD_INITIAL_CLUSTER_TOKEN=\"tok\"en\""), e.detail()::get);
    }

    @Test
    void newlineInAValueIsRefusedBeforeItCanAddALine() {
        ClusterSettings base = LabInventory.cluster(Optional.empty());
        ClusterSettings cluster = new ClusterSettings("dcs\nETCD_FOO=\"1\"\n#", base.token(), base.dataDir(),
                base.configDir(), base.configFile(), base.certDir(), base.clientPort(), base.peerPort(), base.tuning(),
                base.aptProxy(), base.pkiDir(), base.keyAlgorithm(), base.certDays(), base.caDays(),
                base.renewBeforeDays(), base.extraSans(), base.knownHostsFiles(), base.templateDir(), base.backup());
        Host h = LabInventory.host(0, "192.168.56.10", List.of("192.168.56.10"));
        Inventory inv = LabInventory.inventory(cluster, h);
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> renderer.render(inv, h, inv.initialCluster(), "new"));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertEquals("The value of cluster.name contains a control character", e.summary());
    }

    @Test
    void userTemplateWithMissingVariableNamesFileLineAndName(@TempDir Path dir) throws Exception {
        Path template = dir.resolve("etcd.ftl");
        Files.writeString(template, "# custom\nETCD_NAME=\"${member.name}\"\nETCD_X=\"${member.nosuch}\"\n");
        Inventory inv = LabInventory.lab();
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new EtcdConfigRenderer(Optional.of(dir)).render(inv, inv.members().get(0),
                        inv.initialCluster(), "new"));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertEquals(template + ":3: member.nosuch is not defined", e.summary());
        assertTrue(e.detail().orElseThrow().contains("member.name"), e.detail()::get);
    }

    @Test
    void userTemplateSyntaxErrorNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path template = dir.resolve("etcd.ftl");
        Files.writeString(template, "# custom\n\nETCD_NAME=\"<#if>x</#if>\"\n");
        Inventory inv = LabInventory.lab();
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new EtcdConfigRenderer(Optional.of(dir)).render(inv, inv.members().get(0),
                        inv.initialCluster(), "new"));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        assertEquals(template + ":3: template syntax error", e.summary());
    }

    @Test
    void userTemplateOverridesTheBundledOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("etcd.ftl"), "ETCD_NAME=\"${member.name}\"\nETCD_LOGGER=\"zap\"\n");
        Inventory inv = LabInventory.lab();
        String text = new EtcdConfigRenderer(Optional.of(dir), emptyClassLoader())
                .render(inv, inv.members().get(0), inv.initialCluster(), "new");
        assertEquals("ETCD_NAME=\"dcs-00\"\nETCD_LOGGER=\"zap\"\n", text);
    }

    @Test
    void symlinkedUserTemplateIsUsed(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectory(dir.resolve("real")).resolve("mine.ftl");
        Files.writeString(real, "ETCD_NAME=\"${member.name}\"\n");
        Path templates = Files.createDirectory(dir.resolve("templates"));
        Files.createSymbolicLink(templates.resolve("etcd.ftl"), real);
        Inventory inv = LabInventory.lab();
        String text = new EtcdConfigRenderer(Optional.of(templates), emptyClassLoader())
                .render(inv, inv.members().get(1), inv.initialCluster(), "new");
        assertEquals("ETCD_NAME=\"dcs-01\"\n", text);
    }

    @Test
    void templateDirWithoutEtcdFtlFallsBackToTheBundledTemplate(@TempDir Path dir) throws Exception {
        Inventory inv = LabInventory.lab();
        Host h = inv.members().get(0);
        String text = new EtcdConfigRenderer(Optional.of(dir), repoRootClassLoader())
                .render(inv, h, inv.initialCluster(), "new");
        assertEquals(renderer.render(inv, h, inv.initialCluster(), "new"), text);
    }

    @Test
    void classpathTemplateIsTheRepositoryTemplate() throws Exception {
        Inventory inv = LabInventory.lab();
        Host h = inv.members().get(0);
        try (URLClassLoader loader = repoRootClassLoader()) {
            String text = new EtcdConfigRenderer(Optional.empty(), loader).render(inv, h, inv.initialCluster(), "new");
            assertEquals(renderer.render(inv, h, inv.initialCluster(), "new"), text);
        }
    }

    @Test
    void missingBundledTemplateIsAnInternalError() {
        Inventory inv = LabInventory.lab();
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new EtcdConfigRenderer(Optional.empty(), emptyClassLoader())
                        .render(inv, inv.members().get(0), inv.initialCluster(), "new"));
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertFalse(e.summary().isBlank());
    }

    @Test
    void missingTemplateDirIsAnInventoryError(@TempDir Path dir) {
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> new EtcdConfigRenderer(Optional.of(dir.resolve("nope"))));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
    }

    /** Serves /templates/etcd.ftl from the repository root, as the jar will once templates/ is a resource dir. */
    private static URLClassLoader repoRootClassLoader() throws Exception {
        URL root = REPO_TEMPLATES.getParent().toUri().toURL();
        return new URLClassLoader(new URL[]{root}, null);
    }

    private static ClassLoader emptyClassLoader() {
        return new URLClassLoader(new URL[0], null);
    }
}
