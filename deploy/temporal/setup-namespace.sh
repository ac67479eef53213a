#!/bin/sh
# Waits for the Temporal frontend, creates the namespace when it is missing, and registers each search
# attribute the payout workflows write (PAYOUTS_SEARCH_ATTRIBUTES: "Name=Type ..."), skipping those already
# there. Safe on every start. Run by the `temporal-setup` service of docker-compose.yml and by
# `npm run stack:postgres`, with the `temporal` CLI (TEMPORAL_CLI names another binary).
set -eu

cli=${TEMPORAL_CLI:-temporal}
address=${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-720h}
attributes=${PAYOUTS_SEARCH_ATTRIBUTES:?PAYOUTS_SEARCH_ATTRIBUTES is required}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

retry() {
  # retry <what> <command...>: up to 60 attempts, 2 s apart (the server may still be joining its ring).
  what=$1
  shift
  attempt=1
  until "$@" >"$out" 2>&1; do
    if [ "$attempt" -ge 60 ]; then
      cat "$out" >&2
      echo "$what: gave up after $attempt attempts" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

retry "cluster health on $address" "$cli" operator cluster health --address "$address"
echo "Temporal at $address is serving"

if "$cli" operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  retry "create namespace $namespace" \
    "$cli" operator namespace create --address "$address" --namespace "$namespace" --retention "$retention"
  echo "namespace $namespace created (retention $retention)"
fi

for attribute in $attributes; do
  name=${attribute%%=*}
  type=${attribute#*=}
  # A new namespace reaches every frontend's cache within seconds; until then the list may fail too.
  retry "list search attributes" "$cli" operator search-attribute list --address "$address" --namespace "$namespace"
  if grep -qw "$name" "$out"; then
    echo "search attribute $name exists"
  else
    retry "create search attribute $name" "$cli" operator search-attribute create \
      --address "$address" --namespace "$namespace" --name "$name" --type "$type"
    echo "search attribute $name ($type) created"
  fi
done
