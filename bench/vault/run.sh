#!/usr/bin/env bash
# Vault and consent-ledger benchmark, in one run: records (PutRecord/GetRecord and the
# crypto share), consents (AppendConsents in batches of 1, 100, 1000), lookup (current
# consents of one subject as the ledger grows to 10M rows) and erase (Service.Erase in
# stores of 10k and 1M subjects), on SQLite and on PostgreSQL. Figures and their reading
# are in bench/README.md, section "## Vault and consent ledger".
#
#   bench/vault/run.sh
#   ENGINES=sqlite WHAT="lookup erase" bench/vault/run.sh
#   LOOKUP_ROWS_POSTGRES=10000,1000000 bench/vault/run.sh     # a smaller ledger on PostgreSQL
#   REPS=1 ERASE_SUBJECTS=1000,10000 LOOKUP_ROWS_SQLITE=10000,100000 LOOKUP_ROWS_POSTGRES=10000,100000 \
#     EXTRA="-records 100 -grants 2000 -consents-ledger 0,10000" bench/vault/run.sh   # a smoke test
#
# Then a what-if on SQLite consents (WHATIF=0 skips it). The whole run takes about 20
# minutes on 2 cores. Each part is bounded (counts, -rep-time, -timeout, and timeout(1)
# around it). SQLite stores live in a fresh folder under /tmp, PostgreSQL ones in a fresh
# schema custos_bench_<random> (and its _keys schema); both are removed when the part ends.
# Logs, CPU profiles and the binary go to $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."

ENGINES=${ENGINES:-sqlite postgres}
WHAT=${WHAT:-records consents lookup erase}
DSN=${DSN:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
REPS=${REPS:-5}
LOOKUP_ROWS_SQLITE=${LOOKUP_ROWS_SQLITE:-10000,1000000,10000000}
LOOKUP_ROWS_POSTGRES=${LOOKUP_ROWS_POSTGRES:-10000,1000000,10000000}
ERASE_SUBJECTS=${ERASE_SUBJECTS:-10000,1000000}
PART_MINUTES=${PART_MINUTES:-40}
OUT=${OUT:-${TMPDIR:-/tmp}/custos-vault-bench-out}
mkdir -p "$OUT"
rm -f "$OUT"/*.log

go build -o "$OUT/vaultbench" ./bench/vault

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
psql "$DSN" -Atc "SELECT version()" 2>/dev/null | cut -d, -f1 || true
uptime

for engine in $ENGINES; do
	for what in $WHAT; do
		args=(-engine "$engine" -what "$what" -reps "$REPS" -dsn "$DSN" -timeout "${PART_MINUTES}m")
		[ "$engine" = sqlite ] && args+=(-data "/tmp/custos-vault-bench-data-$$-$what")
		case $what in
		records) args+=(-cpuprofile "$OUT/$engine-records.prof") ;;
		lookup)
			rows=$LOOKUP_ROWS_SQLITE
			[ "$engine" = postgres ] && rows=$LOOKUP_ROWS_POSTGRES
			args+=(-lookup-rows "$rows")
			;;
		erase) args+=(-erase-subjects "$ERASE_SUBJECTS") ;;
		esac
		# shellcheck disable=SC2206
		args+=(${EXTRA:-})
		echo
		echo "== $engine $what: vaultbench ${args[*]}"
		start=$(date +%s)
		timeout --signal=TERM --kill-after=2m "$((PART_MINUTES + 3))m" "$OUT/vaultbench" "${args[@]}" 2>&1 | tee "$OUT/$engine-$what.log" ||
			echo "!! $engine $what failed or timed out" | tee -a "$OUT/$engine-$what.log"
		echo "($engine $what: $(($(date +%s) - start))s)" | tee -a "$OUT/$engine-$what.log"
		if [ "$what" = records ] && [ -s "$OUT/$engine-records.prof" ]; then
			# CPU profile of the measured part: the samples in DataKey.Seal/Open called by the
			# service (the bench's own AEAD loop, cryptoAlone, left out).
			svc=$(go tool pprof -top -focus 'DataKey\)\.(Seal|Open)' -ignore 'cryptoAlone' "$OUT/vaultbench" "$OUT/$engine-records.prof" 2>/dev/null | grep -o '[0-9.]*m\?s, [0-9.]*% of [0-9.]*m\?s total' || true)
			echo "summary records $engine: CPU profile: the service's DataKey.Seal/Open: ${svc:-no samples}" | tee -a "$OUT/$engine-records.log"
		fi
	done
done

# What-if, SQLite consents, batch 1000: what the store's choices cost (not the store as it
# ships): time-ordered consent ids instead of random ones, then also in-memory statement
# journals and a 64 MB page cache on the writer connection.
WHATIF=${WHATIF:-1}
if [ "$WHATIF" = 1 ] && [[ " $ENGINES " == *" sqlite "* ]] && [[ " $WHAT " == *" consents "* ]]; then
	for v in "ordered ids|-ordered-consent-ids" \
		"ordered ids, temp_store=MEMORY, cache 64 MB|-ordered-consent-ids -writer-pragmas temp_store=MEMORY,cache_size=-65536"; do
		label=${v%%|*}
		# shellcheck disable=SC2206
		args=(-engine sqlite -what consents -reps "$REPS" -batches 1000 -timeout "${PART_MINUTES}m"
			-data "/tmp/custos-vault-bench-data-$$-whatif" -label "what-if: $label" ${v#*|} ${EXTRA:-})
		echo
		echo "== sqlite consents, what-if ($label): vaultbench ${args[*]}"
		timeout --signal=TERM --kill-after=2m "$((PART_MINUTES + 3))m" "$OUT/vaultbench" "${args[@]}" 2>&1 | tee -a "$OUT/sqlite-whatif.log" ||
			echo "!! sqlite consents what-if failed or timed out" | tee -a "$OUT/sqlite-whatif.log"
	done
fi

echo
echo "== summary ($(date '+%Y-%m-%d %H:%M'), load average $(cut -d' ' -f1-3 /proc/loadavg))"
for engine in $ENGINES; do
	for what in $WHAT; do
		grep -h '^summary\|^!!' "$OUT/$engine-$what.log" || true
	done
done
[ -s "$OUT/sqlite-whatif.log" ] && grep -h '^summary\|^!!' "$OUT/sqlite-whatif.log"
exit 0
