package dev.dcsprov.inventory;

import java.nio.file.Path;

/** file:line:column of a place in an inventory (1-based, as editors count). */
public record SourceLocation(Path file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
