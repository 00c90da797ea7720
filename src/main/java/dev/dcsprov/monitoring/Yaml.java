package dev.dcsprov.monitoring;

/** YAML scalars for the files we write by hand: single-quoted, so PromQL's braces, colons and quotes stay literal. */
final class Yaml {
    private Yaml() {
    }

    static String quote(String value) {
        if (value.contains("\n")) {
            throw new IllegalArgumentException("a newline has no place in a monitoring file value: " + value);
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
