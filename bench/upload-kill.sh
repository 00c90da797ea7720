#!/usr/bin/env bash
# kill -9 of an upload at many more points than UploadKillIT's CI run: N extra kills per host at
# random byte offsets or random delays after connecting (dcs-47 as root, dcs-48 through sudo), then
# prints how many kills left the old file, how many the complete new one, and how many anything else
# (target: 0; the run fails on the first). Needs root and the lab; recreates dcs-47 and dcs-48.
#
#   bench/upload-kill.sh [N]      (default 100 per host)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$here"
t0=$(date +%s)
status=0
flock /run/dcsprov-it.lock mvn -B -ntp -o verify -Plab -Dit.test=UploadKillIT -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Ddcsprov.uploadKill.randomRounds="$n" >"$log" 2>&1 || status=$?
t1=$(date +%s)
old=$(grep -c '^UploadKillIT .*: old$' "$log" || true)
new=$(grep -c '^UploadKillIT .*: new$' "$log" || true)
printf '%-34s %s\n' "kills, old file left" "$old" "kills, complete new file" "$new" \
    "kills, anything else (target 0)" "$([ "$status" = 0 ] && echo 0 || echo 'see below')" "seconds" "$((t1 - t0))"
if [ "$status" != 0 ]; then
    grep -E 'neither the old|installed before|FAIL|Tests run' "$log" | head -20
    exit "$status"
fi
