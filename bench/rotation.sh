#!/usr/bin/env bash
# Prints what an application sees while dcsprov rotates certificates on the local lab: for each
# rotate-certs (leaf) and rotate-certs --ca run, the writes it made, the writes that failed (target:
# zero), the single tries that failed and were retried on another endpoint, and the longest gap
# between acknowledged writes. Needs root and the lab (lab/up); recreates dcs-00..dcs-02.
# Figures only; nothing here asserts (RotateCertsIT and RotateCaIT do).
#
#   bench/rotation.sh [ROUNDS]      (default 3 rounds of each kind)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
[ -f "$here/target/dcsprov.jar" ] || (cd "$here" && mvn -q -B -ntp -DskipTests package)
work=$(mktemp -d)
trap 'touch "$work/stop"; wait; rm -rf "$work"' EXIT
export ETCDCTL_API=3
eps=(https://192.168.56.10:2379 https://192.168.56.11:2379 https://192.168.56.12:2379)
pki=$work/pki/dcs
client=$work/client   # the application's copy of its TLS material, changed as an operator would

"$here/lab/down" --quiet dcs-00 dcs-01 dcs-02
"$here/lab/up" dcs-00 dcs-01 dcs-02 2>/dev/null
cp "$here/inventories/lab.yml" "$work/lab.yml"
"$here/dcsprov" apply "$work/lab.yml" >/dev/null

# give_client CA_FILE...: the application's CA (a bundle when several) and the current admin client
# pair, swapped in at once (a symlink flip) so no request reads a new certificate with an old key.
give_client() {
    local next; next=$(mktemp -d "$work/client.XXXX")
    cat "$@" > "$next/ca.crt"; cp "$pki/clients/root.crt" "$pki/clients/root.key" "$next/"
    ln -s "$next" "$work/client.new"; mv -T "$work/client.new" "$client"
}

# The application: put a key, up to 4 tries, each with the endpoints turned by one, as a client's failover does.
workload() {
    local log=$1 i=0 t out order start
    while [ ! -e "$work/stop" ]; do
        i=$((i + 1))
        for t in 0 1 2 3; do
            order=$(printf '%s\n' "${eps[@]:t%3}" "${eps[@]:0:t%3}" | paste -sd,)
            start=$(date +%s%N)
            out=$(etcdctl --endpoints="$order" --cacert="$client/ca.crt" --cert="$client/root.crt" \
                --key="$client/root.key" --dial-timeout=2s --command-timeout=5s put "/bench/$i" "v$i" 2>&1) || true
            if [ "$out" = OK ]; then echo "ok $(date +%s%N)" >> "$log"; continue 2; fi
            echo "try-failed $(date +%s%N) after $(( ($(date +%s%N) - start) / 1000000 )) ms: $(tail -n1 <<<"$out" | cut -c1-110)" >> "$log"
            sleep 0.1
        done
        echo "write-failed /bench/$i" >> "$log"
    done
}

# measure LABEL COMMAND...: runs one rotation under the workload and prints its figures.
measure() {
    local label=$1; shift
    local log=$work/$label.log t0 t1
    : > "$log"; rm -f "$work/stop"
    workload "$log" & local pid=$!
    sleep 1; t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N); sleep 1; touch "$work/stop"; wait "$pid"
    awk -v label="$label" -v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')" '
        $1 == "ok" { n++; if (last && ($2 - last) / 1e6 > gap) gap = ($2 - last) / 1e6; last = $2 }
        $1 == "try-failed" { tries++ }
        $1 == "write-failed" { failed++ }
        END { printf "%-14s %6.1f %7d %7d %7d %8d\n", label, secs, n + failed, failed, tries, gap }' "$log"
}

leaf() { "$here/dcsprov" rotate-certs "$work/lab.yml" >/dev/null; }
ca() {
    "$here/dcsprov" rotate-certs "$work/lab.yml" --ca --stop-after-phase 1 >/dev/null
    give_client "$pki/ca.crt" "$pki/ca-next.crt"
    "$here/dcsprov" rotate-certs "$work/lab.yml" --ca --stop-after-phase 2 >/dev/null
    give_client "$pki/ca.crt" "$pki/ca-next.crt"
    "$here/dcsprov" rotate-certs "$work/lab.yml" --ca >/dev/null
    give_client "$pki/ca.crt"
}

give_client "$pki/ca.crt"
printf '%-14s %6s %7s %7s %7s %8s\n' rotation seconds writes failed retried "gap(ms)"
for i in $(seq "$rounds"); do
    measure "leaf #$i" leaf
    measure "ca #$i" ca
done

echo
echo "errors of the tries that were retried:"
cat "$work"/*.log | awk '$1 == "try-failed" { $1 = ""; $2 = ""; print }' | sort | uniq -c | sort -rn || true
