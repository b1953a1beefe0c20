#!/bin/sh
# The manual check, automated: printf 'hello\n' | nc -q1 127.0.0.1 <port>
# gets "hello" back from tcp_server. Usage: nc-echo.sh <tcp_server>
set -eu
command -v nc >/dev/null || { echo "nc not installed"; exit 77; }
out=$(mktemp)
"$1" 0 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out")
reply=$(printf 'hello\n' | nc -q1 127.0.0.1 "$port")
[ "$reply" = hello ] || { echo "got '$reply'"; exit 1; }
echo "tcp_server echoed hello"
