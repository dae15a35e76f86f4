#!/usr/bin/env python3
"""Boot Debian's Malta kernel with an ne2k_pci card on user networking and check the network.

usage: net.py --emulator kseg|qemu [--images DIR] [--log FILE] [--pcap FILE]
              [--boot-timeout S] [--command-timeout S] EMULATOR [-- EXTRA EMULATOR ARGS]

The images come from scripts/get-images.sh (DIR defaults to $KSEG_IMAGES, else
~/.cache/kseg-images).  The host side first starts, on 127.0.0.1 and free ports, an HTTP
server with a generated file (1 MiB of deterministic pseudo-random bytes, /file; /ping?...
answers "kseg-pong") and a TCP sink that keeps what one connection sends.  The emulator then
runs on a pseudo-terminal as
    kseg -M malta -m 256 -kernel vmlinuz -initrd initrd.gz -append console=ttyS0 -nographic \\
         -nic user,model=ne2k_pci,hostfwd=tcp:127.0.0.1:HOSTPORT-:80 \\
         -netdev "user,id=n1,net=10.0.3.0/24,restrict=on,guestfwd=tcp:10.0.3.100:1234-cmd:CMD" \\
         -device ne2k_pci,netdev=n1,mac=52:54:00:12:34:57
    qemu-system-mipsel -M malta -cpu 24Kc -vga none -m 256 (the same; -vga none: kseg has no
        display, QEMU's Cirrus VGA would take slot 19 and put the second card in 20, IRQ 11)
with CMD `echo kseg-guestfwd-OK`,
and the session types into the initramfs's shell: `modprobe ne2k-pci` (the card at PCI
0000:00:12.0, RTL-8029 10ec:8029), `ip link set eth0 up`, `udhcpc -i eth0` (the lease is
10.0.2.15 and `ip addr` shows it, the default route is 10.0.2.2), `wget` of the host's file
from 10.0.2.2 (its md5sum in the guest is the host's), the same bytes sent back with `nc`
to the sink (the host compares), busybox `httpd -p 80 -h /etc/kseg` in the guest and
/known.txt fetched from the host through the forwarded port (the guest's known.txt, 4096
lines "kseg %05d").  Then the second card: eth1 at PCI 0000:00:13.0 with its MAC, `udhcpc -i
eth1` with a script of the session's that only sets the address (the lease is 10.0.3.15, with
no router: restrict=on; eth0 keeps the default route), `nc 10.0.3.100 1234` prints the
guestfwd command's output, and a wget of the host's /ping through eth1 (10.0.3.2) is refused
without reaching the host while the same through eth0 (10.0.2.2) works.  Then eth0's
interrupt (IRQ 10) counting in /proc/interrupts and eth1 on the same IRQ, no kernel warning
or oops, then `poweroff`, which must end the emulator with status 0.

--pcap FILE also passes `-nic user,id=n0,... -object filter-dump,id=f0,netdev=n0,file=FILE`
and checks the capture: a pcap header (Ethernet) and records that parse to the end of the
file, with IPv4 frames from and to 10.0.2.15; and n1's traffic into FILE with -n1 before the
extension (-object filter-dump,id=f1,netdev=n1,...): IPv4 frames both ways between 10.0.3.15
and 10.0.3.2, none with 10.0.2.15.

Exit status: 0 passed, 1 failed (with the end of the console), 77 skipped (no images, or
no emulator binary).
"""

import argparse
import hashlib
import http.server
import os
import re
import socket
import struct
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boot import BAD, KNOWN, PROMPT, Shell  # noqa: E402
from emuconsole import (SKIP, Console, ConsoleError, default_images,  # noqa: E402
                        inputs_missing)

GUEST = "10.0.2.15"       # slirp's first DHCP address
HOST = "10.0.2.2"         # slirp's gateway: the host's 127.0.0.1
NIC_PCI = "0000:00:12.0"  # where QEMU's Malta puts the first -nic (PCI slot 18)
NIC_IRQ = 10
# The second card: its own restricted slirp with a guestfwd to a host command.
GUEST1 = "10.0.3.15"
HOST1 = "10.0.3.2"
NIC1_PCI = "0000:00:13.0"  # the next slot (19), where the -device card goes (INTA: IRQ 10 too)
NIC1_MAC = "52:54:00:12:34:57"
FWD1 = "10.0.3.100:1234"
FWD1_OUT = "kseg-guestfwd-OK"
NETDEV1 = ("user,id=n1,net=10.0.3.0/24,restrict=on,guestfwd=tcp:%s-cmd:echo %s" % (FWD1, FWD1_OUT))
# udhcpc's event script for eth1: only the address (the default route and resolv.conf stay
# eth0's), written to /tmp by the session.
UDHCPC1 = ('#!/bin/sh\\n[ "$1" = bound ] || exit 0\\nip addr add $ip/${mask:-24} dev $interface\\n'
           'echo eth1-lease $ip/${mask:-24} router ${router:-none}\\n')


