#!/usr/bin/env bash
# Time Debian's Malta Linux booting to the initramfs shell and powering off, on every kseg
# tier and on qemu-system-mipsel -M malta, and compare.
#
# usage: bench/linux-boot.sh [-n RUNS] [--kseg PATH|none] [--qemu PATH|none] [--images DIR]
#                            [--tiers "interp cached jit"]
#
# The images come from scripts/get-images.sh (DIR defaults to $KSEG_IMAGES, else
# ~/.cache/kseg-images).  Each run boots with the initramfs's scripted mode, which powers off
# (poweroff -f) as soon as the session starts, with no input:
#   EMU -M malta [-cpu 24Kc] -m 256 -kernel vmlinuz -initrd initrd.gz -nographic -no-reboot \
#       -append 'console=ttyS0 kseg_cmd="poweroff -f"'        (kseg also gets -stats)
# and must print KSEG-INIT-READY and exit with status 0.  Printed: the best wall time of each
# emulator to the marker line and to its exit (process start included), the kernel's uptime
# at power-off (its own clock), the peak RSS (KiB, getrusage of the child), every run's time
# to exit, and the ratio to QEMU.  Speed is never a test: this is the benchmark only.
# kseg is looked for at build/kseg, build/src/kseg (BUILD_DIR replaces "build"), QEMU on PATH;
# kseg runs once per tier (-accel NAME, each a row "kseg-NAME").
# Environment: BUILD_DIR, KSEG, QEMU, KSEG_IMAGES, RUNS (default 3), TIERS, TIMEOUT (seconds
# per run, default 600).
set -u
export LC_ALL=C    # a decimal point in EPOCHREALTIME and printf

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=${RUNS:-3}
limit=${TIMEOUT:-600}
kseg=${KSEG:-}
qemu=${QEMU:-}
tiers=${TIERS:-}
images=${KSEG_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/kseg-images}

usage() {
    sed -n '2,20s/^# \{0,1\}//p' "$0"
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    -n|--runs) runs=$2; shift 2 ;;
    --kseg) kseg=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    --tiers) tiers=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "linux-boot.sh: unknown argument $1" >&2; usage ;;
    esac
done
. "$(dirname "$0")/lib.sh"
check_count linux-boot.sh "run count" "$runs"

need_images linux-boot.sh "$images"
find_emulators linux-boot.sh
settle_tiers linux-boot.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

append='console=ttyS0 kseg_cmd="poweroff -f"'

# run_one NAME RUN: one boot (NAME: kseg-TIER or qemu); leaves NAME.RUN.marker and
# NAME.RUN.exit (seconds), NAME.RUN.rss (KiB), .out, .err
run_one() {
    local name=$1 run=$2 t0 t1 line status= marker=
    local out=$tmp/$name.$run.out err=$tmp/$name.$run.err
    local -a argv
    if [ "$name" != qemu ]; then
        argv=("$kseg" -M malta -m 256 -stats -accel "${name#kseg-}")
    else
        argv=("$qemu" -M malta -cpu 24Kc -m 256)
    fi
    argv+=(-kernel "$images/vmlinuz" -initrd "$images/initrd.gz" -append "$append"
           -nographic -no-reboot)
    : >"$out"
    t0=$EPOCHREALTIME
    # The emulator's exit status arrives as the last line; the marker is timed as it is read.
    while IFS= read -r line; do
        line=${line%$'\r'}
        case $line in
        @@STATUS\ *) status=${line#@@STATUS }; t1=$EPOCHREALTIME; continue ;;
        KSEG-INIT-READY*) [ -n "$marker" ] || marker=$EPOCHREALTIME ;;
        esac
        printf '%s\n' "$line" >>"$out"
    done < <(peak_rss "$tmp/$name.$run.rss" timeout "$limit" "${argv[@]}" </dev/null 2>"$err"
             echo "@@STATUS $?")
    if [ "$status" != 0 ]; then
        [ "$status" = 124 ] && echo "$name: run $run timed out after ${limit}s" >&2 \
            || echo "$name: run $run exited with status $status" >&2
        tail -n 20 "$err" >&2
        tail -n 40 "$out" >&2
        exit 1
    fi
    if [ -z "$marker" ]; then
        echo "$name: run $run ended without printing KSEG-INIT-READY:" >&2
        tail -n 40 "$out" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$marker" 'BEGIN { printf "%.3f\n", b - a }' >"$tmp/$name.$run.marker"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >"$tmp/$name.$run.exit"
    sed -n 's/^\[ *\([0-9.]*\)\] reboot: Power down.*/\1/p' "$out" | head -n 1 >"$tmp/$name.$run.uptime"
}

list_emulators

for run in $(seq 1 "$runs"); do
    for name in "${emulators[@]}"; do
        printf '%s run %d/%d ... ' "$name" "$run" "$runs" >&2
        run_one "$name" "$run"
        echo "marker $(cat "$tmp/$name.$run.marker") s, exit $(cat "$tmp/$name.$run.exit") s," \
            "peak RSS $(cat "$tmp/$name.$run.rss") KiB" >&2
    done
done

best() { sort -n "$tmp/$1".*."$2" | head -n 1; }
# the kernel's uptime at power-off in the run fastest to exit
uptime_of_best() {
    local f b u
    b=$(best "$1" exit)
    for f in "$tmp/$1".*.exit; do
        if [ "$(cat "$f")" = "$b" ]; then
            u=$(cat "${f%.exit}.uptime")
            if [ -n "$u" ]; then printf '%.3f\n' "$u"; else echo -; fi
            return
        fi
    done
}
all_times() { cat "$tmp/$1".*.exit | tr '\n' ' '; }
peak() { sort -n "$tmp/$1".*.rss | tail -n 1; }

kernel=$(basename "$(readlink -f "$images/vmlinuz")")
echo
echo "linux-boot: $kernel to the initramfs shell and poweroff, best of $runs run(s), wall time"
printf '%-12s %11s %10s %8s %11s %10s %10s   %s\n' emulator "marker (s)" "exit (s)" "x qemu" \
    "uptime (s)" "RSS (MiB)" "x qemu" "all runs to exit (s)"
qexit= qrss=
if [ -n "$qemu" ]; then qexit=$(best qemu exit); qrss=$(peak qemu); fi
for name in "${emulators[@]}"; do
    e=$(best "$name" exit)
    r=$(peak "$name")
    xt=- xr=-
    [ -z "$qexit" ] || xt=$(awk -v a="$e" -v b="$qexit" 'BEGIN { printf "%.2f", a / b }')
    [ -z "$qrss" ] || xr=$(awk -v a="$r" -v b="$qrss" 'BEGIN { printf "%.2f", a / b }')
    printf '%-12s %11s %10s %8s %11s %10s %10s   %s\n' "$name" "$(best "$name" marker)" "$e" "$xt" \
        "$(uptime_of_best "$name")" "$(awk -v k="$r" 'BEGIN { printf "%.1f", k / 1024 }')" "$xr" \
        "$(all_times "$name")"
done
echo "x qemu: time to exit and peak RSS (the largest of the runs) over QEMU's"
for name in "${emulators[@]}"; do
    [ "$name" = qemu ] && continue
    stats=$(grep -hEo 'kseg: [0-9]+ instructions in [0-9.]+ s \([0-9.]+ MIPS\)' "$tmp/$name".*.err | tail -n 1)
    [ -z "$stats" ] || echo "$name -stats (last run): ${stats#kseg: }"
done
