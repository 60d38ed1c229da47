#!/usr/bin/env bash
# Before and after, on a shared machine: builds the pii test binary at two
# revisions and runs their benchmarks alternately, so that both see the
# same load, then prints the medians and the median of the pairwise
# ratios (after / before). MB/cpu-s is what a byte costs on one core;
# MB/s is the wall clock, which for BenchmarkScanParallel is the figure
# of two cores.
#
#   bench/pii/alternate.sh OLD NEW [ROUNDS] [BENCH] [BENCHTIME]
#   bench/pii/alternate.sh 3e5058d HEAD 9 'BenchmarkScan$' 20x
#
# Each round runs OLD then NEW (odd rounds) or NEW then OLD (even ones).
set -euo pipefail
cd "$(dirname "$0")/../.."

old=${1:?old revision}
new=${2:?new revision}
rounds=${3:-9}
bench=${4:-'BenchmarkScan$'}
benchtime=${5:-20x}
work=$(mktemp -d "${TMPDIR:-/tmp}/custos-alternate.XXXXXX")
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true;
      git worktree remove --force "$work/new" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

for side in old new; do
	rev=${!side}
	git worktree add --detach "$work/$side" "$rev" >/dev/null 2>&1
	(cd "$work/$side" && go test -c -o "$work/$side.test" ./pii/)
	echo "$side = $(git rev-parse --short "$rev")"
done

run() { # side: prints "side bench MB/s MB/cpu-s" per benchmark line
	(cd "$work/$1/pii" && timeout 600 "$work/$1.test" -test.run '^$' -test.bench "$bench" \
		-test.benchtime "$benchtime") | awk -v s="$1" '/^Benchmark/ {
			for (i = 1; i <= NF; i++) { if ($i == "MB/s") w = $(i-1); if ($i == "MB/cpu-s") c = $(i-1) }
			print s, $1, w, c }'
}

results=$work/results
for r in $(seq 1 "$rounds"); do
	if (( r % 2 )); then order="old new"; else order="new old"; fi
	for side in $order; do run "$side" | tee -a "$results"; done
done
uptime

awk '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{ k = $2; n[$1, k]++; w[$1, k, n[$1, k]] = $3; c[$1, k, n[$1, k]] = $4; names[k] = 1 }
END {
	for (k in names) {
		m = n["old", k] < n["new", k] ? n["old", k] : n["new", k]
		for (i = 1; i <= m; i++) {
			ow[i] = w["old", k, i]; nw[i] = w["new", k, i]; oc[i] = c["old", k, i]; nc[i] = c["new", k, i]
			rw[i] = w["new", k, i] / w["old", k, i]; rc[i] = c["new", k, i] / c["old", k, i]
			if (rc[i] > 1) faster++
		}
		printf "%s (%d rounds): MB/cpu-s old %.1f new %.1f, pairwise %.3f (new faster in %d); MB/s old %.1f new %.1f, pairwise %.3f\n",
			k, m, median(oc, m), median(nc, m), median(rc, m), faster, median(ow, m), median(nw, m), median(rw, m)
		faster = 0
	}
}' "$results"
