package dev.dcsprov.inventory;

import java.nio.file.Path;

/**
 * Paths on the machine running dcsprov: a leading ~ is the user's home, and relative paths are relative to
 * the inventory's directory, so an inventory means the same thing whatever the current directory.
 */
final class LocalPaths {
    private final Path inventoryDir;
    private final Path home;

    LocalPaths(Path inventoryDir, Path home) {
        this.inventoryDir = inventoryDir;
        this.home = home;
    }

    Path inventoryDir() {
        return inventoryDir;
    }

    Path resolve(String path) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2)).normalize();
        }
        return inventoryDir.resolve(path).normalize();
    }
}
