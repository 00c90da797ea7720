package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.userauth.UserAuthException;

/** Opens authenticated, host-key-verified SSH connections with sshj. Thread-safe; one instance serves a run. */
public final class SshConnector {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Keep-alive probes every 15 s; sshj drops the connection after 5 unanswered ones. */
    private static final int KEEP_ALIVE_SECONDS = 15;

    private final Config config;

    /**
     * Built once per JVM. Registering BouncyCastle (sshj needs it, e.g. for ECDSA) costs 200-500 ms on a cold
     * JVM, the largest share of a no-op run; {@link #warmUp()} moves it off the critical path.
     */
    private static final class SharedConfig {
        static final Config CONFIG = modernConfig();

        static {
            SecurityUtils.isBouncyCastleRegistered();
        }
    }

    /** Loads the SSH crypto now, on this thread; for building the launcher's class-data archive. */
    public static void warmUpNow() {
        SharedConfig.CONFIG.getVersion();
    }

    /**
     * Starts loading the SSH crypto in the background. Call it first thing in main: it then overlaps with
     * parsing the command line and the inventory. Harmless to call more than once or not at all.
     */
    public static void warmUp() {
        Thread t = new Thread(() -> SharedConfig.CONFIG.getVersion(), "dcsprov-ssh-warmup");
        t.setDaemon(true);
        t.start();
    }
    private final Duration connectTimeout;
    private final Optional<SshAgent> agent;

    public SshConnector() {
        this(DEFAULT_CONNECT_TIMEOUT);
    }

    /** Uses the ssh-agent named by SSH_AUTH_SOCK, if any. */
    public SshConnector(Duration connectTimeout) {
        this(connectTimeout, SshAgent.fromEnvironment().map(SshAgent::socket));
    }

    SshConnector(Duration connectTimeout, Optional<Path> agentSocket) {
        this.config = SharedConfig.CONFIG;
        this.connectTimeout = connectTimeout;
        this.agent = agentSocket.map(SshAgent::new);
    }

    /**
     * Connects, verifies the host key, authenticates.
     *
     * @throws RemoteException (UNREACHABLE) with a summary, detail and fix for every way this can fail
     */
    public SshjConnection connect(SshTarget target, HostKeyPolicy policy) {
        java.util.List<SSHClient> hops = new java.util.ArrayList<>();
        try {
            SSHClient via = null;
            for (SshTarget hop : target.jumps()) {
                try {
                    via = open(hop, policy, via);
                } catch (RemoteException e) {
                    // e's summary starts with "<hop>: "; name the hop once, and the member it was on the way to
                    String why = e.summary().substring(e.host().length() + 2);
                    throw new RemoteException(e.exitCode(), target.hostName(), "jump host " + hop.hostName() + " (on the way to "
                            + target.hostName() + "): " + why, e.detail().orElse(""), e.fix().orElse(""), e);
                }
                hops.add(via);
            }
            return new SshjConnection(target, open(target, policy, via), hops);
        } catch (RuntimeException e) {
            hops.forEach(SshConnector::closeQuietly);
            throw e;
        }
    }

