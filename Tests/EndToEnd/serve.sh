#!/usr/bin/env bash
# End-to-end test of `recsys-tui serve` with the release binary on the bundled sample data:
# a trained model served on a free port, answers equal to the CLI's `recommend --model`, the
# request log, the bind warning, the bearer token, a clean SIGTERM that finishes a request in
# flight, and kill -9 during a stream of PUTs losing nothing that was answered 2xx.
# Needs curl and python3 (the writer client); no tmux.
source "$(dirname "$0")/lib.bash"
echo "serve with $RECSYS_TUI_BIN"
BIN="$RECSYS_TUI_BIN"
T0=$(now_ms)
command -v curl >/dev/null || { echo "FAIL: curl is not installed"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed"; exit 1; }

SERVER_PID=""
serve_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -9 "$SERVER_PID" 2>/dev/null || true; fi
  e2e_cleanup
}
trap serve_cleanup EXIT

# start_server LOG ARGS...: starts `serve --port 0 ARGS` in the background, waits for its
# "serving … at http://HOST:PORT" line and sets SERVER_PID and URL.
start_server() {
  local log="$1"; shift
  "$BIN" serve --port 0 "$@" 2>"$log" &
  SERVER_PID=$!
  local end=$(( $(now_ms) + 20000 ))
  while [ "$(now_ms)" -lt "$end" ]; do
    if grep -q "at http://" "$log"; then
      URL="$(grep -o 'http://[^ ]*' "$log" | head -1)"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; fail "server exited early"; }
    sleep 0.05
  done
  cat "$log" >&2
  fail "server did not start"
}

step "train an EASE model to serve"
"$BIN" train --algorithm ease --out "$E2E_TMP/ease.rsm" --quiet >/dev/null

step "serve it: answers equal recommend --model, one log line per request"
echo "s3cret" > "$E2E_TMP/token"
start_server "$E2E_TMP/serve.log" --model "$E2E_TMP/ease.rsm" --algorithm popularity --db "$E2E_TMP/p.sqlite" \
  --token "$E2E_TMP/token"
[ "$(curl -s "$URL/healthz")" = '{"status": "ok"}' ] || fail "healthz"
curl -s "$URL/v1/recommend?user=7&n=5" > "$E2E_TMP/api.json"
"$BIN" recommend --user 7 --model "$E2E_TMP/ease.rsm" -n 5 --format json > "$E2E_TMP/cli.json"
python3 - "$E2E_TMP/api.json" "$E2E_TMP/cli.json" <<'PY' || fail "API and CLI listings differ"
import json, sys
api, cli = (json.load(open(p)) for p in sys.argv[1:])
assert api["items"] == cli["items"], (api, cli)
assert api["algorithm"] == cli["algorithm"] == "ease" and api["user"] == cli["user"] == "7"
PY
grep -q "GET /v1/recommend 200 [0-9.]* ms" "$E2E_TMP/serve.log" || fail "no request log line: $(cat "$E2E_TMP/serve.log")"
code="$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/recommend?user=7&algorithm=popularity")"
[ "$code" = 200 ] || fail "popularity answered $code"

step "writes need the token, reads do not"
code="$(curl -s -o "$E2E_TMP/out" -w '%{http_code}' -X PUT -d '{"rating": 5}' "$URL/v1/profiles/ann/ratings/1")"
[ "$code" = 401 ] || fail "PUT without token answered $code"
grep -q '"error": "unauthorized"' "$E2E_TMP/out" || fail "401 body: $(cat "$E2E_TMP/out")"
code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret' -X PUT -d '{"rating": 5}' \
  "$URL/v1/profiles/ann/ratings/1")"
[ "$code" = 200 ] || fail "PUT with token answered $code"
"$BIN" profile export ann --db "$E2E_TMP/p.sqlite" | grep -q "^ann,1,5" || fail "rating not in the store"

step "SIGTERM finishes the request in flight, then exits 0"
python3 -c 'print("{\"rating\": 4" + " " * 6000 + "}", end="")' > "$E2E_TMP/slow.json"
curl -s -o "$E2E_TMP/slow.out" -w '%{http_code}' --limit-rate 4k -H 'Authorization: Bearer s3cret' \
  -H 'Content-Type: application/json' -X PUT --data-binary @"$E2E_TMP/slow.json" \
  "$URL/v1/profiles/ann/ratings/2" > "$E2E_TMP/slow.code" &
