#!/usr/bin/env bash
# The Python bindings as CI checks them: built and installed the way a user installs
# them (pip, in a fresh virtual environment), their pytest suite run, and the
# command line's dependencies kept out of the extension.
#
# KPI_PYTHON_VENV=DIR keeps the environment in DIR (made anew) for later steps, such
# as `KPI_PYTHON=DIR/bin/python cargo test --test python`; without it a temporary
# one is removed on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

python="${PYTHON:-python3}"
if [ -n "${KPI_PYTHON_VENV:-}" ]; then
    venv="$KPI_PYTHON_VENV"
    rm -rf "$venv"
else
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    venv="$scratch/venv"
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
(cd "$repo" && "$venv/bin/python" -m pip install --quiet ./bindings/python pandas polars pyarrow pytest)

# Run from the tests' folder: `import kpi` must find the installed package, not the
# source tree's python/ folder.
(cd "$here/tests" && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)

# The extension links the library only, never the command line's crates.
tree="$(cd "$here" && cargo tree -e normal --prefix none)"
cli_crates="$(grep -E '^(clap|indicatif) ' <<<"$tree" || true)"
if [ -n "$cli_crates" ]; then
    echo "bindings/python depends on crates of the command line:" >&2
    sort -u <<<"$cli_crates" >&2
    echo "the root crate must keep them behind its cli feature (default-features = false here)" >&2
    exit 1
fi
echo "bindings/python: no command-line crate in the dependency tree"
