#!/usr/bin/env bash
# The WebAssembly module as CI checks it: the wasm32 target and the wasm-bindgen
# command of the pinned version installed if missing, formatting and lints, the
# module and the playground's files built, the bindings' tests run (natively, and
# the size budget of the built module), and the command line's crates kept out of
# the module. tests/playground.rs, run by the root crate's `cargo test`, then finds
# the module built.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
pinned="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' "$here/Cargo.toml")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$pinned" ]; then
    cargo install wasm-bindgen-cli --version "$pinned"
fi

# The library itself builds for wasm32 without a warning (code kept for native
# targets only must say so).
(cd "$repo" && cargo clippy --lib --no-default-features --target wasm32-unknown-unknown -- -D warnings)
(cd "$here" && cargo fmt --check)
(cd "$here" && cargo clippy --all-targets -- -D warnings)
(cd "$here" && cargo clippy --target wasm32-unknown-unknown -- -D warnings)

"$here/build.sh"

# The budget test must not pass for want of a module: it is built just above.
(cd "$here" && KPI_REQUIRE_ALL_SUITES=1 cargo test)

tree="$(cd "$here" && cargo tree -e normal --target wasm32-unknown-unknown --prefix none)"
cli_crates="$(grep -E '^(clap|indicatif|tokio|axum|rust_xlsxwriter) ' <<<"$tree" || true)"
if [ -n "$cli_crates" ]; then
    echo "bindings/wasm depends on crates of the command line:" >&2
    sort -u <<<"$cli_crates" >&2
    exit 1
fi
echo "bindings/wasm: no command-line crate in the module"
