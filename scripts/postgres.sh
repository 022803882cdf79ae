#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's server, in a temporary directory,
# listening on 127.0.0.1 only, fsync off (nothing in it outlives the run).
# Usage: scripts/postgres.sh start DIR   prints the cluster's URL (trust auth, user postgres)
#        scripts/postgres.sh stop DIR    stops it and removes DIR
# As root the cluster runs as the postgres user (initdb refuses root).
set -euo pipefail
command=${1:?usage: scripts/postgres.sh start|stop DIR}
dir=${2:?usage: scripts/postgres.sh start|stop DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "postgres.sh: no PostgreSQL server in /usr/lib/postgresql (scripts/setup installs it)" >&2; exit 1; }
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

case "$command" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # One role that must give a password (the wrong-password tests), ahead of the trust lines:
  # the first line that matches decides.
  "${as_owner[@]}" sed -i '1i host all sb_password 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
  # Text order must not depend on the server's locale: the schema says COLLATE "C" itself.
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: scripts/postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
