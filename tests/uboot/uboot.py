#!/usr/bin/env python3
"""Boot Debian's U-Boot for Malta (maltael) and check its prompt and a few commands.

usage: uboot.py --emulator kseg|qemu [--images DIR] [--log FILE] [--boot-timeout S]
                [--compare-qemu QEMU] EMULATOR [-- EXTRA EMULATOR ARGS]

The images come from scripts/get-images.sh (DIR defaults to $KSEG_IMAGES, else
~/.cache/kseg-images).  Command lines, on a pseudo-terminal:
    kseg -M malta -m 256 -bios u-boot.bin -nographic -no-reboot
    qemu-system-mipsel -M malta -cpu 24Kc -m 256 -bios u-boot-swap.bin -nographic -no-reboot
(kseg loads a -bios image as it is; QEMU wants the 32-bit words of a little-endian one
swapped).  Checks: the banner ("DRAM:  256 MiB", "Flash: 4 MiB", serial@3f8), the
`maltael # ` prompt, `version`, `bdinfo` (256 MiB at 0x80000000, the flash),
`pci` (GT-64120 and the PIIX4 functions), `flinfo` (4 MB of CFI flash), `md 0xbe000000 4`
(the first words of u-boot.bin), `date` (the RTC), and `reset`, which must end the
emulator (-no-reboot) with status 0 and leave the terminal settings as they were.

--compare-qemu QEMU runs QEMU first and then also requires kseg to print the same banner
(but the PCI autoconfiguration and network lines), the same `pci` rows for the chipset and
the same `bdinfo` (but the network fields).

Exit status: 0 passed, 1 failed (with the end of the console), 77 skipped (no images, or
no emulator binary).
"""

import argparse
import calendar
import os
import re
import struct
import sys
import time

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "linux"))
from emuconsole import (SKIP, Console, ConsoleError, default_images,  # noqa: E402
                        inputs_missing, run_sessions)

PROMPT = "maltael # "
CHIPSET_PCI = [  # BusDevFun VendorId DeviceId
    ("00.00.00", "0x11ab", "0x4620"),   # GT-64120
    ("00.0a.00", "0x8086", "0x7110"),   # PIIX4 ISA bridge
    ("00.0a.01", "0x8086", "0x7111"),   # PIIX4 IDE (U-Boot panics without it)
    ("00.0a.03", "0x8086", "0x7113"),   # PIIX4 power management
]
# Fields that depend on devices QEMU has and kseg does not (yet): the network card, and
# boot_params, which sits below U-Boot's heap, whose size follows the device count (QEMU's
# PCnet and Cirrus VGA take 0x200 bytes more).
NET_FIELDS = re.compile(r"^(current eth|ethaddr|IP addr|boot_params)\s*=")


