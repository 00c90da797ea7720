#!/usr/bin/env bash
# Prints, per operation dcsprov runs under Patroni (leaf rotation, --clients rotation, one-command CA
# rotation, grow 3->5, shrink 5->3, member replace), how long it took and how long Patroni's primary was
# unavailable (longest run of non-200 answers of its REST /primary, polled every 0.5 s from this machine;
# target 0 s), and whether the leader or timeline changed. Runs PatroniIT's scenario (bookworm, dcs-60..64)
# without its assertions; DCSLAB trixie: bench/patroni.sh trixie runs PatroniTrixieIT's (dcs-65..67).
# Needs root and the lab; takes the shared end-to-end lock.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
class=PatroniIT
[ "${1:-}" = trixie ] && class=PatroniTrixieIT
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$here"
DCSPROV_BENCH=1 flock -o /run/dcsprov-it.lock mvn -B -ntp -o verify -Plab -Dit.test="$class" -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
printf '%-26s %10s %8s %6s %18s  %s\n' operation took polls not200 "primary down (s)" "leader before -> after"
sed -n 's/^\[PatroniIT [a-z]* [0-9]* s\] \(.*\): \([0-9.]*\) s, \([0-9]*\) polls of [^,]*, \([0-9]*\) not 200, primary unavailable for \([0-9.]*\) s at most, leader \(.*\)$/\1|\2|\3|\4|\5|\6/p' "$log" |
    while IFS='|' read -r op took polls bad down leader; do
        printf '%-26s %9ss %8s %6s %18s  %s\n' "$op" "$took" "$polls" "$bad" "$down" "$leader"
    done
grep 'Tests run:.*Patroni' "$log" | tail -1
