#!/bin/sh
# Set-up in one command on a fresh Debian 12 machine: installs what is missing (as root, or
# through sudo), builds, then either runs kseg or passes the whole test suite.
#
#   scripts/kseg.sh run [KSEG OPTIONS]   build and run build/kseg (default: the embedded boot ROM)
#   scripts/kseg.sh test                 build and run every test, then the sanitizer build
#   scripts/kseg.sh build                only install and build
set -eu
cd "$(dirname "$0")/.."

PACKAGES="meson ninja-build gcc pkg-config python3 libglib2.0-dev libcapstone-dev
libcmocka-dev libunicorn-dev libslirp-dev gcc-mipsel-linux-gnu binutils-mipsel-linux-gnu
qemu-system-mips gdb-multiarch make"

install_missing() {
    missing=""
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "kseg.sh: installing$missing" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() {
    dir=$1; shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
    ninja -C "$dir" -j2
}

# meson's own summary has no line CI runners read: add the plain "N passed, N failed".
run_tests() {
    dir=$1; shift
    status=0
    meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || status=$?
    python3 - "$dir/meson-logs/testlog.json" <<'PY' || true
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1]) if line.strip()]
passed = sum(r in ("OK", "EXPECTEDFAIL") for r in results)
skipped = sum(r == "SKIP" for r in results)
failed = len(results) - passed - skipped
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
PY
    return $status
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
install_missing
case "$cmd" in
build)
    build build
    ;;
run)
    build build
    [ $# -gt 0 ] || set -- -nographic
    exec build/kseg "$@"
    ;;
test)
    build build
    # Debian's Malta kernel, U-Boot and busybox, fetched once into a cache outside the tree.
    scripts/get-images.sh >/dev/null ||
        echo "kseg.sh: images unavailable; the Linux and U-Boot tests will skip" >&2
    run_tests build
    # The core again under AddressSanitizer and UndefinedBehaviorSanitizer: unit, ISA and
    # differential tests (the ones that exercise kseg's own code paths hardest).
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        run_tests build-asan --suite unit --suite isa --suite isa-cached --suite diff --suite system
    ;;
*)
    echo "usage: scripts/kseg.sh run [KSEG OPTIONS] | test | build" >&2
    exit 2
    ;;
esac
