# Sourced by the lake interop run and the Parquet benchmark: lake_python prints the path of a Python
# with pyarrow, duckdb, fastparquet, pyiceberg and moto from PyPI (a git-ignored venv under
# tests/interop/lake/.venv, made on first use). pyarrow is Apache Arrow's own Parquet implementation
# (C++), duckdb and fastparquet have independent ones: three readers and a writer that share no code
# with careflow's; pyiceberg reads Iceberg tables; moto's server is the S3 the lake is tested on.
lake_python() {
    local venv
    venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lake/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyarrow.parquet, duckdb, pyiceberg, fastparquet, moto, flask' 2>/dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "pyarrow==21.0.0" "duckdb==1.3.2" "pyiceberg==0.9.1" "fastparquet==2026.9.0" "moto[server]==5.2.6" >&2
    fi
    echo "$venv/bin/python"
}
