#!/usr/bin/env bash
# PI scanner benchmark, in one run: accuracy on a generated corpus with
# ground truth, in-memory throughput against Go's regexp and ripgrep on the
# same file, `custos scan` as a whole process against ripgrep, adversarial
# inputs, per-kind throughput, and the Go benchmarks. Figures and their
# reading are in bench/README.md, section "## PI scanner".
#
#   bench/pii/run.sh               # 200 MB corpus, 5 runs each
#   SIZE=32MB RUNS=3 bench/pii/run.sh
#
# Needs ripgrep (Debian package ripgrep). The corpus is synthetic and is
# written outside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE=${SIZE:-200MB}
RUNS=${RUNS:-5}
OUT=${OUT:-${TMPDIR:-/tmp}/custos-pii-bench}
mkdir -p "$OUT"

command -v rg >/dev/null || { echo "run.sh: ripgrep not found (apt-get install -y ripgrep)" >&2; exit 1; }

go build -o "$OUT/piibench" ./bench/pii/piibench
go build -o "$OUT/custos-scan" ./bench/pii/cmd

corpus=$OUT/corpus-$SIZE.txt
labels=$OUT/labels-$SIZE.jsonl
[ -s "$corpus" ] || "$OUT/piibench" gen -size "$SIZE" -seed 1 -o "$corpus" -labels "$labels"

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), $(rg --version | sed -n 1p)"
uptime

echo; echo "== accuracy (exact spans against the generator's labels)"
"$OUT/piibench" score -labels "$labels" "$corpus"

echo; echo "== in memory, same file: custos vs Go regexp vs ripgrep"
"$OUT/piibench" throughput -runs "$RUNS" "$corpus"

echo; echo "== whole process, same file, page cache warm"
"$OUT/piibench" process -runs "$RUNS" -custos "$OUT/custos-scan" "$corpus"

echo; echo "== one core, per kind of document"
"$OUT/piibench" kinds -runs "$RUNS"

echo; echo "== one core, adversarial inputs"
"$OUT/piibench" adversarial -runs "$RUNS"

echo; echo "== go test -bench (32 MB corpus)"
go test -run '^$' -bench 'Scan' -benchtime 10x -count "$RUNS" ./pii/
