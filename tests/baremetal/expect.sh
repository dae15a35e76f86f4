#!/usr/bin/env bash
# Run one bare-metal image on kseg and compare its console output with an
# expected text file (line endings are normalised: the guest prints "\r\n").
#
#   expect.sh KSEG IMAGE.bin EXPECTED.txt
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/baremetal/emu.sh
. "$here/emu.sh"

if [ $# -ne 3 ]; then
    echo "usage: $0 KSEG IMAGE.bin EXPECTED.txt" >&2
    exit 2
fi
kseg=$1 image=$2 expected=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_kseg "$kseg" "$image" >"$tmp/raw.out" 2>"$tmp/kseg.err"
status=$?
tr -d '\r' <"$tmp/raw.out" >"$tmp/kseg.out"
if [ $status -ne 0 ]; then
    explain_status kseg $status
    cat "$tmp/kseg.err" >&2
    echo "--- kseg output:" >&2
    cat -v "$tmp/raw.out" >&2
    exit 1
fi
if ! cmp -s "$tmp/kseg.out" "$expected"; then
    echo "kseg output differs from $expected:" >&2
    show_diff "$tmp/kseg.out" "$expected" kseg expected
    exit 1
fi
cat "$tmp/kseg.out"
exit 0
