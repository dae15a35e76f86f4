# shellcheck shell=bash
# Shell functions shared by the bare-metal test scripts (sourced, not run).
#
# Both emulators get the console on stdout and stop at the guest's software
# reset thanks to -no-reboot.  The console is the CBUS UART (the third serial
# port) unless BAREMETAL_CONSOLE=superio: then it is SuperIO UART A (ISA port
# 0x3F8, the first serial port).

: "${BAREMETAL_TIMEOUT:=30}"
: "${BAREMETAL_CONSOLE:=cbus}"

# serial_args: the three -serial options for the chosen console
serial_args() {
    case $BAREMETAL_CONSOLE in
    superio) echo "-serial stdio -serial null -serial null" ;;
    *) echo "-serial null -serial null -serial stdio" ;;
    esac
}

# run_kseg KSEG IMAGE.bin [extra args...]: stdout = guest console
run_kseg() {
    local emu=$1 image=$2
    shift 2
    # shellcheck disable=SC2046 # serial_args is three words on purpose
    timeout "$BAREMETAL_TIMEOUT" "$emu" -M malta -m 256 -bios "$image" -nographic \
        -no-reboot $(serial_args) "$@" </dev/null
}

# run_qemu QEMU IMAGE.swapped.bin [extra args...]: stdout = guest console
run_qemu() {
    local emu=$1 image=$2
    shift 2
    # shellcheck disable=SC2046
    timeout "$BAREMETAL_TIMEOUT" "$emu" -M malta -cpu 24Kc -m 256 -bios "$image" -display none \
        -monitor none -no-reboot $(serial_args) "$@" </dev/null
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
