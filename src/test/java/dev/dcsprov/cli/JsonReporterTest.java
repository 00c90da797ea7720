package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.CertificateSummary;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.HostPlan;
import dev.dcsprov.plan.Plan;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** plan -o json: the same facts as the text, for programs. */
class JsonReporterTest {

    @Test
    void aCertificateChangeCarriesItsSummaryAndOtherChangesNoCertificatesKey() throws Exception {
        CertificateSummary cert = new CertificateSummary("CN=dcs-00,O=dcsprov", List.of("dcs-00", "127.0.0.1"),
                "CN=dcs etcd CA,O=dcsprov", "2027-12-01T20:52:57Z", "AB:CD");
        Plan plan = new Plan("dcs", List.of(new HostPlan("dcs-00", List.of(
                new Change("dcs-00", "file", Action.CREATE, "/etc/dcs/cert/server.crt", "missing", "", false, false, List.of(), List.of(cert)),
                new Change("dcs-00", "file", Action.CREATE, "/etc/dcs/cert/server.key", "missing", "", true, false, List.of()),
                new Change("dcs-00", "file", Action.CREATE, "/etc/dcs/etcd", "missing", "+A=1\n", false, false, List.of())),
                List.of())), List.of(), List.of());
        StringWriter out = new StringWriter();
        JsonReporter reporter = new JsonReporter(new PrintWriter(out));
        reporter.plan(plan);
        reporter.printPlanOnly();

        JsonNode changes = JsonReporter.JSON.readTree(out.toString()).path("plan").path("hosts").get(0).path("changes");
        JsonNode c = changes.get(0).path("certificates").get(0);
        assertEquals("CN=dcs-00,O=dcsprov", c.path("subject").asText());
        assertEquals("dcs-00", c.path("sans").get(0).asText());
        assertEquals("127.0.0.1", c.path("sans").get(1).asText());
        assertEquals("CN=dcs etcd CA,O=dcsprov", c.path("issuer").asText());
        assertEquals("2027-12-01T20:52:57Z", c.path("not_after").asText());
        assertEquals("AB:CD", c.path("sha256").asText());
        assertEquals("", changes.get(0).path("diff").asText());
        assertFalse(changes.get(1).has("certificates"), "a key has none: " + changes.get(1));
        assertTrue(changes.get(1).path("sensitive").asBoolean());
        assertFalse(changes.get(2).has("certificates"), changes.get(2).toString());
        assertEquals("+A=1\n", changes.get(2).path("diff").asText());
        assertFalse(out.toString().contains("commands"), "remote scripts stay out of the JSON");
    }

    /** member, backup, restore and rotate-certs print their plan the same way: {"plan": {operation, cluster, members, steps, notes}}. */
    @Test
    void anOperationPlanHasOneShapeForEveryCommandAndNoCommandsOrSecrets() throws Exception {
        dev.dcsprov.plan.OperationPlan plan = new dev.dcsprov.plan.OperationPlan("member remove", "dcs", List.of("dcs-20", "dcs-21"),
                List.of(dev.dcsprov.plan.OperationPlan.step("dcs-21", "member", Action.DELETE, "dcs-21 (9a2)", "member remove"),
                        dev.dcsprov.plan.OperationPlan.sensitive("local", "pki", Action.UPDATE, "/pki/hosts/dcs-21.key", "new key")),
                List.of("an interrupted member-remove stopped inside step remove/remove of dcs-21"));
        StringWriter out = new StringWriter();
        JsonReporter.print(new PrintWriter(out), java.util.Map.of("plan", plan));
        JsonNode p = JsonReporter.JSON.readTree(out.toString()).path("plan");
        assertEquals(List.of("operation", "cluster", "members", "steps", "notes"), fieldNames(p));
        assertEquals("member remove", p.path("operation").asText());
        assertEquals("dcs-21", p.path("members").get(1).asText());
        JsonNode step = p.path("steps").get(0);
        assertEquals(List.of("host", "step", "action", "subject", "reason", "diff", "sensitive", "restartsEtcd"), fieldNames(step));
        assertEquals("delete", step.path("action").asText());
        assertTrue(p.path("steps").get(1).path("sensitive").asBoolean());
        assertTrue(p.path("notes").get(0).asText().startsWith("an interrupted member-remove"));
        assertFalse(out.toString().contains("commands"), out.toString());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
