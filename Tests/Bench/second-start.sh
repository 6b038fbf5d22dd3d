#!/usr/bin/env bash
# First start vs second start of the explorer: the time until every model is ready, with an
# empty cache (parse the files, fit every model, write the caches) and then with a full one
# (read the dataset image and every model from the cache).
#
#   Tests/Bench/second-start.sh [DATA] [ALGORITHMS] [CACHE_DIR]
#
# DATA defaults to /work/data/ml25m, ALGORITHMS to every algorithm (comma-separated list, as
# `explore --algorithms`), CACHE_DIR to a fresh temporary folder (used as XDG_CACHE_HOME; it is
# emptied first and kept afterwards only when given). The release binary runs in tmux (it needs a
# terminal) with a throwaway profile database and the hidden --exit-when-ready flag; its frame
# statistics give the first frame, the load time and the time until every model was ready.
# Peak RSS comes from /usr/bin/time. Prints one line per run and the ratio second/first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
DATA="${1:-/work/data/ml25m}"
ALGOS="${2:-}"
BIN="${RECSYS_TUI_BIN:-$(cd "$ROOT" && swift build -c release --show-bin-path)/recsys-tui}"
[ -x "$BIN" ] || { echo "no binary at $BIN (swift build -c release)"; exit 1; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/recsys-second-start.XXXXXX")"
CACHE="${3:-$TMP/cache}"
SOCKET="recsys-bench-$$"
trap 'tmux -L "$SOCKET" kill-server >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
rm -rf "$CACHE/recsys-tui"
mkdir -p "$CACHE"
args=(--data "$DATA" --db "$TMP/profiles.sqlite" --exit-when-ready)
[ -n "$ALGOS" ] && args+=(--algorithms "$ALGOS")

# run NAME: one start, until every model is ready; prints its figures.
run() {
  local name="$1" stats="$TMP/$1.stats" timing="$TMP/$1.time"
  rm -f "$stats" "$timing" "$TMP/$name.status"
  local cmd
  cmd="$(printf '%q ' env XDG_CACHE_HOME="$CACHE" RECSYS_TUI_FRAME_STATS="$stats" /usr/bin/time -o "$timing" -f "%e %M" "$BIN" "${args[@]}")"
  tmux -L "$SOCKET" -f /dev/null new-session -d -s "$name" -x 120 -y 40 "$cmd; echo \$? > $TMP/$name.status"
  while [ ! -s "$TMP/$name.status" ]; do sleep 0.5; done
  [ "$(cat "$TMP/$name.status")" = 0 ] || { echo "$name: the explorer failed"; cat "$timing" 2>/dev/null; exit 1; }
  local field
  field() { tr ' ' '\n' < "$stats" | sed -n "s/^$1=//p"; }
  read -r wall rss < <(tail -1 "$timing")
  echo "$name start: first frame $(field first_frame_ms) ms, dataset from $(field dataset) in $(field load_ms) ms," \
       "every model ready at $(field models_ready_ms) ms ($(field models_from_cache) from the cache)," \
       "exit at ${wall} s, peak RSS $((rss / 1024)) MB"
  eval "${name}_ready=$(field models_ready_ms)"
}

echo "data: $DATA; algorithms: ${ALGOS:-all}; load: $(uptime | sed 's/.*load average: //')"
run first
echo "cache: $(XDG_CACHE_HOME="$CACHE" "$BIN" cache list | head -1)"
run second
awk -v a="$first_ready" -v b="$second_ready" 'BEGIN { printf "second start / first start (every model ready): %.4f (%.1fx faster)\n", b / a, a / b }'
