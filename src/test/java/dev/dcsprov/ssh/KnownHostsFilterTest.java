package dev.dcsprov.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only lines that can name the host are parsed; the others must be skipped, never the host's own. */
class KnownHostsFilterTest {
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    @Test
    void plainNamesMatchCaseInsensitivelyAndOthersAreSkipped() {
        Set<String> names = Set.of("dcs-00", "192.168.56.10");
        assertTrue(KnownHosts.mayName("dcs-00,192.168.56.10 " + KEY, names));
        assertTrue(KnownHosts.mayName("DCS-00 " + KEY, names));
        assertTrue(KnownHosts.mayName("@revoked 192.168.56.10 " + KEY, names));
        assertFalse(KnownHosts.mayName("dcs-01,192.168.56.11 " + KEY, names));
        assertFalse(KnownHosts.mayName("[192.168.56.10]:2222 " + KEY, names), "another port is another host");
        assertFalse(KnownHosts.mayName("# dcs-00 " + KEY, names));
    }

    @Test
    void patternsAreLeftToTheFullMatcher() {
        assertTrue(KnownHosts.mayName("*.lab " + KEY, Set.of("dcs-00")));
        assertTrue(KnownHosts.mayName("!dcs-01,dcs-* " + KEY, Set.of("dcs-00")));
    }

    @Test
    void hashedNamesAreMatchedByTheirHmac(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "dcs-00 " + KEY + "\n");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-H", "-f", file.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "ssh-keygen is needed to hash a known_hosts line");
        String hashed = Files.readAllLines(file).stream().filter(l -> l.startsWith("|1|")).findFirst().orElseThrow();
        assertTrue(KnownHosts.mayName(hashed, Set.of("dcs-00")));
        assertFalse(KnownHosts.mayName(hashed, Set.of("dcs-01")));
        assertTrue(KnownHosts.load(List.of(file), Set.of("dcs-00")).entriesFor(Set.of("dcs-00")).size() == 1);
    }
}
