#!/usr/bin/env bash
# Time a Linux user workload (busybox sha256sum, gzip and sort over generated data) inside
# Debian's Malta kernel and the busybox initramfs, on every kseg tier and on
# qemu-system-mipsel -M malta, and compare.
#
# usage: bench/linux-work.sh [-n RUNS] [--kseg PATH|none] [--qemu PATH|none] [--images DIR]
#                            [--tiers "interp cached jit"] [--mb MIB]
#
# The images come from scripts/get-images.sh (an initramfs with /etc/kseg/work.sh: run the
# script again after updating kseg if its initrd predates it).  Each run boots with
#   EMU -M malta [-cpu 24Kc] -m 256 -kernel vmlinuz -initrd initrd.gz -nographic -no-reboot \
#       -append 'console=ttyS0 kseg_run=work kseg_mb=MIB'      (kseg also -stats -accel T)
# The guest makes MIB MiB (default 8) of data from its busybox binary, then runs sha256sum on
# it, gzip -c | wc -c, and sort on od's text of it, printing KSEG-WORK-START and
# KSEG-WORK-DONE <step> <result> around each; the host times every step from those lines
# (host time: the guest's clock on kseg is virtual) and checks that every run of every
# emulator prints the same results.  Then poweroff -f.  Printed: per emulator the best time
# of each step, of the three together, and to exit, with the ratio to QEMU; the peak RSS.
# Speed is never a test: this is the benchmark only.
# Environment: BUILD_DIR, KSEG, QEMU, KSEG_IMAGES, RUNS (default 3), TIERS, TIMEOUT (seconds
# per run, default 900).
set -u
export LC_ALL=C    # a decimal point in EPOCHREALTIME and printf

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=${RUNS:-3}
limit=${TIMEOUT:-900}
kseg=${KSEG:-}
qemu=${QEMU:-}
tiers=${TIERS:-}
mb=8
images=${KSEG_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/kseg-images}
steps="sha256 gzip sort"

usage() {
    sed -n '2,22s/^# \{0,1\}//p' "$0"
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    -n|--runs) runs=$2; shift 2 ;;
    --kseg) kseg=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    --tiers) tiers=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "linux-work.sh: unknown argument $1" >&2; usage ;;
    esac
done
. "$(dirname "$0")/lib.sh"
check_count linux-work.sh "run count" "$runs"
check_count linux-work.sh size "$mb"

need_images linux-work.sh "$images"
find_emulators linux-work.sh
settle_tiers linux-work.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

append="console=ttyS0 kseg_run=work kseg_mb=$mb"

# run_one NAME RUN: one boot (NAME: kseg-TIER or qemu); leaves NAME.RUN.STEP (seconds),
# NAME.RUN.exit, NAME.RUN.rss (KiB), NAME.RUN.results, .out, .err
run_one() {
    local name=$1 run=$2 t0 t1 now line status= step start=
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
    : >"$tmp/$name.$run.results"
    t0=$EPOCHREALTIME
    # Each step is timed as its lines are read; the exit status arrives as the last line.
    while IFS= read -r line; do
        now=$EPOCHREALTIME
        line=${line%$'\r'}
        case $line in
        @@STATUS\ *) status=${line#@@STATUS }; t1=$now; continue ;;
        KSEG-WORK-START\ *) start=$now ;;
        KSEG-WORK-DONE\ *)
            step=${line#KSEG-WORK-DONE }
            step=${step%% *}
            awk -v a="$start" -v b="$now" 'BEGIN { printf "%.3f\n", b - a }' \
                >"$tmp/$name.$run.$step"
            echo "$line" >>"$tmp/$name.$run.results"
            ;;
        KSEG-WORK-DATA*) echo "$line" >>"$tmp/$name.$run.results" ;;
        esac
        printf '%s\n' "$line" >>"$out"
    done < <(peak_rss "$tmp/$name.$run.rss" timeout "$limit" "${argv[@]}" </dev/null 2>"$err"
             echo "@@STATUS $?")
    if [ "$status" != 0 ] || ! grep -q '^KSEG-WORK-END' "$out"; then
        if [ "$status" = 124 ]; then echo "$name: run $run timed out after ${limit}s" >&2
        elif [ "$status" != 0 ]; then echo "$name: run $run exited with status $status" >&2
        else echo "$name: run $run did not finish the workload (no KSEG-WORK-END):" >&2
        fi
        tail -n 20 "$err" >&2
        tail -n 40 "$out" >&2
        exit 1
    fi
    for step in $steps; do
        if [ ! -f "$tmp/$name.$run.$step" ]; then
            echo "$name: run $run has no result for $step (initrd without work.sh? run" \
                 "scripts/get-images.sh)" >&2
            exit 1
        fi
    done
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >"$tmp/$name.$run.exit"
}

list_emulators

reference=
for run in $(seq 1 "$runs"); do
    for name in "${emulators[@]}"; do
        printf '%s run %d/%d ... ' "$name" "$run" "$runs" >&2
        run_one "$name" "$run"
        for step in $steps; do printf '%s %s s, ' "$step" "$(cat "$tmp/$name.$run.$step")" >&2; done
        echo "exit $(cat "$tmp/$name.$run.exit") s, peak RSS $(cat "$tmp/$name.$run.rss") KiB" >&2
        if [ -z "$reference" ]; then
            reference=$tmp/$name.$run.results
        elif ! cmp -s "$reference" "$tmp/$name.$run.results"; then
            echo "linux-work.sh: $name run $run printed different results:" >&2
            diff -u "$reference" "$tmp/$name.$run.results" >&2
            exit 1
        fi
    done
done

# Per run, the three steps together.
for f in "$tmp"/*.exit; do
    base=${f%.exit}
    cat "$base.sha256" "$base.gzip" "$base.sort" | awk '{ s += $1 } END { printf "%.3f\n", s }' \
        >"$base.work"
done

best() { sort -n "$tmp/$1".*."$2" | head -n 1; }
peak() { sort -n "$tmp/$1".*.rss | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

kernel=$(basename "$(readlink -f "$images/vmlinuz")")
echo
echo "linux-work: $kernel, busybox over $mb MiB, best of $runs run(s), host wall time (s)"
sed 's/^KSEG-WORK-//' "$reference" | tr '\n' ';' | sed 's/;$/\n/; s/;/; /g'
printf '%-12s %9s %9s %9s %9s %8s %9s %8s %9s\n' emulator sha256 gzip sort work "x qemu" exit \
    "x qemu" "RSS MiB"
for name in "${emulators[@]}"; do
    w=$(best "$name" work) e=$(best "$name" exit)
    xw=- xe=-
    if [ -n "$qemu" ]; then
        xw=$(ratio "$w" "$(best qemu work)")
        xe=$(ratio "$e" "$(best qemu exit)")
    fi
    printf '%-12s %9s %9s %9s %9s %8s %9s %8s %9s\n' "$name" "$(best "$name" sha256)" \
        "$(best "$name" gzip)" "$(best "$name" sort)" "$w" "$xw" "$e" "$xe" \
        "$(awk -v k="$(peak "$name")" 'BEGIN { printf "%.1f", k / 1024 }')"
done
echo "work: the three steps (best run); exit: boot, data, work and poweroff; x qemu: over QEMU's"
for name in "${emulators[@]}"; do
    [ "$name" = qemu ] && continue
    stats=$(grep -hEo 'kseg: [0-9]+ instructions in [0-9.]+ s \([0-9.]+ MIPS\)' "$tmp/$name".*.err | tail -n 1)
    [ -z "$stats" ] || echo "$name -stats (last run): ${stats#kseg: }"
done
