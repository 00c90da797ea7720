# Shared settings and helpers for lab/up, lab/down and lab/status. Sourced, not run.
# Facts behind these choices: ../shared/LAB-NOTES.md (systemd-nspawn, netns, apt-cacher-ng).
set -euo pipefail
# An unexpected failure must say where it happened; set -e alone exits silently.
trap 'printf "lab: error: command failed (%s line %s): %s\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

LAB_STATE=${DCSLAB_STATE:-/var/lib/dcslab}      # kept across up/down: base images, lab SSH key
LAB_RUN=${DCSLAB_RUN:-/run/dcslab}              # what is running now: pids, markers
LAB_LOG=${DCSLAB_LOG:-/var/log/dcslab}
LAB_BRIDGE=dcslab0
LAB_NET=192.168.56
LAB_GATEWAY=$LAB_NET.1
LAB_PROXY_PORT=3142
LAB_SSH_KEY=$LAB_STATE/ssh/id_ed25519
LAB_KNOWN_HOSTS=$LAB_STATE/ssh/known_hosts
LAB_PACKAGES_MACHINE=(debootstrap systemd-container apt-cacher-ng iproute2 openssh-client)
LAB_PACKAGES_HOST=systemd,systemd-sysv,dbus,openssh-server,iproute2,sudo,procps

say()  { printf 'lab: %s\n' "$*" >&2; }
die()  { printf 'lab: error: %s\n' "$1" >&2; [ -n "${2:-}" ] && printf 'lab: fix: %s\n' "$2" >&2; exit "${3:-1}"; }

need_root() {
    [ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces, mounts, systemd-nspawn)" "run it as root, e.g. sudo $0 $*"
}

# One lab/up or lab/down at a time on this machine: several test runs may manage hosts at once, and
# they share the bridge, the proxy and the lab's known_hosts. The script re-runs itself under
# `flock -o`, so the containers and the proxy it starts never inherit the lock (they outlive it);
# children such as lab/up's rollback calling lab/down run inside the lock instead of waiting for it.
lab_lock() {  # lab_lock "$@" at the top of a script, before its arguments are parsed
    [ -n "${DCSLAB_LOCKED:-}" ] && return
    [ "$(id -u)" = 0 ] || return 0        # need_root says what to do
    mkdir -p "$LAB_RUN"
    DCSLAB_LOCKED=1 exec flock -o "$LAB_RUN/.lock" "$0" "$@"
}