def payload(size=1 << 20):
    """size deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    return b"".join(hashlib.sha256(b"kseg-net %d" % i).digest() for i in range(size // 32))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FileServer(http.server.ThreadingHTTPServer):
    """GET /file: the payload; /ping?...: "kseg-pong"; anything else 404.  Remembers the
    requests."""
    daemon_threads = True

    def __init__(self, data):
        self.data = data
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(h):
                self.requests.append(h.path)
                if h.path.startswith("/ping?"):
                    h.send_response(200)
                    h.send_header("Content-Length", "10")
                    h.end_headers()
                    h.wfile.write(b"kseg-pong\n")
                    return
                if h.path != "/file":
                    h.send_error(404)
                    return
                h.send_response(200)
                h.send_header("Content-Type", "application/octet-stream")
                h.send_header("Content-Length", str(len(self.data)))
                h.end_headers()
                h.wfile.write(self.data)

            def log_message(h, *a):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]


class Sink:
    """Accepts one connection on 127.0.0.1 and keeps what it sends until EOF."""

    def __init__(self, timeout):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(timeout)
        self.port = self.sock.getsockname()[1]
        self.data = None
        self.error = None
        self.done = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                conn.settimeout(self.sock.gettimeout())
                chunks = []
                while True:
                    b = conn.recv(65536)
                    if not b:
                        break
                    chunks.append(b)
                self.data = b"".join(chunks)
        except OSError as e:
            self.error = str(e)
        finally:
            self.sock.close()
            self.done.set()


def read_pcap(path):
    """-> (problem or None, [frames]): a pcap file (either byte order, micro- or nanosecond
    timestamps) of Ethernet frames, every record complete."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "cannot read it: %s" % e, []
    if len(data) < 24:
        return "%d bytes, no pcap header" % len(data), []
    for order in "<>":
        magic, major, minor, _, _, snaplen, linktype = struct.unpack(order + "IHHiIII", data[:24])
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            break
    else:
        return "bad magic %s" % data[:4].hex(), []
    if (major, minor) != (2, 4) or linktype != 1:
        return "version %d.%d, link type %d (expected 2.4, 1 = Ethernet)" % (major, minor, linktype), []
    frames, pos = [], 24
    while pos < len(data):
        if pos + 16 > len(data):
            return "a truncated record header at offset %d" % pos, frames
        _, _, incl, orig = struct.unpack(order + "IIII", data[pos:pos + 16])
        if incl > orig or incl > max(snaplen, 65535) or pos + 16 + incl > len(data):
            return "a bad record at offset %d (%d of %d bytes)" % (pos, incl, orig), frames
        frames.append(data[pos + 16:pos + 16 + incl])
        pos += 16 + incl
    return None, frames


def ipv4(frame):
    """(source, destination) of an IPv4 Ethernet frame, or None."""
    if len(frame) >= 34 and frame[12:14] == b"\x08\x00":
        return socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34])
    return None


