package dev.dcsprov.inventory;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Fixture inventories under src/test/resources/inventory (Maven runs tests from the project directory). */
final class Fixtures {
    static final Path DIR = Path.of("src", "test", "resources", "inventory");
    static final Path HOME = Path.of("/home/tester");

    private Fixtures() {
    }

    static Path file(String name) {
        return DIR.resolve(name);
    }

    static Inventory load(String name) {
        return InventoryLoader.load(file(name), null, HOME);
    }

    static InventoryException fail(String name) {
        return assertThrows(InventoryException.class, () -> load(name));
    }

    /** "file:line:column" as errors print it. */
    static String at(String name, int line, int column) {
        return file(name) + ":" + line + ":" + column;
    }
}
