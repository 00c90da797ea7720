package dev.dcsprov.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecureFilesTest {
    @TempDir
    Path dir;

    @Test
    void aWriteRemovesTheTempFilesAKilledWriteOfTheSameFileLeft() throws Exception {
        Path key = dir.resolve("ca.key");
        Files.writeString(key, "old");
        Files.writeString(dir.resolve(".ca.key.0123456789ab.tmp"), "half a key");
        Path elsewhere = Files.writeString(dir.resolve("outside"), "not ours");
        Files.createSymbolicLink(dir.resolve(".ca.key.ba9876543210.tmp"), elsewhere);
        Files.writeString(dir.resolve(".ca.crt.0123456789ab.tmp"), "another file's temp");
        SecureFiles.writeAtomically(key, "new".getBytes(), SecureFiles.PRIVATE);
        assertEquals("new", Files.readString(key));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(".ca.crt.0123456789ab.tmp", "ca.key", "outside"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.readString(elsewhere).equals("not ours"), "a link is removed, its target untouched");
    }
}
