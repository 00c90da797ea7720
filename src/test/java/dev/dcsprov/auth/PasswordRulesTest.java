package dev.dcsprov.auth;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.SecretSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"correct horse battery staple", " leading", "trailing ", "tab\there", "   ",
            "nbsp\u00a0inside", "ideographic\u3000space", "en\u2002space", "next\u0085line", "vt\u000bff\u000c"})
    void whitespaceThatScanfStopsAtIsRefused(String pw) {
        String why = PasswordRules.problem(pw).orElseThrow();
        assertTrue(why.contains("whitespace"), why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-starts-with-dash", "co:lon", "quo\"te's", "$HOME`x`\\", "café-Ünïcødé", "パスワード",
            "zero\u200bwidth-is-not-a-space", "x"})
    void whatEtcdKeepsWholeIsAccepted(String pw) {
        assertEquals(java.util.Optional.empty(), PasswordRules.problem(pw));
    }

    @Test
    void bcryptLimitCountsUtf8Bytes() {
        assertTrue(PasswordRules.problem("a".repeat(72)).isEmpty());
        assertTrue(PasswordRules.problem("a".repeat(73)).orElseThrow().contains("72 bytes"));
        // 36 two-byte letters are 72 bytes; one more is 74.
        assertTrue(PasswordRules.problem("é".repeat(36)).isEmpty());
        assertFalse(PasswordRules.problem("é".repeat(37)).isEmpty());
    }

    @Test
    void emptyLineBreakNulAndReplacementCharacterAreRefused() {
        assertTrue(PasswordRules.problem("").orElseThrow().contains("empty"));
        assertTrue(PasswordRules.problem("a\nb").orElseThrow().contains("line break"));
        assertTrue(PasswordRules.problem("a\0b").orElseThrow().contains("NUL"));
        assertTrue(PasswordRules.problem("caf\ufffd").orElseThrow().contains("UTF-8"));
    }

    @Test
    void refusalNamesUserAndSourceButNeverThePassword() {
        Secrets secrets = new Secrets(Map.of("PW", "correct horse battery staple"), null);
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> secrets.read(new SecretSource.Env("PW"), "etcd user patroni"));
        assertEquals(ExitCode.INVENTORY, e.exitCode());
        String all = e.summary() + e.detail().orElse("") + e.fix().orElse("");
        assertTrue(e.summary().contains("etcd user patroni"), all);
        assertTrue(e.detail().orElseThrow().contains("environment variable PW"), all);
        assertFalse(all.contains("horse"), all);
        assertFalse(all.contains("correct "), all);
    }

    @Test
    void fileWithSpaceIsRefusedAndOneTrailingNewlineIsNot(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("pw");
        Files.writeString(f, "two words\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Secrets secrets = new Secrets(Map.of(), null);
        DcsprovException e = assertThrows(DcsprovException.class, () -> secrets.read(new SecretSource.File(f), "etcd user u"));
        assertTrue(e.detail().orElseThrow().contains("file " + f), e.detail().orElseThrow());
        Files.writeString(f, "one-word\n");
        assertEquals("one-word", secrets.read(new SecretSource.File(f), "etcd user u"));
    }

    @Test
    void environmentIsDecodedAsUtf8WhateverTheLocale() {
        byte[] raw = "A=1\0PW=caf\u00e9\0BAD=x".getBytes(StandardCharsets.UTF_8);
        byte[] withBad = new byte[raw.length + 1];
        System.arraycopy(raw, 0, withBad, 0, raw.length);
        withBad[raw.length] = (byte) 0xff;
        Map<String, String> env = ProcessEnvironment.parse(withBad);
        assertEquals("café", env.get("PW"));
        assertEquals("1", env.get("A"));
        assertEquals("x\ufffd", env.get("BAD"));
        assertTrue(PasswordRules.problem(env.get("BAD")).isPresent());
    }
}
