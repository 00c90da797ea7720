package dev.dcsprov.etcd;

import dev.dcsprov.LocalShell;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EtcdctlInvocationTest {

    /** A shell function stands in for etcdctl and prints the environment it sees and one argument per line. */
    private static List<String> argv(String line) {
        CommandResult r = new LocalShell().run(RemoteCommand.of(
                "etcdctl() { printf 'API=%s\\n' \"$ETCDCTL_API\"; printf '%s\\n' \"$@\"; }\n" + line + " endpoint health"));
        assertEquals(0, r.exitStatus(), r.stderr());
        return r.stdout().lines().toList();
    }

    @Test
    void everyFlagReachesEtcdctlAsOneArgumentWhateverThePathHolds() {
        EtcdctlInvocation e = new EtcdctlInvocation(List.of("https://10.0.0.1:2379", "https://10.0.0.2:2379"),
                "/etc/dcs/cert/ca.crt", "/tmp/it's here/admin.crt", "/tmp/$HOME `x`/admin.key");
        assertEquals(List.of("API=3", "--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379", "--cacert=/etc/dcs/cert/ca.crt",
                "--cert=/tmp/it's here/admin.crt", "--key=/tmp/$HOME `x`/admin.key", "endpoint", "health"), argv(e.command()));
    }

    @Test
    void theVariantsDifferOnlyInHowEtcdctlIsStarted() {
        EtcdctlInvocation e = EtcdctlInvocation.of("https://127.0.0.1:2379", "/c", "/d", "/k");
        String flags = " --endpoints='https://127.0.0.1:2379' --cacert='/c' --cert='/d' --key='/k'";
        assertEquals("ETCDCTL_API=3 etcdctl" + flags, e.command());
        assertEquals("ETCDCTL_API=3 exec etcdctl" + flags, e.exec());
        assertEquals("ETCDCTL_API=3 timeout 5 etcdctl" + flags, e.bounded(5));
    }
}
