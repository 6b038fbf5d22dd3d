#!/usr/bin/env bash
# End-to-end test of issue 15 part 3, the handout: a learner rates a few films and runs the lab in the
# explorer, then `recsys-tui report` writes one self-contained HTML page that xmllint reads as
# well-formed XML, that links to nothing outside itself, and that charts the lab run the explorer kept;
# the Markdown variant writes its charts as SVG files beside it.
source "$(dirname "$0")/lib.bash"
echo "handout with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
DB="$E2E_TMP/profiles.sqlite"
command -v xmllint >/dev/null || { echo "FAIL: xmllint is not installed (apt-get install libxml2-utils)"; exit 1; }

step "rate three films and run the lab in the explorer"
start s1 120 40 "$BIN" --db "$DB" --profile learner --algorithms popularity,item-knn,ease
wait_for "profile learner (new) · 0 ratings"
keys 5
wait_for "profile learner (new) · 1 rating"
keys j 4
wait_for "profile learner (new) · 2 ratings"
keys j 1
wait_for "profile learner (new) · 3 ratings"
keys v
wait_for "Evaluation lab"
keys r
wait_for "evaluation done" 90
keys q
[ "$(wait_status s1 20)" = 0 ] || fail "the explorer did not exit 0"

step "report writes one self-contained HTML page"
OUT="$E2E_TMP/learner.html"
"$BIN" report --profile learner --db "$DB" --algorithms popularity,item-knn,ease --out "$OUT" > "$E2E_TMP/report.out" \
  || fail "report failed: $(cat "$E2E_TMP/report.out")"
grep -qF "wrote $OUT: 6 sections" "$E2E_TMP/report.out" || fail "unexpected output: $(cat "$E2E_TMP/report.out")"
xmllint --noout "$OUT" || fail "xmllint does not read the page as well-formed XML"
for bad in 'http://' 'https://' '<script' '<link' 'url(' '@import'; do
  if grep -qF -- "$bad" "$OUT"; then fail "the page refers to something outside itself: $bad"; fi
done
count() { xmllint --xpath "count($1)" "$OUT"; }
[ "$(count '//section[@id="ratings"]//tbody/tr')" = 3 ] || fail "the ratings table does not list the three ratings"
[ "$(count '//section[@id="ratings"]//tr[@class="dislike"]')" = 1 ] || fail "the 1★ rating is not shown as a dislike"
[ "$(count '//section[@id="top10"]//h3')" = 3 ] || fail "expected a top 10 per algorithm"
[ "$(count '//section[@id="top10"]//table')" = 3 ] || fail "expected a table per algorithm"
[ "$(count '//section[@id="overlap"]//svg')" = 1 ] || fail "no overlap heatmap"
[ "$(count '//section[@id="histogram"]//svg')" = 1 ] || fail "no rating histogram"
grep -qF 'No lab run is kept' "$OUT" && fail "the lab run the explorer finished was not kept"
[ "$(count '//section[@id="lab"]//svg')" -ge 1 ] || fail "the lab section has no chart"

step "the Markdown variant writes its charts beside it"
"$BIN" report --profile learner --db "$DB" --algorithms popularity,item-knn,ease --out "$E2E_TMP/md/learner.md" \
  > /dev/null 2>&1 && fail "writing into a missing folder should fail"
mkdir -p "$E2E_TMP/md"
"$BIN" report --profile learner --db "$DB" --algorithms popularity,item-knn,ease --out "$E2E_TMP/md/learner.md" \
  > "$E2E_TMP/md.out" || fail "report --format md failed"
for chart in learner-hist.svg learner-overlap.svg learner-lab-1.svg; do
  [ -s "$E2E_TMP/md/$chart" ] || fail "no $chart beside the Markdown"
  grep -qF "]($chart)" "$E2E_TMP/md/learner.md" || fail "the Markdown does not link $chart"
  xmllint --noout "$E2E_TMP/md/$chart" || fail "$chart is not well-formed"
done
grep -qF '## Your top 10 from every algorithm' "$E2E_TMP/md/learner.md" || fail "the Markdown misses the top 10s"
echo "handout: ok"
