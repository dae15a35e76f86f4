#!/usr/bin/env bash
# The hypervisor's benchmarks (issue 8), on kseg and on qemu-system-mipsel -M malta:
#  (a) kbench (bench/kbench.c) on the bare board (-bios kbench.bin) and as a guest of the
#      hypervisor (-kernel hv.elf -append guest=kbench, roms/guests/kbench): the cost of
#      trap-and-emulate for compute-bound code;
#  (b) exitbench (roms/guests/exitbench): N SYSCALLs, N guest TLB refills, N MFC0s, with
#      the hypervisor's exit statistics: exits per second.
#
# usage: bench/hv-bench.sh [-n RUNS] [--kseg PATH|none] [--qemu PATH|none]
#
# Builds nothing: it takes BUILD_DIR (default build)/bench/kbench{,.swapped}.bin,
# roms/hv/hv.elf, roms/bootrom.swapped.bin and kseg from there. Times are host
# wall clock between two lines of the guest's output (the benchmark's banner and its
# verdict), so neither the emulator's start-up nor the boot ROM's autoboot delay counts;
# the best of RUNS (default 3) is kept. Environment: BUILD_DIR, KSEG, QEMU, RUNS, TIMEOUT
# (seconds per run, 600). Never run by the test suite.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=${RUNS:-3}
limit=${TIMEOUT:-600}
kseg=${KSEG:-}
qemu=${QEMU:-}

usage() {
    sed -n '2,17s/^# \{0,1\}//p' "$0"
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    -n|--runs) runs=$2; shift 2 ;;
    --kseg) kseg=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "hv-bench.sh: unknown argument $1" >&2; usage ;;
    esac
done
. "$(dirname "$0")/lib.sh"
check_count hv-bench.sh "run count" "$runs"

bare=$build/bench/kbench.bin
bare_swapped=$build/bench/kbench.swapped.bin
hv=$build/roms/hv/hv.elf
bios=$build/roms/bootrom.swapped.bin
for f in "$bare" "$bare_swapped" "$hv" "$bios"; do
    [ -f "$f" ] || { echo "hv-bench.sh: no $f (build first: ninja -C $build)" >&2; exit 2; }
done
find_emulators hv-bench.sh
emulators=
[ -n "$kseg" ] && emulators="kseg"
[ -n "$qemu" ] && emulators="$emulators qemu"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# QEMU has no -kernel for a -bios firmware: the boot ROM finds hv.elf and its command line
# through the generic loader and a boot descriptor, as tests/hv/hvtest.py does (romtest.py).
qemu_loader_args() {
    python3 - "$root/tests/bootrom" "$tmp" "$hv" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import romtest
class Board:
    ram = 256 << 20
with open(sys.argv[3], "rb") as f:
    args, _ = romtest.qemu_boot_args(Board(), sys.argv[2], f.read(), cmdline=sys.argv[4])
print("\n".join(args))
PY
}

# stamp: each line of stdin prefixed with the host time it arrived at (seconds).
stamp() {
    local line
    while IFS= read -r line; do
        printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
    done
}

# run EMULATOR WHAT OUT: one run, stamped output in OUT. WHAT: bare, or the guest list.
run() {
    local emu=$1 what=$2 out=$3 args=()
    if [ "$emu" = kseg ] && [ "$what" = bare ]; then
        args=("$kseg" -M malta -m 256 -bios "$bare" -nographic -no-reboot
              -serial null -serial null -serial stdio)
    elif [ "$emu" = kseg ]; then
        args=("$kseg" -M malta -m 256 -nographic -no-reboot -serial stdio -serial null
              -serial null -kernel "$hv" -append "guest=$what")
    elif [ "$what" = bare ]; then
        args=("$qemu" -M malta -cpu 24Kc -m 256 -bios "$bare_swapped" -display none
              -monitor none -no-reboot -serial null -serial null -serial stdio)
    else
        mapfile -t loader < <(qemu_loader_args "guest=$what")
        args=("$qemu" -M malta -cpu 24Kc -m 256 -bios "$bios" -display none -monitor none
              -no-reboot -serial stdio -serial null -serial null "${loader[@]}")
    fi
    timeout "$limit" "${args[@]}" </dev/null 2>"$out.err" | stamp >"$out"
    if [ "${PIPESTATUS[0]}" -ne 0 ]; then
        echo "hv-bench.sh: $emu $what: exit status ${PIPESTATUS[0]}" >&2
        cat "$out.err" "$out" >&2
        exit 1
    fi
}

