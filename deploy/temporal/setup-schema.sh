#!/bin/sh
# Creates Temporal's two PostgreSQL databases when they are missing and brings both schemas up to the version
# this temporal-sql-tool carries (its embedded postgresql/v12 schemas). Safe on every start: create keeps an
# existing database, setup-schema only adds missing version tables, update-schema applies only newer versions.
#
# Connection: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (read by the tool itself, so no password appears in a
# process list). Run by the `temporal-schema` service of docker-compose.yml and by `npm run stack:postgres`.
set -eu

tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
: "${SQL_HOST:?SQL_HOST is required}"

# The tool logs every statement at debug level: its output is shown only when a step fails.
step() {
  if ! output=$("$tool" "$@" 2>&1); then
    echo "$output" >&2
    echo "temporal-sql-tool $* failed" >&2
    exit 1
  fi
}

for target in "${TEMPORAL_DB:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}:visibility"; do
  db=${target%%:*}
  schema="postgresql/v12/${target##*:}"
  step --db "$db" create
  step --db "$db" setup-schema -v 0.0
  step --db "$db" update-schema --schema-name "$schema"
  echo "database $db: schema $schema up to date"
done
