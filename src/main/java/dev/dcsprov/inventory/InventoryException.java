package dev.dcsprov.inventory;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.nio.file.Path;
import java.util.List;

/** The inventory cannot be used; every problem found is listed with its file:line:column. */
public final class InventoryException extends DcsprovException {
    private static final String FIX = "Correct the inventory at the places listed; no host was touched.";

    private final List<Problem> problems;

    InventoryException(Path file, List<Problem> problems) {
        super(ExitCode.INVENTORY, summary(file, problems), detail(problems), FIX);
        this.problems = List.copyOf(problems);
    }

    /** For a file that cannot be read at all. */
    InventoryException(String summary, String detail, String fix, Throwable cause) {
        super(ExitCode.INVENTORY, summary, detail, fix, cause);
        this.problems = List.of();
    }

    /** The individual problems, in file order; empty if the file could not be read. */
    public List<Problem> problems() {
        return problems;
    }

    private static String summary(Path file, List<Problem> problems) {
        int n = problems.size();
        return "inventory " + file + " has " + n + (n == 1 ? " error" : " errors");
    }

    private static String detail(List<Problem> problems) {
        StringBuilder out = new StringBuilder();
        for (Problem p : problems) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(p);
            if (!p.fix().isBlank()) {
                out.append("\n    hint: ").append(p.fix());
            }
        }
        return out.toString();
    }
}
