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
