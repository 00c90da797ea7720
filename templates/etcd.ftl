<#--
  etcd settings for one member, read by Debian's etcd.service as EnvironmentFile=.
  systemd does no shell expansion here: every value is a plain double-quoted string.
  Keep the output free of timestamps: identical inputs must give identical bytes, so
  re-running dcsprov changes nothing. The model is documented in EtcdConfigRenderer.
-->
# Managed by dcsprov; local changes are overwritten. Cluster ${cluster.name}.

# Member
ETCD_NAME="${member.name}"
ETCD_DATA_DIR="${cluster.dataDir}"

# Listening and advertised URLs
ETCD_LISTEN_PEER_URLS="${listenPeerUrls?join(",")}"
ETCD_LISTEN_CLIENT_URLS="${listenClientUrls?join(",")}"
ETCD_ADVERTISE_CLIENT_URLS="${advertiseClientUrls?join(",")}"
ETCD_INITIAL_ADVERTISE_PEER_URLS="${initialAdvertisePeerUrls?join(",")}"
<#if listenMetricsUrls?has_content>
# Plain-HTTP /metrics and /health for Prometheus (etcd_metrics_port); no keys or data are served here
ETCD_LISTEN_METRICS_URLS="${listenMetricsUrls?join(",")}"
</#if>

# Bootstrap; ignored once the data directory holds a member
ETCD_INITIAL_CLUSTER="${initialCluster}"
ETCD_INITIAL_CLUSTER_TOKEN="${cluster.token}"
ETCD_INITIAL_CLUSTER_STATE="${initialClusterState}"

# Client TLS: clients must present a certificate signed by the cluster CA
ETCD_CERT_FILE="${tls.serverCert}"
ETCD_KEY_FILE="${tls.serverKey}"
ETCD_CLIENT_CERT_AUTH="true"
ETCD_TRUSTED_CA_FILE="${tls.caCert}"

# Peer TLS: the server certificate has both serverAuth and clientAuth
ETCD_PEER_CERT_FILE="${tls.serverCert}"
ETCD_PEER_KEY_FILE="${tls.serverKey}"
ETCD_PEER_CLIENT_CERT_AUTH="true"
ETCD_PEER_TRUSTED_CA_FILE="${tls.caCert}"

# Tuning
ETCD_HEARTBEAT_INTERVAL="${tuning.heartbeatIntervalMs}"
ETCD_ELECTION_TIMEOUT="${tuning.electionTimeoutMs}"
ETCD_QUOTA_BACKEND_BYTES="${tuning.quotaBackendBytes}"
ETCD_AUTO_COMPACTION_MODE="${tuning.autoCompactionMode}"
ETCD_AUTO_COMPACTION_RETENTION="${tuning.autoCompactionRetention}"
ETCD_SNAPSHOT_COUNT="${tuning.snapshotCount}"
