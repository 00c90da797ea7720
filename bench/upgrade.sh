#!/usr/bin/env bash
# Prints what an upgrade costs on the local lab: dcsprov upgrade of a bookworm cluster (etcd 3.4.23) to Debian 13's
# etcd 3.5.16 (etcd_package_release: trixie) under a retrying writer: seconds per member (install until healthy on
# the new version), seconds for the whole upgrade (snapshot included), writes, failed writes (target: 0), tries
# retried, and the longest gap between acknowledged writes. Then the same back with --to 3.4.23 (the cluster version
# has not moved in between only if a member failed; here it has, so that line shows the refusal instead).
# Needs root and the lab (lab/up); recreates dcs-85..dcs-87. Figures only; UpgradeIT asserts.
#
#   bench/upgrade.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$here/target/dcsprov.jar" ] || (cd "$here" && mvn -q -B -ntp -DskipTests package)
work=$(mktemp -d)
trap 'touch "$work/stop"; wait; rm -rf "$work"' EXIT
export ETCDCTL_API=3
hosts=(dcs-85 dcs-86 dcs-87)
eps=(https://192.168.56.95:2379 https://192.168.56.96:2379 https://192.168.56.97:2379)
pki=$work/pki/dcs

"$here/lab/down" --quiet "${hosts[@]}"
"$here/lab/up" "${hosts[@]}" 2>/dev/null
proxy=$(grep -o 'http://192.168.56.1:[0-9]*' "$here/inventories/lab.yml" | head -n1 || true)
{
    echo "all:"; echo "  vars:"; echo "    ansible_user: root"
    echo "    ansible_ssh_private_key_file: /var/lib/dcslab/ssh/id_ed25519"
    echo "    dcsprov_known_hosts: /var/lib/dcslab/ssh/known_hosts"
    echo "    dcsprov_apt_proxy: ${proxy:-http://192.168.56.1:3142}"
    echo "  children:"; echo "    etcd:"; echo "      hosts:"
    for i in 0 1 2; do echo "        ${hosts[$i]}: {ansible_host: 192.168.56.9$((5 + i))}"; done
} > "$work/inv.yml"
"$here/dcsprov" apply "$work/inv.yml" >/dev/null
sed -i 's/^  vars:$/  vars:\n    etcd_package_release: trixie/' "$work/inv.yml"

# The application: put a key, up to 4 tries, each with the endpoints turned by one, as a client's failover does.
workload() {
    local log=$1 i=0 t out order
    while [ ! -e "$work/stop" ]; do
        i=$((i + 1))
        for t in 0 1 2 3; do
            order=$(printf '%s\n' "${eps[@]:t%3}" "${eps[@]:0:t%3}" | paste -sd,)
            out=$(etcdctl --endpoints="$order" --cacert="$pki/ca.crt" --cert="$pki/clients/root.crt" \
                --key="$pki/clients/root.key" --dial-timeout=2s --command-timeout=5s put "/bench/$i" "v$i" 2>&1) || true
            if [ "$out" = OK ]; then echo "ok $(date +%s%N)" >> "$log"; continue 2; fi
            echo "try-failed $(date +%s%N)" >> "$log"
            sleep 0.1
        done
        echo "write-failed /bench/$i" >> "$log"
    done
}

measure() {
    local label=$1; shift
    local log=$work/$label.log out=$work/$label.out
    : > "$log"; rm -f "$work/stop"
    workload "$log" & local pid=$!
    sleep 1
    "$@" > "$out" 2>&1 || true
    sleep 1; touch "$work/stop"; wait "$pid"
    printf '%s\n' "$label:"
    grep -E '^(upgraded|cluster version|done in)' "$out" | sed 's/^/  /' || tail -n 3 "$out" | sed 's/^/  /'
    awk '$1=="ok"{n++; if (prev) { g=($2-prev)/1e6; if (g>max) max=g }; prev=$2}
         $1=="try-failed"{tries++} $1=="write-failed"{failed++}
         END{printf "  writes %d, failed writes %d, tries retried %d, longest gap %.0f ms\n", n+failed, failed, tries, max}' "$log"
}

measure "3.4.23 -> 3.5.16 (trixie package)" "$here/dcsprov" upgrade "$work/inv.yml"
measure "--to 3.4.23 after the cluster version moved (refused)" "$here/dcsprov" upgrade --to 3.4.23 "$work/inv.yml"
