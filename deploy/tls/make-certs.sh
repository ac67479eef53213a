#!/bin/sh
# The certificates for mTLS between our processes and the Temporal frontend: a private CA, the server's
# certificate (the frontend, and the server's own services among themselves), and one client certificate per
# caller (worker, relay, cli, ui, admin). Run by the one-shot `temporal-certs` service of docker-compose.yml;
# safe on every start: whatever exists and still verifies is kept. Needs only `openssl`.
#
#   CA_DIR     where the CA key and certificate live (default /ca): mounted by this step alone
#   CERTS_DIR  what the services mount read-only (default /certs): ca.pem, <name>.pem, <name>.key
#   TLS_SERVER_NAME  the frontend's name as clients dial it (default temporal, the compose service)
#   TLS_CLIENTS      the client certificates to make (default "worker relay cli ui admin")
#   TLS_DAYS         validity of server and client certificates (default 397); the CA gets 10 years
# To renew: delete CERTS_DIR's files (or the CA_DIR too, to replace the CA) and run again, then restart.
set -eu

ca_dir=${CA_DIR:-/ca}
out=${CERTS_DIR:-/certs}
server_name=${TLS_SERVER_NAME:-temporal}
clients=${TLS_CLIENTS:-worker relay cli ui admin}
days=${TLS_DAYS:-397}

mkdir -p "$ca_dir" "$out"
chmod 0700 "$ca_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$ca_dir/ca.key" ] || [ ! -f "$ca_dir/ca.pem" ]; then
  echo "making the CA in $ca_dir"
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$ca_dir/ca.key")
  openssl req -x509 -new -key "$ca_dir/ca.key" -sha256 -days 3650 -subj "/CN=payouts Temporal CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$ca_dir/ca.pem"
fi
cp "$ca_dir/ca.pem" "$out/ca.pem"

# issue <file name> <common name> <extended key usage> [subjectAltName]
issue() {
  name=$1
  if [ -f "$out/$name.pem" ] && [ -f "$out/$name.key" ] &&
    openssl verify -CAfile "$out/ca.pem" "$out/$name.pem" >/dev/null 2>&1; then
    return 0
  fi
  echo "issuing $name ($2)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$3"
    if [ -n "${4:-}" ]; then echo "subjectAltName=$4"; fi
  } >"$work/$name.ext"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/CN=$2" -out "$work/$name.csr"
  openssl x509 -req -in "$work/$name.csr" -CA "$ca_dir/ca.pem" -CAkey "$ca_dir/ca.key" \
    -CAserial "$ca_dir/ca.srl" -CAcreateserial -days "$days" -sha256 -extfile "$work/$name.ext" -out "$out/$name.pem"
}

# The server presents it to clients and to itself (its services talk to each other over the same TLS).
issue server "$server_name" serverAuth,clientAuth "DNS:$server_name,DNS:localhost,IP:127.0.0.1"
for client in $clients; do
  issue "$client" "payouts-$client" clientAuth
done
# The services run as their own users (the Temporal images' and ours): readable by all of them. The volume is
# mounted by the services of this stack only and published nowhere; the CA key is not in it.
chmod 0644 "$out"/*.pem "$out"/*.key
echo "certificates in $out: $(cd "$out" && ls | tr '\n' ' ')"
