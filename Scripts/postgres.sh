#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the tests, the chaos test and the benchmark:
#   Scripts/postgres.sh start   installs PostgreSQL from Debian's packages when it is missing,
#                               makes a cluster in $REIN_PG_DIR (default /tmp/rein-pg), starts
#                               it on 127.0.0.1:$REIN_PG_PORT (default 54329), and prints the URL
#   Scripts/postgres.sh stop    stops it and removes the cluster
# The server keeps its defaults for durability (fsync, synchronous_commit, full_page_writes on):
# what Rein acknowledges must be on disk, in tests too.
set -euo pipefail
dir=${REIN_PG_DIR:-/tmp/rein-pg}
port=${REIN_PG_PORT:-54329}

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/pg_ctl" ]; then bin=$candidate; fi
done

# As root, the server runs as the `postgres` user (it refuses to run as root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -z "$bin" ]; then
      echo "== installing postgresql (Debian)" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      for candidate in /usr/lib/postgresql/*/bin; do bin=$candidate; done
    fi
    if [ -e "$dir/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir" -m immediate stop >&2 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir" -U rein --auth=trust --no-sync -E UTF8 >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=300" start >&2
    echo "postgres://rein@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
  stop)
    if [ -n "$bin" ] && [ -e "$dir/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >&2; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: Scripts/postgres.sh start|stop" >&2
    exit 2
    ;;
esac
