#!/usr/bin/env bash
# End-to-end test of issue 17 items 1, 2 and 11 as a person meets them: rate films in `default` on the
# sample, open another dataset (a MovieLens-100K-shaped fixture whose ids 1–40 are sample films under
# other ids) and see a new, empty default there, no star marks borrowed from the sample and a line
# saying so; a named profile of the sample is refused on it with the way out; `profile list` names
# each profile's dataset; a mistyped profile is not created; `:export ~/x.csv` writes under $HOME.
source "$(dirname "$0")/lib.bash"
echo "profiles with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
DB="$E2E_TMP/profiles.sqlite"
# The fixture is committed with its data files renamed (*.fixture): restore the names in a copy.
TINY="$E2E_TMP/tiny-ml100k"
mkdir -p "$TINY"
for f in "$E2E_ROOT"/Tests/RecsysStoreTests/Fixtures/tiny-ml100k/*; do
  b=$(basename "$f"); cp "$f" "$TINY/${b%.fixture}"
done
mkdir -p "$E2E_TMP/home"

# Catalog rows (the catalog pane only) that carry a rating mark ("│  5★ Title").
marked() { screen | awk '/┌ Catalog/ { f = 1; next } f && /^└/ { exit } f' | grep -cE '^│ +[0-9](\.5)?★ ' || true; }

step "rate two films in default on the sample"
start s1 120 40 "$BIN" --db "$DB"
wait_for "profile default (new) · 0 ratings"
keys 5
wait_for "profile default (new) · 1 rating"
keys j 4
wait_for "profile default (new) · 2 ratings"
[ "$(marked)" -eq 2 ] || fail "expected two rated rows in the catalog"
keys q
[ "$(wait_status s1)" = 0 ] || fail "the explorer did not exit 0"

step "the same profile name on another dataset: its own, empty default"
start s2 120 40 "$BIN" --db "$DB" --data "$TINY"
wait_for "profile default (new) · 0 ratings"
screen | grep -qF "│ tiny-ml100k │" || fail "the header does not name tiny-ml100k"
[ "$(marked)" -eq 0 ] || fail "the sample's ratings were read as tiny-ml100k's films"
keys q
[ "$(wait_status s2)" = 0 ] || fail "the explorer did not exit 0"

step "a named profile of the sample is refused on tiny-ml100k with the way out"
printf 'user,item,rating,timestamp\nme,537,5,1\nme,466,4,2\n' > "$E2E_TMP/alice.csv"
"$BIN" profile import alice "$E2E_TMP/alice.csv" --data sample-data --db "$DB" >/dev/null
start s3 120 40 "$BIN" --db "$DB" --data "$TINY" --profile alice
[ "$(wait_status s3)" = 2 ] || fail "opening alice on tiny-ml100k did not exit 2"
# The one line wraps at 120 columns: join the screen's lines before looking.
screen | tr -d '\n' | grep -qF 'profile "alice" belongs to sample-data' || fail "no refusal line"
screen | tr -d '\n' | grep -qF "profile copy alice --to-data $TINY" || fail "the refusal does not offer profile copy"
out="$("$BIN" profile copy alice --to-data "$TINY" --db "$DB")"
echo "$out" | grep -qF "by title and year: 2 matched, 0 unmatched" || fail "copy: $out"
start s4 120 40 "$BIN" --db "$DB" --data "$TINY" --profile alice
wait_for "profile alice · 2 ratings"
shown="$("$BIN" profile show alice --dataset tiny-ml100k --db "$DB")"
echo "$shown" | grep -qF "Thin Red Line, The (1998)" || fail "the copy is not on tiny-ml100k's films: $shown"
keys q
[ "$(wait_status s4)" = 0 ] || fail "the explorer did not exit 0"

step "profile list names each profile's dataset; a mistyped name is not created"
list="$("$BIN" profile list --db "$DB")"
echo "$list" | grep -E '^default +2 .* sample-data$' >/dev/null || fail "list: $list"
echo "$list" | grep -E '^default +0 .* tiny-ml100k$' >/dev/null || fail "list: $list"
set +e; err="$("$BIN" recommend --profile alcie --db "$DB" 2>&1 >/dev/null)"; rc=$?; set -e
[ "$rc" = 2 ] || fail "recommend --profile alcie exited $rc"
echo "$err" | grep -qF 'no profile named "alcie" — profiles: alice, default' || fail "$err"
[ "$("$BIN" profile list --db "$DB" | grep -c alcie)" = 0 ] || fail "alcie was created"

step ":export ~/mine.csv writes under \$HOME"
start s5 120 40 env HOME="$E2E_TMP/home" "$BIN" --db "$DB"
wait_for "profile default · 2 ratings"
keys :
literal "export ~/mine.csv"
keys Enter
wait_for "exported 2 ratings to $E2E_TMP/home/mine.csv"
[ "$(wc -l < "$E2E_TMP/home/mine.csv")" = 3 ] || fail "the export has not 2 rows"
keys q
[ "$(wait_status s5)" = 0 ] || fail "the explorer did not exit 0"
echo "profiles: passed"