    /** One verified, authenticated client: directly, or through {@code via} (the previous jump host). */
    private SSHClient open(SshTarget target, HostKeyPolicy policy, SSHClient via) {
        KnownHosts knownHosts = loadKnownHosts(target, policy);
        KnownHostsVerifier verifier = new KnownHostsVerifier(target, policy, knownHosts);
        SSHClient client = new SSHClient(config);
        try {
            client.addHostKeyVerifier(verifier);
            int timeoutMs = (int) connectTimeout.toMillis();
            client.setConnectTimeout(timeoutMs);
            // Bounds key exchange and authentication replies; the socket itself has no read timeout
            // because long silent commands are normal.
            client.getTransport().setTimeoutMs(Math.max(timeoutMs, 5_000));
            client.getConnection().getKeepAlive().setKeepAliveInterval(KEEP_ALIVE_SECONDS);
            ClientKeys.Loaded keys = ClientKeys.load(client, target, agent);
            if (keys.methods().isEmpty()) {
                throw noKeys(target, keys);
            }
            connectSocket(client, target, verifier, via);
            authenticate(client, target, keys);
            return client;
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    private void connectSocket(SSHClient client, SshTarget target, KnownHostsVerifier verifier, SSHClient via) {
        String where = target.address() + " port " + target.port();
        String listening = "Is the host up and sshd listening on port " + target.port() + "? "
                + "Check ansible_host/ansible_port in the inventory and any firewall in between.";
        try {
            if (via == null) {
                client.connect(target.address(), target.port());
            } else {
                client.connectVia(via.newDirectConnection(target.address(), target.port()));
            }
        } catch (IOException e) {
            if (verifier.failure() != null) {
                throw verifier.failure();
            }
            if (e instanceof UnknownHostException) {
                throw unreachable(target, "cannot resolve " + target.address(), e.toString(),
                        "Check the host's address (ansible_host) in the inventory, or DNS.", e);
            }
            if (e instanceof ConnectException) {
                throw unreachable(target, "connection refused by " + where, e.toString(), listening, e);
            }
            if (e instanceof SocketTimeoutException) {
                throw unreachable(target, "timed out after " + connectTimeout.toSeconds() + " s connecting to " + where,
                        e.toString(), listening, e);
            }
            if (e instanceof NoRouteToHostException) {
                throw unreachable(target, "no route to " + where, e.toString(), listening, e);
            }
            if (String.valueOf(e.getMessage()).contains("Unable to reach a settlement") && e.getMessage().contains("ssh-")) {
                // sshj names the two proposals that had nothing in common; the host key one is the usual case.
                throw unreachable(target, "no host key algorithm in common with " + where, e.getMessage(),
                        "dcsprov accepts ed25519, ECDSA and RSA host keys signed with rsa-sha2-512/256, never SHA-1 ssh-rsa. "
                                + "Enable rsa-sha2 on the host (OpenSSH >= 7.2 offers it) or give it an ed25519 key.", e);
            }
            throw unreachable(target, "SSH connection to " + where + " failed", e.toString(),
                    "Check that an OpenSSH server answers on " + where + ".", e);
        }
    }

    private static void authenticate(SSHClient client, SshTarget target, ClientKeys.Loaded keys) {
        String files = String.join(", ", keys.offered());
        try {
            client.auth(target.user(), keys.methods());
        } catch (UserAuthException e) {
            String detail = "Public key authentication as " + target.user() + " on " + target.address()
                    + " port " + target.port() + " failed with " + files + ".";
            if (!keys.skippedEncrypted().isEmpty()) {
                detail += " Skipped passphrase-protected keys that are not in ssh-agent: "
                        + keys.skippedEncrypted().stream().map(Path::toString).collect(Collectors.joining(", "));
            }
            throw unreachable(target, "the key " + files + " was refused for user " + target.user(), detail,
                    "Check that the matching .pub is in ~" + target.user() + "/.ssh/authorized_keys on the host "
                            + "(ssh-copy-id -i " + target.privateKey().map(p -> dev.dcsprov.Shell.quote(p.toString())).orElse("~/.ssh/id_ed25519") + " -p " + target.port() + " "
                            + target.user() + "@" + target.address() + "), and ansible_user/"
                            + "ansible_ssh_private_key_file in the inventory.", e);
        } catch (IOException e) {
            throw unreachable(target, "SSH authentication with " + target.address() + " failed", e.toString(),
                    "Is the host overloaded or did sshd drop the connection? Try again; check the host's sshd log.", e);
        }
    }

    private static KnownHosts loadKnownHosts(SshTarget target, HostKeyPolicy policy) {
        try {
            return KnownHosts.load(policy.knownHostsFiles(), KnownHostsVerifier.namesFor(target));
        } catch (IOException e) {
            throw unreachable(target, "cannot read known_hosts", e.toString(),
                    "Check the known_hosts files named in the inventory and ~/.ssh/known_hosts are readable.", e);
        }
    }

    private RemoteException noKeys(SshTarget target, ClientKeys.Loaded keys) {
        String detail = "No ansible_ssh_private_key_file is set for this host, "
                + (agent.isEmpty() ? "no ssh-agent (SSH_AUTH_SOCK) is there" : "the ssh-agent holds no keys")
                + ", and none of ~/.ssh/" + String.join(", ~/.ssh/", ClientKeys.DEFAULT_KEY_NAMES) + " is a usable key.";
        if (!keys.skippedEncrypted().isEmpty()) {
            detail += " Passphrase-protected keys were skipped because ssh-agent does not hold them (ssh-add them): "
                    + keys.skippedEncrypted().stream().map(Path::toString).collect(Collectors.joining(", "));
        }
        return unreachable(target, "no private key to log in as " + target.user(), detail,
                "Set ansible_ssh_private_key_file, load a key into ssh-agent (ssh-add), or create ~/.ssh/id_ed25519.", null);
    }

    static RemoteException unreachable(SshTarget t, String summary, String detail, String fix, Throwable cause) {
        return new RemoteException(ExitCode.UNREACHABLE, t.hostName(), summary, detail, fix, cause);
    }

    private static void closeQuietly(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException | RuntimeException ignored) {
            // nothing useful to add to the error being thrown
        }
    }

    /**
     * sshj's defaults minus the legacy algorithms (SHA-1 key exchange, CBC, DSA, MD5) that OpenSSH has
     * retired; a shorter proposal also means less to negotiate.
     */
    static Config modernConfig() {
        DefaultConfig config = new DefaultConfig();
        config.setKeyExchangeFactories(keep(config.getKeyExchangeFactories(), Set.of(
                "curve25519-sha256", "curve25519-sha256@libssh.org",
                "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                "diffie-hellman-group-exchange-sha256", "diffie-hellman-group14-sha256",
                "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "ext-info-c")));
        config.setCipherFactories(keep(config.getCipherFactories(), Set.of(
                "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
                "aes128-ctr", "aes192-ctr", "aes256-ctr")));
        config.setMACFactories(keep(config.getMACFactories(), Set.of(
                "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512")));
        // No DSA, and no SHA-1 "ssh-rsa" signatures (retired by OpenSSH 8.8): an RSA host key must sign with
        // rsa-sha2-512/256. A known_hosts "ssh-rsa" key still verifies, since the key type is the same.
        config.setKeyAlgorithms(config.getKeyAlgorithms().stream()
                .filter(f -> !f.getName().contains("dss") && !f.getName().equals("ssh-rsa") && !f.getName().startsWith("ssh-rsa-cert"))
                .collect(Collectors.toList()));
        // KEEP_ALIVE sends keepalive@openssh.com and notices a dead peer; HEARTBEAT only sends IGNOREs.
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        return config;
    }

    private static <T> List<Factory.Named<T>> keep(List<Factory.Named<T>> factories, Set<String> names) {
        return factories.stream().filter(f -> names.contains(f.getName())).collect(Collectors.toList());
    }
}
