#!/bin/sh
# Runs one fuzz target for a while, starting from its committed seeds.
#
#   fuzz/run.sh TARGET SECONDS [LIBFUZZER_FLAG...]
#
# TARGET is compile, load_csv, load_json, eval, population or periods; extra flags (such as -max_len=4096
# or -runs=1000) are passed on to libFuzzer.
#
# Seeds in fuzz/seeds/TARGET are copied into fuzz/corpus/TARGET (gitignored, kept
# between runs); crashes land in fuzz/artifacts/TARGET. Needs cargo-fuzz and the
# nightly toolchain. Run one fuzzer at a time.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 TARGET SECONDS [LIBFUZZER_FLAG...]" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2
cd "$(dirname "$0")/.."
mkdir -p "fuzz/corpus/$target"
if [ -d "fuzz/seeds/$target" ]; then
    cp -n "fuzz/seeds/$target"/* "fuzz/corpus/$target/" 2>/dev/null || true
fi
exec cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 "$@"
