#!/usr/bin/env python3
"""Boot Debian's Malta kernel with the test initramfs and check a scripted shell session.

usage: boot.py --emulator kseg|qemu [--images DIR] [--log FILE] [--boot-timeout S]
               [--compare-qemu QEMU] EMULATOR [-- EXTRA EMULATOR ARGS]

The images come from scripts/get-images.sh (DIR defaults to $KSEG_IMAGES, else
~/.cache/kseg-images).  The emulator runs as a person would run it:
    kseg -M malta -m 256 -kernel vmlinuz -initrd initrd.gz -append console=ttyS0 -nographic
    qemu-system-mipsel -M malta -cpu 24Kc -m 256 (the same)
on a pseudo-terminal.  Once the initramfs prints KSEG-INIT-READY the session types commands
into the shell and checks the answers: uname, /proc/cpuinfo (MIPS 24Kc), /proc/interrupts
twice a second apart (timer and serial counts grow), arithmetic, md5sum/sha256sum of a known
file, a floating-point awk loop (the kernel's FPU emulator), ^C of a running command, `date`
advancing, no warning or oops in dmesg, then `poweroff`, which must end the emulator with
status 0 and leave the terminal settings as they were.

--compare-qemu QEMU runs the same session on QEMU first and then also requires kseg to
match it: /proc/cpuinfo (but BogoMIPS), the interrupt sources, the PCI functions QEMU's
Malta has on its chipset, and no kernel message of the warning/error kind that QEMU's boot
does not print too.

Exit status: 0 passed, 1 failed (with the end of the console), 77 skipped (no images, or
no emulator binary).
"""

import argparse
import hashlib
import os
import re
import sys
import time

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emuconsole import (SKIP, Console, ConsoleError, default_images,  # noqa: E402
                        inputs_missing, run_sessions)

PROMPT = "kseg# "
KNOWN = "".join("kseg %05d\n" % i for i in range(4096)).encode()
# Kernel messages that must never appear.  ("spurious 8259A interrupt: IRQ7." does: QEMU's
# boot prints it too; --compare-qemu checks that kseg prints nothing QEMU does not.)
BAD = re.compile(r"WARNING:|Oops|BUG:|Call Trace|Kernel panic|cut here|Unhandled kernel|"
                 r"unhandled interrupt|rcu_sched self-detected|soft lockup|hung_task|"
                 r"Attempted to kill init")
# Kernel messages worth comparing with QEMU's boot.
NOTABLE = re.compile(r"warn|error|fail|bug|invalid|unable|can't|cannot|not found|no irq|"
                     r"timeout|timed out|unknown|bad ", re.I)
# The chipset functions QEMU's Malta has and kseg must have too (bus:slot.fn -> vendor device class).
CHIPSET = ["0000:00:00.0", "0000:00:0a.0", "0000:00:0a.1", "0000:00:0a.3"]


class Failed(Exception):
    pass


class Shell:
    """Runs commands in the guest's shell, framed by marker lines."""

    def __init__(self, con, timeout):
        self.con = con
        self.timeout = timeout
        self.n = 0

    def run(self, cmd, timeout=None):
        self.n += 1
        n = self.n
        self.con.expect(re.escape(PROMPT), timeout or self.timeout, "the shell prompt")
        # the end marker on a line of its own even when the output has no final newline
        self.con.send("echo @@@B%d; %s; printf '\\n@@@E%d:%%d\\n' $?\n" % (n, cmd, n))
        self.con.expect(r"^@@@B%d$" % n, timeout or self.timeout, "the output of '%s'" % cmd)
        start = self.con.pos
        m = self.con.expect(r"^@@@E%d:(\d+)$" % n, timeout or self.timeout, "the end of '%s'" % cmd)
        out = self.con.text[start:m.start()].strip("\n")
        return int(m.group(1)), out


