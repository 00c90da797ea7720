package dev.dcsprov.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan as people read it. */
class PlanTextTest {
    static final CertificateSummary CERT = new CertificateSummary("CN=dcs-00,O=dcsprov",
            List.of("dcs-00", "localhost", "192.168.56.10", "127.0.0.1"), "CN=dcs etcd CA,O=dcsprov", "2027-12-01T20:52:57Z",
            "AB:CD:EF");

    static Change certificate(String host) {
        return new Change(host, "file", Action.CREATE, "/etc/dcs/cert/server.crt", "missing", "", false, false, List.of(),
                List.of(CERT));
    }

    static Change key(String host) {
        return new Change(host, "file", Action.CREATE, "/etc/dcs/cert/server.key", "missing", "", true, false, List.of(),
                List.of(CERT));
    }

    @Test
    void aConvergedClusterIsOneLineForAllItsHosts() {
        Plan plan = new Plan("dcs", List.of(
                new HostPlan("dcs-00", List.of(), List.of("a", "b")),
                new HostPlan("dcs-01", List.of(), List.of("a", "b")),
                new HostPlan("dcs-02", List.of(), List.of("a", "b"))), List.of(), List.of());
        assertEquals("""
                Plan for cluster 'dcs' (3 members)

                = 3 hosts unchanged: dcs-00, dcs-01, dcs-02

                No changes: the cluster matches the inventory.
                """, PlanText.render(plan));
    }

    @Test
    void hostsWithChangesAreShownInFullAndTheOthersSummed() {
        Plan plan = new Plan("dcs", List.of(
                new HostPlan("dcs-00", List.of(), List.of("a")),
                new HostPlan("dcs-01", List.of(new Change("dcs-01", "file", Action.UPDATE, "/etc/dcs/etcd", "content differs",
                        "-A=1\n+A=2\n", false, true, List.of())), List.of("a", "b")),
                new HostPlan("dcs-02", List.of(), List.of("a"))), List.of(), List.of());
        String text = PlanText.render(plan);
        assertTrue(text.contains("\ndcs-01\n  ~ file /etc/dcs/etcd (content differs)\n      -A=1\n      +A=2\n  = 2 unchanged\n"), text);
        assertTrue(text.contains("\n= 2 hosts unchanged: dcs-00, dcs-02\n"), text);
        assertFalse(text.contains("\ndcs-00\n"), "an unchanged host gets no section of its own:\n" + text);
        assertTrue(text.endsWith("Plan: 1 change on 1 host(s).\n"), text);
    }

    @Test
    void oneUnchangedHostIsSingular() {
        Plan plan = new Plan("dcs", List.of(new HostPlan("dcs-00", List.of(), List.of("a")),
                new HostPlan("dcs-01", List.of(certificate("dcs-01")), List.of())), List.of(), List.of());
        assertTrue(PlanText.render(plan).contains("\n= 1 host unchanged: dcs-00\n"), PlanText.render(plan));
    }

    @Test
    void aCertificateIsShownAsItsSummary() {
        Plan plan = new Plan("dcs", List.of(new HostPlan("dcs-00", List.of(certificate("dcs-00"), key("dcs-00")), List.of())),
                List.of(), List.of());
        String text = PlanText.render(plan);
        assertTrue(text.contains("""
                  + file /etc/dcs/cert/server.crt (missing)
                      subject   CN=dcs-00,O=dcsprov
                      SANs      dcs-00, localhost, 192.168.56.10, 127.0.0.1
                      issuer    CN=dcs etcd CA,O=dcsprov
                      not after 2027-12-01T20:52:57Z
                      SHA-256   AB:CD:EF
                  + file /etc/dcs/cert/server.key (missing) (sensitive)
                """), text);
    }

    @Test
    void aSensitiveChangeCarriesNoCertificateSummaryEither() {
        assertTrue(key("h").certificates().isEmpty(), "the model drops it, not only the renderer");
        assertEquals("", key("h").diff());
    }

    @Test
    void everyCertificateOfABundleIsShown() {
        CertificateSummary old = new CertificateSummary("CN=old CA", List.of(), "CN=old CA", "2030-01-01T00:00:00Z", "11:22");
        Change bundle = new Change("h", "file", Action.UPDATE, "/etc/dcs/cert/ca.crt", "content differs", "", false, true,
                List.of(), List.of(old, CERT));
        String text = PlanText.render(new Plan("dcs", List.of(new HostPlan("h", List.of(bundle), List.of())), List.of(), List.of()));
        assertTrue(text.indexOf("subject   CN=old CA") < text.indexOf("subject   CN=dcs-00,O=dcsprov"), text);
        assertFalse(text.contains("SANs      \n"), "no empty SAN line for a CA:\n" + text);
    }
}
