package dev.dcsprov.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Network;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hosts as Docker containers booting systemd, made by Testcontainers from the local image
 * dcslab/RELEASE (imported by {@code lab/up --backend docker --prepare} from the lab's base
 * rootfs; never pulled, Ryuk off) on the docker network dcslab1 (192.168.57.0/24, or
 * {@code -Ddcslab.docker.net}). Tests' dcs-NN becomes dcs-(90 + NN % 10) here ({@code -Ddcslab.docker.base}),
 * at NET.(10 + that number). The containers reach the lab's apt proxy at 192.168.56.1 through this
 * machine without forwarding (their gateway is this machine, and that address is one of its own).
 */
final class DockerBackend implements LabBackend {
    static final String NETWORK = "dcslab1";
    private static final String RELEASE = System.getProperty("dcslab.release", System.getenv().getOrDefault("DCSLAB_RELEASE", "bookworm"));
    private static final String IMAGE = "dcslab/" + RELEASE + ":latest";
    private static final String NET = System.getProperty("dcslab.docker.net", "192.168.57");
    private static final int BASE = Integer.getInteger("dcslab.docker.base", 90);
    private static final String PROXY = System.getProperty("dcslab.aptProxy", "http://192.168.56.1:3142");
    private static final Path LAB_KEY = Path.of("/var/lib/dcslab/ssh/id_ed25519");
    private final Path state = Path.of(System.getProperty("dcslab.docker.state",
            System.getProperty("user.home") + "/.cache/dcslab-docker"));
    /** The containers of this JVM: without Ryuk, Testcontainers removes them when the JVM exits. */
    private final Map<String, GenericContainer<?>> running = new HashMap<>();

    @Override
    public String host(String name) {
        int n = Integer.parseInt(name.substring(4));
        return String.format("dcs-%02d", BASE + n % 10);
    }

    @Override
    public String address(String host) {
        return NET + "." + (10 + Integer.parseInt(host.substring(4)));
    }

