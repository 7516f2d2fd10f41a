#!/usr/bin/env bash
# schemathesis against rein-serve with the server's own OpenAPI document (docs/SERVE.md):
# generated requests, valid and not, as an agent, an executor and an admin; no answer may be a 5xx, and
# every status, content type and body must be as the document says.
#
#   Scripts/schemathesis.sh [EXAMPLES]    EXAMPLES per operation (default 100)
#
# Uses the built rein-serve (swift build --show-bin-path). schemathesis is installed from PyPI
# into .venv-ci/ (git-ignored) on first use. Exit status: 0 all held, 1 schemathesis found a
# failure, 2 the server could not be started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
examples=${1:-100}
venv=$root/.venv-ci
if [ ! -x "$venv/bin/schemathesis" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check schemathesis
fi
bin=$(cd "$root" && swift build --show-bin-path)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
# Effects go to a webhook nobody listens on: they stay pending, retried, which is all this
# run needs of them.
cat > "$work/rein-serve.yaml" <<YAML
tokens:
  - {name: agent-runtime, role: agent, sha256: "$(hash st-agent-token)"}
  - {name: executor, role: executor, sha256: "$(hash st-executor-token)"}
  - {name: ops, role: admin, sha256: "$(hash st-admin-token)"}
executors:
  webhook: {url: "http://127.0.0.1:9/rein-effects", secret_env: REIN_WEBHOOK_SECRET}
YAML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REIN_WEBHOOK_SECRET=schemathesis-secret "$bin/rein-serve" --config "$work/rein-serve.yaml" --bundle "$root/policies" --bundle "$root/runbooks" \
  --listen "127.0.0.1:$port" --data "$work/data" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" > /dev/null && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/server.log" >&2; echo "schemathesis: rein-serve did not start" >&2; exit 2; }
status=0
for token in st-agent-token st-executor-token st-admin-token; do
  echo "== schemathesis as ${token%-token}"
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.yaml" --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" --max-examples "$examples" --seed 1 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    || status=1
done
exit $status
