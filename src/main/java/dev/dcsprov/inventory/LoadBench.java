package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.List;

/** For bench/inventory.sh: loads an inventory (and all host vars, as --list would) and prints the times. */
public final class LoadBench {
    private LoadBench() {
    }

    public static void main(String[] args) {
        List<Path> sources = java.util.Arrays.stream(args).map(Path::of).toList();
        long t0 = System.nanoTime();
        Inventory inventory = InventoryLoader.load(InventoryLoader.Request.of(sources));
        long t1 = System.nanoTime();
        InventoryView view = InventoryView.load(sources);
        long t2 = System.nanoTime();
        System.out.printf("load + validate (%d members): %.3f s; every host's merged vars (%d hosts): %.3f s%n",
                inventory.members().size(), (t1 - t0) / 1e9, view.hostVars().size(), (t2 - t1) / 1e9);
    }
}