def interrupts(text):
    """/proc/interrupts -> {source name: count} (first CPU column)."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\w+):\s+(\d+)\s*(.*)$", line)
        if not m or not m.group(1).isdigit():
            continue
        parts = m.group(3).split()
        # "XT-PIC   4  ttyS0" / "MIPS   7  timer": chip, hwirq, name
        name = " ".join(parts[2:]) if len(parts) >= 3 else " ".join(parts)
        rows["%s %s" % (parts[0] if parts else "", name)] = int(m.group(2))
    return rows


class Session:
    def __init__(self, args, kind, binary):
        self.args = args
        self.kind = kind
        self.binary = binary
        self.results = []          # (ok, name, detail)
        self.facts = {}            # outputs the comparison uses
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
            argv += ["-cpu", "24Kc"]
        argv += ["-m", "256", "-kernel", os.path.join(images, "vmlinuz"),
                 "-initrd", os.path.join(images, "initrd.gz"),
                 "-append", self.args.append, "-nographic"]
        return argv + self.args.extra

    def run(self):
        log = self.args.log
        if log and self.kind == "qemu" and self.args.compare_qemu:
            log = log + ".qemu"
        self.con = con = Console(self.argv(), log=log)
        cmd_timeout = self.args.command_timeout
        try:
            m = con.expect(r"^KSEG-INIT-READY (\S+)$", self.args.boot_timeout, "the initramfs marker")
            self.check(True, "boot to the initramfs shell in %.1fs" % con.elapsed())
            self.facts["release"] = m.group(1)
            boot_log = con.text[:m.start()]
            sh = Shell(con, cmd_timeout)

            sh.run("dmesg -n 1")    # no kernel messages in the middle of the session
            st, out = sh.run("uname -a")
            self.check(st == 0 and re.match(r"Linux kseg 6\.1\.0-\S+-4kc-malta #1 SMP .* mips GNU/Linux$", out),
                       "uname -a", out)

            st, out = sh.run("cat /proc/cpuinfo")
            self.facts["cpuinfo"] = "\n".join(l for l in out.splitlines() if not l.startswith("BogoMIPS"))
            self.check(re.search(r"^cpu model\s*:\s*MIPS 24Kc\b", out, re.M), "cpuinfo: MIPS 24Kc", out[:200])
            self.check(re.search(r"^system type\s*:\s*MIPS Malta$", out, re.M), "cpuinfo: MIPS Malta")

            st, first = sh.run("cat /proc/interrupts")
            sh.run("sleep 1")
            st, second = sh.run("cat /proc/interrupts")
            a, b = interrupts(first), interrupts(second)
            self.facts["interrupts"] = sorted(b)
            timers = [k for k in b if k.endswith(" timer")]
            grew = [k for k in timers if b[k] > a.get(k, 0)]
            self.check(grew, "timer interrupts counting", "%s -> %s" % (
                {k: a.get(k) for k in timers}, {k: b[k] for k in timers}) if timers else "no timer row")
            serial = [k for k in b if k.endswith("ttyS0")]
            self.check(serial and b[serial[0]] > a.get(serial[0], 0), "ttyS0 interrupts counting",
                       "%s -> %s" % (a.get(serial[0]), b.get(serial[0])) if serial else "no ttyS0 row")

            # (busybox sh computes in 64 bits: the compiler's helpers for those on a 32-bit CPU)
            st, out = sh.run("echo $((6*7)) $((0x7fffffff + 1)) $((-7 / 2)) $((1 << 40)) "
                             "$((123456789 * 987654321 % 1000000007))")
            expect = "42 2147483648 -3 1099511627776 %d" % (123456789 * 987654321 % 1000000007)
            self.check(out == expect, "shell arithmetic", "%r, expected %r" % (out, expect))
            st, out = sh.run("md5sum /etc/kseg/known.txt")
            self.check(out.split()[:1] == [hashlib.md5(KNOWN).hexdigest()], "md5sum of a known file", out)
            st, out = sh.run("sha256sum /etc/kseg/known.txt")
            self.check(out.split()[:1] == [hashlib.sha256(KNOWN).hexdigest()], "sha256sum of a known file", out)
            # busybox awk works in doubles: the kernel's FPU emulator on a 24Kc
            st, out = sh.run("awk 'BEGIN { s = 0; for (i = 1; i <= 2000; i++) s += 1 / i; "
                             "printf \"%.9f %.6e\\n\", s, 1 / 3 * 1e300 * 1e-290 }'")
            expect = "%.9f %.6e" % (sum(1.0 / i for i in range(1, 2001)), 1 / 3 * 1e300 * 1e-290)
            self.check(out == expect, "floating point (awk)", "%r, expected %r" % (out, expect))
            st, out = sh.run("seq 1 3000 | sort -rn | head -n 2 | tr '\\n' ' '")
            self.check(out.strip() == "3000 2999", "pipeline", out)

            # ^C reaches the foreground job through the UART and the tty layer
            con.expect(re.escape(PROMPT), cmd_timeout, "the shell prompt")
            t0 = time.monotonic()
            con.send("sleep 600; echo @@@SLEPT$((1+1))\n")
            con.expect(r"sleep 600", cmd_timeout, "the echo of the command")
            time.sleep(0.5)
            con.send("\x03")
            sh.run("echo interrupted")
            self.check("@@@SLEPT2" not in con.text and time.monotonic() - t0 < cmd_timeout,
                       "^C interrupts a running command")

            st, out = sh.run("date +%s; sleep 2; date +%s; date")
            host = time.time()
            nums = out.split("\n")
            try:
                d1, d2 = int(nums[0]), int(nums[1])
            except (ValueError, IndexError):
                d1 = d2 = None
            self.check(d1 is not None and 2 <= d2 - d1 <= 2 + cmd_timeout, "date advances", out)
            if d1 is not None and abs(d2 - host) > 300:
                print("%s note: the guest's clock is %+d s from the host's (QEMU's RTC starts at the host's UTC time)"
                      % (self.kind, d2 - host))

            st, out = sh.run("cat /proc/ioports; echo ----; cat /proc/iomem; echo ----; "
                             "for d in /sys/bus/pci/devices/*; do echo ${d##*/} "
                             "$(cat $d/vendor $d/device $d/class); done")
            parts = out.split("----\n")
            if len(parts) == 3:
                self.facts["ioports"], iomem, pci = parts
                # where the kernel is depends on KASLR
                self.facts["iomem"] = re.sub(r"(?m)^.* : Kernel (code|data|bss)\n", "", iomem)
                self.facts["pci"] = dict((l.split(None, 1) + [""])[:2] for l in pci.splitlines() if l.strip())
            st, out = sh.run("dmesg", timeout=cmd_timeout * 2)
            dmesg = out
            bad = [l for l in (boot_log + "\n" + dmesg).splitlines() if BAD.search(l)]
            self.check(not bad, "no kernel warning or oops", "; ".join(bad[:5]))
            self.facts["notable"] = sorted(set(
                re.sub(r"^\[\s*\d+\.\d+\]\s*", "", l) for l in dmesg.splitlines() if NOTABLE.search(l)))

            con.expect(re.escape(PROMPT), cmd_timeout, "the shell prompt")
            con.send("poweroff\n")
            st = con.wait_exit(self.args.poweroff_timeout)
            self.check(st == 0, "poweroff ends the emulator with status 0",
                       "still running after %ds" % self.args.poweroff_timeout if st is None else "status %s" % st)
            if st is not None:
                self.check(con.terminal_restored(), "the terminal settings are restored at exit")
        except ConsoleError as e:
            self.check(False, "console", str(e))
        finally:
            con.close()
        return all(ok for ok, _, _ in self.results)

    def failures(self):
        return [r for r in self.results if not r[0]]


def compare(q, k):
    """kseg must show what QEMU shows, where the guest's view should be the same."""
    results = []

    def check(ok, name, detail=""):
        results.append(ok)
        print("compare %s: %s%s" % ("ok  " if ok else "FAIL", name, ("\n" + detail) if detail and not ok else ""))

    qf, kf = q.facts, k.facts
    if "cpuinfo" in qf and "cpuinfo" in kf:
        diff = [l for l in set(qf["cpuinfo"].splitlines()) ^ set(kf["cpuinfo"].splitlines())]
        check(not diff, "/proc/cpuinfo is QEMU's (but BogoMIPS)",
              "\n".join("  qemu: " + l if l in qf["cpuinfo"].splitlines() else "  kseg: " + l for l in sorted(diff)))
    if "interrupts" in qf and "interrupts" in kf:
        missing = [r for r in qf["interrupts"] if r not in kf["interrupts"]]
        check(not missing, "the interrupt sources QEMU's guest has", "  missing on kseg: " + ", ".join(missing))
    if "pci" in qf and "pci" in kf:
        bad = ["%s: qemu %s, kseg %s" % (s, qf["pci"].get(s), kf["pci"].get(s))
               for s in CHIPSET if qf["pci"].get(s) != kf["pci"].get(s)]
        check(not bad, "the chipset's PCI functions (%s)" % ", ".join(CHIPSET), "  " + "\n  ".join(bad))
        extra = sorted(set(qf["pci"]) ^ set(kf["pci"]))
        if extra:
            print("compare note: PCI functions on one side only: " + ", ".join(
                "%s (%s %s)" % (s, "qemu" if s in qf["pci"] else "kseg", (qf["pci"].get(s) or kf["pci"].get(s)).strip())
                for s in extra))
    if "notable" in qf and "notable" in kf:
        new = [l for l in kf["notable"] if l not in qf["notable"]]
        check(not new, "no kernel warning/error message that QEMU's boot does not print",
              "  " + "\n  ".join(new[:20]))
    for name in ("ioports", "iomem"):
        if qf.get(name) != kf.get(name) and name in qf and name in kf:
            print("compare note: /proc/%s differs:\n  qemu: %s\n  kseg: %s" % (
                name, qf[name].replace("\n", "\n        "), kf[name].replace("\n", "\n        ")))
    return all(results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emulator", choices=["kseg", "qemu"], required=True)
    ap.add_argument("--images", default=default_images())
    ap.add_argument("--log", help="write the whole console output here")
    ap.add_argument("--append", default="console=ttyS0")
    ap.add_argument("--boot-timeout", type=float, default=240)
    ap.add_argument("--command-timeout", type=float, default=60)
    ap.add_argument("--poweroff-timeout", type=float, default=60)
    ap.add_argument("--compare-qemu", metavar="QEMU", help="also run QEMU and compare")
    ap.add_argument("binary")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()

    reason = inputs_missing(args, ("vmlinuz", "initrd.gz"))
    if reason:
        print(reason)
        return SKIP

    sessions, ok = run_sessions(args, Session)
    if args.compare_qemu and len(sessions) == 2:
        if sessions[0].failures():
            print("compare: QEMU's own run failed; nothing to compare with")
            ok = False
        elif not compare(sessions[0], sessions[1]):
            ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