    /** The lab's key where this user may read it (the image authorizes it), else a key of this backend's own. */
    @Override
    public Path sshKey() {
        if (Files.isReadable(LAB_KEY)) {
            return LAB_KEY;
        }
        Path own = state.resolve("id_ed25519");
        if (!Files.exists(own)) {
            try {
                Files.createDirectories(state);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Proc.Result r = Proc.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dcslab-docker", "-f", own.toString()));
            if (r.exit() != 0) {
                throw new AssertionError("ssh-keygen for the docker lab key failed: " + r);
            }
        }
        return own;
    }

    @Override
    public Path knownHosts() {
        return state.resolve("known_hosts");
    }

    @Override
    public String aptProxy() {
        return PROXY;
    }

    @Override
    public void requireUp() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new AssertionError("-Pdocker: no Docker daemon answers (DOCKER_HOST or /var/run/docker.sock). "
                    + "Fix: start one with 'sudo lab/dockerd start' (it keeps the firewall and forwarding as they are)");
        }
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            throw new AssertionError("-Pdocker: the image " + IMAGE + " is not there (it is never pulled). "
                    + "Fix: 'sudo lab/up --backend docker --prepare' imports it from the lab's base rootfs");
        }
        URI proxy = URI.create(PROXY);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort()), 2000);
        } catch (IOException e) {
            throw new AssertionError("-Pdocker: the apt proxy " + PROXY + " does not answer (" + e.getMessage() + "). "
                    + "Fix: 'sudo lab/up --backend docker --prepare' starts the lab's, or give yours with -Ddcslab.aptProxy=URL");
        }
        ensureNetwork(docker);
    }

    private void ensureNetwork(DockerClient docker) {
        String subnet = NET + ".0/24";
        List<Network> found = docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream()
                .filter(n -> n.getName().equals(NETWORK)).toList();
        if (!found.isEmpty()) {
            String have = found.get(0).getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet).findFirst().orElse("");
            if (!have.equals(subnet)) {
                throw new AssertionError("-Pdocker: docker network " + NETWORK + " has subnet " + have + ", not " + subnet
                        + ". Fix: lab/down (removes it) or -Ddcslab.docker.net=" + have.replaceAll("\\.0/24$", ""));
            }
            return;
        }
        try {
            docker.createNetworkCmd().withName(NETWORK).withDriver("bridge").withLabels(Map.of("dcslab", "1"))
                    .withOptions(Map.of("com.docker.network.bridge.name", NETWORK))
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet).withGateway(NET + ".1"))).exec();
        } catch (RuntimeException e) {
            throw new AssertionError("-Pdocker: docker could not create network " + NETWORK + " (" + subnet + "): " + e.getMessage()
                    + ". Fix: free that subnet (ip -4 addr; docker network ls) or choose another with -Ddcslab.docker.net=192.168.58");
        }
    }

    @Override
    public void recreate(List<String> hosts) {
        requireUp();
        DockerClient docker = DockerClientFactory.instance().client();
        for (String h : hosts) {
            GenericContainer<?> old = running.remove(h);
            if (old != null) {
                old.stop();
            }
            try {
                docker.removeContainerCmd(h).withForce(true).exec();   // one lab/up made, or a killed run left
            } catch (NotFoundException absent) {
                // nothing to remove
            }
        }
        for (String h : hosts) {
            running.put(h, start(h));
        }
        for (String h : hosts) {
            waitForBoot(h);
        }
    }

    private GenericContainer<?> start(String h) {
        String addr = address(h);
        try {
            Path dir = Files.createDirectories(state.resolve("hosts").resolve(h));
            Path keys = dir.resolve("ssh");
            Proc.run(List.of("rm", "-rf", keys.toString()));
            Files.createDirectories(keys);
            // Docker would write its own resolv.conf (a resolver that reaches out) and hosts: the lab's instead.
            Path resolv = Files.writeString(dir.resolve("resolv.conf"), "");
            StringBuilder etcHosts = new StringBuilder("127.0.0.1 localhost\n").append(addr).append(' ').append(h).append(".lab ").append(h).append('\n');
            for (int n = BASE; n < BASE + 10 && n < 100; n++) {
                String other = String.format("dcs-%02d", n);
                if (!other.equals(h)) {
                    etcHosts.append(address(other)).append(' ').append(other).append(".lab ").append(other).append('\n');
                }
            }
            URI proxy = URI.create(PROXY);
            etcHosts.append(proxy.getHost()).append(" gateway.lab\n");
            Path hostsFile = Files.writeString(dir.resolve("hosts"), etcHosts.toString());
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                    .withImagePullPolicy(image -> false)
                    .withNetworkMode(NETWORK)
                    .withEnv("container", "docker")
                    .withLabel("dcslab.host", h)
                    .withLabel("dcslab.release", RELEASE)
                    .withFileSystemBind(resolv.toString(), "/etc/resolv.conf", BindMode.READ_ONLY)
                    .withFileSystemBind(hostsFile.toString(), "/etc/hosts", BindMode.READ_ONLY)
                    .withCommand("/sbin/init")
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName(h).withHostName(h).withDomainName("lab").withIpv4Address(addr).withStopSignal("SIGRTMIN+3");
                        // The flags that boot systemd as PID 1 here; --privileged is refused on this kind of machine.
                        cmd.getHostConfig().withCapAdd(Capability.SYS_ADMIN, Capability.NET_ADMIN)
                                .withSecurityOpts(List.of("seccomp=unconfined")).withCgroupnsMode("private")
                                .withTmpFs(Map.of("/run", "", "/run/lock", ""));
                    });
            byte[] id = new byte[16];
            new java.security.SecureRandom().nextBytes(id);
            c.withCopyToContainer(Transferable.of(HexFormat.of().formatHex(id) + "\n", 0444), "/etc/machine-id");
            String pub = Files.readString(Path.of(sshKey() + ".pub"));
            c.withCopyToContainer(Transferable.of(pub, 0644), "/root/.ssh/authorized_keys");
            c.withCopyToContainer(Transferable.of(pub, 0644), "/home/dcsadmin/.ssh/authorized_keys");
            List<String> known = new ArrayList<>();
            for (String t : List.of("ed25519", "ecdsa", "rsa")) {
                Path key = keys.resolve("ssh_host_" + t + "_key");
                Proc.Result r = Proc.run(List.of("ssh-keygen", "-q", "-t", t, "-N", "", "-C", h, "-f", key.toString()));
                if (r.exit() != 0) {
                    throw new AssertionError("ssh-keygen failed: " + r);
                }
                c.withCopyToContainer(Transferable.of(Files.readAllBytes(key), 0600), "/etc/ssh/ssh_host_" + t + "_key");
                String keyPub = Files.readString(Path.of(key + ".pub")).strip();
                c.withCopyToContainer(Transferable.of(keyPub + "\n", 0644), "/etc/ssh/ssh_host_" + t + "_key.pub");
                String[] f = keyPub.split(" ");
                known.add(h + "," + addr + " " + f[0] + " " + f[1]);
            }
            replaceKnownHosts(h, addr, known);
            try {
                c.start();
            } catch (RuntimeException e) {
                throw new AssertionError("-Pdocker: docker could not start " + h + " (" + rootMessage(e) + "). Fix: the daemon must grant "
                        + "SYS_ADMIN, NET_ADMIN, seccomp=unconfined and a private cgroup namespace (systemd as PID 1 needs them): run dockerd "
                        + "as root on the machine (sudo lab/dockerd start), not rootless; if " + addr + " is taken, lab/down " + h, e);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** This host's fresh keys under its name and address; older entries for either replaced. */
    private synchronized void replaceKnownHosts(String h, String addr, List<String> lines) throws IOException {
        Path file = knownHosts();
        Files.createDirectories(file.getParent());
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                Set<String> names = Set.copyOf(Arrays.asList(line.split(" ", 2)[0].split(",")));
                if (!names.contains(h) && !names.contains(addr)) {
                    kept.add(line);
                }
            }
        }
        kept.addAll(lines);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void waitForBoot(String h) {
        String state = "";
        for (int i = 0; i < 120; i++) {
            Proc.Result r = Proc.run(List.of("ssh", "-q", "-i", sshKey().toString(), "-o", "BatchMode=yes",
                    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts(),
                    "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=3", "root@" + address(h), "systemctl is-system-running"));
            state = r.out().strip();
            if (state.equals("running")) {
                return;
            }
            if (state.equals("degraded")) {
                throw new AssertionError(h + " booted degraded: " + Lab.ssh(h, "systemctl --failed --no-legend").out());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError(h + " did not finish booting within 60 s (last state: " + (state.isEmpty() ? "no ssh" : state)
                + "); see docker logs " + h);
    }

    @Override
    public Path defaultInventory() throws IOException {
        return Lab.writeInventory(Files.createTempDirectory("dcsprov-docker-lab"), Lab.HOSTS, "");
    }
}
