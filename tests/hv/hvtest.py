#!/usr/bin/env python3
"""System test of the hypervisor firmware (roms/hv), booted through the boot ROM like a
Linux kernel, on kseg and on QEMU's Malta.

  hvtest.py --kseg KSEG --hv HV.ELF selftest|guest
  hvtest.py --qemu QEMU --bios BOOTROM.swapped.bin --hv HV.ELF selftest|guest

selftest: the built-in self-test (no boot arguments: its default). guest: `-append guest`,
the hello guest (roms/guests/hello) as g0 by trap-and-emulate; every one of its checks
must PASS, the hypervisor must report "guest g0 exited", and the output is compared with
tests/hv/guest.expected like the self-test's.

On kseg the ELF goes in with -kernel; QEMU has no -kernel for a -bios firmware, so the test
writes the file and a boot descriptor into RAM with QEMU's generic loader, exactly as
tests/bootrom/romtest.py does for its test kernel (its helpers are used here).

Checks: every self-test line is a PASS, the expected tests all ran, the summary says
"N passed, 0 failed", the emulator exits with status 0 (the software reset with
-no-reboot), and the hypervisor's lines are the ones tests/hv/selftest.expected holds, but
for [bracketed] numbers, which depend on timing. Exit status: 0 pass, 1 fail, 77 skip.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bootrom"))
import romtest  # noqa: E402  (the boot ROM's test helpers)

TESTS = ("cooperative", "current", "pause", "resume", "destroy", "stack-guard", "sleep",
         "preemption", "preempted-destroy", "yield-to-preempted")
RUN_TIMEOUT = 120       # seconds from start to the summary (kseg runs unoptimised in CI)
HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "selftest.expected")
GUEST_EXPECTED = os.path.join(HERE, "guest.expected")
GUEST_TESTS = ("cp0", "ebase", "syscall", "break", "tlb-mapped", "tlb-refill", "timer",
               "wait", "di-ei", "delay-slot", "syscall-in-slot", "ri", "adel", "bus-error", "user-mode", "rdhwr", "long-run")


def hv_lines(text):
    """The hypervisor's own output from its banner on, timing-dependent numbers dropped."""
    start = text.find("\nhv: ")
    lines = text[start + 1:].splitlines() if start >= 0 else []
    kept = []
    for line in lines:
        for prefix in ("hv: ", "selftest: ", "[g0] "):     # "[g0] ": guest g0's console
            if line.startswith(prefix):
                kept.append(prefix + re.sub(r" ?\[[^\]]*\]", "", line[len(prefix):]))
    return kept


def compare_expected(got, path):
    with open(path) as f:
        want = f.read().splitlines()
    romtest.check(got == want, "not the expected output (numbers in [] aside):\n--- got\n%s\n"
                  "--- expected\n%s" % ("\n".join(got), "\n".join(want)))


def test_selftest(emu, log, tmpdir, opts):
    s = romtest.boot_with_kernel(emu, log, tmpdir, romtest.read_file(opts.hv))
    try:
        s.expect(r"hv: selftest \d+ passed, \d+ failed\n|hv: stopped\n", RUN_TIMEOUT,
                 "the self-test summary")
        status = s.wait_exit()
        text = s.text()
    finally:
        s.close()
    romtest.check(status == 0, "the emulator exited with %d (no software reset?)" % status)
    results = {name: verdict for verdict, name in
               re.findall(r"^selftest: (PASS|FAIL) ([\w-]+):", text, re.M)}
    for name in TESTS:
        romtest.check(name in results, "test %s did not run:\n%s" % (name, text))
        romtest.check(results[name] == "PASS", "test %s failed:\n%s" % (name, text))
    m = re.search(r"hv: selftest (\d+) passed, (\d+) failed", text)
    romtest.check(m and int(m.group(1)) == len(TESTS) and m.group(2) == "0",
                  "summary: %s" % (m.group(0) if m else "none"))
    compare_expected(hv_lines(text), EXPECTED)


def test_guest(emu, log, tmpdir, opts):
    s = romtest.boot_with_kernel(emu, log, tmpdir, romtest.read_file(opts.hv), cmdline="guest")
    try:
        s.expect(r"hv: guest g0 statistics.*\n|hv: guest g0 stopped|hv: stopped\n",
                 RUN_TIMEOUT, "the end of guest g0")
        status = s.wait_exit()
        text = s.text()
    finally:
        s.close()
    romtest.check(status == 0, "the emulator exited with %d (no software reset?)" % status)
    romtest.check("hv: guest g0 exited" in text, "guest g0 did not exit:\n%s" % text)
    results = {name: verdict for verdict, name in
               re.findall(r"^\[g0\] hello: (PASS|FAIL) ([\w-]+):", text, re.M)}
    for name in GUEST_TESTS:
        romtest.check(name in results, "guest check %s did not run:\n%s" % (name, text))
        romtest.check(results[name] == "PASS", "guest check %s failed:\n%s" % (name, text))
    compare_expected(hv_lines(text), GUEST_EXPECTED)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qemu", help="qemu-system-mipsel (\"\": not installed, skip)")
    ap.add_argument("--bios", help="the word-swapped boot ROM for QEMU")
    ap.add_argument("--kseg", help="the kseg binary (its embedded boot ROM)")
    ap.add_argument("--hv", required=True, help="roms/hv/hv.elf")
    ap.add_argument("--ram", type=int, default=256, help="MiB")
    ap.add_argument("--log", help="write the whole conversation here")
    ap.add_argument("test", choices=("selftest", "guest"))
    opts = ap.parse_args()
    if not opts.kseg and opts.qemu == "":
        print("SKIP: qemu-system-mipsel is not installed")
        return romtest.SKIP
    if not opts.kseg and not (opts.qemu and opts.bios):
        ap.error("give --kseg, or --qemu and --bios")
    opts.console = "superio"
    test = test_selftest if opts.test == "selftest" else test_guest
    return romtest.run_one(opts, romtest.Emulator(opts),
                           lambda emu, log, tmpdir: test(emu, log, tmpdir, opts))

if __name__ == "__main__":
    sys.exit(main())
