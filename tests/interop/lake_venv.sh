# Sourced by the lake interop run and the Parquet benchmark: lake_python prints the path of a Python
# with pyarrow, duckdb and pyiceberg from PyPI (a git-ignored venv under tests/interop/lake/.venv, made on first
# use). pyarrow is Apache Arrow's own Parquet implementation (C++), duckdb has an independent one:
# two readers and a writer that share no code with careflow's; pyiceberg reads Iceberg tables.
lake_python() {
    local venv
    venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lake/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyarrow.parquet, duckdb, pyiceberg' 2>/dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "pyarrow==21.0.0" "duckdb==1.3.2" "pyiceberg==0.9.1" >&2
    fi
    echo "$venv/bin/python"
}
