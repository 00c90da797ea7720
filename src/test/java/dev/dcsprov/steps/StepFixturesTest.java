package dev.dcsprov.steps;

import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Change;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every step as data, the pyinfra way: each case in src/test/resources/steps/*.yml gives a step,
 * a host's facts and what the step must plan (a change with its action and reason, or a no-op and
 * its reason). A fixture key the test does not know fails the case, so a typo cannot pass silently.
 */
class StepFixturesTest {

    @TestFactory
    Stream<DynamicTest> directory() throws IOException {
        return cases("directory.yml", s -> new DirectoryStep(str(s, "path"), str(s, "mode"), str(s, "owner"), str(s, "group")));
    }

    @TestFactory
    Stream<DynamicTest> defaultsLink() throws IOException {
        return cases("link.yml", s -> new DefaultsLinkStep(str(s, "link"), str(s, "target")));
    }

    @TestFactory
    Stream<DynamicTest> packages() throws IOException {
        return cases("packages.yml", s -> new PackagesStep());
    }

    @TestFactory
    Stream<DynamicTest> file() throws IOException {
        return cases("file.yml", s -> new FileStep(desired(s), Optional.empty()));
    }

    static DesiredFile desired(Map<String, Object> s) {
        return new DesiredFile(str(s, "path"), str(s, "content").getBytes(StandardCharsets.UTF_8), str(s, "mode"), str(s, "owner"),
                str(s, "group"), flag(s, "sensitive"), flag(s, "restarts_etcd"), flag(s, "archive_old"));
    }

    private interface StepFactory {
        Step make(Map<String, Object> stepArgs);
    }

    @SuppressWarnings("unchecked")
    private Stream<DynamicTest> cases(String resource, StepFactory factory) throws IOException {
        List<Map<String, Object>> cases;
        try (InputStream in = StepFixturesTest.class.getResourceAsStream("/steps/" + resource)) {
            assertNotNull(in, resource);
            cases = new Yaml().load(in);
        }
        assertFalse(cases.isEmpty(), resource + " has no cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(resource + ": " + c.get("name"), () -> {
            Map<String, Object> step = (Map<String, Object>) c.get("step");
            Step.Outcome outcome = factory.make(step).plan("h", facts((Map<String, Object>) c.get("facts")));
            check(outcome, new LinkedHashMap<>((Map<String, Object>) c.get("expect")));
        }));
    }

    private static void check(Step.Outcome o, Map<String, Object> expect) {
        if (expect.containsKey("unchanged")) {
            assertEquals(List.of(), o.changes(), "no change expected");
            assertEquals(expect.remove("unchanged"), o.unchangedReason());
            assertEquals(Map.of(), expect, "unknown expectations");
            return;
        }
        assertEquals(1, o.changes().size(), () -> "one change expected: " + o);
        Change c = o.changes().get(0);
        String script = String.join("\n", c.commands().stream().map(r -> r.script()).toList());
        for (Map.Entry<String, Object> e : expect.entrySet()) {
            Object want = e.getValue();
            switch (e.getKey()) {
                case "action" -> assertEquals(want, c.action().name());
                case "target" -> assertEquals(want, c.subject());
                case "reason" -> assertEquals(want, c.reason());
                case "restarts" -> assertEquals(want, c.restartsEtcd());
                case "sensitive" -> assertEquals(want, c.sensitive());
                case "diff" -> assertEquals(want, c.diff());
                case "diff_has" -> assertTrue(c.diff().contains((String) want), c.diff());
                case "script_has" -> assertTrue(script.contains((String) want), script);
                case "script_lacks" -> assertFalse(script.contains((String) want), script);
                case "stdin" -> assertEquals(want, c.commands().stream().anyMatch(r -> r.stdin().length > 0 || r.stdinSource().isPresent()));
                default -> throw new AssertionError("unknown expectation '" + e.getKey() + "'");
            }
        }
    }

    /** Facts from a fixture: files (mode, owner, group, content whose SHA-256 stands for it), packages, the defaults link. */
    @SuppressWarnings("unchecked")
    static HostFacts facts(Map<String, Object> f) {
        Map<String, Object> given = f == null ? Map.of() : f;
        for (String key : given.keySet()) {
            if (!List.of("files", "packages", "defaults_link", "defaults_is_file").contains(key)) {
                throw new AssertionError("unknown fact '" + key + "'");
            }
        }
        Map<String, FileState> files = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) given.getOrDefault("files", Map.of())).forEach((path, s) -> files.put(path,
                new FileState(path, true, str(s, "mode"), str(s, "owner"), str(s, "group"),
                        s.containsKey("content") ? desiredSha(path, str(s, "content")) : "")));
        Map<String, String> packages = new LinkedHashMap<>();
        ((Map<String, Object>) given.getOrDefault("packages", Map.of())).forEach((k, v) -> packages.put(k, String.valueOf(v)));
        return new HostFacts("debian", "12", "bookworm", "h", "h", packages, files, "",
                Optional.ofNullable((String) given.get("defaults_link")), Boolean.TRUE.equals(given.get("defaults_is_file")),
                false, false, "", "", false);
    }

    private static String desiredSha(String path, String content) {
        return new DesiredFile(path, content.getBytes(StandardCharsets.UTF_8), "", "", "", false, false, false).sha256();
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertNotNull(v, "fixture lacks '" + key + "'");
        return String.valueOf(v);
    }

    private static boolean flag(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }
}
