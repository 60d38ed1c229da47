#!/usr/bin/env bash
# Runs the OPA and custos decision benchmarks in one `go test` run (5 samples each) and prints
# the median ns/op of each and how many times faster custos is. Medians, because the machines
# this runs on are shared and noisy.
#
# Usage: bench/opa/run.sh [extra go test flags, e.g. -benchtime 2s]
set -euo pipefail
cd "$(dirname "$0")"

out=$(mktemp)
trap 'rm -f "$out"' EXIT

go test -run '^$' -bench . -count 5 "$@" . | tee "$out"

median() { # median ns/op of benchmark $1 in $out
	awk -v name="$1" '$1 ~ "^Benchmark" name "(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($(i) == "ns/op") print $(i-1) }' "$out" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2 }'
}

opa=$(median OPA)
custos=$(median Custos)
decide=$(median CustosDecide)

echo
printf 'median ns/op   OPA: %s   custos (Resolve+Decide): %s   custos Decide only: %s\n' "$opa" "$custos" "$decide"
awk -v o="$opa" -v c="$custos" -v d="$decide" 'BEGIN {
	printf "custos is %.0fx faster than OPA (Resolve+Decide), %.0fx (Decide only)\n", o / c, o / d
}'
