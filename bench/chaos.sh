#!/usr/bin/env bash
# kill -9 of dcsprov operations at many more points than the CI run: the chaos classes' recorded step
# boundaries (DCSPROV_KILL_AT) plus N random SIGKILLs per operation (a random moment of a fresh run),
# each followed by the SAME command until it succeeds. Prints per operation, summed over the classes: kills,
# re-runs needed, the most re-runs one kill needed, and failures (a kill after which the same command did not
# finish the job within 3 runs, or an end state, health, acknowledged write or data dir check failed; target 0).
# (UpgradeIT has one random kill whatever N is: its move 3.4 -> 3.5 happens once per cluster.)
# Needs root and the lab; recreates each class's hosts (ChaosIT dcs-80..82, MemberChaosIT dcs-25..28,
# MaintainIT dcs-70..72, UpgradeIT dcs-85..87, PatroniIT dcs-60..64). Each random kill costs one run of its
# operation (leaf rotation ~15 s, CA ~40 s, backup ~2 s, maintain ~10 s with its writes, scheduled snapshot ~1 s, Patroni's delivery ~30 s;
# one round of member remove + join + replace ~90 s).
#
#   bench/chaos.sh [N] [SEED] [CLASSES]   (default 20 random kills per operation, the five chaos classes)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
seed=${2:-$(date +%s)}
classes=${3:-ChaosIT,MemberChaosIT,MaintainIT,UpgradeIT,PatroniIT}
log=$(mktemp)
cd "$here"
t0=$(date +%s)
status=0
flock -o /run/dcsprov-it.lock mvn -B -ntp -o verify -Plab -Dit.test="$classes" -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.randomKills="$n" -Dchaos.seed="$seed" >"$log" 2>&1 || status=$?
t1=$(date +%s)
printf '%-20s %6s %8s %18s %9s\n' operation kills re-runs "most for one kill" failures
# One CHAOS line per operation and class; an operation two classes kill (none today) is summed.
grep '^CHAOS ' "$log" | sed 's/[a-z_]*=//g' | awk '
    { k[$2] += $3; r[$2] += $4; if ($5 > m[$2]) m[$2] = $5; f[$2] += $6 }
    END { for (op in k) printf "%-20s %6d %8d %18d %9d\n", op, k[op], r[op], m[op], f[op] }' | sort
echo "classes $classes, seed $seed, $((t1 - t0)) s"
grep '^chaos writer' "$log" || true
if [ "$status" != 0 ]; then
    grep -E 'did not finish|AssertionFailed|FAIL|Tests run' "$log" | head -20
    echo "the whole log: $log" >&2
    exit "$status"
fi
rm -f "$log"
