#!/usr/bin/env bash
# The explorer at scale (issue 12), re-runnable: opens the release explorer on a large folder
# (default /work/data/ml25m, the 25M shape from `loadbench --generate DIR --rows 25000000`) in
# tmux at 120x40 and measures
#   - first frame: from launch to the first frame (the explorer's own first_frame_ms, and the
#     wall clock until the header shows),
#   - when each model became ready (the explorer's ready_ALGO_s), and so when the six cheap models
#     (popularity, baseline, content, svd, als, item-knn) were all ready,
#   - when every model was ready or deferred (the models panel shows no queued or fitting row),
#   - key to frame while fits run (one j or k every 250 ms until then: key_total p50/p99),
#   - recompute after a rating with every ready model (30 ratings once fits are done: p50/p99),
#   - the explorer's peak RSS (getrusage).
# Usage: bash Tests/Bench/scale-explorer.sh [DATA] [--fit-budget S ...]   (DATA is read, never written)
# Env: SCALE_DEADLINE (seconds until fits must be done, default 1200), RECSYS_TUI_BIN.
E2E_DEADLINE=60
source "$(dirname "$0")/../EndToEnd/lib.bash"
DATA="${1:-/work/data/ml25m}"; shift || true
DEADLINE="${SCALE_DEADLINE:-1200}"
STATS="$E2E_TMP/stats"
echo "scale-explorer on $DATA with $RECSYS_TUI_BIN (load: $(cut -d' ' -f1-3 /proc/loadavg))"

step "first frame"
T0=$(now_ms)
start scale 120 40 env RECSYS_TUI_FRAME_STATS="$STATS" "$RECSYS_TUI_BIN" --data "$DATA" --db :memory: "$@"
wait_for "profile default" 120
FIRST_WALL=$(( $(now_ms) - T0 ))
PID="$(program_pid)"

# The panel shows every model with a state; fits are done when no row is queued or fitting.
fits_done() {
  keys a
  wait_for "Models · fits, cheapest first"
  local s; s="$(screen)"
  keys a
  wait_gone "Models · fits, cheapest first"
  ! grep -qE '  (queued #|fitting )' <<<"$s"
}

step "fits, with a key every 250 ms"
DONE_S=""
last_check=$(now_ms)
n=0
while :; do
  now=$(now_ms)
  if [ $(( now - T0 )) -gt $(( DEADLINE * 1000 )) ]; then echo "  fits not done within ${DEADLINE}s"; break; fi
  if [ $(( now - last_check )) -ge 10000 ]; then
    last_check=$now
    if fits_done; then DONE_S=$(( ($(now_ms) - T0) / 1000 )); break; fi
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$PID/status" 2>/dev/null || echo "?")
    echo "    $(( (now - T0) / 1000 )) s: $(screen | head -1 | grep -oE '[0-9]+/[0-9]+ models') · rss ${rss} MB"
  fi
  if [ $(( n % 2 )) -eq 0 ]; then keys j; else keys k; fi
  n=$(( n + 1 ))
  sleep 0.25
done
screen_at_end="$(keys a; sleep 1; screen; keys a)"

step "30 ratings with every ready model"
for _ in $(seq 30); do keys j; keys 4; sleep 0.4; done
sleep 2
keys q
wait_status scale 60 >/dev/null
echo "$screen_at_end" | sed -n '2,20p'

stat() { tr ' ' '\n' < "$STATS" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
cheap_max=""
for m in popularity baseline content svd als item-knn; do
  v="$(stat "ready_${m}_s")"
  [ -n "$v" ] || { cheap_max="not all ready"; break; }
  cheap_max="$(awk -v a="${cheap_max:-0}" -v b="$v" 'BEGIN { print (b > a ? b : a) }')"
done
echo
echo "first frame (explorer) ms:      $(stat first_frame_ms)  (wall until the header: ${FIRST_WALL} ms)"
echo "  of it: load $(stat load_ms) ms wall, CPU by then $(stat load_cpu_ms) ms; CPU when the state was built $(stat start_cpu_ms) ms"
echo "six cheap models ready, s:      $cheap_max"
echo "every model ready or deferred:  ${DONE_S:-not within ${DEADLINE}} s"
echo "key to frame while fits run:    p50 $(stat key_total_p50_ms) ms, p99 $(stat key_total_p99_ms) ms ($(stat key_frames) keys)"
echo "recompute after the 30 ratings: p50 $(stat recompute_last30_p50_ms) ms, p99 $(stat recompute_last30_p99_ms) ms"
echo "every recompute (also mid-fit):  p50 $(stat recompute_p50_ms) ms, p99 $(stat recompute_p99_ms) ms ($(stat recompute_n) recomputes)"
echo "peak RSS:                       $(stat peak_rss_mb) MB"
echo "ready times (s): $(tr ' ' '\n' < "$STATS" | grep -E '^(ready|ended)_' | tr '\n' ' ')"
echo "recompute per model, p99 of the last 30 (ms): $(tr ' ' '\n' < "$STATS" | grep -E '^recompute_.*_p99_ms' | grep -vE 'last30|^recompute_p99' | sed 's/^recompute_//; s/_p99_ms//' | tr '\n' ' ')"
