#!/usr/bin/env bash
# End-to-end replay of issue 17's steps as a new learner meets them (release binary in tmux):
#   4  at 60x20 the "terminal too small" screen is up; pressing 3 must not rate anything.
#   3  Tab, j, 5 on the quick start: the list stays, the cursor stays on the rated film, and
#      the next 4 re-rates that film (the profile still has 1 rating).
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

step "17.3: the quick start stays after a rating and the cursor does not move"
start quick 120 40 "$BIN" --db "$DB" --seed 7
wait_for "Quick start: rate these"
wait_for " content │" 20
keys Tab j
film="$(screen | awk '/┌ Details/ { getline; print; exit }' | sed 's/.*││//; s/ *│$//')"
[ -n "$film" ] || fail "no film in the details pane"
keys 5
wait_for "profile default · 1 rating "
wait_for "9 more ratings"
wait_for "││$film"
keys 4
wait_for "rated $film"
wait_for "profile default · 1 rating "
screen | grep -qF "Quick start" || fail "the quick start went away after one rating"
keys q
[ "$(wait_status quick)" = 0 ] || fail "quit"

echo "PASS newcomer"
