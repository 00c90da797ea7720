package dev.dcsprov.inventory;

/**
 * A variable dcsprov reads from the inventory, for documentation (README, {@code --help}).
 *
 * @param name         the variable as written in the inventory
 * @param defaultValue the default, in words if it is derived from other variables; empty if none
 * @param description  one line saying what it does
 */
public record Variable(String name, String defaultValue, String description) {
}
