#!/usr/bin/env bash
# Benchmark (not a test): recsys-tui's SVD and ALS fit times side by side with Surprise and implicit,
# in one run on one machine, printed as ratios (absolute seconds depend on the machine and its load).
#
#   Tests/Bench/peers-scale.sh [ML100K_DIR] [SCALE_RATINGS]
#   ML100K_DIR     GroupLens ml-100k (u1..u5 folds; default /work/shared/datasets/ml-100k)
#   SCALE_RATINGS  a large ratings.csv for the ALS-at-scale line (default /work/data/ml25m/ratings.csv;
#                  "-" skips it). Made by `recsys-tui loadbench --generate DIR --rows 25000000 --no-load`.
#   env: PEERS (default /work/shared/peers), PY (default /tmp/peers/bin/python), RUNS (default 3),
#        HOLDOUT (implicit's split prefix, default /work/shared/datasets/ml100k), RECSYS_TUI_BIN
#
# Lines:
#   svd   ml-100k u1..u5, mean fit seconds per fold: Surprise SVD vs `recsys-tui eval --split ml100k-folds`
#         (both 100 factors, 20 epochs); the ratio is Surprise / ours (the target is ≥ 5).
#   als   ml-100k holdout: implicit ALS (64 factors, 15 iterations, CG) vs `recsys-tui bench --holdout`
#         (the same shape); the ratio is ours / implicit (the target is ≤ 1.0).
#   als@scale  the whole SCALE_RATINGS file: implicit_fit.py vs `recsys-tui bench --data` fit time.
# Each figure is the median of RUNS runs, the peer and ours alternating, so load changes hit both.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
ML100K="${1:-/work/shared/datasets/ml-100k}"
SCALE="${2:-/work/data/ml25m/ratings.csv}"
PEERS="${PEERS:-/work/shared/peers}"
PY="${PY:-/tmp/peers/bin/python}"
RUNS="${RUNS:-3}"
HOLDOUT="${HOLDOUT:-/work/shared/datasets/ml100k}"
BIN="${RECSYS_TUI_BIN:-$(cd "$ROOT" && swift build -c release --show-bin-path)/recsys-tui}"
[ -x "$BIN" ] || { echo "no binary at $BIN (swift build -c release)"; exit 1; }
[ -x "$PY" ] || { echo "no peers venv at $PY (see $PEERS/README.md)"; exit 1; }
[ -f "$ML100K/u1.base" ] || { echo "no ml-100k folds in $ML100K"; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "load: $(uptime | sed 's/.*load average: //')"
svd_peer=(); svd_ours=(); als_peer=(); als_ours=()
for _ in $(seq "$RUNS"); do
  svd_peer+=("$("$PY" "$PEERS/surprise_ml100k.py" "$ML100K" SVD | sed -n 's/.*fit_s=\([0-9.]*\).*/\1/p')")
  svd_ours+=("$("$BIN" eval --data "$ML100K" --split ml100k-folds --algorithm svd --metrics rmse --format json --quiet \
    | json 'd["results"][0]["fit_seconds"]')")
  als_peer+=("$("$PY" "$PEERS/implicit_topn.py" "$HOLDOUT" 2>/dev/null | sed -n 's/^als64.*fit_s=\([0-9.]*\).*/\1/p')")
  als_ours+=("$("$BIN" bench --holdout "$HOLDOUT" --algorithms als --format json | json 'd["als"]["fit_seconds"]')")
done
sp=$(printf '%s\n' "${svd_peer[@]}" | median); so=$(printf '%s\n' "${svd_ours[@]}" | median)
ap=$(printf '%s\n' "${als_peer[@]}" | median); ao=$(printf '%s\n' "${als_ours[@]}" | median)
echo "svd   surprise ${sp} s/fold, recsys-tui ${so} s/fold: $(python3 -c "print(f'{$sp/$so:.2f}')")x faster (runs: ${svd_peer[*]} | ${svd_ours[*]})"
echo "als   implicit ${ap} s, recsys-tui ${ao} s: $(python3 -c "print(f'{$ao/$ap:.2f}')")x implicit's time (runs: ${als_peer[*]} | ${als_ours[*]})"

if [ "$SCALE" != "-" ] && [ -f "$SCALE" ]; then
  peer=$("$PY" "$PEERS/implicit_fit.py" "$SCALE" als64 | sed -n 's/.*fit_s=\([0-9.]*\).*/\1/p')
  ours=$("$BIN" bench --data "$SCALE" --algorithms als --ratings 1 --format json | json 'd["fit_seconds"]["als"]')
  echo "als@scale $(basename "$(dirname "$SCALE")") implicit ${peer} s, recsys-tui ${ours} s: $(python3 -c "print(f'{$ours/$peer:.2f}')")x implicit's time"
fi
echo "load: $(uptime | sed 's/.*load average: //')"
