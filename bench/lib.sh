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

# check_tiers PROG LIST: exits with status 2 and one line naming PROG on an unknown tier.
check_tiers() {
    local prog=$1 t
    for t in $2; do
        case $t in
        interp|cached|jit) ;;
        *) echo "$prog: unknown tier '$t' (interp, cached, jit)" >&2; exit 2 ;;
        esac
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
