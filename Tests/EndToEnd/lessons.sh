#!/usr/bin/env bash
# End-to-end test of issue 14 at 80×24: `learn --lesson 3` opens the lesson panel beside the explorer;
# each task is done by keys and each checkpoint ticks by itself (the ✓ marks in the panel's top edge),
# including f on Explain (the formula view of a user-knn prediction);
# the typed answer is graded against the sample's tastes.csv. Then a half-done lesson is resumed after
# a restart, by `learn` and by `L` in the plain explorer.
source "$(dirname "$0")/lib.bash"
echo "lessons with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
DB="$E2E_TMP/profiles.sqlite"
mkdir -p "$E2E_TMP/home"
ENV=(env HOME="$E2E_TMP/home" XDG_DATA_HOME="$E2E_TMP/home/data" XDG_CACHE_HOME="$E2E_TMP/home/cache")
cmd() { keys :; literal "$1"; keys Enter; }

step "learn --lesson 3 opens the panel on step 1"
start l1 80 24 "${ENV[@]}" "$BIN" learn --lesson 3 --db "$DB"
wait_for "Lesson 3 · 1/7 People like you"
wait_for "○ 0/5 rated"
wait_for "●○○○○○○"

step "step 1: rate five films; the step ticks by itself"
for _ in 1 2 3 4 5; do keys 4; keys j; done
wait_for "profile default (new) · 5 ratings"
wait_for "✓○○○○○○"
wait_for "✓ done · n: next step"

step "step 2: show user-knn"
keys n
wait_for "Lesson 3 · 2/7 The user-knn list"
cmd "algo user-knn"
wait_for "✓✓○○○○○"

step "step 3: explain a user-knn recommendation"
keys n
wait_for "Lesson 3 · 3/7 Who are your neighbours?"
keys e
wait_for "Explain │"
wait_for "✓✓✓○○○○"

step "step 4: f on Explain shows the formula; the step ticks"
keys n
wait_for "Lesson 3 · 4/7 The formula, with your numbers"
wait_for "○ show user-knn's formula (Explain, f)"
keys f
wait_for "your numbers filled in"
wait_for "✓✓✓✓○○○"
keys Escape
wait_for "┌ Catalog"

step "step 5: open the Users screen and go to user 17"
keys n
wait_for "Lesson 3 · 5/7 A user's rows"
keys U
wait_for "✓✓✓✓✓○○"
for _ in $(seq 16); do keys j; done

step "step 6: a wrong guess does not tick; the true favourite genre (tastes.csv) does"
keys n
wait_for "Lesson 3 · 6/7 Guess a taste"
keys a; literal "Drama"; keys Enter
wait_for "✗ not Drama"
screen | grep -qF "✓✓✓✓✓✓○" && fail "a wrong answer ticked the step"
keys a; literal "Sci-Fi"; keys Enter
wait_for "✓ right: Sci-Fi (from tastes.csv)"
wait_for "✓✓✓✓✓✓○"

step "step 7: become a user"
keys n
wait_for "Lesson 3 · 7/7 Walk in their shoes"
keys b
wait_for "(scratch)"
wait_for "✓✓✓✓✓✓✓"
wait_for "lesson complete"
keys q
[ "$(wait_status l1)" = 0 ] || fail "learn did not exit 0"

step "a half-done lesson: three steps done, quit on step 4 (the formula)"
start r1 80 24 "${ENV[@]}" "$BIN" learn --lesson 3 --db "$DB" --profile half
wait_for "Lesson 3 · 1/7 People like you"
for _ in 1 2 3 4 5; do keys 5; keys j; done
wait_for "✓○○○○○○"
keys n
cmd "algo user-knn"
wait_for "✓✓○○○○○"
keys n
wait_for "Lesson 3 · 3/7"
keys e
wait_for "✓✓✓○○○○"
keys Escape
wait_for "┌ Catalog"
keys n
wait_for "Lesson 3 · 4/7"
keys q
[ "$(wait_status r1)" = 0 ] || fail "learn did not exit 0"

step "learn resumes at step 4 with its three ticks; the formula step still ticks after the restart"
start r2 80 24 "${ENV[@]}" "$BIN" learn --db "$DB" --profile half
wait_for "Lesson 3 · 4/7 The formula, with your numbers"
wait_for "✓✓✓●○○○"
cmd "algo user-knn"
keys e
wait_for "Explain │"
keys f
wait_for "your numbers filled in"
wait_for "✓✓✓✓○○○"
keys q
[ "$(wait_status r2)" = 0 ] || fail "learn did not exit 0"

step "L in the plain explorer resumes it too; L hides the panel again"
start r3 80 24 "${ENV[@]}" "$BIN" --db "$DB" --profile half
wait_for "profile half · 5 ratings"
keys L
wait_for "Lesson 3 · 4/7 The formula, with your numbers"
keys L
wait_gone "Lesson 3 ·"
keys q
[ "$(wait_status r3)" = 0 ] || fail "the explorer did not exit 0"
echo "lessons: all passed"
