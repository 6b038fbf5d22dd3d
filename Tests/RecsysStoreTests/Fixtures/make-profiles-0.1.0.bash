#!/usr/bin/env bash
# Writes profiles-0.1.0.sqlite with the explorer of the release before profiles were bound to datasets
# (commit 251aec6, `recsys-tui --version` 0.1.0), as a person would: tmux, keys, quit.
#   usage: make-profiles-0.1.0.bash OLD_BINARY SAMPLE_DATA_FOLDER OUT.sqlite
# Run from anywhere; it copies tiny-ml100k beside a scratch folder so the dataset names are
# "sample-data" and "tiny-ml100k", as the test expects.
set -euo pipefail
OLD="$1"; SAMPLE="$2"; OUT="$3"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"; SOCK="mkfix-$$"
trap 'tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tiny-ml100k"
for f in "$HERE"/tiny-ml100k/*; do b=$(basename "$f"); cp "$f" "$WORK/tiny-ml100k/${b%.fixture}"; done
cp -r "$SAMPLE" "$WORK/sample-data"
DB="$WORK/profiles.sqlite"
run() {  # run NAME KEYS... : opens the explorer with the given args in $ARGS, types KEYS, quits
  local name="$1"; shift
  tmux -L "$SOCK" -f /dev/null new-session -d -s "$name" -x 120 -y 40 "cd $WORK && $OLD $ARGS --db $DB; sleep 5"
  for _ in $(seq 200); do tmux -L "$SOCK" capture-pane -p -t "$name" | grep -q "recomputed\|13/13 models\|models" && break; sleep 0.1; done
  sleep 1
  for k in "$@"; do tmux -L "$SOCK" send-keys -t "$name" "$k"; sleep 0.4; done
  sleep 1
  tmux -L "$SOCK" capture-pane -p -t "$name" | head -1
  tmux -L "$SOCK" send-keys -t "$name" q; sleep 1.5
  tmux -L "$SOCK" kill-session -t "$name" 2>/dev/null || true
}
ARGS="--data sample-data --profile sam"; run sam 5 j 4 j j 2
ARGS="--data tiny-ml100k --profile fix"; run fix 5 j 3
ARGS="--data sample-data"; run def 5 j 1
# The issue's step: the sample's default opened on another dataset (the old release relabels it).
ARGS="--data tiny-ml100k"; run def2
printf 'user,item,rating,timestamp\nme,50,4,1600000000\nme,51,2,1600000001\n' > "$WORK/imported.csv"
"$OLD" profile import imported "$WORK/imported.csv" --db "$DB"
"$OLD" recommend --profile nosuch --db "$DB" -n 1 >/dev/null
"$OLD" profile list --db "$DB"
ls "$WORK"
cp "$DB" "$OUT"
