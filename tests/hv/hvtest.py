#!/usr/bin/env python3
"""System test of the hypervisor firmware (roms/hv), booted through the boot ROM like a
Linux kernel, on kseg and on QEMU's Malta.

  hvtest.py --kseg KSEG --hv HV.ELF selftest|guest|two-guests|bad-guest
  hvtest.py --qemu QEMU --bios BOOTROM.swapped.bin --hv HV.ELF selftest|guest|...

selftest: the built-in self-test (no boot arguments: its default). guest: `-append guest`,
the hello guest (roms/guests/hello) as g0 by trap-and-emulate; every one of its checks
must PASS, the hypervisor must report "guest g0 exited", and the output is compared with
tests/hv/guest.expected like the self-test's.

two-guests: `-append guest=hello,hello`, two hello guests interleaved by the VCPU
scheduler: both pass every check and exit. bad-guest: `-append guest=hello,bad`: the bad
guest (roms/guests/bad) spins with its interrupts off and the hypervisor's watchdog stops
it with a report while g0 passes every check. Where guests interleave, the output is
compared per guest (two-guests.expected, bad-guest.expected): the sequence of each
guest's lines ("[gN] ..." and "hv: guest gN ...") and of the hypervisor's other lines, in
order within each, numbers in [] aside. bad-jump: `-append "guest=rtos,badjump term"`: the
bad guest jumps where nothing is with no exception handler and is stopped by the watchdog
with a report (bad-jump.expected) while the rtos guest passes; `guests` shows it stopped.

netcheck: `-append netcheck` with `-nic user,model=ne2k_pci`: the hypervisor's own NE2000
driver (roms/hv/ne2k.c, hwnet.c) asks the user network's gateway for its MAC by ARP and
pings it (netcheck.expected); netcheck-nocard: the same without a card fails cleanly.

flash-persist: `-append "guest=flash term"` with the board flash in a file: the flash guest
counts its boots in its CFI flash (roms/hv/vflash.c), across `reset 0` (three times, each as
soon as the guest exits) and across a restart of the board. boot-flash: `guest=boot:rtos`
twice on one flash file: the kernel installed in the guest's flash once, the boot stage's
environment there counting the boots.

net-two, net-udp: the guests' network (issue 9), tests/hv/nettest.py: two net guests
(roms/guests/net) on the hypervisor's bridge with `-nic user,model=ne2k_pci`; net-udp with
the terminal, whose `threads` and `net` show the board card's transmit thread at work.

terminal: `-append "guest=rtos,echo term"`: the management terminal's commands typed and
checked (help, guests, threads, pause/resume, tlb, console N with a line echoed by the echo
guest through its virtual 16550's receive interrupts and Ctrl-] back, reset, halt).
busy-term: `-append "guest=kbench term"`: the terminal answers while a compute-bound guest
runs (the hypercore's threads are not starved by a guest that never waits).

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
import nettest  # noqa: E402  (net-two, net-udp: the network guests, issue 9)

TESTS = ("cooperative", "current", "pause", "resume", "destroy", "wait-wake", "stack-guard",
         "sleep", "preemption", "preempted-destroy", "yield-to-preempted")
RUN_TIMEOUT = 120       # seconds from start to the summary (kseg runs unoptimised in CI)
HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "selftest.expected")
GUEST_EXPECTED = os.path.join(HERE, "guest.expected")
GUEST_TESTS = ("cp0", "ebase", "syscall", "break", "tlb-mapped", "tlb-refill", "tlb-remap",
               "timer", "wait", "di-ei", "delay-slot", "syscall-in-slot", "mmio-in-slot", "ri",
               "adel", "bus-error", "user-mode", "rdhwr", "long-run")


def hv_lines(text):
    """The hypervisor's own output from its banner on, timing-dependent numbers dropped."""
    start = text.find("\nhv: ")
    lines = text[start + 1:].splitlines() if start >= 0 else []
    kept = []
    for line in lines:
        m = re.match(r"hv: |selftest: |\[g\d+\] ", line)   # "[gN] ": guest gN's console
        if m:
            prefix = m.group(0)
            kept.append(prefix + re.sub(r" ?\[[^\]]*\]", "", line[len(prefix):]))
    return kept


