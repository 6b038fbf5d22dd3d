#!/usr/bin/env bash
# End-to-end test of the terminal backend alone (no engine): key, mouse and resize
# decoding in a real terminal, background messages while idle, colours and NO_COLOR,
# clean errors without a terminal, and terminal restoration on q, Ctrl-C and SIGTERM.
# Uses the hidden `explore --key-echo` diagnostic, which prints every decoded event.
source "$(dirname "$0")/lib.bash"
echo "terminal backend (key echo) with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
T0=$(now_ms)

step "no terminal on stdin: one clear line, exit 2"
set +e
out="$(echo | "$BIN" explore --key-echo 2>&1)"; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "exit status $rc, expected 2"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line, got: $out"
grep -q "standard input is not one" <<<"$out" || fail "unexpected message: $out"

step "TERM unset or unknown: one clear line, exit 2"
start noterm 80 24 sh -c "env -u TERM '$BIN' explore --key-echo 2>&1; echo rc=\$?; TERM=no-such-term '$BIN' explore --key-echo 2>&1; echo rc=\$?"
wait_status noterm >/dev/null
screen | grep -q "TERM is not set" || fail "no message for an unset TERM"
screen | grep -q "unknown terminal type 'no-such-term'" || fail "no message for an unknown TERM"
[ "$(screen | grep -c '^rc=2$')" -eq 2 ] || fail "both must exit 2"

step "keys decode in a real terminal"
start echo 120 40 env RECSYS_TUI_FRAME_STATS="$E2E_TMP/stats" "$BIN" explore --key-echo
wait_for "key echo — q quits"
wait_for "event: resize 120x40"
wait_for "background ticks: 20"     # 20 messages posted from a background thread while no key was pressed
keys Up;        wait_for "event: key(RecsysUI.Key.up)"
keys NPage;     wait_for "event: key(RecsysUI.Key.pageDown)"
keys End;       wait_for "event: key(RecsysUI.Key.end)"
keys BTab;      wait_for "event: key(RecsysUI.Key.backTab)"
keys BSpace;    wait_for "event: key(RecsysUI.Key.backspace)"
keys DC;        wait_for "event: key(RecsysUI.Key.delete)"
keys F5;        wait_for "event: key(RecsysUI.Key.function(5))"
keys C-a;       wait_for 'event: key(RecsysUI.Key.ctrl("a"))'
keys Escape;    wait_for "event: key(RecsysUI.Key.escape)"
keys M-x Tab;   wait_for "event: key(RecsysUI.Key.tab)"
screen | grep -q 'char("x")' && fail "Alt-x must not read as Esc then x"
literal "é漢";  wait_for 'event: key(RecsysUI.Key.char("漢"))'
screen | grep -qF 'event: key(RecsysUI.Key.char("é"))' || fail "é not decoded"

step "mouse click and wheel (X10 reports)"
literal $'\e[M #%'; wait_for "event: mouse(RecsysUI.MouseEvent.click(x: 2, y: 4))"
literal $'\e[Ma#%'; wait_for "event: mouse(RecsysUI.MouseEvent.wheelDown(x: 2, y: 4))"

step "colours on, wide characters drawn whole"
tm capture-pane -p -e -t echo | head -1 | grep -q $'\e\\[[0-9;]*9[0-7]m\\|\e\\[[0-9;]*3[0-7]m\\|38;5' || fail "no colour escape in the title line"
screen | head -1 | grep -qF "漢字テスト ok" || fail "wide characters garbled"

step "resize to 60x15 and back"
resize 60 15; wait_for "event: resize 60x15"
resize 120 40; wait_for "event: resize 120x40"

step "q quits with status 0 and the terminal is restored"
keys q
[ "$(wait_status echo)" = 0 ] || fail "exit status was not 0"
grep -q "first_frame_ms=" "$E2E_TMP/stats" || fail "no frame stats written"
echo "    frame stats: $(cat "$E2E_TMP/stats")"

step "NO_COLOR: attributes only"
start mono 80 24 env NO_COLOR=1 "$BIN" explore --key-echo
wait_for "key echo — q quits"
title="$(tm capture-pane -p -e -t mono | head -1)"
grep -q $'\e\\[1m' <<<"$title" || fail "bold missing under NO_COLOR"
grep -q $'\e\\[[0-9;]*9[0-7]m\\|\e\\[[0-9;]*3[0-7]m\\|38;5' <<<"$title" && fail "colour used despite NO_COLOR"
keys q; [ "$(wait_status mono)" = 0 ] || fail "exit status was not 0"

step "Ctrl-C and SIGTERM restore the terminal"
# Two runs in one shell; each exit status goes to a file (the second run's screen would hide an echo).
start sig 80 24 sh -c "'$BIN' explore --key-echo; echo \$? > '$E2E_TMP/rc1'; '$BIN' explore --key-echo; echo \$? > '$E2E_TMP/rc2'; stty -a"
wait_for "key echo — q quits"
keys C-c
wait_file() {
  local end=$(( $(now_ms) + E2E_DEADLINE_DEFAULT * 1000 ))
  until [ -s "$1" ]; do [ "$(now_ms)" -lt "$end" ] || fail "$1 was not written"; sleep 0.02; done
}
wait_file "$E2E_TMP/rc1"
[ "$(cat "$E2E_TMP/rc1")" = 130 ] || fail "Ctrl-C: exit status $(cat "$E2E_TMP/rc1"), expected 130"
wait_for "key echo — q quits"       # the second run
pid="$(program_pid)"; [ -n "$pid" ] || fail "no program pid"
kill -TERM "$pid"
wait_file "$E2E_TMP/rc2"
[ "$(cat "$E2E_TMP/rc2")" = 143 ] || fail "SIGTERM: exit status $(cat "$E2E_TMP/rc2"), expected 143"
wait_for "speed"                    # stty -a ran in the restored terminal
screen | grep -q -- " icanon" || fail "terminal left in raw mode"
screen | grep -q -- " echo " || fail "terminal left without echo"

echo "terminal backend: passed in $(( $(now_ms) - T0 )) ms"
