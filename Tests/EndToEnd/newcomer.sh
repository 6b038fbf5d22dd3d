#!/usr/bin/env bash
# End-to-end replay of issue 17's steps as a new learner meets them (release binary in tmux):
#   4  at 60x20 the "terminal too small" screen is up; pressing 3 must not rate anything.
#   3  Tab, j, 5 on the quick start: the list stays, the cursor stays on the rated film, and
#      the next 4 re-rates that film (the profile still has 1 rating).
#   6  "/four wed" Enter, then "/blade runner": the second search starts empty (no
#      "/four wedblade runner"), ↑ on an empty search brings back the last query, and
#      "alien 1979" / "alien (19" find Alien (1979).
#   8  C says "colour off"/"colour on"; in the lab g goes to the first row, s turns the grid
#      on and, pressed again, off.
#   9  at 120 columns Similar shows whole titles (not ~15 characters), and no reason in the
#      Recommendations pane is lost: the selected row's cut reason is shown whole in a "↳" line.
#   5  ":set item-knn.kk 20" gives an error that fits the status line; p opens the parameter
#      panel (value, default, what it changes); ":set item-knn.topn_k 5" refits item-knn.
#   7  f → a genre filters the Recommendations pane too, and its title says so.
#  13  U: the sample's synthetic user shows its true taste only after t; b becomes that user
#      in a scratch profile.
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
wait_for "profile default (new) · 0 ratings"
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
# Every model fitted, so that no "… ready in" message replaces the status lines checked below.
end=$(( $(now_ms) + 180000 ))
until screen | grep -qE ' ([0-9]+)/\1 models'; do [ "$(now_ms)" -lt "$end" ] || fail "models not fitted"; sleep 0.1; done
film="$(screen | grep -E '^│ 2\. ' | head -1 | sed -E 's/^│ 2\. (.*[^ ]) +[0-9]{4} .*/\1/')"
[ -n "$film" ] || fail "no second row in the quick start"
keys Tab j
wait_for "││$film"                 # the details pane follows the selection: row 2 is selected
keys 5
wait_for "profile default · 1 rating "
wait_for "9 more ratings"
wait_for "│ 5★ $film"               # the rated film keeps its row
wait_for "││$film"
keys 4
wait_for "│ 4★ $film"               # the same row, now 4★: the film under the cursor was re-rated
wait_for "profile default · 1 rating "
screen | grep -qF "Quick start" || fail "the quick start went away after one rating"

step "17.6: a new / starts empty, ↑ recalls, a year matches"
keys BTab / ; literal "four wed"; wait_for "/four wed"; keys Enter
wait_for "Four Weddings"
keys /; literal "blade runner"
wait_for "/blade runner"
screen | grep -qF "wedblade" && fail "the new search continued the old one"
keys Enter
wait_for "││Blade Runner"
keys / Up
wait_for "/blade runner"
keys C-u; literal "alien 1979"; keys Enter
wait_for "││Alien"
keys /; literal "alien (19"; keys Enter
wait_for "Aliens"

step "17.8: toggles say their new state; g is first row in the lab, s the grid toggle"
keys C
wait_for "colour off (monochrome)"
keys C
wait_for "colour on"
keys v
wait_for "Evaluation lab"
keys j j g s
wait_for "grid search on:"
keys s
wait_for "grid search off"
keys Escape
wait_for "│ Explore │"              # (a key sent right after Esc would read as Alt-key)

step "17.9: whole titles in Similar, reasons cut only between words"
keys F / ; literal "alien 1979"; keys Enter
wait_for "││Alien"
keys m
wait_for "Similar to Alien (1979)"
wait_gone "finding similar movies"
screen | sed -n '4,14p' | grep -qE '[[:alpha:]][^│]{15,}[[:alpha:])]  ' || fail "no title longer than 15 characters shown whole"
keys Escape
wait_for "│ Explore │"
keys d Tab
wait_for "Recommendations"
# The selected (first) row: when its reason is cut, the whole reason is in the detail line.
row1="$(screen | awk '/┌ Recommendations/ { f = 1 } f' | grep -E '^│ 1 ' | head -1)"
[ -n "$row1" ] || fail "no first recommendation"
if printf '%s' "$row1" | grep -q '…'; then wait_for "↳ "; fi

step "17.5: the parameter panel, a short error, and a :set that refits"
keys :; literal "algo item-knn"; keys Enter
wait_for "showing item-knn"
keys :; literal "set item-knn.kk 20"; keys Enter
wait_for "item-knn has no parameter 'kk' · p or :params lists them"
keys p
wait_for "Parameters · item-knn"
wait_for "topn_k"
wait_for "top-N"
keys Escape
wait_gone "Parameters ·"
keys :; literal "set item-knn.topn_k 5"; keys Enter
wait_for "item-knn ready in" 30

step "17.7: the genre filter applies to the recommendation lists, visible in the pane title"
keys :; literal "genre Drama"; keys Enter
wait_for "Recommendations · Drama only ("
keys F
wait_gone "Drama only ("

step "17.13: true tastes behind t, become this user with b"
keys U
wait_for "t shows this synthetic user's true taste"
screen | grep -qF "True taste" && fail "the true taste shows before t"
keys t
wait_for "True taste"
wait_for "dislikes"
keys b
wait_for "(scratch) ·"
wait_for "in a scratch profile, not saved"
keys q
[ "$(wait_status quick)" = 0 ] || fail "quit"

echo "PASS newcomer"
