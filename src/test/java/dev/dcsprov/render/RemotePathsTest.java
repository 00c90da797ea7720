package dev.dcsprov.render;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RemotePathsTest {
    @Test
    void derivesFixedFileNamesFromTheSettings() {
        RemotePaths p = RemotePaths.of(LabInventory.cluster(Optional.empty()));
        assertEquals(new RemotePaths("/etc/dcs/cert", "/etc/dcs/cert/server.crt", "/etc/dcs/cert/server.key",
                "/etc/dcs/cert/ca.crt", "/etc/dcs/cert/admin.crt", "/etc/dcs/cert/admin.key",
                "/etc/dcs/etcd", "/etc/default/etcd", "/var/lib/etcd/dcs"), p);
    }
}
