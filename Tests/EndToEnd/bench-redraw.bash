#!/usr/bin/env bash
# Redraw benchmark (not run by CI: the name does not end in .sh). Opens the release
# explorer at 120x40 in tmux, waits until every model is fitted, then sends keys one at
# a time (moves, tab switches, search typing) and prints the frame statistics the
# explorer writes on exit ($RECSYS_TUI_FRAME_STATS): first frame, and per key
#   key_cpu   = update + view + diff (the program's own work per key),
#   key_total = from reading the key to doupdate() returning (adds curses output).
# Usage: bash Tests/EndToEnd/bench-redraw.bash [--data PATH] ...
# With WHILE_FITS=1 the keys are sent as soon as the first frame is up, while the models are
# still fitting (the explorer must stay responsive then too; key_total_p99_ms is the figure).
# LESSON_PANEL=1 opens the lesson panel (L) first, so every frame redraws it too (issue 14).
source "$(dirname "$0")/lib.bash"
STATS="$E2E_TMP/stats"
start bench 120 40 env RECSYS_TUI_FRAME_STATS="$STATS" "$RECSYS_TUI_BIN" --db :memory: "$@"
wait_for "profile default"
if [ "${WHILE_FITS:-0}" != 1 ]; then
  end=$(( $(now_ms) + 120000 ))
  until screen | grep -qE ' ([0-9]+)/\1 models'; do [ "$(now_ms)" -lt "$end" ] || fail "models not fitted"; sleep 0.1; done
fi
send_one() { keys "$1"; sleep 0.03; }
if [ "${LESSON_PANEL:-0}" = 1 ]; then keys L; wait_for "Lesson 1 ·"; fi
for _ in $(seq 40); do send_one j; done
for _ in $(seq 20); do send_one k; done
for _ in $(seq 10); do send_one l; done
for _ in $(seq 10); do send_one h; done
send_one /; for c in t h e space g; do send_one "$c"; done; send_one Escape
for _ in $(seq 10); do send_one Down; done
keys q
wait_status bench >/dev/null
tr ' ' '\n' < "$STATS"