# span OUT FROM TO: seconds between the first lines matching the two patterns.
span() {
    awk -v from="$2" -v to="$3" '
        t0 == "" && $0 ~ from { t0 = $1 }
        t0 != "" && $0 ~ to { printf "%.3f\n", $1 - t0; found = 1; exit }
        END { if (!found) exit 1 }' "$1"
}

# best EMULATOR WHAT FROM TO VERDICT: runs RUNS times; prints the best span and leaves the
# output of that run in $tmp/EMULATOR.WHAT.best.
best() {
    local emu=$1 what=$2 from=$3 to=$4 verdict=$5 r t b=
    for r in $(seq "$runs"); do
        local out=$tmp/$emu.$what.$r
        run "$emu" "$what" "$out"
        grep -q "$verdict" "$out" || { echo "hv-bench.sh: $emu $what: no '$verdict'" >&2
                                       cat "$out" >&2; exit 1; }
        t=$(span "$out" "$from" "$to") || { echo "hv-bench.sh: $emu $what: no timing" >&2
                                            exit 1; }
        if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then
            b=$t
            cp "$out" "$tmp/$emu.$what.best"
        fi
    done
    echo "$b"
}

echo "(a) kbench (bench/kbench.c): bare board vs guest of the hypervisor, best of $runs,"
echo "    seconds from its banner to its verdict"
printf '%-8s %10s %10s %12s\n' emulator "bare (s)" "guest (s)" "guest/bare"
for emu in $emulators; do
    b=$(best "$emu" bare "kbench: integer kernels" "kbench: (PASS|FAIL)" "kbench: PASS") || exit 1
    g=$(best "$emu" kbench "\\[g0\\] kbench: integer kernels" "\\[g0\\] kbench: (PASS|FAIL)" \
        "\\[g0\\] kbench: PASS") || exit 1
    awk -v e="$emu" -v b="$b" -v g="$g" \
        'BEGIN { printf "%-8s %10.3f %10.3f %12.3f\n", e, b, g, g / b }'
done

echo
echo "(b) exitbench (roms/guests/exitbench), best of $runs: cost per operation in guest Count"
echo "    cycles (160 MHz) and in host wall time; exits per host second"
printf '%-8s %-8s %7s %8s %12s %10s %12s\n' emulator loop n exits "cycles/op" "us/op" \
    "exits/s"
for emu in $emulators; do
    best "$emu" exitbench "\\[g0\\] exitbench: guest up" "\\[g0\\] exitbench: done" \
        "\\[g0\\] exitbench: done" >/dev/null || exit 1
    awk -v e="$emu" '
        / \[g0\] exitbench: guest up/ { prev = $1 }
        / \[g0\] exitbench: (syscall|tlb|mfc0) n=/ {
            loop = $4; split($5, a, "="); split($7, c, "=")
            n[loop] = a[2]; per[loop] = c[2]; wall[loop] = $1 - prev; prev = $1
            order[++k] = loop }
        /hv: guest g0 statistics/ {
            match($0, /\[[0-9]+ exits/); total = substr($0, RSTART + 1, RLENGTH - 7) + 0 }
        END {
            exits["syscall"] = 5 * n["syscall"]; exits["mfc0"] = n["mfc0"]
            exits["tlb"] = total - exits["syscall"] - exits["mfc0"]
            for (i = 1; i <= k; i++) {
                l = order[i]
                printf "%-8s %-8s %7d %8d %12d %10.2f %12.0f\n", e, l, n[l], exits[l],
                       per[l], wall[l] * 1e6 / n[l], exits[l] / wall[l]
            }
            printf "%-8s %-8s %7s %8d   (the hypervisor'"'"'s count for the whole guest)\n",
                   e, "total", "", total
        }' "$tmp/$emu.exitbench.best"
done
