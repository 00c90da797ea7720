package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab is real: sshd with verified host keys, a booted systemd, apt through the proxy, a shared bridge. */
@ResourceLock(LabHosts.DEFAULT)
class LabIT {

    @BeforeAll
    static void labIsUp() {
        Lab.requireUp();
    }

    @Test
    void everyHostBootsSystemdAndAnswersSshWithItsKnownHostKey() {
        for (String host : Lab.HOSTS) {
            assertEquals("running", Lab.sshOk(host, "systemctl is-system-running").strip(), host);
            assertEquals(host, Lab.sshOk(host, "hostname").strip());
        }
    }

    @Test
    void anUnknownHostKeyIsRefused() {
        Proc.Result r = Proc.run(java.util.List.of("ssh", "-q", "-i", Lab.SSH_KEY.toString(), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
                "root@" + Lab.address("dcs-00"), "true"));
        assertTrue(r.exit() != 0, "ssh without the host's key must fail under strict checking: " + r);
    }

    @Test
    void aptInstallsThroughTheProxyOnTheBridge() {
        String host = "dcs-01";
        Lab.sshOk(host, "dpkg -s hello >/dev/null 2>&1 && apt-get -y -q purge hello >/dev/null || true");
        Lab.sshOk(host, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello >/dev/null");
        assertEquals("Hello, world!", Lab.sshOk(host, "hello").strip());
        // The host has no resolver and no route beyond the bridge: the proxy is the only way out.
        assertEquals("", Lab.sshOk(host, "cat /etc/resolv.conf").strip());
        assertTrue(Lab.sshOk(host, "cat /etc/apt/apt.conf.d/01dcslab-proxy").contains("192.168.56.1:3142"));
    }

    @Test
    void hostsReachEachOtherOnTheBridge() {
        for (String from : Lab.HOSTS) {
            for (String to : Lab.HOSTS) {
                if (!from.equals(to)) {
                    String banner = Lab.sshOk(from, "exec 3<>/dev/tcp/" + Lab.address(to) + "/22 && head -c 8 <&3");
                    assertEquals("SSH-2.0-", banner, from + " -> " + to);
                }
            }
        }
    }
}
