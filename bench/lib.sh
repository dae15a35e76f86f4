# Shared by the benchmark scripts (sourced, not run).

# find_emulators PROG: settles $kseg and $qemu as the scripts' options left them. Empty:
# look for kseg in $build (build/kseg, build/src/kseg) and for qemu-system-mipsel on PATH;
# "none": leave that emulator out. Exits with status 2 and one line naming PROG when the
# kseg given is not executable or neither emulator is there.
find_emulators() {
    local prog=$1 candidate
    if [ -z "$kseg" ]; then
        for candidate in "$build/kseg" "$build/src/kseg"; do
            if [ -x "$candidate" ]; then kseg=$candidate; break; fi
        done
    fi
    [ -n "$qemu" ] || qemu=$(command -v qemu-system-mipsel || true)
    [ "$kseg" = none ] && kseg=
    [ "$qemu" = none ] && qemu=
    if [ -n "$kseg" ] && [ ! -x "$kseg" ]; then
        echo "$prog: kseg '$kseg' is not executable" >&2; exit 2
    fi
    if [ -z "$kseg" ] && [ -z "$qemu" ]; then
        echo "$prog: neither kseg nor qemu-system-mipsel found" >&2; exit 2
    fi
    return 0
}

# The kseg tiers the benchmarks run (-accel), unless --tiers or TIERS names others.
KSEG_TIERS="interp cached jit"

# settle_tiers PROG: $tiers as --tiers or TIERS left it, else KSEG_TIERS; exits with status 2
# and one line naming PROG on an unknown tier.
settle_tiers() {
    local prog=$1 t
    tiers=${tiers:-$KSEG_TIERS}
    for t in $tiers; do
        case $t in
        interp|cached|jit) ;;
        *) echo "$prog: unknown tier '$t' (interp, cached, jit)" >&2; exit 2 ;;
        esac
    done
}

# list_emulators: the array `emulators`, the rows a benchmark runs: kseg-TIER for each of
# $tiers (when there is a kseg), then qemu (when there is one).
list_emulators() {
    local t
    emulators=()
    if [ -n "$kseg" ]; then
        for t in $tiers; do emulators+=("kseg-$t"); done
    fi
    [ -n "$qemu" ] && emulators+=(qemu)
    return 0
}

# check_count PROG WHAT VALUE: exits with status 2 and "PROG: bad WHAT 'VALUE'" unless VALUE
# is a whole number above 0.
check_count() {
    case $3 in ''|*[!0-9]*|0) echo "$1: bad $2 '$3'" >&2; exit 2 ;; esac
}

# need_images PROG DIR: exits with status 2 and one line naming PROG unless DIR holds
# Debian's kernel and initramfs (scripts/get-images.sh).
need_images() {
    local f
    for f in vmlinuz initrd.gz; do
        if [ ! -f "$2/$f" ]; then
            echo "$1: no $2/$f (run scripts/get-images.sh first)" >&2
            exit 2
        fi
    done
}

# peak_rss FILE CMD...: runs CMD (stdin, stdout and stderr as given), writes the peak resident
# set size of CMD and everything it waited for (KiB, getrusage(RUSAGE_CHILDREN): no `time`
# program needed) to FILE, and exits with CMD's status.
peak_rss() {
    python3 -c '
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(status if status >= 0 else 128 - status)' "$@"
}
