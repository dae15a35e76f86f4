#!/usr/bin/env bash
# Run the kbench image on every kseg tier and on qemu-system-mipsel -M malta, check
# that all print the same (correct) results and compare their wall times.
#
# usage: bench/run.sh [-n RUNS] [--kseg PATH|none] [--qemu PATH|none]
#                     [--tiers "interp cached jit"] [KBENCH.bin [KBENCH.swapped.bin]]
#
# Builds nothing: by default it takes build/bench/kbench.bin and
# build/bench/kbench.swapped.bin (BUILD_DIR overrides "build") and the kseg
# executable at build/kseg or build/src/kseg, run once per tier (-accel).  Either
# emulator may be missing; the table then shows the other one only.
# Environment: BUILD_DIR, KSEG, QEMU, RUNS, TIERS, TIMEOUT (seconds per run, 600).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=${RUNS:-3}
limit=${TIMEOUT:-600}
kseg=${KSEG:-}
qemu=${QEMU:-}
tiers=${TIERS:-}
image=
swapped=

usage() {
    sed -n '2,14s/^# \{0,1\}//p' "$0"
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    -n|--runs) runs=$2; shift 2 ;;
    --kseg) kseg=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --tiers) tiers=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *)
        if [ -z "$image" ]; then image=$1
        elif [ -z "$swapped" ]; then swapped=$1
        else usage
        fi
        shift ;;
    esac
done
. "$(dirname "$0")/lib.sh"
check_count run.sh "run count" "$runs"

[ -n "$image" ] || image=$build/bench/kbench.bin
if [ -z "$swapped" ]; then
    swapped=${image%.bin}.swapped.bin
fi
find_emulators run.sh
settle_tiers run.sh
if [ -n "$kseg" ] && [ ! -f "$image" ]; then
    echo "run.sh: no image $image (build first: ninja -C $build)" >&2; exit 2
fi
if [ -n "$qemu" ] && [ ! -f "$swapped" ]; then
    echo "run.sh: no swapped image $swapped (build first: ninja -C $build)" >&2; exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }

# run_one NAME RUN: runs the emulator once (NAME: kseg-TIER or qemu); leaves
# NAME.RUN.{out,err,time}
run_one() {
    local name=$1 run=$2 status t0 t1
    local out=$tmp/$name.$run.out err=$tmp/$name.$run.err
    t0=$(now_ns)
    if [ "$name" != qemu ]; then
        timeout "$limit" "$kseg" -M malta -m 256 -bios "$image" -nographic \
            -no-reboot -serial null -serial null -serial stdio -stats -accel "${name#kseg-}" \
            </dev/null >"$out.raw" 2>"$err"
    else
        timeout "$limit" "$qemu" -M malta -cpu 24Kc -m 256 -bios "$swapped" -display none \
            -monitor none -no-reboot -serial null -serial null -serial stdio \
            </dev/null >"$out.raw" 2>"$err"
    fi
    status=$?
    t1=$(now_ns)
    tr -d '\r' <"$out.raw" >"$out"
    if [ $status -ne 0 ]; then
        [ $status -eq 124 ] && echo "$name: run $run timed out after ${limit}s" >&2 \
            || echo "$name: run $run exited with status $status" >&2
        cat "$err" >&2
        cat "$out" >&2
        exit 1
    fi
    if ! grep -q '^kbench: PASS$' "$out"; then
        echo "$name: run $run did not print 'kbench: PASS':" >&2
        cat "$out" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' >"$tmp/$name.$run.time"
}

list_emulators

reference=
for run in $(seq 1 "$runs"); do
    for name in "${emulators[@]}"; do
        printf '%s run %d/%d ... ' "$name" "$run" "$runs" >&2
        run_one "$name" "$run"
        cat "$tmp/$name.$run.time" >&2
        if [ -z "$reference" ]; then
            reference=$tmp/$name.$run.out
        elif ! cmp -s "$reference" "$tmp/$name.$run.out"; then
            echo "run.sh: $name run $run printed different results:" >&2
            diff -u --label "$(basename "$reference" .out)" --label "$name.$run" \
                "$reference" "$tmp/$name.$run.out" >&2
            exit 1
        fi
    done
done

best() { sort -n "$tmp/$1".*.time | head -n 1; }
all_times() { cat "$tmp/$1".*.time | tr '\n' ' '; }

# kseg -stats: "kseg: <N> instructions in <S> s (<M> MIPS)"; per tier, from its
# fastest run.
# stats_of NAME: "<N> <M>" or nothing
stats_of() {
    local f b stats
    b=$(best "$1")
    for f in "$tmp/$1".*.time; do
        if [ "$(cat "$f")" = "$b" ]; then
            stats=$(grep -Eo 'kseg: [0-9]+ instructions in [0-9.]+ s \([0-9.]+ MIPS\)' \
                    "${f%.time}.err" | tail -n 1)
            [ -z "$stats" ] || echo "$stats" | awk '{ print $2, substr($7, 2) }'
            return
        fi
    done
}
insns=
for name in "${emulators[@]}"; do
    [ "$name" = qemu ] && continue
    st=$(stats_of "$name")
    [ -n "$insns" ] || insns=${st%% *}
done

echo
echo "kbench: $(basename "$image"), best of $runs run(s), wall time including start-up"
echo "results: $(grep -c ' ok$' "$reference") kernels ok, the same in all ${#emulators[@]}x$runs run(s)"
printf '%-12s %10s %10s %12s %12s   %s\n' emulator "best (s)" "x qemu" "guest MIPS" "-stats MIPS" \
    "all runs (s)"
qbest=
[ -n "$qemu" ] && qbest=$(best qemu)
for name in "${emulators[@]}"; do
    b=$(best "$name")
    m=-
    [ -z "$insns" ] || m=$(awk -v n="$insns" -v t="$b" 'BEGIN { printf "%.0f", n / t / 1e6 }')
    ratio=-
    [ -z "$qbest" ] || ratio=$(awk -v k="$b" -v q="$qbest" 'BEGIN { printf "%.2f", k / q }')
    sm=-
    if [ "$name" != qemu ]; then
        st=$(stats_of "$name")
        [ -z "$st" ] || sm=${st#* }
    fi
    printf '%-12s %10s %10s %12s %12s   %s\n' "$name" "$b" "$ratio" "$m" "$sm" "$(all_times "$name")"
done
if [ -n "$insns" ]; then
    echo "guest instructions (kseg -stats): $insns; x qemu: wall time over QEMU's (below 1: faster)"
elif [ -n "$kseg" ]; then
    echo "kseg -stats: no 'kseg: N instructions in S s (M MIPS)' line on stderr"
fi
