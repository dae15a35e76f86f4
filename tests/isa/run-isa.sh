#!/bin/sh
# run-isa.sh <kseg|qemu> <emulator-binary> <image> [EMULATOR OPTIONS...]
#
# Runs one ISA test image on the Malta board and passes when the output holds
# "PASS: " and no "FAIL".  Exit 0 pass, 1 fail, 77 (meson's "skip") when the
# emulator binary is missing.  Further options go to the emulator (kseg's
# -accel NAME: the suites isa-cached and isa-jit run every test on those tiers).
#
# kseg takes the plain <name>.bin.  QEMU wants every 32-bit word of a little-endian
# -bios image byte-swapped, so give it <name>.swapped.bin (meson builds both); given a
# plain .bin, the script makes the swapped copy itself with mipsel-linux-gnu-objcopy.

set -u

TIMEOUT=60      # seconds; every test finishes in well under one on QEMU

if [ $# -lt 3 ]; then
    echo "usage: $0 <kseg|qemu> <emulator-binary> <image> [EMULATOR OPTIONS...]" >&2
    exit 2
fi
mode=$1
emu=$2
image=$3
shift 3

if ! command -v "$emu" >/dev/null 2>&1; then
    echo "SKIP: emulator '$emu' not found"
    exit 77
fi
if [ ! -f "$image" ]; then
    echo "FAIL: image '$image' not found"
    exit 1
fi

tmp=
cleanup() { [ -n "$tmp" ] && rm -f "$tmp"; }
trap cleanup EXIT

case $mode in
kseg)
    set -- "$emu" -M malta -m 256 -bios "$image" -nographic -no-reboot \
        -serial null -serial null -serial stdio "$@"
    ;;
qemu)
    case $image in
    *.swapped.bin) ;;
    *)
        tmp=$(mktemp "${TMPDIR:-/tmp}/isa-swapped.XXXXXX") || exit 1
        mipsel-linux-gnu-objcopy -I binary -O binary --reverse-bytes=4 \
            "$image" "$tmp" || exit 1
        image=$tmp
        ;;
    esac
    # -cpu 24Kc: kseg models the 24Kc (no FPU); QEMU's Malta defaults to the 24Kf.
    set -- "$emu" -M malta -cpu 24Kc -m 256 -bios "$image" -display none -monitor none \
        -no-reboot -serial null -serial null -serial stdio "$@"
    ;;
*)
    echo "usage: $0 <kseg|qemu> <emulator-binary> <image> [EMULATOR OPTIONS...]" >&2
    exit 2
    ;;
esac

out=$(timeout "$TIMEOUT" "$@" </dev/null 2>&1)
rc=$?
printf '%s\n' "$out"

if [ $rc -eq 124 ]; then
    echo "FAIL: timed out after ${TIMEOUT}s"
    exit 1
fi
case $out in
*FAIL*) exit 1 ;;
*"PASS: "*) exit 0 ;;
esac
echo "FAIL: no result line (emulator exit status $rc)"
exit 1