def nic_interrupts(text, dev):
    """(IRQ, count) of dev's row of /proc/interrupts, or None.  (A shared IRQ has one row
    naming every handler: "10:  123  XT-PIC  10  eth0, eth1".)"""
    m = re.search(r"^\s*(\d+):\s+(\d+)\s.*\b%s(,|$)" % dev, text, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def pcap1_path(pcap):
    """Where --pcap FILE puts the second card's capture: FILE with -n1 before the extension."""
    root, ext = os.path.splitext(pcap)
    return root + "-n1" + ext


class Session:
    def __init__(self, args, kind, binary):
        self.args = args
        self.kind = kind
        self.binary = binary
        self.hostport = free_port()
        self.results = []
        self.con = None

    def check(self, ok, name, detail=""):
        self.results.append((bool(ok), name, detail))
        print("%s %s: %s%s" % (self.kind, "ok  " if ok else "FAIL", name,
                               (" (" + detail + ")") if detail and not ok else ""), flush=True)
        return ok

    def argv(self):
        images = self.args.images
        argv = [self.binary, "-M", "malta"]
        if self.kind == "qemu":
            # kseg has no display: without -vga none QEMU's Malta puts a Cirrus VGA (1013:00b8)
            # in slot 19, even with -nographic, and the -device card in 20 (IRQ 11)
            argv += ["-cpu", "24Kc", "-vga", "none"]
        argv += ["-m", "256", "-kernel", os.path.join(images, "vmlinuz"),
                 "-initrd", os.path.join(images, "initrd.gz"),
                 "-append", "console=ttyS0", "-nographic"]
        nic = "user,model=ne2k_pci,hostfwd=tcp:127.0.0.1:%d-:80" % self.hostport
        if self.args.pcap:
            argv += ["-nic", "user,id=n0," + nic[len("user,"):],
                     "-object", "filter-dump,id=f0,netdev=n0,file=" + self.args.pcap]
        else:
            argv += ["-nic", nic]
        argv += ["-netdev", NETDEV1, "-device", "ne2k_pci,netdev=n1,mac=" + NIC1_MAC]
        if self.args.pcap:
            argv += ["-object", "filter-dump,id=f1,netdev=n1,file=" + pcap1_path(self.args.pcap)]
        return argv + self.args.extra

    def second_card(self, sh, web):
        """eth1 on n1 (restrict=on, a guestfwd): its lease without touching eth0's route,
        the guestfwd command's output, and the host unreachable through it."""
        cto = self.args.command_timeout
        st, out = sh.run("readlink /sys/class/net/eth1/device; cat /sys/class/net/eth1/address")
        lines = out.split()
        self.check(st == 0 and lines[:1] and lines[0].endswith("/" + NIC1_PCI) and lines[1:2] == [NIC1_MAC],
                   "eth1 is the -device card at PCI %s, MAC %s" % (NIC1_PCI, NIC1_MAC), out)
        st, out = sh.run("printf '%s' >/tmp/u1 && chmod +x /tmp/u1 && ip link set eth1 up && "
                         "udhcpc -i eth1 -n -q -t 5 -T 2 -s /tmp/u1" % UDHCPC1, timeout=cto * 2)
        self.check(st == 0 and re.search(r"lease of %s obtained from %s" % (re.escape(GUEST1), re.escape(HOST1)), out)
                   and re.search(r"^eth1-lease %s/24 router none$" % re.escape(GUEST1), out, re.M),
                   "udhcpc on eth1 (restrict=on): lease of %s from %s, no router" % (GUEST1, HOST1), out[-300:])
        st, out = sh.run("ip addr show dev eth1; ip route")
        self.check(re.search(r"^\s*inet %s/24 " % re.escape(GUEST1), out, re.M)
                   and re.search(r"^default via %s dev eth0" % re.escape(HOST), out, re.M)
                   and not re.search(r"^default .*eth1", out, re.M),
                   "ip addr: eth1 has %s/24, the default route stays eth0's" % GUEST1, out)

        st, out = sh.run("timeout 10 nc %s %s </dev/null" % tuple(FWD1.split(":")), timeout=cto)
        self.check(st == 0 and out.strip() == FWD1_OUT,
                   "guestfwd: nc %s prints the host command's '%s'" % (FWD1, FWD1_OUT),
                   "status %d: %r" % (st, out[-200:]))

        # the same request through each card: restrict=on must keep eth1's from the host
        st, out = sh.run("timeout 10 wget -O - http://%s:%d/ping?eth1; echo rc=$?; "
                         "timeout 10 wget -q -O - http://%s:%d/ping?eth0; echo rc=$?"
                         % (HOST1, web.port, HOST, web.port), timeout=cto)
        rcs = re.findall(r"^rc=(\d+)$", out, re.M)
        self.check(len(rcs) == 2 and rcs[0] != "0" and "Connection refused" in out
                   and "/ping?eth1" not in web.requests,
                   "restrict=on: wget from %s through eth1 is refused, the host sees no request" % HOST1, out)
        self.check(rcs[1:] == ["0"] and "kseg-pong" in out and "/ping?eth0" in web.requests,
                   "the same wget from %s through eth0 works" % HOST, out)

    def run(self):
        args = self.args
        data = payload()
        md5 = hashlib.md5(data).hexdigest()
        web = FileServer(data)
        threading.Thread(target=web.serve_forever, daemon=True).start()
        sink = Sink(args.command_timeout * 4)
        if args.pcap:
            for f in (args.pcap, pcap1_path(args.pcap)):
                if os.path.exists(f):
                    os.unlink(f)
        print("%s: %s" % (self.kind, " ".join(self.argv())), flush=True)
        self.con = con = Console(self.argv(), log=args.log)
        cto = args.command_timeout
        try:
            m = con.expect(r"^KSEG-INIT-READY (\S+)$", args.boot_timeout, "the initramfs marker")
            self.check(True, "boot to the initramfs shell in %.1fs" % con.elapsed())
            boot_log = con.text[:m.start()]
            sh = Shell(con, cto)
            sh.run("dmesg -n 1")    # no kernel messages in the middle of the session

            st, out = sh.run("modprobe ne2k-pci && readlink /sys/class/net/eth0/device && "
                             "cat /sys/class/net/eth0/device/vendor /sys/class/net/eth0/device/device")
            lines = out.split()
            self.check(st == 0 and lines[:1] and lines[0].endswith("/" + NIC_PCI),
                       "modprobe ne2k-pci: eth0 is the card at PCI %s" % NIC_PCI, out)
            self.check(lines[1:3] == ["0x10ec", "0x8029"], "eth0 is an RTL-8029 (10ec:8029)", out)

            st, ints0 = sh.run("cat /proc/interrupts")
            st, out = sh.run("ip link set eth0 up && udhcpc -i eth0 -n -q -t 5 -T 2", timeout=cto * 2)
            self.check(st == 0 and re.search(r"lease of %s obtained from %s" % (re.escape(GUEST), re.escape(HOST)), out),
                       "udhcpc: lease of %s from %s" % (GUEST, HOST), out[-300:])
            st, out = sh.run("ip addr show dev eth0; ip route; cat /etc/resolv.conf")
            self.check(re.search(r"^\s*inet %s/24 " % re.escape(GUEST), out, re.M),
                       "ip addr: eth0 has %s/24" % GUEST, out)
            self.check(re.search(r"^default via %s dev eth0" % re.escape(HOST), out, re.M),
                       "ip route: default via %s" % HOST, out)
            self.check(re.search(r"^nameserver 10\.0\.2\.3$", out, re.M), "resolv.conf: nameserver 10.0.2.3", out)

            url = "http://%s:%d/file" % (HOST, web.port)
            t0 = time.monotonic()
            # (busybox timeout: a stalled transfer fails its check instead of the whole session)
            st, out = sh.run("timeout %d wget -q -O /tmp/f %s && md5sum /tmp/f" % (cto, url), timeout=cto * 2)
            dt = time.monotonic() - t0
            if not self.check(st == 0 and out.split()[:1] == [md5],
                              "wget of 1 MiB from the host: md5 %s (%.1fs)" % (md5, dt),
                              "status %d: %s" % (st, out[-300:])):
                st, out = sh.run("ls -l /tmp/f; grep eth0 /proc/net/dev /proc/interrupts")
                print("%s note: after the download: %s" % (self.kind, " | ".join(out.splitlines())))

            st, out = sh.run("timeout %d nc %s %d </tmp/f" % (cto, HOST, sink.port), timeout=cto * 2)
            if st == 0:
                sink.done.wait(cto)
            got = sink.data
            self.check(st == 0 and got is not None and hashlib.md5(got).hexdigest() == md5,
                       "nc of the same 1 MiB back to the host",
                       "status %d, %s" % (st, sink.error or ("%d bytes, md5 %s" % (len(got), hashlib.md5(got).hexdigest())
                                                            if got is not None else "nothing received")))

            st, out = sh.run("md5sum /etc/kseg/known.txt && httpd -p 80 -h /etc/kseg && echo httpd started")
            guest_md5 = out.split()[0] if out else ""
            self.check(st == 0 and guest_md5 == hashlib.md5(KNOWN).hexdigest(), "guest: known.txt and httpd -p 80", out)
            body, err = None, ""
            deadline = time.monotonic() + cto
            while time.monotonic() < deadline:   # httpd may take a moment to listen
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%d/known.txt" % self.hostport,
                                                timeout=max(1, min(20, deadline - time.monotonic()))) as r:
                        body = r.read()
                    break
                except OSError as e:
                    err = str(e)
                    time.sleep(0.5)
            self.check(body is not None and hashlib.md5(body).hexdigest() == guest_md5 and body == KNOWN,
                       "host fetches known.txt from the guest's httpd through hostfwd (127.0.0.1:%d)" % self.hostport,
                       err if body is None else "%d bytes, md5 %s" % (len(body), hashlib.md5(body).hexdigest()))

            self.second_card(sh, web)

            st, ints1 = sh.run("cat /proc/interrupts")
            a, b = nic_interrupts(ints0, "eth0"), nic_interrupts(ints1, "eth0")
            self.check(b and b[0] == NIC_IRQ and b[1] > (a[1] if a else 0),
                       "eth0 interrupts on IRQ %d counting" % NIC_IRQ, "%s -> %s" % (a, b))
            b1 = nic_interrupts(ints1, "eth1")
            self.check(b1 and b1[0] == NIC_IRQ, "eth1 interrupts on IRQ %d too (shared with eth0)" % NIC_IRQ,
                       "%s: %s" % (b1, " | ".join(l for l in ints1.splitlines() if "eth" in l)))

            st, out = sh.run("grep eth0: /proc/net/dev")
            f = out.split()
            if len(f) >= 13:
                print("%s note: eth0 received %s bytes in %s packets (%s errors, %s dropped), sent %s bytes in "
                      "%s packets (%s errors)" % (self.kind, f[1], f[2], f[3], f[4], f[9], f[10], f[11]))
            st, dmesg = sh.run("dmesg", timeout=cto * 2)
            bad = [l for l in (boot_log + "\n" + dmesg).splitlines() if BAD.search(l)]
            self.check(not bad, "no kernel warning or oops", "; ".join(bad[:5]))

            con.expect(re.escape(PROMPT), cto, "the shell prompt")
            con.send("poweroff\n")
            st = con.wait_exit(args.poweroff_timeout)
            self.check(st == 0, "poweroff ends the emulator with status 0",
                       "still running after %ds" % args.poweroff_timeout if st is None else "status %s" % st)
        except ConsoleError as e:
            self.check(False, "console", str(e))
        finally:
            con.close()
            web.shutdown()
            web.server_close()

        if args.pcap and con.returncode is not None:
            problem, frames = read_pcap(args.pcap)
            self.check(problem is None, "filter-dump: a valid pcap file (%d frames)" % len(frames), problem or "")
            ips = [ipv4(f) for f in frames]
            self.check(any(p and p[0] == GUEST for p in ips), "filter-dump: IPv4 frames from %s" % GUEST,
                       "%d frames, %d IPv4" % (len(frames), sum(1 for p in ips if p)))
            self.check(any(p and p[1] == GUEST for p in ips), "filter-dump: IPv4 frames to %s" % GUEST)
            problem, frames = read_pcap(pcap1_path(args.pcap))
            self.check(problem is None, "filter-dump on n1: a valid pcap file (%d frames)" % len(frames), problem or "")
            ips = [ipv4(f) for f in frames]
            self.check(any(p == (GUEST1, HOST1) for p in ips) and any(p == (HOST1, GUEST1) for p in ips)
                       and not any(p and GUEST in p for p in ips),
                       "filter-dump on n1: IPv4 frames between %s and %s, none of eth0's" % (GUEST1, HOST1),
                       "%d frames: %s" % (len(frames), sorted(set(p for p in ips if p))))
        return all(ok for ok, _, _ in self.results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", choices=["kseg", "qemu"], required=True)
    ap.add_argument("--images", default=default_images())
    ap.add_argument("--log", help="write the whole console output here")
    ap.add_argument("--pcap", help="also capture the traffic with filter-dump into this file and check it")
    ap.add_argument("--boot-timeout", type=float, default=240)
    ap.add_argument("--command-timeout", type=float, default=60)
    ap.add_argument("--poweroff-timeout", type=float, default=60)
    ap.add_argument("binary")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    args.compare_qemu = None    # (inputs_missing checks it)

    reason = inputs_missing(args, ("vmlinuz", "initrd.gz"))
    if reason:
        print(reason)
        return SKIP

    s = Session(args, args.emulator, args.binary)
    ok = s.run()
    if not ok:
        print(s.con.tail(40))
        if args.log:
            print("the whole console: %s" % args.log)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
