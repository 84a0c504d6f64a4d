# Sourced by the ML interop run and the ML benchmark: ml_python prints the path of a Python with
# statsmodels from PyPI (a git-ignored venv under tests/interop/ml/.venv, made on first use).
# pandas and scipy are pinned below the releases statsmodels 0.14.4 cannot import.
ml_python() {
    local venv
    venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ml/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import statsmodels' 2>/dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "statsmodels==0.14.4" "numpy<2.3" "pandas<2.3" "scipy<1.16" >&2
    fi
    echo "$venv/bin/python"
}
