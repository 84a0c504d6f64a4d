#!/usr/bin/env bash
# Creates or updates the Debezium PostgreSQL connector on a Kafka Connect cluster:
#   connect/register-connector.sh [CONNECT_URL]     (default $CONNECT_URL, else http://localhost:8083)
# Waits for Connect's REST API to answer, then PUTs the config of debezium-postgres.json to
# /connectors/<name>/config (create or update, idempotent) and prints the connector's status.
# ${env:...} placeholders are resolved by Connect's EnvVarConfigProvider on the workers
# (config.providers=env); export POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_API_KEY and SCHEMA_REGISTRY_API_SECRET there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
connect="${1:-${CONNECT_URL:-http://localhost:8083}}"
config_file="$here/debezium-postgres.json"
wait_seconds="${CONNECT_WAIT_SECONDS:-120}"

command -v curl >/dev/null || { echo "register-connector: needs curl" >&2; exit 2; }
command -v python3 >/dev/null || { echo "register-connector: needs python3 (to read $config_file)" >&2; exit 2; }

name="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config_file")"
config="$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]))' "$config_file")"

echo "waiting for Kafka Connect at $connect (up to ${wait_seconds}s)..."
deadline=$((SECONDS + wait_seconds))
until curl -sf "$connect/connector-plugins" >/dev/null; do
    if ((SECONDS >= deadline)); then
        echo "register-connector: Kafka Connect at $connect did not answer within ${wait_seconds}s" >&2
        exit 1
    fi
    sleep 2
done
if ! curl -sf "$connect/connector-plugins" | grep -q 'io.debezium.connector.postgresql.PostgresConnector'; then
    echo "register-connector: $connect has no Debezium PostgreSQL connector plugin installed" >&2
    exit 1
fi

response="$(mktemp)"
trap 'rm -f "$response"' EXIT
code="$(curl -s -o "$response" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data "$config" "$connect/connectors/$name/config")"
case "$code" in
    200) echo "updated connector $name" ;;
    201) echo "created connector $name" ;;
    *) echo "register-connector: PUT $connect/connectors/$name/config answered $code: $(cat "$response")" >&2; exit 1 ;;
esac
sleep 2
curl -s "$connect/connectors/$name/status"; echo
