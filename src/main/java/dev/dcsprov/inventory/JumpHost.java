package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One jump host on the way to a member, resolved as ssh resolves a ProxyJump hop: the spec's user and port win,
 * then what ~/.ssh/config says for the hop's name (HostName, User, Port, IdentityFile), then the member's user and
 * key and port 22.
 *
 * @param spec       the hop as written ([user@]host[:port]), for messages and tests
 * @param name       the host part of the spec (a Host alias of ~/.ssh/config, or an address); names the hop in errors
 *                   and is looked up in known_hosts beside the address
 * @param address    where to connect: the config's HostName, else the name
 * @param port       SSH port
 * @param user       login user
 * @param privateKey key to log in with; empty for the agent and the default keys
 */
public record JumpHost(String spec, String name, String address, int port, String user, Optional<Path> privateKey) {
}
