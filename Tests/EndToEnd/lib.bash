# Shared helpers for the end-to-end tests (sourced, not run: the name does not end in .sh).
#
# Each test drives the release binary inside tmux on a private socket, polls the
# screen with capture-pane until the expected text appears or a deadline passes
# (no fixed sleeps), and always kills its tmux server on exit.
set -euo pipefail

E2E_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
if [ -z "${RECSYS_TUI_BIN:-}" ]; then
  RECSYS_TUI_BIN="$(cd "$E2E_ROOT" && swift build -c release --show-bin-path)/recsys-tui"
fi
[ -x "$RECSYS_TUI_BIN" ] || { echo "FAIL: no binary at $RECSYS_TUI_BIN (run swift build -c release)"; exit 1; }
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed"; exit 1; }

E2E_SOCKET="recsys-e2e-$$"
E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/recsys-e2e.XXXXXX")"
E2E_SESSION=""
E2E_DEADLINE_DEFAULT="${E2E_DEADLINE:-10}"
E2E_STEP=""
# Model and dataset caches go to the test's own folder: never ~/.cache, and every run starts cold.
export XDG_CACHE_HOME="$E2E_TMP/cache"

e2e_cleanup() {
  tmux -L "$E2E_SOCKET" kill-server >/dev/null 2>&1 || true
  rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

tm() { tmux -L "$E2E_SOCKET" "$@"; }

# Prints the current screen (for failure messages).
screen() { tm capture-pane -p -t "$E2E_SESSION" 2>/dev/null || true; }

fail() {
  echo "FAIL [$E2E_STEP]: $*" >&2
  echo "---- screen ----" >&2
  screen >&2
  echo "----------------" >&2
  exit 1
}

step() { E2E_STEP="$1"; echo "  - $1"; }

# start NAME WIDTH HEIGHT COMMAND... : runs COMMAND in a new detached session; its exit
# status is written to $E2E_TMP/NAME.status when it ends.
start() {
  local name="$1" w="$2" h="$3"; shift 3
  E2E_SESSION="$name"
  rm -f "$E2E_TMP/$name.status"
  local cmd
  cmd="$(printf '%q ' "$@")"
  tm -f /dev/null new-session -d -s "$name" -x "$w" -y "$h" \
    "cd $(printf '%q' "$E2E_ROOT") && $cmd; echo \$? > $(printf '%q' "$E2E_TMP/$name.status"); sleep 30"
}

now_ms() { date +%s%3N; }

# wait_for TEXT [SECONDS]: polls until TEXT (fixed string) is on screen.
wait_for() {
  local text="$1" limit="${2:-$E2E_DEADLINE_DEFAULT}"
  local end=$(( $(now_ms) + limit * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do
    if screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.02
  done
  fail "'$text' did not appear within ${limit}s"
}

# wait_gone TEXT [SECONDS]: polls until TEXT is no longer on screen.
wait_gone() {
  local text="$1" limit="${2:-$E2E_DEADLINE_DEFAULT}"
  local end=$(( $(now_ms) + limit * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do
    if ! screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.02
  done
  fail "'$text' was still on screen after ${limit}s"
}

# wait_status NAME [SECONDS]: waits for the program to end and prints its exit status.
wait_status() {
  local name="$1" limit="${2:-$E2E_DEADLINE_DEFAULT}"
  local end=$(( $(now_ms) + limit * 1000 ))
  while [ "$(now_ms)" -lt "$end" ]; do
    if [ -s "$E2E_TMP/$name.status" ]; then cat "$E2E_TMP/$name.status"; return 0; fi
    sleep 0.02
  done
  fail "the program did not exit within ${limit}s"
}

keys() { tm send-keys -t "$E2E_SESSION" "$@"; }
literal() { tm send-keys -t "$E2E_SESSION" -l -- "$1"; }

resize() { tm resize-window -t "$E2E_SESSION" -x "$1" -y "$2"; }

# The pid of the recsys-tui process running (at any depth) under the session's pane.
program_pid() {
  local root
  root="$(tm display -p -t "$E2E_SESSION" '#{pane_pid}')"
  ps -e -o pid=,ppid=,comm= | awk -v root="$root" '
    { parent[$1] = $2; name[$1] = $3 }
    END {
      for (p in name) {
        if (name[p] != "recsys-tui") continue
        q = p
        while (q != "" && q != 0 && q != 1) { if (q == root) { print p; exit } ; q = parent[q] }
      }
    }'
}