def compare_expected(got, path):
    with open(path) as f:
        want = f.read().splitlines()
    romtest.check(got == want, "not the expected output (numbers in [] aside):\n--- got\n%s\n"
                  "--- expected\n%s" % ("\n".join(got), "\n".join(want)))


def per_guest(lines):
    """Lines grouped by guest (by "[gN] " and "hv: guest gN"), the rest under "hv"."""
    groups = {}
    for line in lines:
        m = re.match(r"\[(g\d+)\] |hv: guest (g\d+)\b", line)
        key = (m.group(1) or m.group(2)) if m else "hv"
        groups.setdefault(key, []).append(line)
    return groups


def compare_per_guest(got, path):
    with open(path) as f:
        want = f.read().splitlines()
    g, w = per_guest(got), per_guest(want)
    for key in sorted(set(g) | set(w)):
        romtest.check(g.get(key) == w.get(key),
                      "%s: not the expected lines (numbers in [] aside):\n--- got\n%s\n"
                      "--- expected\n%s" % (key, "\n".join(g.get(key, [])),
                                             "\n".join(w.get(key, []))))


def wait_halt(s):
    """Waits for the board to stop, which must be its software reset (status 0); the whole
    output."""
    status = s.wait_exit()
    romtest.check(status == 0, "the emulator exited with %d (no software reset?)" % status)
    return s.text()


def run_hv(emu, log, tmpdir, opts, cmdline, until, what):
    """Boots the hypervisor with `cmdline` (None: none), waits for the regex `until` (or
    its panic's "hv: stopped") and for the board to halt; the output."""
    s = romtest.boot_with_kernel(emu, log, tmpdir, romtest.read_file(opts.hv), cmdline=cmdline)
    try:
        s.expect(r"%s|hv: stopped\n" % until, RUN_TIMEOUT, what)
        return wait_halt(s)
    finally:
        s.close()


def test_selftest(emu, log, tmpdir, opts):
    text = run_hv(emu, log, tmpdir, opts, None, r"hv: selftest \d+ passed, \d+ failed\n",
                  "the self-test summary")
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
        text = wait_halt(s)
    finally:
        s.close()
    romtest.check("hv: guest g0 exited" in text, "guest g0 did not exit:\n%s" % text)
    results = {name: verdict for verdict, name in
               re.findall(r"^\[g0\] hello: (PASS|FAIL) ([\w-]+):", text, re.M)}
    for name in GUEST_TESTS:
        romtest.check(name in results, "guest check %s did not run:\n%s" % (name, text))
        romtest.check(results[name] == "PASS", "guest check %s failed:\n%s" % (name, text))
    compare_expected(hv_lines(text), GUEST_EXPECTED)


def run_guests(emu, log, tmpdir, opts, cmdline, last):
    return run_hv(emu, log, tmpdir, opts, cmdline, r"hv: guest %s statistics.*\n" % last,
                  "the end of the guests")


def check_hello(text, guest):
    romtest.check("hv: guest %s exited" % guest in text, "guest %s did not exit:\n%s"
                  % (guest, text))
    results = {name: verdict for verdict, name in
               re.findall(r"^\[%s\] hello: (PASS|FAIL) ([\w-]+):" % guest, text, re.M)}
    for name in GUEST_TESTS:
        romtest.check(name in results, "%s: check %s did not run:\n%s" % (guest, name, text))
        romtest.check(results[name] == "PASS", "%s: check %s failed:\n%s"
                      % (guest, name, text))


def test_two_guests(emu, log, tmpdir, opts):
    text = run_guests(emu, log, tmpdir, opts, "guest=hello,hello", "g1")
    check_hello(text, "g0")
    check_hello(text, "g1")
    compare_per_guest(hv_lines(text), os.path.join(HERE, "two-guests.expected"))


