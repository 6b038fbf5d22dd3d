#!/usr/bin/env bash
# End-to-end replay of issue 17's steps as a new learner meets them (release binary in tmux):
#   4  at 60x20 the "terminal too small" screen is up; pressing 3 must not rate anything.
source "$(dirname "$0")/lib.bash"
echo "newcomer steps with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
DB="$E2E_TMP/profiles.sqlite"

step "17.4: keys behind the too-small screen do nothing; q still quits"
start small 60 20 "$BIN" --db "$DB" --seed 7
wait_for "terminal too small"
wait_for "q quits"
keys 3 x / Tab 5
resize 120 40
wait_for "profile default · 0 ratings"
resize 60 20
wait_for "terminal too small"
keys q
[ "$(wait_status small)" = 0 ] || fail "q did not quit behind the too-small screen"
start reopen 120 40 "$BIN" --db "$DB" --seed 7
wait_for "profile default · 0 ratings"
keys q
[ "$(wait_status reopen)" = 0 ] || fail "quit"

echo "PASS newcomer"
