package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects errors and warnings while an inventory is read, so a person sees every mistake in one run.
 * A set, because a bad group variable is seen once per member that inherits it.
 */
final class Problems {
    private final Set<Problem> errors = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();

    void error(SourceLocation at, String message, String fix) {
        errors.add(new Problem(at, message, fix == null ? "" : fix));
    }

    void warn(String message) {
        warnings.add(message);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Errors in file order, then by column; same-place errors keep the order they were found. */
    List<Problem> errors() {
        return errors.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.location().line())
                        .thenComparingInt(p -> p.location().column()))
                .toList();
    }

    void throwIfErrors(Path file) {
        if (hasErrors()) {
            throw new InventoryException(file, errors());
        }
    }
}