def test_bad_guest(emu, log, tmpdir, opts):
    text = run_guests(emu, log, tmpdir, opts, "guest=hello,bad", "g1")
    check_hello(text, "g0")
    romtest.check(re.search(r"^hv: guest g1 stopped: looped with interrupts off", text, re.M),
                  "the bad guest g1 was not stopped by the watchdog:\n%s" % text)
    compare_per_guest(hv_lines(text), os.path.join(HERE, "bad-guest.expected"))


def test_bad_jump(emu, log, tmpdir, opts):
    """`-append "guest=rtos,badjump term"`: g1 (roms/guests/bad, mode 1) jumps to an address
    where nothing is, with no exception handler of its own, so each exception reflected
    into it faults again at its vector; the watchdog stops it after VCPU_WD_STORM of them
    without an ERET, with a report on the management terminal (the board console), while
    g0, the rtos test kernel, passes its checks. `guests` on the terminal then shows g1
    stopped and g0 exited."""
    text, (guests,) = run_guests_term(emu, log, tmpdir, opts, "guest=rtos,badjump", "g1",
                                      r"hv: guest g1 statistics.*\n", [("guests", GUESTS)])
    check_rtos(text, "g0")
    romtest.check(re.search(r"^hv: guest g1 stopped: \d+ exceptions reflected without an "
                            r"ERET at pc 0x[0-9a-f]{8}$", text, re.M),
                  "the bad guest g1 was not stopped by the watchdog:\n%s" % text)
    romtest.check(guest_row(guests, "g1")[0] == "stopped" and
                  guest_row(guests, "g0")[0] == "exited", "guests:\n%s" % guests)
    # Whether a tick came during g1's one short run is up to the host's speed: not compared.
    lines = [line for line in hv_lines(text)
             if not line.startswith("hv: guest g1 was interrupted by the hypervisor's tick")]
    compare_per_guest(lines, os.path.join(HERE, "bad-jump.expected"))


RTOS_TESTS = 20


def check_rtos(text, guest):
    """The rtos test kernel ran as `guest`: every one of its checks passed and it exited."""
    results = re.findall(r"^\[%s\] rtos: (PASS|FAIL) ([\w-]+):" % guest, text, re.M)
    romtest.check(len(results) == RTOS_TESTS and all(v == "PASS" for v, _ in results),
                  "rtos checks of %s:\n%s" % (guest, text))
    romtest.check(re.search(r"^\[%s\] rtos: %d passed, 0 failed" % (guest, RTOS_TESTS), text,
                            re.M), "no rtos summary from %s:\n%s" % (guest, text))
    romtest.check("hv: guest %s exited" % guest in text,
                  "guest %s did not exit:\n%s" % (guest, text))


def test_rtos(emu, log, tmpdir, opts):
    text = run_guests(emu, log, tmpdir, opts, "guest=rtos", "g0")
    check_rtos(text, "g0")
    compare_expected(hv_lines(text), os.path.join(HERE, "rtos.expected"))


def test_two_rtos(emu, log, tmpdir, opts):
    """Issue 8's goal: two guests run their test suites to PASS at the same time."""
    text = run_guests(emu, log, tmpdir, opts, "guest=rtos,rtos", "g1")
    check_rtos(text, "g0")
    check_rtos(text, "g1")


