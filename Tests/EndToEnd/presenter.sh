#!/usr/bin/env bash
# End-to-end: presenter mode (issue 15.2) at 80x24 in tmux, started with --presenter:
# the big-type heading and the presenter hint line are up; Tab moves to the catalog, 5 rates and
# the caption names the key and what it did; Tab to the explanation pane, Space reveals the next
# term; P leaves presenter mode and P enters it again.
source "$(dirname "$0")/lib.bash"
echo "presenter mode with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
DB="$E2E_TMP/profiles.sqlite"

step "--presenter opens one big pane with a big-type heading"
start pres 80 24 "$BIN" --db "$DB" --seed 7 --presenter
wait_for "Recommendations" 20
wait_for "Tab pane"
wait_for "Space reveal"
screen | grep -qE '[█▀▄]{3}' || fail "no big-type heading"
screen | grep -qF "Catalog" && fail "presenter mode shows one pane, but the catalog is up too"

step "Tab shows the catalog; 5 rates and the caption says so"
keys Tab
wait_for "Tab → showing the catalog"
keys 5
wait_for "5 → rated "
wait_for "1 rating"

step "the explanation pane reveals term by term with Space"
keys Tab
wait_for "Why? (Space: next term)"
wait_for "Tab → showing the explanation"
keys Space
wait_for "Space → next term of the explanation"

step "P leaves presenter mode and enters it again"
keys P
wait_for "presenter mode off"
wait_gone "Space reveal"
keys P
wait_for "P → presenter mode: Tab switches pane"
wait_for "Space reveal"
keys q
[ "$(wait_status pres)" = 0 ] || fail "quit"
echo "presenter: passed"
