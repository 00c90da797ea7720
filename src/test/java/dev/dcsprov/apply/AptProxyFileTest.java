package dev.dcsprov.apply;

import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ProxyUrl;
import dev.dcsprov.plan.Change;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AptProxyFileTest {
    static final String WITH_CREDENTIALS = "http://proxyuser:s3cr3t-Pw@10.0.0.5:3142";

    static HostFacts facts(FileState f) {
        return new HostFacts("debian", "12", "bookworm", "h", "h", Map.of(), f == null ? Map.of() : Map.of(f.path(), f), "",
                Optional.empty(), false, false, false, "", "", false);
    }

    @Test
    void credentialsMakeItRootOnlyAndSensitiveInThePlan() {
        DesiredFile f = HostPlanner.aptProxyFile(WITH_CREDENTIALS);
        assertEquals("0600", f.mode());
        assertEquals("root", f.owner());
        assertTrue(f.sensitive());
        Change c = new FileStep(f, Optional.empty()).plan("h", facts(null)).changes().get(0);
        assertTrue(c.sensitive());
        assertFalse(c.diff().contains("s3cr3t"), c.diff());
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
    }

    @Test
    void anExisting0644FileWithCredentialsIsTightened() {
        DesiredFile f = HostPlanner.aptProxyFile(WITH_CREDENTIALS);
        Change c = new FileStep(f, Optional.empty()).plan("h",
                facts(new FileState(HostPlanner.APT_PROXY_FILE, true, "0644", "root", "root", f.sha256()))).changes().get(0);
        assertEquals("mode 0644 -> 0600", c.reason());
        assertTrue(c.commands().get(0).script().contains("chmod 0600"));
    }

    @Test
    void aProxyWithoutCredentialsStaysReadableForApt() {
        DesiredFile f = HostPlanner.aptProxyFile("http://192.168.56.1:3142");
        assertEquals("0644", f.mode());
        assertFalse(f.sensitive());
        Change c = new FileStep(f, Optional.empty()).plan("h", facts(null)).changes().get(0);
        assertTrue(c.diff().contains("192.168.56.1:3142"), c.diff());
    }

    @Test
    void messagesShowTheProxyWithoutCredentials() {
        assertEquals("http://***@10.0.0.5:3142", ProxyUrl.redacted(WITH_CREDENTIALS));
        assertEquals("http://192.168.56.1:3142", ProxyUrl.redacted("http://192.168.56.1:3142"));
        assertTrue(ProxyUrl.hasCredentials("https://u@proxy/"));
        assertFalse(ProxyUrl.hasCredentials("https://proxy:8080/"));
    }
}
