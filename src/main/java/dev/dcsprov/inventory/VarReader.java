package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed access to one host's merged variables. A value of the wrong type is reported at its own
 * location and the default is returned, so reading goes on and later errors are found too;
 * {@link #failed()} tells the caller not to trust the result.
 */
final class VarReader {
    private static final Set<String> TRUE = Set.of("yes", "y", "true", "t", "on", "1");
    private static final Set<String> FALSE = Set.of("no", "n", "false", "f", "off", "0");

    private final Map<String, Var> vars;
    private final Problems problems;
    private boolean failed;

    VarReader(Map<String, Var> vars, Problems problems) {
        this.vars = vars;
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    boolean failed() {
        return failed;
    }

    Optional<Var> var(String name) {
        return Optional.ofNullable(vars.get(name));
    }

    /** A !vault scalar decrypted, or null after an error at the variable. */
    String decrypt(ScalarNode node, Var var, String what) {
        return problems.decrypt(node, var.location(), what);
    }

    /** True when the variable was written in a vault-encrypted file. */
    boolean isVaulted(Var var) {
        return problems.isVaulted(var.location().file());
    }

    boolean isSet(String name) {
        return vars.containsKey(name);
    }

    /** Reports a problem with the value of a variable and marks this reading as failed. */
    void error(Var var, String message, String fix) {
        failed = true;
        problems.error(var.location(), message, fix);
    }

    /** Any scalar as text (numbers too: Ansible would template them to strings); lists and mappings are errors. */
    Optional<String> string(String name) {
        Var var = vars.get(name);
        if (var == null) {
            return Optional.empty();
        }
        if (Problems.isVault(var.value())) {
            return Optional.ofNullable(problems.decrypt((ScalarNode) var.value(), var.location(), name));
        }
        if (var.value() instanceof ScalarNode s && !YamlNodes.isNull(s)) {
            return Optional.of(s.getValue());
        }
        error(var, name + " must be a single value, not " + YamlNodes.describe(var.value()),
                YamlNodes.isNull(var.value()) ? "remove it to use the default, or give it a value" : "");
        return Optional.empty();
    }

    String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    /** An integer in [min, max]; quoted digits are accepted as Ansible would. */
    long integer(String name, long defaultValue, long min, long max) {
        Var var = vars.get(name);
        if (var == null) {
            return defaultValue;
        }
        Long value = var.value() instanceof ScalarNode s ? parseInteger(s) : null;
        if (value == null) {
            error(var, name + " must be an integer, not " + YamlNodes.describe(var.value()),
                    "write a whole number such as " + defaultValue);
            return defaultValue;
        }
        if (value < min || value > max) {
            error(var, name + " must be between " + min + " and " + max + ", not " + value, "");
            return defaultValue;
        }
        return value;
    }

    int integer(String name, int defaultValue, int min, int max) {
        return (int) integer(name, (long) defaultValue, min, max);
    }

    /** A YAML boolean or one of Ansible's truthy strings (yes/no, true/false, on/off, 1/0). */
    boolean bool(String name, boolean defaultValue) {
        Var var = vars.get(name);
        if (var == null) {
            return defaultValue;
        }
        if (var.value() instanceof ScalarNode s && !YamlNodes.isNull(s)) {
            String text = s.getValue().toLowerCase(Locale.ROOT);
            if (TRUE.contains(text)) {
                return true;
            }
            if (FALSE.contains(text)) {
                return false;
            }
        }
        error(var, name + " must be true or false, not " + YamlNodes.describe(var.value()), "write true or false");
        return defaultValue;
    }

    /** A list of scalars; with {@code singleAllowed}, one scalar is a list of one. Nothing is an empty list. */
    Optional<List<String>> stringList(String name, boolean singleAllowed) {
        Var var = vars.get(name);
        if (var == null) {
            return Optional.empty();
        }
        Node value = var.value();
        if (YamlNodes.isNull(value)) {
            return Optional.of(List.of());
        }
        if (singleAllowed && value instanceof ScalarNode s) {
            return Optional.of(List.of(s.getValue()));
        }
        if (!(value instanceof SequenceNode seq)) {
            error(var, name + " must be a list, not " + YamlNodes.describe(value),
                    "write it as [" + YamlNodes.show(value) + "] or as lines starting with '- '");
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (item instanceof ScalarNode s && !YamlNodes.isNull(s)) {
                items.add(s.getValue());
            } else {
                failed = true;
                problems.error(new SourceLocation(var.location().file(), item.getStartMark().getLine() + 1,
                                item.getStartMark().getColumn() + 1),
                        "items of " + name + " must be single values, not " + YamlNodes.describe(item), "");
            }
        }
        return Optional.of(List.copyOf(items));
    }

    /** YAML 1.1 integers as SnakeYAML tags them (1_000, 0x10, 0o17), plus quoted decimal strings. */
    static Long parseInteger(ScalarNode s) {
        String text = s.getValue().replace("_", "");
        try {
            if (s.getTag().equals(Tag.STR)) {
                return text.matches("[-+]?\\d+") ? Long.parseLong(text) : null;
            }
            if (!s.getTag().equals(Tag.INT)) {
                return null;
            }
            boolean negative = text.startsWith("-");
            String digits = text.replaceFirst("^[-+]", "");
            long value;
            if (digits.startsWith("0x")) {
                value = Long.parseLong(digits.substring(2), 16);
            } else if (digits.startsWith("0b")) {
                value = Long.parseLong(digits.substring(2), 2);
            } else if (digits.startsWith("0o")) {
                value = Long.parseLong(digits.substring(2), 8);
            } else if (digits.length() > 1 && digits.startsWith("0")) {
                value = Long.parseLong(digits.substring(1), 8);
            } else {
                value = Long.parseLong(digits);
            }
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            return null; // too large, or sexagesimal 1:30 which nobody means for a port
        }
    }
}
