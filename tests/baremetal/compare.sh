#!/usr/bin/env bash
# Run one bare-metal image on kseg and on qemu-system-mipsel -M malta and check
# that the console output is byte-for-byte the same.
#
#   compare.sh KSEG QEMU IMAGE.bin IMAGE.swapped.bin
#
# QEMU may be "" (not installed): kseg still has to run the image cleanly, then
# the test is reported as skipped (exit 77).  QEMU swaps every 32-bit word of a
# little-endian -bios image, hence the swapped copy for it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/baremetal/emu.sh
. "$here/emu.sh"

if [ $# -ne 4 ]; then
    echo "usage: $0 KSEG QEMU IMAGE.bin IMAGE.swapped.bin" >&2
    exit 2
fi
kseg=$1 qemu=$2 image=$3 swapped=$4

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_kseg "$kseg" "$image" >"$tmp/kseg.out" 2>"$tmp/kseg.err"
status=$?
if [ $status -ne 0 ]; then
    explain_status kseg $status
    cat "$tmp/kseg.err" >&2
    echo "--- kseg output:" >&2
    cat -v "$tmp/kseg.out" >&2
    exit 1
fi
if [ ! -s "$tmp/kseg.out" ]; then
    echo "kseg: no console output" >&2
    cat "$tmp/kseg.err" >&2
    exit 1
fi

if [ -z "$qemu" ] || ! command -v "$qemu" >/dev/null 2>&1; then
    echo "qemu-system-mipsel not found: kseg ran the image, nothing to compare with" >&2
    cat -v "$tmp/kseg.out"
    exit 77
fi

run_qemu "$qemu" "$swapped" >"$tmp/qemu.out" 2>"$tmp/qemu.err"
status=$?
if [ $status -ne 0 ]; then
    explain_status qemu $status
    cat "$tmp/qemu.err" >&2
    exit 1
fi

if ! cmp -s "$tmp/kseg.out" "$tmp/qemu.out"; then
    echo "kseg and QEMU printed different output:" >&2
    show_diff "$tmp/kseg.out" "$tmp/qemu.out" kseg qemu
    exit 1
fi
echo "kseg and QEMU agree ($(wc -l <"$tmp/kseg.out") lines):"
cat -v "$tmp/kseg.out"
exit 0
