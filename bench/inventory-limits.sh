#!/usr/bin/env bash
# Hostile inventories against the real CLI: each must be refused as an inventory error (exit 3)
# within 1 s and 256 MB. Prints, per input, its size, the exit code, wall time and peak memory of
# the whole dcsprov process (JVM included). Connects to no host: the inventory is refused first.
#
#   bench/inventory-limits.sh        (after mvn -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/dcsprov.jar ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT

members='  children:\n    etcd:\n      hosts:\n        dcs-00: {ansible_host: 10.0.0.1}\n'
printf 'all:\n  children:\n    etcd:\n      hosts:\n        h[0:20000000]:\n' > "$dir/range.yml"
{ printf 'all:\n  children:\n    etcd:\n      hosts:\n'; for i in $(seq 0 19); do printf '        g%s-[0000:9999]:\n' "$i"; done; } > "$dir/ranges.yml"
{ printf 'all:\n  vars:\n    x0: &a0 [{prefix: /, permission: read}]\n'
  for i in $(seq 1 30); do printf '    x%s: &a%s [*a%s, *a%s]\n' "$i" "$i" $((i-1)) $((i-1)); done
  printf '    etcd_auth_enabled: true\n    etcd_auth_root_password: {env: PW}\n    etcd_roles: {r: *a30}\n'
  printf "$members"; } > "$dir/aliases.yml"
{ printf 'all:\n  vars:\n    a: %s%s\n' "$(printf '[%.0s' $(seq 1 5000))" "$(printf ']%.0s' $(seq 1 5000))"; printf "$members"; } > "$dir/nesting.yml"
{ printf 'all:\n  vars:\n    etcd_auth_enabled: true\n    etcd_auth_root_password: {env: PW}\n'
  printf '    etcd_roles: {[a, b]: [{prefix: /, permission: read}]}\n'; printf "$members"; } > "$dir/nonscalar.yml"

printf '%-10s %8s %5s %8s %9s\n' input bytes exit seconds peak_MB
fail=0
for f in range ranges aliases nesting nonscalar; do
    set +e
    /usr/bin/time -f '%e %M' -o "$dir/t" ./dcsprov plan "$dir/$f.yml" > /dev/null 2>&1
    rc=$?
    set -e
    read -r secs kb < <(tail -n1 "$dir/t")
    printf '%-10s %8s %5s %8s %9s\n' "$f" "$(stat -c %s "$dir/$f.yml")" "$rc" "$secs" $((kb / 1024))
    [ "$rc" = 3 ] || fail=1
done
echo "targets: exit 3, under 1 s and 256 MB each (the JVM's own start is part of the figure)"
exit $fail
