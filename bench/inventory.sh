#!/usr/bin/env bash
# Loads a generated 10,000-host INI inventory (3 etcd members, 9,997 other hosts in 10 groups under a parent
# group) with group_vars/ (all, a group, a parent group) and 100 host_vars/ files, through
# dev.dcsprov.inventory.LoadBench (the loader the CLI uses), three times in fresh JVMs. Prints per run
# "load + validate" (what every command does before it connects), "every host's merged vars" (what
# `dcsprov inventory --list` adds) and the wall time with JVM start. Target: load + validate under 1 s.
# Needs no lab.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/dcsprov.jar ] || mvn -q -B -ntp -o -DskipTests package
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/group_vars/etcd" "$dir/host_vars"
{
    echo "[etcd]"
    for i in 0 1 2; do echo "dcs-0$i ansible_host=192.0.2.$((10 + i))"; done
    for g in $(seq 0 9); do
        echo "[app$g]"
        for i in $(seq 0 $((g < 9 ? 999 : 996))); do echo "app$g-$i ansible_host=10.$g.$((i / 256)).$((i % 256)) idx=$i"; done
        echo "[app$g:vars]"
        echo "tier=app$g"
    done
    echo "[apps:children]"
    for g in $(seq 0 9); do echo "app$g"; done
} > "$dir/hosts.ini"
printf 'etcd_cluster_name: bench\ndcsprov_pki_dir: %s/pki\n' "$dir" > "$dir/group_vars/all.yml"
printf 'etcd_client_port: 2379\n' > "$dir/group_vars/etcd/main.yml"
printf 'color: blue\n' > "$dir/group_vars/apps.yml"
for i in $(seq 0 99); do printf 'n: %s\n' "$i" > "$dir/host_vars/app0-$i.yml"; done
echo "inventory: $(grep -c ansible_host "$dir/hosts.ini") hosts, $(find "$dir" -name '*.yml' | wc -l) vars files"
for run in 1 2 3; do
    start=$(date +%s.%N)
    java -cp target/dcsprov.jar dev.dcsprov.inventory.LoadBench "$dir/hosts.ini"
    end=$(date +%s.%N)
    echo "run $run: JVM start + load $(echo "$end - $start" | bc) s"
done