class Session:
    def __init__(self, args, kind, binary):
        self.args = args
        self.kind = kind
        self.binary = binary
        self.results = []
        self.facts = {}
        self.con = None

    def check(self, ok, name, detail=""):
        self.results.append(bool(ok))
        print("%s %s: %s%s" % (self.kind, "ok  " if ok else "FAIL", name,
                               (" (" + detail + ")") if detail and not ok else ""), flush=True)
        return ok

    def argv(self):
        image = "u-boot-swap.bin" if self.kind == "qemu" else "u-boot.bin"
        argv = [self.binary, "-M", "malta"]
        if self.kind == "qemu":
            argv += ["-cpu", "24Kc"]
        argv += ["-m", "256", "-bios", os.path.join(self.args.images, image), "-nographic", "-no-reboot"]
        return argv + self.args.extra

    def cmd(self, line):
        """Type a command at the prompt; its output (up to the next prompt)."""
        con = self.con
        con.send(line + "\n")
        con.expect(re.escape(line) + r"\n", self.args.command_timeout, "the echo of '%s'" % line)
        start = con.pos
        m = con.expect(re.escape(PROMPT), self.args.command_timeout, "the prompt after '%s'" % line)
        return con.text[start:m.start()].strip("\n")

    def run(self):
        log = self.args.log
        if log and self.kind == "qemu" and self.args.compare_qemu:
            log = log + ".qemu"
        # U-Boot polls the UART: type one character at a time
        self.con = con = Console(self.argv(), log=log, pace=(1, 0.002))
        try:
            m = con.expect(re.escape(PROMPT), self.args.boot_timeout, "the U-Boot prompt")
            self.check(True, "U-Boot prompt in %.1fs" % con.elapsed())
            banner = con.text[:m.start()]
            self.facts["banner"] = [l.rstrip() for l in banner.splitlines()
                                    if l.strip() and not l.startswith(("PCI: Failed autoconfig", "Net:"))]
            for pattern, name in [(r"^U-Boot 2023\.01\S* \(", "banner"),
                                  (r"^Board: MIPS Malta CoreLV$", "Board: MIPS Malta CoreLV"),
                                  (r"^DRAM:  256 MiB$", "DRAM:  256 MiB"),
                                  (r"^Flash: 4 MiB$", "Flash: 4 MiB"),
                                  (r"^In:    serial@3f8$", "console on serial@3f8")]:
                self.check(re.search(pattern, banner, re.M), name)

            out = self.cmd("version")
            self.check(re.search(r"^U-Boot 2023\.01", out, re.M), "version", out)

            out = self.cmd("bdinfo")
            self.facts["bdinfo"] = [l.rstrip() for l in out.splitlines() if not NET_FIELDS.match(l)]
            for pattern, name in [(r"^-> start\s*= 0x80000000$", "bdinfo: RAM at 0x80000000"),
                                  (r"^-> size\s*= 0x10000000$", "bdinfo: 256 MiB"),
                                  (r"^flashstart\s*= 0xbe000000$", "bdinfo: flash at 0xbe000000"),
                                  (r"^flashsize\s*= 0x00400000$", "bdinfo: 4 MiB of flash")]:
                self.check(re.search(pattern, out, re.M), name, out if "size" in name else "")

            out = self.cmd("pci")
            rows = {}
            for line in out.splitlines():
                f = line.split()
                if len(f) >= 3 and re.match(r"^[0-9a-f]{2}\.[0-9a-f]{2}\.[0-9a-f]{2}$", f[0]):
                    rows[f[0]] = line.rstrip()
            self.facts["pci"] = rows
            for bdf, vendor, device in CHIPSET_PCI:
                row = rows.get(bdf, "").split()
                self.check(row[1:3] == [vendor, device], "pci: %s %s:%s" % (bdf, vendor, device),
                           rows.get(bdf, "missing"))

            out = self.cmd("flinfo")
            self.check(re.search(r"CFI conformant flash .*Size: 4 MB in 64 Sectors", out),
                       "flinfo: 4 MB of CFI flash in 64 sectors", out[:200])
            self.check(re.search(r"Intel .*command set", out), "flinfo: Intel command set")
            self.check(re.search(r"BE3F0000", out), "flinfo: the last sector at BE3F0000")

            words = open(os.path.join(self.args.images, "u-boot.bin"), "rb").read(16)
            expect = "be000000: " + " ".join("%08x" % w for w in struct.unpack("<4I", words))
            out = self.cmd("md 0xbe000000 4")
            self.check(out.startswith(expect), "md 0xbe000000 4 shows u-boot.bin",
                       "%r, expected %r" % (out, expect))

            out = self.cmd("date")
            m = re.search(r"Date: (\d{4})-(\d\d)-(\d\d) .*Time: +(\d+):(\d\d):(\d\d)", out)
            self.check(m, "date (the RTC)", out)
            if m:
                guest = calendar.timegm(tuple(int(x) for x in m.groups()) + (0, 0, 0))
                if abs(guest - time.time()) > 300:
                    print("%s note: the RTC reads %s, %+d s from the host's UTC time" % (
                        self.kind, out.strip(), guest - time.time()))

            con.send("reset\n")
            st = con.wait_exit(self.args.command_timeout)
            self.check(st == 0, "reset ends the emulator (-no-reboot) with status 0",
                       "still running" if st is None else "status %s" % st)
            if st is not None:
                self.check(con.terminal_restored(), "the terminal settings are restored at exit")
        except ConsoleError as e:
            self.check(False, "console", str(e))
        finally:
            con.close()
        return all(self.results)


def compare(q, k):
    ok = True

    def check(good, name, detail):
        nonlocal ok
        ok = ok and bool(good)
        print("compare %s: %s%s" % ("ok  " if good else "FAIL", name, "" if good else "\n" + detail))

    def diff(a, b):
        return "\n".join(["  qemu: " + l for l in a if l not in b] + ["  kseg: " + l for l in b if l not in a])

    qf, kf = q.facts, k.facts
    if "banner" in qf and "banner" in kf:
        check(qf["banner"] == kf["banner"], "the boot messages are QEMU's", diff(qf["banner"], kf["banner"]))
    if "pci" in qf and "pci" in kf:
        bad = [bdf for bdf, _, _ in CHIPSET_PCI if qf["pci"].get(bdf) != kf["pci"].get(bdf)]
        check(not bad, "pci: the chipset rows are QEMU's",
              "\n".join("  %s: qemu %r, kseg %r" % (b, qf["pci"].get(b), kf["pci"].get(b)) for b in bad))
        other = sorted(set(qf["pci"]) ^ set(kf["pci"]))
        if other:
            print("compare note: PCI functions on one side only: " + ", ".join(
                "%s (%s)" % (b, "qemu" if b in qf["pci"] else "kseg") for b in other))
    if "bdinfo" in qf and "bdinfo" in kf:
        check(qf["bdinfo"] == kf["bdinfo"], "bdinfo is QEMU's (but the network fields and boot_params)",
              diff(qf["bdinfo"], kf["bdinfo"]))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", choices=["kseg", "qemu"], required=True)
    ap.add_argument("--images", default=default_images())
    ap.add_argument("--log", help="write the whole console output here")
    ap.add_argument("--boot-timeout", type=float, default=120)
    ap.add_argument("--command-timeout", type=float, default=60)
    ap.add_argument("--compare-qemu", metavar="QEMU", help="also run QEMU and compare")
    ap.add_argument("binary")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()

    reason = inputs_missing(args, ("u-boot.bin", "u-boot-swap.bin"))
    if reason:
        print(reason)
        return SKIP

    sessions, ok = run_sessions(args, Session)
    if args.compare_qemu and len(sessions) == 2:
        if not all(sessions[0].results):
            print("compare: QEMU's own run failed; nothing to compare with")
            ok = False
        elif not compare(sessions[0], sessions[1]):
            ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
