package dev.dcsprov.inventory;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;

/** Composes a YAML (or JSON) text into nodes with positions; a syntax error is reported at its line and column. */
final class YamlFiles {
    private YamlFiles() {
    }

    /** The root node, null for an empty document or after a reported error (see {@link Problems#hasErrors}). */
    static Node compose(java.nio.file.Path file, String text, Problems problems) {
        LoaderOptions options = YamlBudget.loaderOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options)); // the composer takes its limits from the constructor's options
        try {
            Node root = yaml.compose(new StringReader(text));
            YamlBudget.check(root).ifPresent(x -> problems.error(new YamlNodes(file, problems).at(x.at()), x.message(),
                    "write the values out, or use fewer aliases of aliases"));
            return problems.hasErrors() ? null : root;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            SourceLocation at = mark == null ? new SourceLocation(file, 1, 1)
                    : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.error(at, "YAML syntax error: " + e.getProblem() + context,
                    "check the indentation and quoting around this line; tabs are not allowed for indentation");
            return null;
        } catch (YAMLException e) {
            // The composer's limits (aliases, nesting, size) end up here, without a position.
            problems.error(new SourceLocation(file, 1, 1), "cannot read YAML: " + e.getMessage(),
                    "a YAML file may have at most " + YamlBudget.MAX_CODE_POINTS + " characters, "
                            + YamlBudget.MAX_NESTING + " levels of nesting and " + YamlBudget.MAX_ALIASES_FOR_COLLECTIONS
                            + " aliases of lists or mappings");
            return null;
        }
    }
}
