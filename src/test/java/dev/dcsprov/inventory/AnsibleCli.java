package dev.dcsprov.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real Ansible command-line tools for tests, failing on any inventory source Ansible could not parse. */
public final class AnsibleCli {
    private AnsibleCli() {
    }

    public static boolean available(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** {@code ansible-inventory --list -i S1 -i S2 ...} as JSON. */
    public static JsonNode list(List<Path> sources, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ansible-inventory", "--list"));
        for (Path s : sources) {
            cmd.add("-i");
            cmd.add(s.toString());
        }
        cmd.addAll(List.of(extra));
        return new ObjectMapper().readTree(run(cmd, Map.of()));
    }

    /** Runs a command with Ansible's strict inventory settings; stdout, or an AssertionError with stderr. */
    public static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "1");
        pb.environment().put("ANSIBLE_INVENTORY_UNPARSED_FAILED", "1");
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        pb.environment().put("ANSIBLE_LOCAL_TEMP", Files.createTempDirectory("ansible-tmp").toString());
        pb.environment().put("ANSIBLE_HOME", Files.createTempDirectory("ansible-home").toString());
        pb.environment().putAll(env);
        Path err = Files.createTempFile("ansible", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        if (rc != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed with " + rc + ":\n" + stderr);
        }
        return out;
    }
}
