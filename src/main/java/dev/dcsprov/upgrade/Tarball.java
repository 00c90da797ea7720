package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * An etcd release tarball on this machine (etcd-vX.Y.Z-linux-ARCH/ with etcd, etcdctl, etcdutl), checked before any
 * host is touched: its SHA-256 against the inventory's, its version from the directory name, and the architecture of
 * its etcd binary from the ELF header (so a tarball for another machine is refused, not started).
 */
public record Tarball(Path file, String sha256, EtcdVersion version, String directory, String elfArch) {
    private static final Pattern DIR = Pattern.compile("etcd-v(\\d+\\.\\d+\\.\\d+)-linux-[a-z0-9]+");
    /** ELF e_machine -> Debian architecture. */
    static final Map<Integer, String> MACHINES = Map.of(62, "amd64", 183, "arm64", 40, "armhf", 3, "i386", 21, "ppc64el",
            22, "s390x", 243, "riscv64");

    public static Tarball inspect(Path file, String expectedSha256) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw bad("etcd_tarball " + file + " is not a readable file", "", "give the path of an etcd release tarball on this machine");
        }
        String sha = sha256(file);
        if (!sha.equals(expectedSha256)) {
            throw bad("etcd_tarball's SHA-256 differs from etcd_tarball_sha256",
                    file + " has SHA-256 " + sha + ", the inventory expects " + expectedSha256 + ". No host was touched.",
                    "download the tarball again and compare with the release's published checksum; set etcd_tarball_sha256 only to that");
        }
        String[] dir = {null};
        byte[][] elf = {null};
        try {
            regularFiles(file, (name, size, in) -> {
                if (name.matches("[^/]+/etcd")) {
                    dir[0] = name.substring(0, name.indexOf('/'));
                    elf[0] = in.readNBytes((int) Math.min(20, size));
                    return elf[0].length;
                }
                return 0;
            });
        } catch (IOException | NumberFormatException e) {
            throw bad("etcd_tarball " + file + " is not a gzip tar archive", e.getMessage(), "give an etcd release tarball (.tar.gz)");
        }
        if (dir[0] == null || elf[0] == null) {
            throw bad("etcd_tarball " + file + " holds no etcd binary in a directory of its own",
                    "an etcd release tarball holds etcd-vX.Y.Z-linux-ARCH/etcd", "give an etcd release tarball");
        }
        Matcher m = DIR.matcher(dir[0]);
        if (!m.matches()) {
            throw bad("etcd_tarball " + file + ": the directory '" + dir[0] + "' does not name an etcd version",
                    "etcd's release tarballs hold etcd-vX.Y.Z-linux-ARCH/", "repack it with that directory name");
        }
        String top = dir[0];
        return new Tarball(file, sha, EtcdVersion.parse(m.group(1)), top, elfArch(elf[0]).orElseThrow(() -> bad(
                "etcd_tarball " + file + ": " + top + "/etcd is not an ELF executable", "", "give an etcd release tarball for Linux")));
    }

    /** The Debian architecture of an ELF header's machine, "unknown (N)" for others; empty when it is no ELF file. */
    static Optional<String> elfArch(byte[] h) {
        if (h.length < 20 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
            return Optional.empty();
        }
        boolean little = h[5] == 1;
        int machine = little ? (h[18] & 0xff) | (h[19] & 0xff) << 8 : (h[19] & 0xff) | (h[18] & 0xff) << 8;
        return Optional.of(MACHINES.getOrDefault(machine, "unknown (ELF machine " + machine + ")"));
    }

    /** Refused (exit 3) unless the binary is for {@code hostArch} (dpkg --print-architecture). */
    public void requireArch(String host, String hostArch) {
        if (!elfArch.equals(hostArch)) {
            throw bad("etcd_tarball " + file.getFileName() + " is for " + elfArch + ", but " + host + " is " + hostArch,
                    directory + "/etcd's ELF header names " + elfArch + ". No member was changed.",
                    "use the release tarball for " + hostArch + " (etcd-v" + version + "-linux-" + hostArch + ".tar.gz) and its SHA-256");
        }
    }

    /**
     * The tarball's etcdutl written to {@code into} (for etcd's pre-upgrade checks, run before any member changes);
     * empty when the tarball has none (3.4 tarballs).
     */
    public Optional<Path> extractEtcdutl(Path into) {
        boolean[] found = {false};
        try {
            regularFiles(file, (name, size, in) -> {
                if (!name.equals(directory + "/etcdutl")) {
                    return 0;
                }
                try (var out = Files.newOutputStream(into)) {
                    out.write(in.readNBytes((int) size));
                }
                found[0] = true;
                return STOP;
            });
        } catch (IOException | NumberFormatException e) {
            throw bad("cannot read etcdutl from etcd_tarball " + file, e.getMessage(), "");
        }
        return found[0] ? Optional.of(into) : Optional.empty();
    }

    /** What {@link Entry#read} returns to end the walk. */
    private static final long STOP = -1;

    /** A regular file of the archive, met by {@link #regularFiles}. */
    private interface Entry {
        /** @param name without a leading "./"; @param in at the file's first byte; @return the bytes it read, or {@link #STOP} */
        long read(String name, long size, InputStream in) throws IOException;
    }

    /** Walks a gzip'd tar (ustar, with GNU long names) and hands each regular file to {@code entry}. */
    private static void regularFiles(Path file, Entry entry) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = longName != null ? longName : field(header, 345, 155).isEmpty() ? field(header, 0, 100)
                        : field(header, 345, 155) + "/" + field(header, 0, 100);
                longName = null;
                long size = Long.parseLong(field(header, 124, 12).isBlank() ? "0" : field(header, 124, 12).strip(), 8);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                if (type == 'L') {
                    longName = new String(in.readNBytes((int) size), StandardCharsets.UTF_8).replace("\0", "");
                    in.skipNBytes(padded - size);
                    continue;
                }
                long read = 0;
                if (type == '0' || type == 0) {
                    read = entry.read(name.replaceFirst("^\\./", ""), size, in);
                    if (read == STOP) {
                        return;
                    }
                }
                in.skipNBytes(padded - read);
            }
        }
    }

    /** Where the binaries go on the members. */
    public String installDir() {
        return "/opt/dcsprov/etcd/" + version;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw bad("cannot read etcd_tarball " + file, e.getMessage(), "");
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static DcsprovException bad(String summary, String detail, String fix) {
        return new DcsprovException(ExitCode.INVENTORY, summary, detail, fix);
    }
}
