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
# Lines (each figure the median of RUNS runs, the peer and ours alternating, so load changes hit both):
#   svd   the ml-100k holdout's training file (HOLDOUT.train.tsv, 80k ratings): Surprise SVD (100 factors,
#         20 epochs) vs `recsys-tui bench --holdout` svd; ratio Surprise / ours (target ≥ 5).
#   als   the same file: implicit ALS (64 factors, 15 iterations, CG, both cores) vs ours; ratio ours /
#         implicit (target ≤ 1.0).
#   Both as wall-clock seconds and as CPU seconds of the process (all threads): on a loaded machine
#   the CPU figures are the steadier ones. Also the official u1..u5 folds for SVD through
#   surprise_ml100k.py and `eval --split ml100k-folds` (wall clock only).
#   als@scale  the whole SCALE_RATINGS file: implicit_fit.py vs `recsys-tui bench --data` fit time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
ML100K="${1:-/work/shared/datasets/ml-100k}"
SCALE="${2:-/work/data/ml25m/ratings.csv}"
PEERS="${PEERS:-/work/shared/peers}"
PY="${PY:-/tmp/peers/bin/python}"
export OPENBLAS_NUM_THREADS=1   # as the peers scripts do: implicit warns that a BLAS thread pool slows it
RUNS="${RUNS:-3}"
HOLDOUT="${HOLDOUT:-/work/shared/datasets/ml100k}"
BIN="${RECSYS_TUI_BIN:-$(cd "$ROOT" && swift build -c release --show-bin-path)/recsys-tui}"
[ -x "$BIN" ] || { echo "no binary at $BIN (swift build -c release)"; exit 1; }
[ -x "$PY" ] || { echo "no peers venv at $PY (see $PEERS/README.md)"; exit 1; }
[ -f "$ML100K/u1.base" ] || { echo "no ml-100k folds in $ML100K"; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/peers-scale.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
# Fit timings of the peers on the holdout's training file: "wall cpu" per line.
cat > "$TMP/peer_fit.py" <<'PY'
import sys, time, os
algo, path = sys.argv[1], sys.argv[2]
if algo == "svd":
    from surprise import Dataset, Reader, SVD
    data = Dataset.load_from_file(path, reader=Reader(line_format="user item rating timestamp", sep="\t", rating_scale=(1, 5)))
    train = data.build_full_trainset()
    model = SVD(random_state=0)
else:
    import numpy as np, scipy.sparse as sp
    from implicit.als import AlternatingLeastSquares
    a = np.loadtxt(path, usecols=(0, 1), dtype=np.int64)
    uu, ui = np.unique(a[:, 0], return_inverse=True); iu, ii = np.unique(a[:, 1], return_inverse=True)
    train = sp.csr_matrix((np.ones(len(a), dtype=np.float32), (ui, ii)), shape=(len(uu), len(iu)))
    model = AlternatingLeastSquares(factors=64, regularization=0.05, iterations=15, random_state=0)
w, c = time.perf_counter(), time.process_time()
model.fit(train, **({} if algo == "svd" else {"show_progress": False}))
print(f"{time.perf_counter() - w:.4f} {time.process_time() - c:.4f}")
PY
ours_fit() {  # wall and CPU seconds of our fit on the holdout: "wall cpu"
  "$BIN" bench --holdout "$HOLDOUT" --algorithms "$1" --format json \
    | python3 -c "import json,sys; d=json.load(sys.stdin)['$1']; print(d['fit_seconds'], d['fit_cpu_seconds'])"
}

echo "load: $(uptime | sed 's/.*load average: //')"
declare -A W C
for _ in $(seq "$RUNS"); do
  for algo in svd als; do
    read -r w c < <("$PY" "$TMP/peer_fit.py" "$algo" "$HOLDOUT.train.tsv"); W[peer-$algo]+="$w "; C[peer-$algo]+="$c "
    read -r w c < <(ours_fit "$algo"); W[ours-$algo]+="$w "; C[ours-$algo]+="$c "
  done
  W[peer-folds]+="$("$PY" "$PEERS/surprise_ml100k.py" "$ML100K" SVD | sed -n 's/.*fit_s=\([0-9.]*\).*/\1/p') "
  W[ours-folds]+="$("$BIN" eval --data "$ML100K" --split ml100k-folds --algorithm svd --metrics rmse --format json --quiet \
    | json 'd["results"][0]["fit_seconds"]') "
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
for algo in svd als; do
  pw=$(med "${W[peer-$algo]}"); ow=$(med "${W[ours-$algo]}"); pc=$(med "${C[peer-$algo]}"); oc=$(med "${C[ours-$algo]}")
  if [ "$algo" = svd ]; then
    echo "svd   surprise ${pw} s (cpu ${pc}), recsys-tui ${ow} s (cpu ${oc}): $(ratio "$pw" "$ow")x faster (cpu $(ratio "$pc" "$oc")x)  [runs ${W[peer-svd]}| ${W[ours-svd]}]"
  else
    echo "als   implicit ${pw} s (cpu ${pc}), recsys-tui ${ow} s (cpu ${oc}): $(ratio "$ow" "$pw")x implicit's time (cpu $(ratio "$oc" "$pc")x)  [runs ${W[peer-als]}| ${W[ours-als]}]"
  fi
done
pf=$(med "${W[peer-folds]}"); of=$(med "${W[ours-folds]}")
echo "svd u1..u5 folds: surprise ${pf} s/fold, recsys-tui ${of} s/fold: $(ratio "$pf" "$of")x faster"

if [ "$SCALE" != "-" ] && [ -f "$SCALE" ]; then
  peer=$("$PY" "$PEERS/implicit_fit.py" "$SCALE" als64 | sed -n 's/.*fit_s=\([0-9.]*\).*/\1/p')
  ours=$("$BIN" bench --data "$SCALE" --algorithms als --ratings 1 --format json | json 'd["fit_seconds"]["als"]')
  echo "als@scale $(basename "$(dirname "$SCALE")") implicit ${peer} s, recsys-tui ${ours} s: $(ratio "$ours" "$peer")x implicit's time"
fi
echo "load: $(uptime | sed 's/.*load average: //')"