def test_boot_stage(emu, log, tmpdir, opts):
    """`-append guest=boot:rtos`: the VCPU starts at its reset vector in the guest boot stage
    (roms/guests/boot, the guest's read-only ROM), which prints its RAM size (a0), finds
    that a store to its ROM is a bus error that changes nothing, finds the guest's CFI flash
    (vflash.c), counts the boot in its environment there, loads the rtos kernel's ELF file
    the hypervisor installed in the flash and jumps to it; then rtos passes."""
    text = run_guests(emu, log, tmpdir, opts, "guest=boot:rtos", "g0")
    banner = re.search(r"^\[g0\] boot: guest boot stage at 0xbfc00000, RAM 16 MiB "
                       r"\(a0 = 0x01000000\)$", text, re.M)
    start = re.search(r"^\[g0\] boot: starting the kernel at 0x80001000", text, re.M)
    up = re.search(r"^\[g0\] rtos: guest kernel up", text, re.M)
    romtest.check(banner and start and up and banner.start() < start.start() < up.start(),
                  "no boot stage banner, kernel start and then rtos:\n%s" % text)
    romtest.check(re.search(r"^\[g0\] boot: the ROM is read-only", text, re.M),
                  "the boot stage's ROM is writable:\n%s" % text)
    check_rtos(text, "g0")
    compare_expected(hv_lines(text), os.path.join(HERE, "boot-stage.expected"))


TERM_PROMPT = "hv> "
GUESTS = r"\ng0 +\w+ +ticks"                   # the first line of `guests`


def seen_or_expect(s, pattern, what):
    """Waits for `pattern` unless it came already: the guests start with the terminal, so
    their first lines may come before the prompt that an earlier expect waited for."""
    if not re.search(pattern, s.text()):
        s.expect(pattern, RUN_TIMEOUT, what)


def term_command(s, line, first, timeout=30):
    """Types a command on the management terminal; returns its output from its first line
    (the regex `first`) up to the next prompt. The echo of the line cannot tell when the
    command runs: a guest's line that comes while the prompt shows is put under it and the
    prompt line drawn again, so the keys typed may show twice."""
    s.send(line + "\r")
    head = s.expect(first, timeout, "the output of '%s'" % line)
    m = list(re.finditer(first, head))[-1]
    chunk = s.expect(re.escape(TERM_PROMPT), timeout, "the prompt after '%s'" % line)
    return head[m.start():] + chunk[:-len(TERM_PROMPT)]


def term_reset(s, n):
    """`reset N` on the terminal. vcpu_reset prints "hv: guest gN reset" before the guest can
    run again, but the guest's new output may come before the terminal's next prompt, so
    term_command may have read some of it (a short guest: all of it, and its exit): the
    session's next expects go on from just after that line, not from the prompt."""
    start = len(s.text())
    out = term_command(s, "reset %d" % n, r"guest g%d reset" % n)
    romtest.check("guest g%d reset" % n in out, "reset %d: %s" % (n, out))
    m = re.compile(r"^hv: guest g%d reset$" % n, re.M).search(s.text(), start)
    romtest.check(m, "reset %d: no line 'hv: guest g%d reset':\n%s" % (n, n, s.text()[start:]))
    s.seen = m.end()


def guest_row(text, guest):
    """`guests`' line for `guest`: (state, run ticks, exits)."""
    m = re.search(r"^%s +(\w+) +ticks (\d+) runs \d+ exits (\d+):" % guest, text, re.M)
    romtest.check(m, "no %s in the guests list:\n%s" % (guest, text))
    return m.group(1), int(m.group(2)), int(m.group(3))


