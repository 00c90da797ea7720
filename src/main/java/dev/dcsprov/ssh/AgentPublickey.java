package dev.dcsprov.ssh;

import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

import java.io.IOException;

/**
 * sshj's "publickey" authentication with a key held by ssh-agent: the same two steps as
 * AuthPublickey (ask whether the key is acceptable, then send the signed request), with the
 * signature made by the agent.
 */
final class AgentPublickey extends AbstractAuthMethod {
    private final SshAgent agent;
    private final SshAgent.Identity identity;

    AgentPublickey(SshAgent agent, SshAgent.Identity identity) {
        super("publickey");
        this.agent = agent;
        this.identity = identity;
    }

    /** rsa-sha2-256 for RSA keys (servers refuse SHA-1), the key type itself otherwise. */
    private String algorithm() {
        return identity.keyType().equals("ssh-rsa") ? "rsa-sha2-256" : identity.keyType();
    }

    @Override
    protected SSHPacket buildReq() throws UserAuthException {
        return request(false);
    }

    private SSHPacket request(boolean signed) throws UserAuthException {
        return super.buildReq().putBoolean(signed).putString(algorithm()).putString(identity.blob());
    }

    @Override
    public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
        if (cmd != Message.USERAUTH_60) {
            super.handle(cmd, buf);
            return;
        }
        SSHPacket req = request(true);
        byte[] signed = new Buffer.PlainBuffer().putString(params.getTransport().getSessionID()).putBuffer(req).getCompactData();
        try {
            req.putString(agent.sign(identity.blob(), signed, identity.keyType().equals("ssh-rsa") ? SshAgent.RSA_SHA2_256 : 0));
        } catch (IOException e) {
            throw new UserAuthException("ssh-agent could not sign with " + this, e);
        }
        params.getTransport().write(req);
    }

    @Override
    public String toString() {
        return identity.keyType() + " key '" + identity.comment() + "' in ssh-agent";
    }
}
