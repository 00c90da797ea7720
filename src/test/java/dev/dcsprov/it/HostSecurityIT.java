package dev.dcsprov.it;

import dev.dcsprov.auth.EtcdctlEnv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No path from the etcd account to root (issue 11, item 1), on a one-member cluster with auth and
 * scheduled snapshots. The host is first put back into the state the previous dcsprov left
 * (/etc/dcs and the backup dir etcd's, root's password in etcdctl.env) and, as etcd, links are
 * planted in the backup dir; then apply must converge it, and the attacks are tried as the etcd
 * user with runuser: nothing root sources or runs is writable, no password is readable, and a
 * snapshot run follows none of the planted links.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostSecurityIT {
    static final String HOST = "dcs-45";
    static final String ROOT_PW = "root-Pw-HostSec-5e1c";
    static final String ENV = "/etc/dcs/etcdctl.env";
    static final String BACKUP = "/var/lib/dcs/backup";
    static final String VICTIM = "/root/precious";
    private Path inventory;

    @BeforeAll
    void cluster() throws IOException {
        Lab.requireUp();
        Lab.recreate(List.of(HOST));
        inventory = Lab.writeInventory(Files.createTempDirectory("dcsprov-hostsec-it"), List.of(HOST), """
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {env: HOSTSEC_IT_ROOT_PW}
                    dcsprov_backup_schedule: hourly
                """);
        Proc.Result r = dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
    }

    private Proc.Result dcsprov(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("HOSTSEC_IT_ROOT_PW", ROOT_PW), Lab.REPO, 600);
    }

    /** A shell command as the etcd account on the member. */
    private static Proc.Result asEtcd(String command) {
        return Lab.ssh(HOST, "cd / && runuser -u etcd -- sh -c " + quote(command));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String mainPid() {
        return Lab.sshOk(HOST, "systemctl show -p MainPID --value etcd").strip();
    }

    private static String stat(String paths) {
        return Lab.sshOk(HOST, "stat -c '%n %a %U %G' " + paths);
    }

    @Test
    @Order(1)
    void aHostLeftByThePreviousVersionConvergesWithoutARestartAndThePlanSaysHow() throws IOException {
        // One snapshot taken by the timer's service, before the host is set back.
        Lab.sshOk(HOST, "systemctl start dcsprov-snapshot.service");
        // What the previous dcsprov made: etcd owned the config, certificate and backup dirs, its files,
        // and etcdctl.env carried root's password.
        String legacyEnv = new EtcdctlEnv(Cli.endpoints(List.of(HOST)), "/etc/dcs/cert/ca.crt", "/etc/dcs/cert/admin.crt",
                "/etc/dcs/cert/admin.key", Optional.of("root:" + ROOT_PW))
                .render("Managed by dcsprov. As root: . " + ENV + " && etcdctl endpoint health");
        Lab.sshOk(HOST, "set -e; chown etcd:etcd /etc/dcs /etc/dcs/cert /etc/dcs/etcd /etc/dcs/cert/ca.crt /etc/dcs/cert/server.crt"
                + " /etc/dcs/cert/server.key " + BACKUP + " " + BACKUP + "/*.db"
                + "; chmod 0770 /etc/dcs; chmod 0600 /etc/dcs/cert/server.key; chmod 0750 " + BACKUP + "; chmod 0640 " + BACKUP + "/*.db"
                + "; echo " + Base64.getEncoder().encodeToString(legacyEnv.getBytes(StandardCharsets.UTF_8)) + " | base64 -d > " + ENV
                + "; chown root:etcd " + ENV + "; chmod 0640 " + ENV
                + "; printf 'precious\\n' > " + VICTIM + "; chmod 0600 " + VICTIM);
        // What etcd could then do: read the password, and plant links under every snapshot name of the next minutes.
        assertTrue(asEtcd("cat " + ENV).out().contains(ROOT_PW), "the previous version's hole is reproduced");
        Proc.Result plant = asEtcd("cd " + BACKUP + " && now=$(date +%s) && for i in $(seq 0 900); do "
                + "t=$(date -u -d @$((now + i)) +%Y%m%dT%H%M%SZ); ln -s " + VICTIM + " dcs-$t.db; ln -s " + VICTIM + " dcs-$t.db.part; done");
        assertEquals(0, plant.exit(), plant::toString);
        String pid = mainPid();

        Proc.Result plan = dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        for (String shown : List.of("/etc/dcs", "0770 etcd:etcd -> 0750 root:etcd", "0750 etcd:etcd -> 0750 root:etcd",
                "0750 etcd:etcd -> 0700 root:root; snapshots in it become root:root 0600",
                "/etc/dcs/cert/server.key", "owner etcd:etcd -> root:etcd", "no password at rest", "-export ETCDCTL_USER='root:(sensitive)'")) {
            assertTrue(plan.out().contains(shown), shown + "\n" + plan.out());
        }
        Proc.Result json = dcsprov("plan", "--output", "json", inventory.toString());
        assertFalse(plan.out().contains(ROOT_PW) || plan.err().contains(ROOT_PW) || json.out().contains(ROOT_PW),
                "the password is never shown");

        Proc.Result apply = dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        assertFalse(apply.out().contains(ROOT_PW) || apply.err().contains(ROOT_PW), "nor logged");
        assertEquals(pid, mainPid(), "owners and modes are fixed without restarting etcd");
        assertTrue(dcsprov("plan", inventory.toString()).out().contains("No changes"), "converged");

        String s = stat("/etc/dcs /etc/dcs/cert /etc/dcs/etcd " + ENV + " /etc/dcs/cert/ca.crt /etc/dcs/cert/server.crt"
                + " /etc/dcs/cert/server.key /etc/dcs/cert/admin.crt /etc/dcs/cert/admin.key " + BACKUP
                + " /usr/local/sbin/dcsprov-snapshot /etc/systemd/system/dcsprov-snapshot.service /etc/systemd/system/dcsprov-snapshot.timer");
        for (String want : List.of("/etc/dcs 750 root etcd", "/etc/dcs/cert 750 root etcd", "/etc/dcs/etcd 640 root etcd",
                ENV + " 644 root root", "/etc/dcs/cert/ca.crt 640 root etcd", "/etc/dcs/cert/server.crt 640 root etcd",
                "/etc/dcs/cert/server.key 640 root etcd", "/etc/dcs/cert/admin.crt 640 root etcd", "/etc/dcs/cert/admin.key 600 root root",
                BACKUP + " 700 root root", "/usr/local/sbin/dcsprov-snapshot 750 root root",
                "/etc/systemd/system/dcsprov-snapshot.service 644 root root", "/etc/systemd/system/dcsprov-snapshot.timer 644 root root")) {
            assertTrue(s.contains(want + "\n"), want + "\n" + s);
        }
        String old = Lab.sshOk(HOST, "find " + BACKUP + " -maxdepth 1 -type f -printf '%m %u %g\\n' | sort -u").strip();
        assertEquals("600 root root", old, "the snapshot taken before is root's now");
        // Root's etcdctl environment works without the password: the admin certificate authenticates as root.
        assertTrue(Lab.sshOk(HOST, ". " + ENV + " && etcdctl user list").contains("root"));
        assertTrue(Lab.sshOk(HOST, ". " + ENV + " && etcdctl endpoint health 2>&1").contains("is healthy"));
    }

    @Test
    @Order(2)
    void theEtcdAccountCanWriteNothingRootSourcesOrRuns() {
        for (String target : List.of(ENV, "/etc/dcs/etcd", "/etc/default/etcd", "/etc/dcs/cert/server.key", "/etc/dcs/cert/ca.crt",
                "/usr/local/sbin/dcsprov-snapshot", "/etc/systemd/system/dcsprov-snapshot.service",
                "/etc/systemd/system/dcsprov-snapshot.timer")) {
            Proc.Result w = asEtcd("echo 'touch /tmp/owned' >> " + target);
            assertNotEquals(0, w.exit(), "etcd appended to " + target);
        }
        for (String dir : List.of("/etc/dcs", "/etc/dcs/cert", "/etc/dcs/cert/archive", BACKUP, "/usr/local/sbin")) {
            assertNotEquals(0, asEtcd("ln -s " + VICTIM + " " + dir + "/planted").exit(), "etcd created an entry in " + dir);
            assertNotEquals(0, asEtcd("mv " + dir + " " + dir + ".moved").exit(), "etcd renamed " + dir);
        }
        assertNotEquals(0, asEtcd("mv " + ENV + " /etc/dcs/x").exit(), "etcd cannot replace etcdctl.env by a rename");
        assertNotEquals(0, asEtcd("chmod 0666 /etc/dcs/cert/server.key").exit(), "etcd cannot make its key writable");
        // What etcd needs it still reads, and etcd keeps serving.
        assertEquals(0, asEtcd("cat /etc/dcs/cert/server.key /etc/dcs/cert/server.crt /etc/dcs/cert/ca.crt >/dev/null").exit());
        assertNotEquals(0, asEtcd("cat /etc/dcs/cert/admin.key").exit(), "dcsprov's admin key stays root's");
        assertNotEquals(0, Lab.ssh(HOST, "test -e /tmp/owned").exit(), "nothing etcd wrote was run");
    }

    @Test
    @Order(3)
    void rootsPasswordIsNowhereOnTheHost() {
        // Neither readable by etcd nor at rest anywhere dcsprov writes (etcd's own data dir is etcd's business).
        // grep exits 2 for the directories etcd may not enter: the list of files it found is what counts.
        Proc.Result asEtcd = asEtcd("grep -rlsF " + quote(ROOT_PW) + " /etc /usr/local /var/lib/dcs /var/tmp /tmp /root; true");
        assertEquals("", asEtcd.out().strip(), "etcd finds the password nowhere: " + asEtcd);
        Proc.Result asRoot = Lab.ssh(HOST, "grep -rlsF " + quote(ROOT_PW) + " /etc /usr/local /var/lib/dcs /var/tmp /tmp /root; true");
        assertEquals("", asRoot.out().strip(), "no file holds it: " + asRoot);
        Proc.Result journal = Lab.ssh(HOST, "journalctl --no-pager | grep -cF " + quote(ROOT_PW));
        assertEquals("0", journal.out().strip(), "nor the journal");
    }

    @Test
    @Order(4)
    void aSnapshotRunFollowsNoLinkPlantedInTheBackupDir() {
        long links = Long.parseLong(Lab.sshOk(HOST, "find " + BACKUP + " -maxdepth 1 -type l | wc -l").strip());
        assertTrue(links > 100, "the links planted before the upgrade are still there: " + links);
        Lab.sshOk(HOST, "systemctl start dcsprov-snapshot.service");
        assertEquals("precious\n600 root root\n", Lab.sshOk(HOST, "cat " + VICTIM + " && stat -c '%a %U %G' " + VICTIM),
                "the root-only file the links point to is intact");
        String journal = Lab.sshOk(HOST, "journalctl -u dcsprov-snapshot --no-pager -n 5 -o cat");
        String made = journal.lines().filter(l -> l.startsWith("snapshot " + BACKUP + "/dcs-")).reduce((a, b) -> b).orElseThrow(() ->
                new AssertionError(journal)).split(" ")[1];
        assertEquals(made + " 600 root root regular file", Lab.sshOk(HOST, "stat -c '%n %a %U %G %F' " + made).strip(),
                "the snapshot replaced the link of its name");
        // etcd's own restore (it checks the SHA-256 trailer) accepts it.
        Lab.sshOk(HOST, "d=$(mktemp -d) && ETCDCTL_API=3 etcdctl snapshot restore " + made + " --data-dir $d/r >/dev/null 2>&1; r=$?; rm -rf $d; exit $r");
    }
}