def test_terminal(emu, log, tmpdir, opts):
    """The management terminal (roms/hv/term.c) with two guests: rtos (g0, runs its suite,
    then exits) and echo (g1, echoes the lines typed to it through its virtual 16550's
    receive interrupts). Commands: help, guests, threads, pause/resume (a paused guest gets
    no run time while the other does), tlb, console + the escape key Ctrl-], reset, halt."""
    s = romtest.boot_with_kernel(emu, log, tmpdir, romtest.read_file(opts.hv),
                                 cmdline="guest=rtos,echo term")
    try:
        s.expect(re.escape(TERM_PROMPT), RUN_TIMEOUT, "the terminal's prompt")
        seen_or_expect(s, r"\[g1\] echo: ready", "the echo guest")
        out = term_command(s, "help", r"commands:\n")
        for cmd in ("guests", "pause N", "resume N", "reset N", "console N", "threads",
                    "tlb N", "halt"):
            romtest.check(cmd in out, "help does not list %s:\n%s" % (cmd, out))
        out = term_command(s, "guests", GUESTS)
        romtest.check(guest_row(out, "g0")[0] in ("running", "ready", "waiting", "exited"),
                      "g0's state:\n%s" % out)
        out = term_command(s, "threads", r"id name")
        for name in ("main", "idle", "term"):
            romtest.check(re.search(r"^ *\d+ %s +\w+ +\d+ +\d+ +\d+/8192$" % name, out, re.M),
                          "thread %s not listed:\n%s" % (name, out))
        # Paused, g1 gets no run time while g0 runs its suite; resumed, it runs again.
        out = term_command(s, "pause 1", r"g1 paused")
        romtest.check("g1 paused" in out, "pause 1: %s" % out)
        before = guest_row(term_command(s, "guests", GUESTS), "g1")
        romtest.check(before[0] == "paused", "g1 not paused: %s" % (before,))
        # g0 may have finished already (a loaded host runs the commands above slowly).
        if not re.search(r"\[g0\] rtos: \d+ passed, \d+ failed", s.text()):
            s.expect(r"\[g0\] rtos: \d+ passed, \d+ failed", RUN_TIMEOUT, "the rtos summary")
        after = guest_row(term_command(s, "guests", GUESTS), "g1")
        romtest.check(after[1:] == before[1:], "paused g1 ran: %s -> %s" % (before, after))
        out = term_command(s, "resume 1", r"g1 resumed")
        romtest.check("g1 resumed" in out, "resume 1: %s" % out)
        now = guest_row(term_command(s, "guests", GUESTS), "g1")
        romtest.check(now[0] in ("ready", "waiting"), "resumed g1: %s" % (now,))
        out = term_command(s, "tlb 0", r"g0 TLB")
        romtest.check("g0 TLB" in out, "tlb 0: %s" % out)
        # The console of g1: its output raw, the keys to its 16550 (a receive interrupt
        # each), Ctrl-] back to the prompt.
        seen_or_expect(s, r"hv: guest g0 exited", "g0's exit")
        out = term_command(s, "pause 0", r"g0 is not")   # g0 has exited
        romtest.check("g0 is not running or ready" in out, "pause 0: %s" % out)
        s.send("console 1\r")
        s.expect(r"console attached to g1", 30, "console 1")
        s.send("hello from the board\r")
        s.expect(r"\necho: hello from the board \[\d+ interrupts\]", 30, "g1's echo")
        s.send("\x1d")
        s.expect(r"console detached\n" + re.escape(TERM_PROMPT), 30, "the escape key")
        out = term_command(s, "guests", GUESTS)
        romtest.check(guest_row(out, "g0")[0] == "exited", "g0 did not exit:\n%s" % out)
        term_reset(s, 0)
        s.expect(r"\[g0\] rtos: \d+ passed, 0 failed", RUN_TIMEOUT, "the rerun of g0")
        out = term_command(s, "bogus 3", r"unknown command")
        romtest.check("unknown command" in out, "bogus: %s" % out)
        s.send("halt\r")
        text = wait_halt(s)
    finally:
        s.close()
    romtest.check("hv: halted from the terminal" in text, "no halt message")
    # The hypervisor's own messages (g0's exit) go under the prompt, never after it.
    romtest.check("hv: guest g0 exited" in text, "no exit message of g0")
    romtest.check(not re.search(re.escape(TERM_PROMPT) + r"hv: ", text),
                  "a hypervisor message was printed after the prompt:\n%s" % text)
    # The first run's checks.
    check_rtos(text[:text.find("hv: guest g0 reset")], "g0")