CURL_PID=$!
sleep 0.5   # the upload takes about 1.5 s at 4 kB/s
kill -TERM "$SERVER_PID"
wait "$CURL_PID" || true
[ "$(cat "$E2E_TMP/slow.code")" = 200 ] || fail "request in flight answered $(cat "$E2E_TMP/slow.code")"
set +e; wait "$SERVER_PID"; rc=$?; set -e
SERVER_PID=""
[ "$rc" -eq 0 ] || fail "serve exited $rc after SIGTERM"
"$BIN" profile export ann --db "$E2E_TMP/p.sqlite" | grep -q "^ann,2,4" || fail "in-flight rating not stored"

step "binding beyond loopback warns"
start_server "$E2E_TMP/wide.log" --host 0.0.0.0 --algorithm popularity --db "$E2E_TMP/p.sqlite"
grep -q "warning: binding 0.0.0.0 makes the API reachable" "$E2E_TMP/wide.log" || fail "no warning: $(cat "$E2E_TMP/wide.log")"
kill -INT "$SERVER_PID"; wait "$SERVER_PID" || fail "SIGINT exit status $?"; SERVER_PID=""

step "bad setup: one line, exit 2"
set +e
out="$("$BIN" serve --model "$E2E_TMP/token" --port 0 2>&1)"; rc=$?
set -e
[ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "bad model file: rc $rc, $out"
grep -q "$E2E_TMP/token" <<<"$out" || fail "message does not name the file: $out"

step "kill -9 during concurrent PUTs loses nothing answered 2xx"
start_server "$E2E_TMP/kill.log" --model "$E2E_TMP/ease.rsm" --db "$E2E_TMP/k.sqlite"
python3 - "$URL" "$E2E_TMP/acked" <<'PY' &
import http.client, sys, threading, urllib.parse
url, out = sys.argv[1], sys.argv[2]
host = urllib.parse.urlparse(url)
acked, lock = [], threading.Lock()
def writer(k):
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=5)
    for n in range(195):  # every (profile, item) written once: the last value is the only one
        item = str(1 + n * 4 + k)
        value = 1 + (n + k) % 5
        try:
            conn.request("PUT", f"/v1/profiles/w{k}/ratings/{item}", body=f'{{"rating": {value}}}')
            r = conn.getresponse(); r.read()
        except Exception:
            return
        if r.status == 200:
            with lock: acked.append((f"w{k}", item, value))
threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
# Each (profile, item) keeps its last acknowledged value.
last = {}
for p, i, v in acked: last[(p, i)] = v
with open(out, "w") as f:
    for (p, i), v in sorted(last.items()): f.write(f"{p},{i},{v}\n")
print(f"{len(acked)} PUTs answered 200 before the kill")
PY
WRITER_PID=$!
end=$(( $(now_ms) + 10000 ))
until grep -c "PUT /v1/profiles" "$E2E_TMP/kill.log" 2>/dev/null | awk '{exit !($1 >= 200)}'; do
  [ "$(now_ms)" -lt "$end" ] || fail "writers did not get going"
  sleep 0.05
done
kill -9 "$SERVER_PID"; SERVER_PID=""
wait "$WRITER_PID" || fail "writer client failed"
[ -s "$E2E_TMP/acked" ] || fail "no acknowledged PUTs"
for k in 0 1 2 3; do "$BIN" profile export "w$k" --db "$E2E_TMP/k.sqlite"; done > "$E2E_TMP/stored.csv"
python3 - "$E2E_TMP/acked" "$E2E_TMP/stored.csv" <<'PY' || fail "acknowledged ratings were lost"
import csv, sys
stored = {}
for row in csv.reader(open(sys.argv[2])):
    if row and row[0] != "user": stored[(row[0], row[1])] = float(row[2])
lost = [l for l in open(sys.argv[1]).read().split() if stored.get(tuple(l.split(",")[:2])) != float(l.split(",")[2])]
assert not lost, f"{len(lost)} lost, e.g. {lost[:5]}"
print(f"all {sum(1 for _ in open(sys.argv[1]))} acknowledged (profile, item) ratings are in the store")
PY

echo "serve: all passed in $(( $(now_ms) - T0 )) ms"
