#!/usr/bin/env bash
# Measure TCP throughput through an ne2k_pci card on user networking (slirp), guest to host and
# host to guest, with Debian's Malta Linux on kseg and on qemu-system-mipsel -M malta.
#
# usage: bench/net-throughput.sh [-n RUNS] [-s MIB] [--h2g MIB] [--kseg PATH|none]
#                                [--qemu PATH|none] [--images DIR]
#
# The images come from scripts/get-images.sh (DIR defaults to $KSEG_IMAGES, else
# ~/.cache/kseg-images).  One boot per emulator, the initramfs's kseg_run=netbench script:
#   EMU -M malta [-cpu 24Kc] -m 256 -kernel vmlinuz -initrd initrd.gz -nographic -no-reboot \
#       -nic user,model=ne2k_pci -append 'console=ttyS0 kseg_run=netbench kseg_port=P ...'
# The guest brings eth0 up (modprobe ne2k-pci, udhcpc), then RUNS times: sends -s MiB
# (default 16) from /dev/zero with `dd bs=64k | nc 10.0.2.2 P` to a receiver on the host's
# 127.0.0.1:P, timed from the first byte to EOF; and fetches --h2g MiB (default 2; 0: not
# measured) from the host's HTTP server with `wget -O /dev/null`, timed from the request to
# the guest's "done" connection that follows the download.  Printed: the best and every
# throughput of each emulator in MB/s (10^6 bytes per second of host time) and the ratio
# kseg/QEMU.  Speed is never a test: this is the benchmark only.
# kseg is looked for at build/kseg, build/src/kseg (BUILD_DIR replaces "build"), QEMU on PATH.
# Environment: BUILD_DIR, KSEG, QEMU, KSEG_IMAGES, RUNS (default 3), TIMEOUT (seconds per
# boot, default 600).
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
runs=${RUNS:-3}
limit=${TIMEOUT:-600}
kseg=${KSEG:-}
qemu=${QEMU:-}
images=${KSEG_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/kseg-images}
g2h_mib=16
h2g_mib=2

usage() {
    sed -n '2,23s/^# \{0,1\}//p' "$0"
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    -n|--runs) runs=$2; shift 2 ;;
    -s|--size) g2h_mib=$2; shift 2 ;;
    --h2g) h2g_mib=$2; shift 2 ;;
    --kseg) kseg=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "net-throughput.sh: unknown argument $1" >&2; usage ;;
    esac
done
. "$(dirname "$0")/lib.sh"
check_count net-throughput.sh "run count" "$runs"
check_count net-throughput.sh size "$g2h_mib"
case $h2g_mib in ''|*[!0-9]*) echo "net-throughput.sh: bad --h2g size '$h2g_mib'" >&2; exit 2 ;; esac

need_images net-throughput.sh "$images"
if ! gzip -dc "$images/initrd.gz" | grep -aq 'KSEG-NETBENCH-DONE'; then
    echo "net-throughput.sh: $images/initrd.gz has no netbench script (run scripts/get-images.sh)" >&2
    exit 2
fi
find_emulators net-throughput.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One boot: the host's receiver and HTTP server, the emulator, the guest's markers.  Writes
# one line per measurement to stdout ("g2h BYTES SECONDS", "h2g BYTES SECONDS"), the console
# to $tmp/NAME.out, the emulator's stderr to $tmp/NAME.err; progress to stderr.
cat >"$tmp/run.py" <<'PY'
import http.server, os, socket, subprocess, sys, threading, time

name, runs, g2h_mib, h2g_mib, limit, out, err, argv = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
    int(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8:])
lock = threading.Condition()
conns = []      # (bytes, first byte, EOF, accepted, head) per connection to the receiver
gets = []       # time each HTTP request arrived

recv = socket.socket()
recv.bind(("127.0.0.1", 0))
recv.listen(4)

def receiver():
    while True:
        c, _ = recv.accept()
        t_acc = time.monotonic()
        n, first, head = 0, None, b""
        with c:
            while True:
                b = c.recv(1 << 20)
                if not b:
                    break
                if first is None:
                    first = time.monotonic()
                    head = b[:16]
                n += len(b)
        with lock:
            conns.append((n, first, time.monotonic(), t_acc, head))
            lock.notify_all()

block = b"\0" * (1 << 16)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            gets.append(time.monotonic())
        size = h2g_mib << 20
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for _ in range(size // len(block)):
            self.wfile.write(block)
    def log_message(self, *a):
        pass

web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
web.daemon_threads = True
threading.Thread(target=receiver, daemon=True).start()
threading.Thread(target=web.serve_forever, daemon=True).start()

append = "console=ttyS0 kseg_run=netbench kseg_port=%d kseg_mb=%d kseg_n=%d" % (
    recv.getsockname()[1], g2h_mib, runs)
if h2g_mib:
    append += " kseg_hport=%d" % web.server_address[1]
argv += ["-append", append]
log = open(out, "w")
proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=open(err, "w"), start_new_session=True)
killer = threading.Timer(limit, proc.kill)
killer.start()
done = failed = False
for raw in proc.stdout:
    line = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
    log.write(line + "\n")
    if line.startswith(("KSEG-NETBENCH-FAIL", "KSEG-NET-FAIL")):
        failed = True
    elif line.startswith("KSEG-NETBENCH-DONE"):
        done = True
    elif line.startswith("KSEG-NETBENCH "):
        print("%s: %s" % (name, line[len("KSEG-NETBENCH "):]), file=sys.stderr, flush=True)
    elif line.startswith("KSEG-NET-UP"):
        print("%s: %s" % (name, line), file=sys.stderr, flush=True)