def run_guests_term(emu, log, tmpdir, opts, cmdline, last, report_end, commands):
    """run_guests with the management terminal (`cmdline term`): once the guests are done
    (the statistics of `last`, then the line matching `report_end`), types `commands`
    ((line, regex of its output's first line) each) and `halt`. The whole output and each
    command's."""
    s = romtest.boot_with_kernel(emu, log, tmpdir, romtest.read_file(opts.hv),
                                 cmdline=cmdline + " term")
    try:
        s.expect(re.escape(TERM_PROMPT), RUN_TIMEOUT, "the terminal's prompt")
        seen_or_expect(s, r"hv: guest %s statistics.*\n" % last, "the end of the guests")
        seen_or_expect(s, report_end, "the hypervisor's report after the guests")
        outs = [term_command(s, line, first) for line, first in commands]
        s.send("halt\r")
        text = wait_halt(s)
    finally:
        s.close()
    romtest.check("hv: halted from the terminal" in text, "no halt message:\n%s" % text)
    return text, outs


def test_busy_term(emu, log, tmpdir, opts):
    """`-append "guest=kbench term"`: the terminal typed to while a compute-bound guest runs
    that never waits. The hypercore's threads (here `term`, which sleeps a tick between
    keys) must still get the hypercore's slice: `guests` answers while g0 is still ready
    or running, not once it is done. Their sleeps end at ticks the guest takes, and the
    idle thread gives the slice away only when no thread has work (hthread.c's idle_fn);
    the same holds the board card's threads to their work under a busy guest."""
    s = romtest.boot_with_kernel(emu, log, tmpdir, romtest.read_file(opts.hv),
                                 cmdline="guest=kbench term")
    try:
        s.expect(re.escape(TERM_PROMPT), RUN_TIMEOUT, "the terminal's prompt")
        # The prompt comes before the guests start: their first line says they have.
        seen_or_expect(s, r"\[g0\] kbench: integer kernels", "kbench's banner")
        out = term_command(s, "guests", GUESTS)
        romtest.check(guest_row(out, "g0")[0] in ("ready", "running"),
                      "the terminal answered only once the busy guest was done:\n%s" % out)
        seen_or_expect(s, r"\[g0\] kbench: (PASS|FAIL)", "kbench's verdict")
        seen_or_expect(s, r"hv: guest g0 statistics.*\n", "the end of the guest")
        s.send("halt\r")
        text = wait_halt(s)
    finally:
        s.close()
    romtest.check(re.search(r"^\[g0\] kbench: PASS$", text, re.M), "kbench:\n%s" % text)


NIC_ARGS = ["-nic", "user,model=ne2k_pci"]
NO_NIC_ARGS = ["-nic", "none"]      # QEMU's Malta otherwise gets its default pcnet card


class NicEmulator:
    """The emulator with network options before the test's own: romtest.boot_with_kernel
    starts it as it would the plain one."""

    def __init__(self, emu, args):
        self.emu = emu
        self.args = args

    def __getattr__(self, name):
        return getattr(self.emu, name)

    def start(self, log, extra=(), console=None):
        return self.emu.start(log, [*self.args, *extra], console)


def run_netcheck(emu, log, tmpdir, opts, nic_args):
    return run_hv(NicEmulator(emu, nic_args), log, tmpdir, opts, "netcheck",
                  r"hv: netcheck: (PASS|FAIL)\n", "the netcheck verdict")


def test_netcheck(emu, log, tmpdir, opts):
    """`-append netcheck` with `-nic user,model=ne2k_pci`: the hypervisor finds the card on
    PCI, reads its MAC (QEMU's default, which kseg shares), learns the slirp gateway's MAC
    by ARP and pings it, once and then with a burst of 32 large echoes that run round the
    card's receive ring; the lines come in this order and nothing else is said (numbers in
    [] aside). Both emulators put the first card in slot 18, 00:12.0, as Linux expects."""
    text = run_netcheck(emu, log, tmpdir, opts, NIC_ARGS)
    want = [r"hv: net: ne2k_pci at 00:12\.0, io 0x1000, mac 52:54:00:12:34:56",
            r"hv: netcheck: 10\.0\.2\.2 is at 52:55:0a:00:02:02",
            r"hv: netcheck: echo reply from 10\.0\.2\.2",
            r"hv: netcheck: 32 of 32 echoes of 1441-1472 bytes came back, 0 damaged",
            r"hv: netcheck: PASS"]
    pos = 0
    for pattern in want:
        m = re.compile(r"^%s$" % pattern, re.M).search(text, pos)
        romtest.check(m, "no line matching %r (in this order):\n%s" % (pattern, text))
        pos = m.end()
    compare_expected(hv_lines(text), os.path.join(HERE, "netcheck.expected"))


