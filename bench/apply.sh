#!/usr/bin/env bash
# Prints wall times of dcsprov apply on the local lab: a fresh apply on 3 new hosts (after the apt
# proxy is warm) and a no-op apply on the converged cluster. Targets: <= 10 s and <= 1.5 s.
# Needs root and the lab (lab/up); recreates dcs-00..dcs-02. Figures only; nothing here asserts.
#
#   bench/apply.sh [ROUNDS]      (default 3 rounds of each)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
[ -f "$here/target/dcsprov.jar" ] || (cd "$here" && mvn -q -B -ntp -DskipTests package)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
fresh() {
    "$here/lab/down" --quiet dcs-00 dcs-01 dcs-02
    "$here/lab/up" dcs-00 dcs-01 dcs-02 2>/dev/null
    rm -rf "$work/pki"; cp "$here/inventories/lab.yml" "$work/lab.yml"
}

# Warm the apt proxy and the JVM's file cache once; this round is not counted.
fresh; "$here/dcsprov" apply "$work/lab.yml" >/dev/null

printf '%-28s %s\n' "measurement" "seconds"
for i in $(seq "$rounds"); do
    fresh
    t0=$(now); "$here/dcsprov" apply "$work/lab.yml" >/dev/null; t1=$(now)
    printf '%-28s %.2f\n' "fresh apply, 3 hosts (#$i)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
    for j in 1 2; do
        t0=$(now); "$here/dcsprov" apply "$work/lab.yml" >/dev/null; t1=$(now)
        printf '%-28s %.2f\n' "no-op apply (#$i.$j)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
    done
done
