#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's server, in a temporary directory,
# listening on 127.0.0.1 only, fsync off (nothing in it outlives the run).
# Usage: scripts/postgres.sh start DIR [tls]   prints the cluster's URL (trust auth, user postgres)
#        scripts/postgres.sh stop DIR          stops it and removes DIR
# With tls the cluster also offers TLS, with a certificate for IP:127.0.0.1 and DNS:localhost
# signed by a throwaway CA (DIR/ca.crt, the root to trust); DIR/other-ca.crt is an unrelated
# CA (a wrong root). It listens on 127.0.0.2 as well (loopback too, not in the certificate).
# As root the cluster runs as the postgres user (initdb refuses root).
set -euo pipefail
command=${1:?usage: scripts/postgres.sh start|stop DIR}
dir=${2:?usage: scripts/postgres.sh start|stop DIR}
variant=${3:-}
case "$variant" in ""|tls) ;; *) echo "usage: scripts/postgres.sh start DIR [tls]" >&2; exit 2 ;; esac

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
  listen=127.0.0.1
  tls_options=""
  if [ "$variant" = tls ]; then
    command -v openssl >/dev/null || { echo "postgres.sh: tls needs openssl (scripts/setup installs it)" >&2; exit 1; }
    # Every file is made here and only read by the server; the key the server's alone.
    (
      cd "$dir"
      for ca in ca other-ca; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -sha256 \
          -subj "/CN=Switchboard test $ca" -keyout "$ca.key" -out "$ca.crt" \
          -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
      done
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout server.key -out server.csr 2>/dev/null
      printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
      openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -sha256 \
        -extfile server.ext -out server.crt 2>/dev/null
      rm -f server.csr server.ext ca.srl ca.key other-ca.key
      chmod 0600 server.key
      chmod 0644 server.crt ca.crt other-ca.crt
      if [ "$(id -u)" -eq 0 ]; then chown postgres server.key server.crt; fi
    ) || { echo "postgres.sh: could not make the TLS certificates" >&2; exit 1; }
    listen="'127.0.0.1,127.0.0.2'"
    "${as_owner[@]}" sh -c "echo 'host all all 127.0.0.2/32 trust' >>'$dir/data/pg_hba.conf'"
    tls_options="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
  fi
  # Text order must not depend on the server's locale: the schema says COLLATE "C" itself.
  # The free port is picked before the server binds it: another process may take it
  # meanwhile, so a failed start tries another port (three times).
  for attempt in 1 2 3; do
    if "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=$listen -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 $tls_options" \
      start >/dev/null; then
      break
    fi
    [ "$attempt" -lt 3 ] || { cat "$dir/server.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  done
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
  echo "usage: scripts/postgres.sh start|stop DIR [tls]" >&2; exit 2 ;;
esac