def test_netcheck_nocard(emu, log, tmpdir, opts):
    """`-append netcheck` without a network card: said so, FAIL, and the board halts."""
    text = run_netcheck(emu, log, tmpdir, opts, NO_NIC_ARGS if emu.kind == "qemu" else [])
    romtest.check(re.search(r"^hv: net: no NE2000 found\n(.*\n)?hv: netcheck: FAIL$", text,
                            re.M), "no 'no NE2000' line and FAIL:\n%s" % text)


# ---- The guests' flash (issue 9: roms/hv/vflash.c) ------------------------------------------

FLASH_SIZE = 4 << 20


def flash_args(emu, tmpdir, opts):
    """A fresh board flash file and the option for it: kseg's -pflash, QEMU's -drive
    if=pflash (kseg takes that spelling too). On kseg the file is all erased: its
    -kernel runs the boot ROM from the boot ROM window whatever the flash holds. On QEMU the
    flash is then the boot ROM's only copy, so the file starts with the -bios image as it
    is: QEMU 7.2 swaps the words of the flash's first 0x3E0000 bytes at every start, from
    -bios or -drive alike (roms/hv/flash.c: its mark tells the hypervisor so)."""
    rom = romtest.read_file(opts.bios) if emu.kind == "qemu" else b""
    path = os.path.join(tmpdir, "flash.img")
    with open(path, "wb") as f:
        f.write(rom + b"\xff" * (FLASH_SIZE - len(rom)))
    if emu.kind == "qemu":
        return ["-drive", "if=pflash,format=raw,file=" + path]
    return ["-pflash", path]


def flash_counts(text):
    """The flash guest's boot counts, in order; every one of its checks must have passed."""
    romtest.check(not re.search(r"^\[g0\] flash: FAIL", text, re.M),
                  "a flash check failed:\n%s" % text)
    return [int(n) for n in re.findall(r"^\[g0\] flash: boot count (\d+)$", text, re.M)]


FLASH_RESETS = 3


def test_flash_persist(emu, log, tmpdir, opts):
    """`-append "guest=flash term"` with the board flash in a file: the flash guest
    (roms/guests/flash) checks its CFI flash and counts its boots there: 1; `reset 0` on
    the terminal, FLASH_RESETS times: 2, 3, 4, the flash kept across the guest's resets;
    `halt`, then the board started again on the same file: 5, the flash kept across a
    restart of the board. Each reset comes as soon as the guest has exited, and the guest's
    whole run takes less than a tick: the reset's line must still come before the run it
    started (vcpu_reset prints it before the guest is READY; printed after, a tick in
    between let the run and its exit come first)."""
    femu = NicEmulator(emu, flash_args(emu, tmpdir, opts))
    s = romtest.boot_with_kernel(femu, log, tmpdir, romtest.read_file(opts.hv),
                                 cmdline="guest=flash term")
    done = r"\[g0\] flash: (all checks passed|\d+ checks failed)"
    try:
        s.expect(re.escape(TERM_PROMPT), RUN_TIMEOUT, "the terminal's prompt")
        seen_or_expect(s, done, "the flash guest's first run")
        seen_or_expect(s, r"hv: guest g0 exited", "the flash guest's exit")
        for run in range(2, FLASH_RESETS + 2):
            term_reset(s, 0)
            s.expect(done, RUN_TIMEOUT, "the flash guest's run %d" % run)
            s.expect(r"hv: guest g0 exited", RUN_TIMEOUT, "the flash guest's exit %d" % run)
        s.send("halt\r")
        text = wait_halt(s)
    finally:
        s.close()
    runs = re.split(r"^hv: guest g0 reset$", text, flags=re.M)
    romtest.check(len(runs) == FLASH_RESETS + 1 and
                  all(flash_counts(r) == [i + 1] for i, r in enumerate(runs)),
                  "not one boot count, one more each time, after each `reset 0`:\n%s" % text)
    text = run_guests(femu, log, tmpdir, opts, "guest=flash", "g0")
    romtest.check(flash_counts(text) == [FLASH_RESETS + 2],
                  "the boot count after a restart:\n%s" % text)


