package dev.dcsprov.cli;

/**
 * A command that works from the inventory and the local PKI alone. {@link Main} removes the
 * connection options ({@link Main#HOST_OPTIONS}) from it, so its help offers only what it uses.
 */
interface ConnectsToNoHost {
}
