#!/usr/bin/env bash
# Benchmark (not a test): `recsys-tui serve` under wrk on loopback, side by side with the CLI.
#
#   Tests/Bench/serve-bench.sh [DATA] [ALGORITHMS]
#   DATA        a dataset folder (default /work/shared/datasets/ml-100k; MovieLens files are never committed)
#   ALGORITHMS  comma-separated (default ease,svd,two-tower)
#   env: DURATION (s, default 60), CONNECTIONS (default 16), WRK_THREADS (default 1), RECSYS_TUI_BIN
#
# For each algorithm: train and save a model, serve it, drive POST /v1/recommend with a
# 20-rating profile and n = 10 for DURATION seconds, sample the server's RSS every second, then
# time `recommend --model --profile` (the same 20 ratings imported into a profile) in the same run.
# Prints one summary line per algorithm: req/s, p50/p99, errors, RSS first/last 10 s, CLI time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
DATA="${1:-/work/shared/datasets/ml-100k}"
ALGOS="${2:-ease,svd,two-tower}"
DURATION="${DURATION:-60}"
CONNECTIONS="${CONNECTIONS:-16}"
WRK_THREADS="${WRK_THREADS:-1}"
BIN="${RECSYS_TUI_BIN:-$(cd "$ROOT" && swift build -c release --show-bin-path)/recsys-tui}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
[ -x "$BIN" ] || { echo "no binary at $BIN (swift build -c release)"; exit 1; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/serve-bench.XXXXXX")"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# The profile: the first 20 ratings of the dataset's first user, as a request body and a ratings file.
"$BIN" info --data "$DATA" --format json >/dev/null   # fails early on a bad dataset
python3 - "$DATA" "$TMP" <<'PY'
import os, sys
data, tmp = sys.argv[1], sys.argv[2]
path = os.path.join(data, "u.data") if os.path.exists(os.path.join(data, "u.data")) else os.path.join(data, "ratings.csv")
sep = "\t" if path.endswith("u.data") else ","
rows = []
for line in open(path, encoding="latin-1"):
    f = line.strip().split(sep)
    if not f[0].isdigit(): continue
    if rows and f[0] != rows[0][0]: continue
    rows.append(f)
    if len(rows) == 20: break
with open(os.path.join(tmp, "profile.csv"), "w") as out:
    out.write("user,item,rating\n")
    for f in rows: out.write(f"bench,{f[1]},{f[2]}\n")
ratings = ", ".join(f'{{"item": "{f[1]}", "rating": {f[2]}}}' for f in rows)
open(os.path.join(tmp, "ratings.json"), "w").write(ratings)
PY
"$BIN" profile import bench "$TMP/profile.csv" --db "$TMP/cli.sqlite" >/dev/null

echo "serve bench: $DATA, $DURATION s per algorithm, wrk -t$WRK_THREADS -c$CONNECTIONS, $(nproc) cores, $(date -u +%FT%TZ)"
for ALGO in ${ALGOS//,/ }; do
  MODEL="$TMP/$ALGO.rsm"
  "$BIN" train --data "$DATA" --algorithm "$ALGO" --out "$MODEL" --quiet >/dev/null
  printf '{"ratings": [%s], "algorithm": "%s", "n": 10}' "$(cat "$TMP/ratings.json")" "$ALGO" > "$TMP/body.json"
  cat > "$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$TMP/body.json"); wrk.body = f:read("*a"); f:close()
LUA
  "$BIN" serve --data "$DATA" --model "$MODEL" --port 0 --db "$TMP/serve.sqlite" 2>"$TMP/serve.log" &
  SERVER_PID=$!
  for _ in $(seq 1 600); do grep -q "at http://" "$TMP/serve.log" && break; sleep 0.1; done
  URL="$(grep -o 'http://[^ ]*' "$TMP/serve.log" | head -1)"
  [ -n "$URL" ] || { cat "$TMP/serve.log"; exit 1; }
  code="$(curl -s -o "$TMP/first.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMP/body.json" "$URL/v1/recommend")"
  [ "$code" = 200 ] || { echo "$ALGO: first request answered $code: $(cat "$TMP/first.json")"; exit 1; }
  # RSS every second while wrk runs.
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; sleep 1; done ) > "$TMP/rss.txt" 2>/dev/null &
  RSS_PID=$!
  cpu0="$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$TMP/post.lua" "$URL/v1/recommend" > "$TMP/wrk.txt"
  cpu1="$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"
  kill "$RSS_PID" 2>/dev/null || true; wait "$RSS_PID" 2>/dev/null || true
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || echo "$ALGO: serve exited $?"; SERVER_PID=""
  # The CLI on the same model and profile, one process per answer.
  RUNS=10
  t0=$(date +%s%N)
  for _ in $(seq 1 $RUNS); do
    "$BIN" recommend --data "$DATA" --model "$MODEL" --profile bench --db "$TMP/cli.sqlite" -n 10 --format json > "$TMP/cli.json"
  done
  cli_ms=$(( ($(date +%s%N) - t0) / RUNS / 1000000 ))
  python3 - "$ALGO" "$TMP/wrk.txt" "$TMP/rss.txt" "$cli_ms" "$TMP/first.json" "$TMP/cli.json" "$(grep -c ' 200 ' "$TMP/serve.log")" "$(( cpu1 - cpu0 ))" "$(getconf CLK_TCK)" <<'PY'
import json, re, sys
algo, wrk, rss, cli_ms, first, cli, logged, ticks, hz = sys.argv[1:]
text = open(wrk).read()
def grab(pattern, default="0"):
    m = re.search(pattern, text); return m.group(1) if m else default
def ms(s):
    v = float(re.match(r"[\d.]+", s).group()); return v / 1000 if s.endswith("us") else v * 1000 if s.endswith("s") and not s.endswith("ms") else v
rps = float(grab(r"Requests/sec:\s+([\d.]+)"))
total = int(grab(r"(\d+) requests in"))
non2xx = int(grab(r"Non-2xx or 3xx responses: (\d+)"))
sock = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", grab(r"Socket errors: (.*)", "")))
kinds = grab(r"Socket errors: (.*)", "none")
p50, p99 = ms(grab(r"50%\s+(\S+)")), ms(grab(r"99%\s+(\S+)"))
samples = [int(x) for x in open(rss).read().split()]
a, b = samples[:10], samples[-10:]
first_rss, last_rss = sum(a) / len(a) / 1024, sum(b) / len(b) / 1024
same = json.load(open(first))["items"] == json.load(open(cli))["items"]
# Server CPU per request (user + system): what 2 cores would give if nothing else ran.
cpu_ms = int(ticks) * 1000 / int(hz) / max(1, total)
print(f"{algo:10s} {rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  errors {non2xx + sock} of {total} (non-2xx {non2xx}; socket: {kinds})  "
      f"RSS {first_rss:6.1f} → {last_rss:6.1f} MiB ({(last_rss / first_rss - 1) * 100:+.1f}%)  "
      f"CLI recommend --model {cli_ms} ms/answer ({1000 / max(1, int(cli_ms)):.1f}/s)  "
      f"server/CLI {rps * int(cli_ms) / 1000:.0f}×  server CPU {cpu_ms:.3f} ms/req (2 free cores: {2000 / cpu_ms:.0f} req/s)  "
      f"same items as CLI: {same}  log lines {logged}")
PY
done