def test_boot_flash(emu, log, tmpdir, opts):
    """`-append guest=boot:rtos` twice on one board flash file: the first run installs the
    kernel in the guest's flash and the boot stage counts boot 1 in its environment there;
    the second finds the kernel in place and counts boot 2; rtos passes both times."""
    femu = NicEmulator(emu, flash_args(emu, tmpdir, opts))
    for boot, installed in ((1, r"the kernel \[\d+ bytes\] written to flash@1e000000"),
                            (2, r"flash@1e000000 holds the kernel already")):
        text = run_guests(femu, log, tmpdir, opts, "guest=boot:rtos", "g0")
        romtest.check(re.search(r"^hv: guest g0: %s$" % installed, text, re.M),
                      "run %d: no line matching %r:\n%s" % (boot, installed, text))
        romtest.check(re.search(r"^\[g0\] boot: environment in the flash's last block: "
                                r"boot %d$" % boot, text, re.M),
                      "run %d: not boot %d in the environment:\n%s" % (boot, boot, text))
        check_rtos(text, "g0")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qemu", help="qemu-system-mipsel (\"\": not installed, skip)")
    ap.add_argument("--bios", help="the word-swapped boot ROM for QEMU")
    ap.add_argument("--kseg", help="the kseg binary (its embedded boot ROM)")
    ap.add_argument("--hv", required=True, help="roms/hv/hv.elf")
    ap.add_argument("--ram", type=int, default=256, help="MiB")
    ap.add_argument("--log", help="write the whole conversation here")
    ap.add_argument("test", choices=("selftest", "guest", "two-guests", "bad-guest", "bad-jump",
                                     "rtos", "two-rtos", "boot-stage", "terminal",
                                     "busy-term", "netcheck",
                                     "netcheck-nocard", "flash-persist", "boot-flash",
                                     *nettest.TESTS))
    opts = ap.parse_args()
    if not opts.kseg and opts.qemu == "":
        print("SKIP: qemu-system-mipsel is not installed")
        return romtest.SKIP
    if not opts.kseg and not (opts.qemu and opts.bios):
        ap.error("give --kseg, or --qemu and --bios")
    opts.console = "superio"
    test = {"selftest": test_selftest, "guest": test_guest, "two-guests": test_two_guests,
            "bad-guest": test_bad_guest, "bad-jump": test_bad_jump, "rtos": test_rtos,
            "two-rtos": test_two_rtos, "boot-stage": test_boot_stage,
            "terminal": test_terminal, "busy-term": test_busy_term, "netcheck": test_netcheck,
            "netcheck-nocard": test_netcheck_nocard, "flash-persist": test_flash_persist,
            "boot-flash": test_boot_flash}.get(opts.test)
    if test is None:                # nettest's: the board's card on the user network
        def test(emu, log, tmpdir, opts):
            nic = NicEmulator(emu, NIC_ARGS)

            def run(cmdline, commands=()):
                if not commands:
                    return run_guests(nic, log, tmpdir, opts, cmdline, "g1"), []
                return run_guests_term(nic, log, tmpdir, opts, cmdline, "g1",
                                       r"hv: net: counters .*\n", commands)
            nettest.TESTS[opts.test](run)
    return romtest.run_one(opts, romtest.Emulator(opts),
                           lambda emu, log, tmpdir: test(emu, log, tmpdir, opts))

if __name__ == "__main__":
    sys.exit(main())
