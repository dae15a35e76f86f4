#!/bin/sh
# Command-line behaviour: good options work; bad input gets one clear line on stderr and
# exit status 1, never a crash.  Usage: cli.sh KSEG HELLO_BIN
set -u
kseg=$1
hello=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect_error NAME PATTERN ARGS...: exit 1, exactly one stderr line matching PATTERN.
expect_error() {
    name=$1; pattern=$2; shift 2
    timeout 10 "$kseg" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" "$tmp/err"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: status $rc, stderr:"; cat "$tmp/err"
    fi
}

expect_ok() {
    name=$1; pattern=$2; shift 2
    timeout 10 "$kseg" "$@" >"$tmp/out" 2>&1 </dev/null
    rc=$?
    if [ "$rc" -eq 0 ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$tmp/out"; }; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: status $rc, output:"; cat "$tmp/out"
    fi
}

head -c 4194305 /dev/zero >"$tmp/big.bin"
: >"$tmp/empty.bin"
mkdir "$tmp/dir"

expect_error missing-bios "No such file" -bios "$tmp/none.bin"
expect_error oversized-bios "larger\|more than" -bios "$tmp/big.bin"
expect_error empty-bios "empty" -bios "$tmp/empty.bin"
expect_error directory-bios "bios" -bios "$tmp/dir"
expect_error unknown-option "unknown option '-frobnicate'" -frobnicate
expect_error stray-argument "unexpected argument" -bios "$hello" stray
expect_error bad-machine "unsupported machine" -M pc
expect_error bad-memory "bad size" -m lots
expect_error zero-memory "out of range" -m 0
expect_error too-much-memory "out of range" -m 4G
expect_error bad-serial "unknown serial back end" -serial bogus
expect_error too-many-serials "at most 3" -serial null -serial null -serial null -serial null
expect_error bad-tcp-port "bad tcp port" -serial tcp::99999,server,nowait
expect_error bad-log-item "unknown log item" -d nonsense
expect_error missing-value "Missing argument\|missing" -bios
printf 'not an elf' >"$tmp/text.bin"
expect_error kernel-not-elf "not an ELF file" -kernel "$tmp/text.bin"
expect_error kernel-64bit "64-bit" -kernel "$(command -v sh)"
expect_error kernel-missing "No such file" -kernel "$tmp/none.elf"
expect_error initrd-alone "needs -kernel" -initrd "$hello"
expect_error append-alone "needs -kernel" -append "console=ttyS0"
expect_error bad-dfilter "bad range list" -dfilter 0x10..0x5
expect_error bad-gdb-port "bad port" -gdb tcp::notaport
expect_error bad-gdb-option "unknown option" -gdb tcp::45678,frob=1
expect_error bad-accel "unknown accelerator 'tcg'" -accel tcg -bios "$hello"
expect_error bad-accel-long "unknown accelerator 'fast'" --accel=fast -bios "$hello"
expect_error accel-missing "Missing argument\|missing" -accel
expect_error unwritable-log "cannot open" -D /nonexistent/dir/log -bios "$hello"

# Networking: every bad option is one line and status 1.
expect_error bad-nic-model "unsupported NIC model 'e1000'" -nic user,model=e1000
expect_error bad-nic-backend "unsupported network backend" -nic tap
expect_error bad-mac "bad MAC address" -nic user,mac=52:54:00:zz:34:56
expect_error multicast-mac "multicast" -nic user,mac=01:00:5e:00:00:01
expect_error bad-hostfwd "invalid host forwarding rule" -nic user,hostfwd=tcp::2222:22
expect_error bad-hostfwd-port "bad guest port" -nic user,hostfwd=tcp::2222-:70000
expect_error unknown-net-key "invalid parameter 'frob'" -nic user,frob=1
expect_error bad-net "prefix length" -nic user,net=10.0.2.0/40
expect_error duplicate-netdev-id "duplicate id 'n0'" -netdev user,id=n0 -netdev user,id=n0
expect_error device-without-netdev "needs netdev=" -device ne2k_pci
expect_error device-unknown-netdev "no -netdev with id 'n9'" -device ne2k_pci,netdev=n9
expect_error bad-device "unsupported device 'e1000'" -device e1000,netdev=n0
expect_error legacy-net "use -nic" -net nic
expect_error too-many-nics "at most 4 network cards" -nic user -nic user -nic user -nic user \
    -nic user
expect_error dump-unwritable "cannot open" -nic user,id=u0 \
    -object filter-dump,id=f0,netdev=u0,file=/nonexistent/dir/x.pcap
expect_error dump-no-netdev "no netdev with id 'u9'" \
    -object filter-dump,id=f0,netdev=u9,file="$tmp/x.pcap"
# A host port something else listens on: slirp cannot bind it.
python3 -c 'import socket, time
s = socket.socket(); s.bind(("0.0.0.0", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$tmp/port" &
holder=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/port" ] && break; sleep 0.2; done
expect_error hostfwd-port-in-use "hostfwd=tcp::$(cat "$tmp/port")-:22: could not set up" \
    -nic user,hostfwd=tcp::"$(cat "$tmp/port")"-:22
kill "$holder"

expect_ok version "kseg version" -version
expect_ok help "bios" -help
expect_ok machine-help "malta" -M help
expect_ok nic-model-help "ne2k_pci" -nic user,model=help
expect_ok device-help "ne2k_pci" -device help
expect_ok netdev-no-peer "netdev n0 has no peer" -netdev user,id=n0 -bios "$hello" -no-reboot \
    -serial null -serial null -serial null
expect_ok hello-with-nic "Hello from kseg" -bios "$hello" -no-reboot -serial null -serial null \
    -serial stdio -nic user,model=ne2k_pci,id=u0,hostfwd=tcp:127.0.0.1:0-:22 \
    -object filter-dump,id=f0,netdev=u0,file="$tmp/dump.pcap"
if [ "$(od -An -tx1 -N4 "$tmp/dump.pcap" | tr -d ' ')" = "d4c3b2a1" ]; then
    passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL filter-dump: no pcap header"; fi
expect_ok hello-run "Hello from kseg" -M malta -m 256 -bios "$hello" -nographic -no-reboot \
    -serial null -serial null -serial stdio
# Every tier runs the same guest (tests/isa, tests/diff compare them closely).
for tier in interp cached jit; do
    expect_ok "hello-accel-$tier" "Hello from kseg" -accel "$tier" -bios "$hello" -no-reboot \
        -serial null -serial null -serial stdio
done
expect_ok hello-accel-long "Hello from kseg" --accel=cached -bios "$hello" -no-reboot \
    -serial null -serial null -serial stdio
expect_ok accel-help "jit" -accel help
expect_ok hello-file-serial "" -bios "$hello" -no-reboot -serial null -serial null \
    -serial "file:$tmp/serial.txt"
if grep -q "Hello from kseg" "$tmp/serial.txt"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL file serial: no output in the file"; fi
expect_ok stats "instructions in" -bios "$hello" -no-reboot -serial null -serial null -serial null -stats
expect_ok log-int "" -bios "$hello" -no-reboot -serial null -serial null -serial null \
    -d in_asm,int -D "$tmp/log.txt"
if grep -q "IN: 0xbfc00000" "$tmp/log.txt"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL in_asm log: no reset-vector line"; head -3 "$tmp/log.txt"; fi

expect_ok dfilter-exec "" -bios "$hello" -no-reboot -serial null -serial null -serial null \
    -d exec -dfilter 0xbfc00000+0x8 -D "$tmp/exec.txt"
if [ "$(grep -c Trace "$tmp/exec.txt")" -eq 2 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL -dfilter: expected 2 traced instructions"; cat "$tmp/exec.txt"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
