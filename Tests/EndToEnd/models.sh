#!/usr/bin/env bash
# End-to-end test of the models panel (a): with a tiny fit budget every model but popularity is
# deferred with its estimate; the panel shows ready and deferred rows, r runs a deferred model
# anyway (it becomes ready), r then x on a long one shows it fitting and then cancelled.
source "$(dirname "$0")/lib.bash"
echo "models panel with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"

step "start with a 0.02 s budget: over-budget models are deferred"
start models 100 30 "$BIN" --db :memory: --fit-budget 0.02
wait_for "profile default"
wait_for "│ content· │ user-knn· │" 20   # the tabs mark deferred models with ·

step "a opens the panel: ready and deferred rows"
keys a
wait_for "Models · fits, cheapest first"
wait_for "popularity  ready in" 20
wait_for "user-knn    deferred: est."
wait_for "r runs it anyway"

step "r runs a deferred model anyway"
# The selection starts on the active tab's model (content, the first row).
wait_for "▸ content"
keys r
wait_for "content     ready in" 30

step "r on hybrid (it fits every component twice), then x cancels it"
for _ in 1 2 3 4 5 6; do keys j; done
wait_for "▸ hybrid"
keys r
wait_for "hybrid      fitting" 20
keys x
wait_for "hybrid: fit cancelled · r runs it anyway"
wait_for "hybrid      cancelled · r runs it anyway"

step "Esc back to Explore, q quits with status 0"
keys Escape
wait_gone "Models · fits, cheapest first"
keys q
[ "$(wait_status models)" = 0 ] || fail "exit status not 0"
echo "models: passed"
