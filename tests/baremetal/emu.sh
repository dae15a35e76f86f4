# shellcheck shell=bash
# Shell functions shared by the bare-metal test scripts (sourced, not run).
#
# Both emulators get the CBUS UART (the third serial port) on stdout and stop
# at the guest's software reset thanks to -no-reboot.

: "${BAREMETAL_TIMEOUT:=30}"

# run_kseg KSEG IMAGE.bin [extra args...]: stdout = guest console
run_kseg() {
    local emu=$1 image=$2
    shift 2
    timeout "$BAREMETAL_TIMEOUT" "$emu" -M malta -m 256 -bios "$image" -nographic \
        -no-reboot -serial null -serial null -serial stdio "$@" </dev/null
}

# run_qemu QEMU IMAGE.swapped.bin [extra args...]: stdout = guest console
run_qemu() {
    local emu=$1 image=$2
    shift 2
    timeout "$BAREMETAL_TIMEOUT" "$emu" -M malta -cpu 24Kc -m 256 -bios "$image" -display none \
        -monitor none -no-reboot -serial null -serial null -serial stdio "$@" </dev/null
}

# explain_status NAME STATUS: message for a non-zero exit status
explain_status() {
    if [ "$2" -eq 124 ]; then
        echo "$1: timed out after ${BAREMETAL_TIMEOUT}s" >&2
    else
        echo "$1: exited with status $2" >&2
    fi
}

# show_diff A B LABEL_A LABEL_B: unified diff with control characters visible
show_diff() {
    diff -u --label "$3" --label "$4" <(cat -v "$1") <(cat -v "$2") >&2 || true
}
