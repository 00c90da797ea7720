package dev.dcsprov.inventory;

/**
 * One thing wrong with an inventory, at the place a person must edit to fix it.
 *
 * @param location file:line:column of the offending node
 * @param message  what is wrong, naming the key or value
 * @param fix      how to fix it; may be empty
 */
public record Problem(SourceLocation location, String message, String fix) {

    /** {@code file:line:column: message}, the form editors and CI logs link to. */
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
