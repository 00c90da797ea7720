#!/usr/bin/env bash
# kill -9 of dcsprov operations at many more points than the CI run: ChaosIT's and MemberChaosIT's recorded
# step boundaries (DCSPROV_KILL_AT) plus N random SIGKILLs per operation (a random moment of a fresh run),
# each followed by the SAME command until it succeeds. Prints per operation: kills, re-runs needed,
# the most re-runs one kill needed, and failures (a kill after which the same command did not finish
# the job within 3 runs, or an end state, health, acknowledged write or data dir check failed; target 0).
# Needs root and the lab; recreates dcs-80..82 and dcs-25..28. Each random kill costs one run of its operation
# (leaf rotation ~15 s, CA ~40 s, backup ~2 s; one round of member remove + join + replace ~90 s).
#
#   bench/chaos.sh [N] [SEED]      (default 20 random kills per operation)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
seed=${2:-$(date +%s)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$here"
t0=$(date +%s)
status=0
flock -o /run/dcsprov-it.lock mvn -B -ntp -o verify -Plab -Dit.test=ChaosIT,MemberChaosIT -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.randomKills="$n" -Dchaos.seed="$seed" >"$log" 2>&1 || status=$?
t1=$(date +%s)
printf '%-18s %6s %8s %18s %9s\n' operation kills re-runs "most for one kill" failures
grep '^CHAOS ' "$log" | sed 's/[a-z_]*=//g' | while read -r _ op kills reruns most failures; do
    printf '%-18s %6s %8s %18s %9s\n' "$op" "$kills" "$reruns" "$most" "$failures"
done
echo "seed $seed, $((t1 - t0)) s"
grep '^chaos writer' "$log" || true
if [ "$status" != 0 ]; then
    grep -E 'did not finish|AssertionFailed|FAIL|Tests run' "$log" | head -20
    exit "$status"
fi