# Replaces the current (sub)shell with a command that outlives this script (a container, the
# proxy), without the file descriptors this script inherited: a caller's lock (e.g. `flock LOCK mvn
# verify` around a test run) held by a container would otherwise stay held for as long as the lab
# runs. Use it in a subshell: `exec_without_inherited_fds CMD... &` or `( exec_without_inherited_fds CMD... )`;
# with `&`, $! is then the command's own PID.
exec_without_inherited_fds() {
    local fd
    for fd in $(ls "/proc/$BASHPID/fd"); do
        [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec "$@"
}

# dcs-NN -> last address octet 10+NN; the Vagrant lab uses the same addresses.
host_octet() {
    [[ $1 =~ ^dcs-([0-9]{2})$ ]] || die "bad lab host name '$1'" "lab hosts are named dcs-00 .. dcs-89"
    echo $((10 + 10#${BASH_REMATCH[1]}))
}
host_addr()  { echo "$LAB_NET.$(host_octet "$1")"; }
host_veth()  { echo "dlv$(host_octet "$1")"; }             # interface names are limited to 15 chars
host_dir()   { echo "$LAB_STATE/hosts/$1"; }
host_root()  { echo "$(host_dir "$1")/root"; }
host_pidfile() { echo "$LAB_RUN/$1.pid"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
host_running() { pid_alive "$(host_pidfile "$1")"; }

running_hosts() {
    local f
    for f in "$LAB_RUN"/dcs-*.pid; do
        [ -e "$f" ] || continue
        f=${f##*/}; echo "${f%.pid}"
    done | sort
}

# The Debian mirror this machine already uses. Read from its own apt sources, never written into the project.
machine_mirror() {
    local uri
    uri=$( { grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
             grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
               | awk '{for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; break}}'; } \
           | grep -E '^https?://' | grep -v -- '-security' | grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] || die "found no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d" \
        "configure apt on this machine with a Debian mirror first"
    echo "${uri%/}"
}

lab_ssh() {  # lab_ssh HOST COMMAND... : strict host key checking against the lab's known_hosts
    local host=$1; shift
    ssh -q -i "$LAB_SSH_KEY" -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
        -o ConnectTimeout=3 "root@$(host_addr "$host")" "$@"
}

# ---- what the nspawn lab needs from the machine's firewall and forwarding ----------------------
# Docker (its package, a daemon started with default flags) turns ip_forward on and sets the
# iptables FORWARD policy to DROP; with bridge netfilter on, that drops the traffic between
# nspawn hosts on the lab bridge. These read the values, so lab/up can say so and lab/dockerd can
# put them back.
net_state() {  # prints "forward_policy=... ip_forward=... bridge_nf=..."
    local policy=none nf=absent
    if command -v iptables >/dev/null; then
        policy=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}')
        policy=${policy:-none}
    fi
    [ -f /proc/sys/net/bridge/bridge-nf-call-iptables ] && nf=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables)
    echo "forward_policy=$policy ip_forward=$(cat /proc/sys/net/ipv4/ip_forward) bridge_nf=$nf"
}

# The bridge drops lab traffic when netfilter sees bridged frames and the FORWARD policy drops them.
check_net_for_nspawn() {
    local s; s=$(net_state)
    case $s in
        *forward_policy=DROP*bridge_nf=1*|*forward_policy=REJECT*bridge_nf=1*)
            die "the iptables FORWARD policy drops bridged traffic ($s): the nspawn hosts on $LAB_BRIDGE cannot reach each other (Docker does this when its daemon runs with --iptables=true)" \
                "run 'iptables -P FORWARD ACCEPT' (and stop dockerd or start it with lab/dockerd, which runs it with --iptables=false --ip-forward=false)" ;;
    esac
    case $s in
        *ip_forward=1*) say "warning: ip_forward is on ($s): lab hosts may reach beyond this machine; 'sysctl -w net.ipv4.ip_forward=0' turns it off (Docker turns it on unless run with --ip-forward=false, as lab/dockerd does)" ;;
    esac
}

# ---- the Docker backend -----------------------------------------------------------------------
# Hosts as containers booting systemd, from an image imported from the same base rootfs, on a
# docker network of their own. dcs-NN is $LAB_DOCKER_NET.(10+NN) there. They reach the apt proxy
# at $LAB_GATEWAY too: their default route is the docker network's gateway on this machine, and
# $LAB_GATEWAY is an address of this machine, so packets to it are delivered locally (no forwarding).
LAB_DOCKER_NET=${DCSLAB_DOCKER_NET:-192.168.57}
LAB_DOCKER_NETWORK=${DCSLAB_DOCKER_NETWORK:-dcslab1}     # also its bridge's name (15 characters at most)
LAB_DOCKER_GATEWAY=$LAB_DOCKER_NET.1
LAB_DOCKER_KNOWN_HOSTS=$LAB_STATE/ssh/known_hosts.docker   # their own: a docker dcs-NN never replaces an nspawn dcs-NN's keys
LAB_DOCKER_DIR=$LAB_STATE/docker                            # per host: hosts file, empty resolv.conf, host keys
# The daemon: DCSLAB_DOCKER_SOCK, else DOCKER_HOST when it is a unix socket (as docker and
# Testcontainers take it), else /var/run/docker.sock. need_docker refuses any other DOCKER_HOST.
if [ -n "${DCSLAB_DOCKER_SOCK:-}" ]; then LAB_DOCKER_SOCK=$DCSLAB_DOCKER_SOCK
elif [[ ${DOCKER_HOST:-} == unix://* ]]; then LAB_DOCKER_SOCK=${DOCKER_HOST#unix://}
else LAB_DOCKER_SOCK=/var/run/docker.sock; fi
# lab/up's exit codes for the Docker backend's refusals (README "The local lab"); 1 is any other failure.
EXIT_USAGE=2 EXIT_NO_DOCKER=3 EXIT_NET_IN_USE=4 EXIT_HOST_TAKEN=5
# The flags that boot systemd as PID 1 here (--privileged is refused on this kind of machine).
LAB_DOCKER_RUN_FLAGS=(--cap-add SYS_ADMIN --cap-add NET_ADMIN --security-opt seccomp=unconfined --cgroupns=private
                      --tmpfs /run --tmpfs /run/lock -e container=docker --stop-signal SIGRTMIN+3)
# More create flags from DCSLAB_DOCKER_RUN_EXTRA: lab/docker-check asks for --privileged, which this kind of
# machine's daemon cannot give, to prove the message for a daemon without the capabilities systemd needs.
read -r -a _extra <<<"${DCSLAB_DOCKER_RUN_EXTRA:-}"; LAB_DOCKER_RUN_FLAGS+=("${_extra[@]}"); unset _extra

dk() { docker -H "unix://$LAB_DOCKER_SOCK" "$@"; }
docker_image() { echo "dcslab/$1:latest"; }
docker_addr() { echo "$LAB_DOCKER_NET.$(host_octet "$1")"; }

# Names of the lab's containers (any state), from their label.
docker_hosts() {
    [ -S "$LAB_DOCKER_SOCK" ] && command -v docker >/dev/null || return 0
    dk ps -a --filter label=dcslab.host --format '{{.Names}}' 2>/dev/null | sort || true
}
docker_up() { [ "$(dk inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }

# A clear cause and fix when there is no daemon to talk to (exit $EXIT_NO_DOCKER).
need_docker() {
    local from="" c=$EXIT_NO_DOCKER
    if [ -z "${DCSLAB_DOCKER_SOCK:-}" ] && [ -n "${DOCKER_HOST:-}" ]; then
        [[ $DOCKER_HOST == unix://* ]] || die "DOCKER_HOST=$DOCKER_HOST is not a unix socket: the Docker lab needs the daemon on this machine (it bind-mounts files from $LAB_DOCKER_DIR and reaches the hosts over its bridge)" \
            "unset DOCKER_HOST, or set DCSLAB_DOCKER_SOCK to the local daemon's socket (e.g. /var/run/docker.sock)" $c
        from=" (from DOCKER_HOST)"
    fi
    command -v docker >/dev/null || die "docker is not installed" "apt-get install docker.io (see README 'The local lab'), then lab/dockerd start" $c
    [ -S "$LAB_DOCKER_SOCK" ] || die "no Docker daemon: $LAB_DOCKER_SOCK$from does not exist" \
        "start one with lab/dockerd start (it keeps the machine's firewall and forwarding as they are), or point DOCKER_HOST/DCSLAB_DOCKER_SOCK at a running daemon's socket" $c
    dk version --format '{{.Server.Version}}' >/dev/null 2>&1 \
        || die "the Docker daemon at $LAB_DOCKER_SOCK$from does not answer" "start it with lab/dockerd start, or check 'docker -H unix://$LAB_DOCKER_SOCK info'" $c
}

# DCSLAB_DOCKER_NET and DCSLAB_DOCKER_NETWORK must be what they claim to be (exit $EXIT_USAGE).
check_docker_settings() {
    local o ok=yes
    if [[ $LAB_DOCKER_NET =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
        for o in "${BASH_REMATCH[@]:1}"; do [ "$((10#$o))" -le 255 ] || ok=no; done
    else ok=no; fi
    [ $ok = yes ] || die "DCSLAB_DOCKER_NET='$LAB_DOCKER_NET' is not the first three numbers of a /24" "e.g. DCSLAB_DOCKER_NET=192.168.58 (the network is then 192.168.58.0/24)" $EXIT_USAGE
    [[ $LAB_DOCKER_NETWORK =~ ^[a-z][a-z0-9_-]{0,14}$ ]] || die "DCSLAB_DOCKER_NETWORK='$LAB_DOCKER_NETWORK' is not a usable network name" \
        "1 to 15 lowercase letters, digits, '-' or '_', starting with a letter (it is also the bridge interface's name)" $EXIT_USAGE
}

# IPv4 arithmetic for overlap checks: a.b.c.d -> integer; "a.b.c.d/n" overlaps "e.f.g.h/m"?
ip4_int() { local IFS=.; set -- $1; echo $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 )); }
cidr_overlap() {
    local a=${1%/*} la=${1#*/} b=${2%/*} lb=${2#*/} l
    l=$(( la < lb ? la : lb ))
    [ "$l" -eq 0 ] && return 0
    local mask=$(( (0xffffffff << (32 - l)) & 0xffffffff ))
    [ $(( $(ip4_int "$a") & mask )) -eq $(( $(ip4_int "$b") & mask )) ]
}

# Who already uses SUBNET (a.b.c.0/24) on this machine, besides the lab's own docker network:
# "docker network NAME (SUBNET)" or "interface IF (ADDR)", one a line; nothing when it is free.
subnet_users() {
    local want=$1 n sub ifc addr
    while read -r n; do
        [ "$n" = "$LAB_DOCKER_NETWORK" ] && continue
        for sub in $(dk network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' "$n" 2>/dev/null); do
            [[ $sub == *.*.*.*/* ]] && cidr_overlap "$sub" "$want" && echo "docker network $n ($sub)"
        done
    done < <(dk network ls --format '{{.Name}}' 2>/dev/null)
    while read -r ifc addr; do
        [ "$ifc" = "$LAB_DOCKER_NETWORK" ] && continue
        cidr_overlap "$addr" "$want" && echo "interface $ifc ($addr)"
    done < <(ip -4 -o addr show | awk '{print $2, $4}')
    return 0
}

docker_ssh() {  # docker_ssh HOST COMMAND...
    local host=$1; shift
    ssh -q -i "$LAB_SSH_KEY" -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$LAB_DOCKER_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
        -o ConnectTimeout=3 "root@$(docker_addr "$host")" "$@"
}
