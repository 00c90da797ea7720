package dev.dcsprov.ssh;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom to connect. Independent of the inventory's Host record: the caller maps one to the other.
 *
 * @param hostName   inventory name, used in messages and also looked up in known_hosts
 * @param address    what to connect to (IP or DNS name)
 * @param port       SSH port
 * @param user       login user
 * @param privateKey key file to authenticate with; empty means the default keys in ~/.ssh
 * @param become     run commands through {@code sudo -n} (ignored when the user is root)
 * @param jumps      jump hosts to go through, first hop first (ProxyJump); empty to connect directly.
 *                   Each hop's host key is verified like the target's.
 */
public record SshTarget(String hostName, String address, int port, String user, Optional<Path> privateKey,
                        boolean become, java.util.List<SshTarget> jumps) {

    public SshTarget(String hostName, String address, int port, String user, Optional<Path> privateKey, boolean become) {
        this(hostName, address, port, user, privateKey, become, java.util.List.of());
    }

    public SshTarget {
        jumps = java.util.List.copyOf(jumps);
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(privateKey, "privateKey");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** True when commands must go through sudo: become asked for and we are not already root. */
    public boolean needsSudo() {
        return become && !"root".equals(user);
    }

    /** How OpenSSH names this host in known_hosts: {@code host} on port 22, else {@code [host]:port}. */
    String knownHostsName(String host) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }
}
