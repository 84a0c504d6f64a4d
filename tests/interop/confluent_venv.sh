# Sourced by the interop runs that need Confluent's own Python clients: confluent_python prints the
# path of a Python with confluent-kafka[avro,json,schemaregistry] from PyPI (json: jsonschema, for
# its JSON Schema serde) (a git-ignored venv under
# tests/interop/registry/.venv, made on first use). confluent-kafka bundles its own librdkafka, so
# its consumer is a client independent of careflow's.
confluent_python() {
    local venv
    venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/registry/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import confluent_kafka, fastavro, httpx, jsonschema' 2>/dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "confluent-kafka[avro,json,schemaregistry]==2.16.1" >&2
    fi
    echo "$venv/bin/python"
}