status = proc.wait()
killer.cancel()
log.close()
with lock:
    lock.wait_for(lambda: len(conns) >= runs * (2 if h2g_mib else 1), timeout=5)
    data = [c for c in conns if not c[4].startswith(b"h2g-done")]
    marks = [c for c in conns if c[4].startswith(b"h2g-done")]
    for n, first, end, _, _ in data:
        print("g2h %d %.6f" % (n, end - first if first is not None else 0))
    for t, (_, _, _, acc, _) in zip(gets, marks):
        print("h2g %d %.6f" % (h2g_mib << 20, acc - t))
    ok = done and not failed and status == 0 and len(data) == runs and len(marks) == (runs if h2g_mib else 0)
    if not ok:
        print("%s: %s (status %s, %d transfers (bytes received: %s), %d downloads of %d)" % (
            name, "timed out" if status == -9 else "failed" if not done else "incomplete",
            status, len(data), " ".join(str(c[0]) for c in data) or "-", len(marks), runs), file=sys.stderr)
        sys.exit(1)
    if any(n != g2h_mib << 20 for n, *_ in data):
        print("%s: the receiver got %s bytes, expected %d" % (name, [c[0] for c in data], g2h_mib << 20),
              file=sys.stderr)
        sys.exit(1)
PY

emulators=()
[ -n "$kseg" ] && emulators+=(kseg)
[ -n "$qemu" ] && emulators+=(qemu)

for name in "${emulators[@]}"; do
    if [ "$name" = kseg ]; then
        argv=("$kseg" -M malta -m 256)
    else
        argv=("$qemu" -M malta -cpu 24Kc -m 256)
    fi
    argv+=(-kernel "$images/vmlinuz" -initrd "$images/initrd.gz" -nographic -no-reboot
           -nic user,model=ne2k_pci)
    echo "$name: one boot, $runs run(s) of $g2h_mib MiB guest->host and $h2g_mib MiB host->guest" >&2
    if ! python3 "$tmp/run.py" "$name" "$runs" "$g2h_mib" "$h2g_mib" "$limit" \
            "$tmp/$name.out" "$tmp/$name.err" "${argv[@]}" >"$tmp/$name.res"; then
        tail -n 20 "$tmp/$name.err" >&2
        tail -n 40 "$tmp/$name.out" >&2
        exit 1
    fi
done

# MB/s of every run of NAME in direction DIR, best first in $tmp/NAME.DIR
for name in "${emulators[@]}"; do
    for dir in g2h h2g; do
        awk -v d="$dir" '$1 == d && $3 > 0 { printf "%.3f\n", $2 / $3 / 1e6 }' "$tmp/$name.res" >"$tmp/$name.$dir"
    done
done
best() { sort -rn "$tmp/$1.$2" | head -n 1; }
all_runs() { tr '\n' ' ' <"$tmp/$1.$2"; }

kernel=$(basename "$(readlink -f "$images/vmlinuz")")
echo
echo "net-throughput: $kernel, ne2k_pci + user networking, best of $runs run(s), MB/s (10^6 bytes/s)"
echo "  guest->host: $g2h_mib MiB, dd | nc to 10.0.2.2; host->guest: $h2g_mib MiB, wget from 10.0.2.2"
printf '%-10s %14s %14s   %s\n' emulator "guest->host" "host->guest" "all runs (g2h / h2g)"
for name in "${emulators[@]}"; do
    h=$(best "$name" h2g)
    printf '%-10s %14s %14s   %s/ %s\n' "$name" "$(best "$name" g2h)" "${h:--}" \
        "$(all_runs "$name" g2h)" "$(all_runs "$name" h2g)"
done
if [ -n "$kseg" ] && [ -n "$qemu" ]; then
    awk -v k="$(best kseg g2h)" -v q="$(best qemu g2h)" \
        -v kh="$(best kseg h2g)" -v qh="$(best qemu h2g)" 'BEGIN {
        r = k / q
        rh = (kh > 0 && qh > 0) ? kh / qh : 0
        printf "kseg/qemu  %14.2f %14s   (kseg: guest->host %s%s)\n", r,
            rh ? sprintf("%.2f", rh) : "-", speed(r), rh ? ", host->guest " speed(rh) : ""
    }
    function speed(x) { return (x >= 1) ? sprintf("%.2fx faster", x) : sprintf("%.2fx slower", 1 / x) }'
fi
