package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One etcd member as the inventory describes it, with group and host variables already merged
 * the way Ansible merges them.
 *
 * @param name          inventory host name (also the etcd member name unless {@code etcd_name} says otherwise)
 * @param address       where dcsprov connects ({@code ansible_host}, else the name)
 * @param sshPort       {@code ansible_port}, default 22
 * @param sshUser       {@code ansible_user}, default root
 * @param privateKey    {@code ansible_ssh_private_key_file}, if given
 * @param become        {@code ansible_become}: run remote commands through {@code sudo -n}
 * @param memberName    {@code etcd_name}, default the inventory name
 * @param advertiseAddress address advertised to clients and peers ({@code etcd_advertise_address}, default address)
 * @param listenAddresses addresses etcd listens on besides loopback for clients ({@code etcd_listen_addresses},
 *                      default [advertiseAddress])
 * @param extraSans     {@code etcd_extra_sans}: further DNS names or IPs for this host's certificate
 *                      (cluster-wide extras from group vars are merged in)
 * @param location      where the host is defined, for error messages
 * @param jumps         jump hosts to reach it through, first hop first (ProxyJump / -J), resolved through ~/.ssh/config
 */
public record Host(
        String name,
        String address,
        int sshPort,
        String sshUser,
        Optional<Path> privateKey,
        boolean become,
        String memberName,
        String advertiseAddress,
        List<String> listenAddresses,
        List<String> extraSans,
        SourceLocation location,
        List<JumpHost> jumps) {

    public Host(String name, String address, int sshPort, String sshUser, Optional<Path> privateKey, boolean become,
                String memberName, String advertiseAddress, List<String> listenAddresses, List<String> extraSans,
                SourceLocation location) {
        this(name, address, sshPort, sshUser, privateKey, become, memberName, advertiseAddress, listenAddresses, extraSans,
                location, List.of());
    }

    public String clientUrl(ClusterSettings cluster) {
        return "https://" + urlHost(advertiseAddress) + ":" + cluster.clientPort();
    }

    public String peerUrl(ClusterSettings cluster) {
        return "https://" + urlHost(advertiseAddress) + ":" + cluster.peerPort();
    }

    static String urlHost(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }
}
