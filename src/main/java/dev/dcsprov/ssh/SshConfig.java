package dev.dcsprov.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an OpenSSH client config ({@code ~/.ssh/config}) that decide where and as whom to connect:
 * {@code Host} blocks (patterns with {@code *}, {@code ?}, {@code !}, matched against the name dcsprov connects to),
 * HostName ({@code %h} expanded), User, Port, IdentityFile, ProxyJump, UserKnownHostsFile, and ProxyCommand (which
 * dcsprov cannot honour). As in ssh, the first value found for a keyword wins; a {@code Match} block is skipped.
 */
public final class SshConfig {
    /** One keyword's value and the line it is written on. */
    public record Value(String text, int line) {
    }

    private record Block(String patterns, int line, Map<String, List<Value>> options) {
    }

    private final Path file;
    private final List<Block> blocks;

    private SshConfig(Path file, List<Block> blocks) {
        this.file = file;
        this.blocks = blocks;
    }

    public Path file() {
        return file;
    }

    /** A config with nothing in it. */
    public static SshConfig empty(Path file) {
        return new SshConfig(file, new ArrayList<>());
    }

    /** An empty config when the file does not exist. */
    public static SshConfig load(Path file) throws IOException {
        List<Block> blocks = new ArrayList<>();
        if (!Files.exists(file)) {
            return new SshConfig(file, blocks);
        }
        Block current = new Block("*", 0, new LinkedHashMap<>()); // options before the first Host apply to every host
        blocks.add(current);
        int n = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s*=\\s*|\\s+", 2);
            String key = kv[0].toLowerCase(Locale.ROOT);
            String value = kv.length > 1 ? unquote(kv[1].strip()) : "";
            if (key.equals("host")) {
                current = new Block(String.join(",", value.split("\\s+")), n, new LinkedHashMap<>());
                blocks.add(current);
            } else if (key.equals("match")) {
                current = new Block("", n, new LinkedHashMap<>()); // never matches: dcsprov does not evaluate Match
                blocks.add(current);
            } else {
                current.options().computeIfAbsent(key, k -> new ArrayList<>()).add(new Value(value, n));
            }
        }
        return new SshConfig(file, blocks);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** The first value of a keyword among the blocks that match the host, as ssh takes it. */
    public Optional<Value> first(String host, String keyword) {
        List<Value> all = all(host, keyword);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** Every value of a keyword among the matching blocks, in file order (IdentityFile and known hosts files add up). */
    public List<Value> all(String host, String keyword) {
        List<Value> out = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.patterns().isEmpty() && HostPatternList.matches(b.patterns(), host)) {
                out.addAll(b.options().getOrDefault(keyword.toLowerCase(Locale.ROOT), List.of()));
            }
        }
        return out;
    }

    /** HostName with ssh's %h (the name given) and %% expanded. */
    public Optional<Value> hostName(String host) {
        return first(host, "HostName").map(v -> new Value(v.text().replace("%%", "\u0000").replace("%h", host)
                .replace("\u0000", "%"), v.line()));
    }
}
