#!/usr/bin/env python3
"""System tests of kseg's boot ROM (roms/bootrom), on QEMU's Malta and on kseg.

Each test starts one emulator with the boot ROM, talks to it over the console (the
emulator's stdio, as a pipe), and checks what comes back. Every wait is bounded.

  romtest.py EMULATOR-OPTIONS prompt        the prompt and its commands
  romtest.py EMULATOR-OPTIONS exception     an unexpected exception is reported, the CPU stops
  romtest.py EMULATOR-OPTIONS handoff       boot tests/bootrom/argkernel.elf, check a0..a3,
                                            argv, envp and the initrd it received
  romtest.py EMULATOR-OPTIONS same-as-qemu  the same hand-off as QEMU's own -kernel loader
  romtest.py EMULATOR-OPTIONS badelf        bad kernels are refused with one clear line

EMULATOR-OPTIONS: --qemu PATH --bios ROM.swapped.bin, or --kseg PATH (kseg's embedded boot
ROM); --console superio (the first serial port, default) or cbus (the third); --ram MiB.
--argkernel PATH names the test kernel; --qemu PATH is also needed for same-as-qemu on kseg.

On QEMU there is no -kernel for a -bios firmware, so the tests do what kseg's -kernel does:
they write the images and a boot descriptor (roms/include/kseg_boot.h) into RAM with QEMU's
generic loader (-device loader,force-raw=on). Exit status: 0 pass, 1 fail, 77 skip.
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time

PROMPT = "kseg> "
BOOT_TIMEOUT = 30       # seconds from start to the first prompt (kseg runs unoptimised in CI)
COMMAND_TIMEOUT = 15    # seconds for one command's answer
KSEG_BOOT_MAGIC = 0x4745534B
KSEG_BOOT_DESC_PADDR = 0x1000
SKIP = 77


class Failure(Exception):
    pass


class Skip(Exception):
    pass


class Session:
    """One emulator run with its console on a pipe: send text, wait for text."""

    def __init__(self, argv, log):
        self.argv = argv
        self.log = log
        log.write("$ " + " ".join(argv) + "\n")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = b""
        self.err = b""
        self.seen = 0                   # output before this offset has been matched already
        self.cond = threading.Condition()
        self.eof = False
        self.pumps = [threading.Thread(target=self._pump, args=(stream, name), daemon=True)
                      for stream, name in ((self.proc.stdout, "out"), (self.proc.stderr, "err"))]
        for t in self.pumps:
            t.start()

    def _pump(self, stream, name):
        while True:
            data = os.read(stream.fileno(), 4096)
            with self.cond:
                if not data:
                    if name == "out":
                        self.eof = True
                    self.cond.notify_all()
                    return
                setattr(self, name, getattr(self, name) + data)
                self.cond.notify_all()

    def text(self):
        return self.out.decode("latin-1").replace("\r", "")

    def expect(self, pattern, timeout=COMMAND_TIMEOUT, what=None):
        """Waits until `pattern` (a regex) appears in the new output; returns the output from
        the last match up to and including this one."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                text = self.out.decode("latin-1").replace("\r", "")
                m = rx.search(text, self.seen)
                if m:
                    chunk = text[self.seen:m.end()]
                    self.seen = m.end()
                    return chunk
                left = deadline - time.monotonic()
                if left <= 0 or (self.eof and self.proc.poll() is not None):
                    raise Failure("waited %ss for %s; got:\n%s" % (
                        timeout, what or repr(pattern), text[self.seen:][-3000:]))
                self.cond.wait(min(left, 0.5))

    def send(self, text):
        self.log.write(">>> %r\n" % text)
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def command(self, line, timeout=COMMAND_TIMEOUT):
        """Types a command, returns its output (without the echo and the next prompt)."""
        self.send(line + "\r")
        chunk = self.expect(re.escape(PROMPT), timeout, "the prompt after '%s'" % line)
        chunk = chunk[:-len(PROMPT)]
        first_nl = chunk.find("\n")
        return chunk[first_nl + 1:] if first_nl >= 0 else ""

    def wait_exit(self, timeout=COMMAND_TIMEOUT):
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure("the emulator did not exit within %ss" % timeout)
        for t in self.pumps:            # everything it wrote, read
            t.join(5)
        return status

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.write(self.text())
        if self.err:
            self.log.write("[stderr]\n" + self.err.decode("latin-1"))
        self.log.write("\n")


# ---- Emulators ---------------------------------------------------------------------------

def serial_args(console):
    if console == "cbus":
        return ["-serial", "null", "-serial", "null", "-serial", "stdio"]
    return ["-serial", "stdio", "-serial", "null", "-serial", "null"]


class Emulator:
    def __init__(self, opts, kind=None):
        self.kind = kind or ("qemu" if opts.qemu and not opts.kseg else "kseg")
        self.opts = opts
        self.ram = opts.ram << 20

    def argv(self, extra=(), console=None):
        o = self.opts
        console = console or o.console
        if self.kind == "qemu":
            return [o.qemu, "-M", "malta", "-cpu", "24Kc", "-m", str(o.ram), "-bios", o.bios,
                    "-display", "none", "-monitor", "none", "-no-reboot",
                    *serial_args(console), *extra]
        return [o.kseg, "-M", "malta", "-m", str(o.ram), "-nographic", "-no-reboot",
                *serial_args(console), *extra]

    def start(self, log, extra=(), console=None):
        return Session(self.argv(extra, console), log)


# ---- Images ------------------------------------------------------------------------------

def initrd_bytes(size=5000):
    """A recognisable initrd: 0xA5 first, 0x5A last, a counting pattern between."""
    body = bytes((i * 7) & 0xFF for i in range(size - 2))
    return b"\xa5" + body + b"\x5a"


def qemu_initrd_paddr(ram_low, size):
    """Where QEMU 7.2's -kernel puts an initrd: 128 KiB below the top of low RAM, rounded
    up to 64 KiB (hw/mips/malta.c load_kernel, INITRD_PAGE_SIZE)."""
    page = 0x10000
    return (ram_low - (size + 128 * 1024) + page - 1) & ~(page - 1)


def descriptor(ram, kernel=(0, 0), initrd=(0, 0), cmdline=None):
    """The kseg boot descriptor, with the command line stored right after it."""
    cmd_paddr, cmd_size, tail = 0, 0, b""
    if cmdline is not None:
        cmd_paddr = KSEG_BOOT_DESC_PADDR + 40
        tail = cmdline.encode() + b"\0"
        cmd_size = len(tail) - 1
    words = [KSEG_BOOT_MAGIC, 1, kernel[0], kernel[1], initrd[0], initrd[1],
             cmd_paddr, cmd_size, ram]
    words.append(-sum(words) & 0xFFFFFFFF)
    return struct.pack("<10I", *words) + tail


class Loader:
    """Puts files in QEMU's RAM as kseg's -kernel/-initrd/-append would."""

    def __init__(self, tmpdir):
        self.tmpdir = tmpdir
        self.args = []
        self.n = 0

    def put(self, paddr, data):
        path = os.path.join(self.tmpdir, "blob%d.bin" % self.n)
        self.n += 1
        with open(path, "wb") as f:
            f.write(data)
        self.args += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, paddr)]


def qemu_boot_args(emu, tmpdir, kernel, initrd=None, cmdline=None):
    """Loader arguments for QEMU: initrd where QEMU's -kernel puts it, the kernel file below
    it, the descriptor at 0x1000. Returns (args, initrd_paddr)."""
    ram_low = min(emu.ram, 256 << 20)
    loader = Loader(tmpdir)
    top = ram_low
    initrd_paddr = 0
    if initrd is not None:
        initrd_paddr = qemu_initrd_paddr(ram_low, len(initrd))
        loader.put(initrd_paddr, initrd)
        top = initrd_paddr
    kernel_paddr = (top - len(kernel) - 0x10000) & ~0xFFFF
    loader.put(kernel_paddr, kernel)
    loader.put(KSEG_BOOT_DESC_PADDR,
               descriptor(emu.ram, (kernel_paddr, len(kernel)),
                          (initrd_paddr, len(initrd)) if initrd is not None else (0, 0),
                          cmdline))
    return loader.args, initrd_paddr


def boot_with_kernel(emu, log, tmpdir, kernel, initrd=None, cmdline=None, console=None):
    """Starts the emulator so that the boot ROM finds `kernel` (bytes): kseg's own -kernel,
    or the generic loader on QEMU."""
    if emu.kind == "qemu":
        args, _ = qemu_boot_args(emu, tmpdir, kernel, initrd, cmdline)
        return emu.start(log, args, console)
    args = []
    for name, data in (("kernel", kernel), ("initrd", initrd)):
        if data is not None:
            path = os.path.join(tmpdir, name + ".img")
            with open(path, "wb") as f:
                f.write(data)
            args += ["-" + name, path]
    if cmdline is not None:
        args += ["-append", cmdline]
    return emu.start(log, args, console)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


# ELF editing for the bad-image tests.
def elf_patch_first_load(elf, vaddr=None, entry=None):
    data = bytearray(elf)
    phoff, = struct.unpack_from("<I", data, 28)
    phnum, = struct.unpack_from("<H", data, 44)
    for i in range(phnum):
        off = phoff + 32 * i
        if struct.unpack_from("<I", data, off)[0] == 1:           # PT_LOAD
            if vaddr is not None:
                struct.pack_into("<II", data, off + 8, vaddr, vaddr)
            break
    if entry is not None:
        struct.pack_into("<I", data, 24, entry)
    return bytes(data)


def bad_elves(elf, ram):
    """(name, image, the line the boot ROM must print) for each kind of bad kernel."""
    low = min(ram, 256 << 20)
    x86_64 = bytearray(64)
    x86_64[0:16] = b"\x7fELF\x02\x01\x01" + bytes(9)
    struct.pack_into("<HHIQ", x86_64, 16, 2, 62, 1, 0x401000)
    big = bytearray(elf)
    big[5] = 2                                                  # ELFDATA2MSB
    big[18:20] = big[18:20][::-1]                               # e_machine as a BE file has it
    magic = bytearray(elf)
    magic[0] = 0
    return [
        ("bad-magic", bytes(magic),
         r"boot: not an ELF file \(starts 00 45 4c 46, not 7f 45 4c 46\)"),
        ("big-endian", bytes(big), r"boot: big-endian MIPS ELF; this Malta runs little-endian"),
        ("x86-64", bytes(x86_64), r"boot: not a MIPS ELF: ELF64, machine 62 \(x86-64\)"),
        ("beyond-ram", elf_patch_first_load(elf, 0x80000000 + low - 0x1000,
                                            0x80000000 + low - 0x1000),
         r"boot: segment 0 \(physical 0x%08x-0x[0-9a-f]{8}\) is beyond RAM \(0x%08x bytes\)"
         % (low - 0x1000, low)),
        ("over-rom", elf_patch_first_load(elf, 0x80020000, 0x80020000),
         r"boot: segment 0 \(physical 0x00020000-0x[0-9a-f]{8}\) overlaps the boot ROM's RAM"),
        ("kuseg", elf_patch_first_load(elf, 0x00100000, 0x00100000),
         r"boot: segment 0 at 0x00100000 \(0x[0-9a-f]+ bytes\) is not inside kseg0 or kseg1"),
        ("bad-entry", elf_patch_first_load(elf, None, 0x80500000),
         r"boot: entry point 0x80500000 is not in a loaded segment in kseg0/kseg1"),
        ("truncated", elf[:40], r"boot: the image is 40 bytes, too short for an ELF header"),
    ]


# ---- The tests ---------------------------------------------------------------------------

def check(cond, message):
    if not cond:
        raise Failure(message)


def check_has(output, needle, what):
    check(needle in output, "%s: expected %r in:\n%s" % (what, needle, output))


def wait_prompt(s, emu):
    try:
        return s.expect(re.escape(PROMPT), BOOT_TIMEOUT, "the first prompt")
    except Failure:
        if emu.kind == "kseg" and emu.opts.console == "superio":
            # Before kseg has the SuperIO UART the ROM only talks on the CBUS UART: say so.
            raise Skip("no prompt on the first serial port; is kseg's SuperIO UART there yet?")
        raise


def test_prompt(emu, log, tmpdir):
    s = emu.start(log)
    try:
        banner = wait_prompt(s, emu)
        check_has(banner, "kseg boot ROM, stage 1", "banner")
        check_has(banner, "ram: bytes at physical 0: 0x%08x" % min(emu.ram, 256 << 20), "banner")

        out = s.command("help")
        for name in ("help", "printenv", "setenv", "md", "mw", "go", "boot", "bdinfo", "tlb",
                     "reset"):
            check(re.search(r"^  %s\b" % name, out, re.M), "help does not list %s:\n%s" % (name, out))

        out = s.command("printenv")
        low = min(emu.ram, 256 << 20)
        for line in ("memsize=%d" % low, "ememsize=%d" % emu.ram, "modetty0=38400n8r",
                     "bootdelay=1", "bootfile=vmlinux"):
            check(re.search("^%s$" % re.escape(line), out, re.M), "printenv lacks %s:\n%s" % (line, out))

        check(s.command("setenv greeting hello  kseg \"two words\"") == "", "setenv printed something")
        out = s.command("printenv greeting")
        check(out == "greeting=hello kseg two words\n", "setenv then printenv: %r" % out)
        check_has(s.command("printenv"), "greeting=hello kseg two words\n", "printenv after setenv")
        s.command("setenv greeting")
        check_has(s.command("printenv greeting"), "'greeting' is not set", "setenv NAME deletes")

        # The board revision word, stamped over the flash at 0x1FC00010 by the board.
        out = s.command("md 0xbfc00010 1")
        check(re.match(r"bfc00010: 00000420 +\s+ \.\.\.\n$", out), "md of the revision word: %r" % out)
        out = s.command("md.b 0xbfc00020 4")
        check(re.match(r"bfc00020: 6b 73 65 67 +kseg\n$", out), "md.b of the signature: %r" % out)
        out = s.command("md 0xbfc00020 4")
        check_has(out, "bfc00020: 6765736b 6f6f6220 4f522074 2020204d    kseg boot ROM   ",
                  "md of the signature")
        # Memory write and read back, in RAM.
        check(s.command("mw 0x80400000 0x12345678 3") == "", "mw printed something")
        check_has(s.command("md 0x80400000 4"), "80400000: 12345678 12345678 12345678", "md after mw")
        s.command("mw.w 0x80400002 0xbeef")
        check_has(s.command("md.w 0x80400000 2"), "80400000: 5678 beef", "mw.w")
        # A fault is reported and the prompt comes back.
        out = s.command("md 0")
        check_has(out, "md: exception TLBL", "md of an unmapped address")
        check_has(s.command("md 0xbfc00010 1"), "00000420", "the prompt after a fault")
        check_has(s.command("frobnicate"), "unknown command 'frobnicate'", "unknown command")
        # Line editing: DEL and backspace erase, ^U drops the line.
        check_has(s.command("prxx\x7f\x08intenv modetty0"), "modetty0=38400n8r", "backspace")
        check(s.command("garbage\x15printenv bootdelay") == "bootdelay=1\n", "^U")
        check_has(s.command("bdinfo"), "revision 0x00000420", "bdinfo")
        out = s.command("tlb")
        check(out.count(" invalid ") >= 16, "tlb: entries not all invalid:\n" + out)
        out = s.command("boot")
        check_has(out, "boot: no kernel", "boot without a kernel")

        s.send("reset\r")
        s.expect("reset: resetting the board", COMMAND_TIMEOUT)
        status = s.wait_exit()
        check(status == 0, "the emulator exited with %d after reset" % status)
    finally:
        s.close()


def expected_handoff(ram, cmdline, initrd_paddr=None, initrd_size=0, argv0="vmlinux"):
    low = min(ram, 256 << 20)
    lines = ["argkernel: entered at 0x80100000",
             "a0=0x00000002 a1=0x80002000 a2=0x80002008 a3=0x%08x" % low,
             "sp=0x80001fc0 status=0x00400000 config.k0=2",
             "bss zeroed",
             "argc=2",
             "argv[0]=%s" % argv0]
    if initrd_size:
        lines.append("argv[1]=rd_start=0x%08x rd_size=%d %s" % (0x80000000 | initrd_paddr,
                                                               initrd_size, cmdline))
    else:
        lines.append("argv[1]=%s" % cmdline)
    lines += ["env memsize=%d" % low, "env ememsize=%d" % ram, "env modetty0=38400n8r"]
    if initrd_size:
        lines += ["env initrd_start=0x%08x" % (0x80000000 | initrd_paddr),
                  "env initrd_size=%d" % initrd_size]
    lines.append("memsize=%d" % low)
    if initrd_size:
        lines.append("initrd 0x%08x %d bytes: first=0xa5 last=0x5a" % (0x80000000 | initrd_paddr,
                                                                       initrd_size))
    else:
        lines.append("initrd none")
    lines.append("argkernel: done")
    return "\n".join(lines) + "\n"


def run_argkernel(emu, log, tmpdir, initrd, cmdline):
    """Boots the test kernel; returns (the boot ROM's text, the kernel's text, initrd paddr)."""
    kernel = read_file(emu.opts.argkernel)
    s = boot_with_kernel(emu, log, tmpdir, kernel, initrd, cmdline)
    try:
        rom = s.expect(r"boot: starting the kernel[^\n]*\n\n", BOOT_TIMEOUT, "the hand-off")
        out = s.expect(r"argkernel: done\n", COMMAND_TIMEOUT, "the test kernel's report")
        status = s.wait_exit()
        check(status == 0, "the emulator exited with %d" % status)
    except Failure:
        if PROMPT in s.text() and "kseg: kernel" not in s.text():
            raise Failure("the boot ROM found no kernel: did the emulator write the boot "
                          "descriptor at 0x1000 (roms/include/kseg_boot.h)?\n" + s.text())
        raise
    finally:
        s.close()
    initrd_paddr = 0
    m = re.search(r"initrd 0x[0-9a-f]+ bytes at 0x([0-9a-f]{8})", rom)
    if m:
        initrd_paddr = int(m.group(1), 16)
    return rom, out, initrd_paddr


def test_handoff(emu, log, tmpdir):
    # With an initrd and a short command line.
    initrd = initrd_bytes()
    cmdline = "console=ttyS0 test=1"
    rom, out, rd = run_argkernel(emu, log, tmpdir, initrd, cmdline)
    check(rd != 0, "the boot ROM did not report the initrd:\n" + rom)
    check(rd % 4096 == 0, "initrd at 0x%08x is not page-aligned" % rd)
    check(rd + len(initrd) <= min(emu.ram, 256 << 20), "initrd beyond low RAM")
    check_has(rom, "boot: entry point 0x80100000", "the loader's report")
    check_has(rom, "0x8f0 bytes from the file, 0x2010 zeroed", "the loader's report")
    want = expected_handoff(emu.ram, cmdline, rd, len(initrd))
    check(out.endswith(want) and out.count("argkernel: entered") == 1,
          "hand-off with initrd:\n--- got\n%s--- expected\n%s" % (out, want))
    # No initrd, and a command line longer than one 256-byte slot of the table.
    cmdline = "console=ttyS0 " + " ".join("word%03d" % i for i in range(150))
    rom, out, rd = run_argkernel(emu, log, tmpdir, None, cmdline)
    want = expected_handoff(emu.ram, cmdline)
    check(out.endswith(want), "hand-off without initrd:\n--- got\n%s--- expected\n%s" % (out, want))


def normalise(text):
    """What may differ between QEMU's -kernel and the boot ROM: argv[0] (QEMU passes the
    file name), rngseed (QEMU only), initrd_start/initrd_size (the boot ROM adds them, as
    U-Boot does) and QEMU 7.2's sign-extended rd_start=0xffffffff8......."""
    keep = []
    for line in text.splitlines():
        if re.match(r"argv\[0\]=|env (rngseed|initrd_start|initrd_size)=", line):
            continue
        keep.append(line.replace("rd_start=0xffffffff8", "rd_start=0x8"))
    return "\n".join(keep) + "\n"


def test_same_as_qemu(emu, log, tmpdir):
    if not emu.opts.qemu:
        raise Skip("needs --qemu")
    qemu = Emulator(emu.opts, "qemu")
    initrd = initrd_bytes(7000)
    cmdline = "console=ttyS0,38400 root=/dev/ram"
    path = os.path.join(tmpdir, "initrd.img")
    with open(path, "wb") as f:
        f.write(initrd)
    ref = Session([emu.opts.qemu, "-M", "malta", "-cpu", "24Kc", "-m", str(emu.opts.ram),
                   "-kernel", emu.opts.argkernel, "-initrd", path, "-append", cmdline,
                   "-display", "none", "-monitor", "none", "-no-reboot",
                   *serial_args("superio")], log)
    try:
        want = ref.expect(r"argkernel: done\n", BOOT_TIMEOUT, "QEMU -kernel's hand-off")
        ref.wait_exit()
    finally:
        ref.close()
    _, got, rd = run_argkernel(emu, log, tmpdir, initrd, cmdline)
    got, want = normalise(got), normalise(want)
    if emu.kind == "kseg":
        # kseg may place the initrd elsewhere than QEMU: compare the rest.
        qemu_rd = 0x80000000 | qemu_initrd_paddr(min(emu.ram, 256 << 20), len(initrd))
        got = got.replace("0x%08x" % (0x80000000 | rd), "0x%08x" % qemu_rd)
    check(got == want, "not the hand-off QEMU's -kernel gives:\n--- boot ROM\n%s--- QEMU\n%s"
          % (got, want))


def test_badelf(emu, log, tmpdir):
    elf = read_file(emu.opts.argkernel)
    cases = bad_elves(elf, emu.ram)
    if emu.kind == "qemu":
        # All of them in one run, at the prompt: boot ADDR SIZE for each.
        loader = Loader(tmpdir)
        base = 0x01000000
        for i, (_, image, _) in enumerate(cases):
            loader.put(base + i * 0x100000, image)
        s = emu.start(log, loader.args)
        try:
            wait_prompt(s, emu)
            for i, (name, image, message) in enumerate(cases):
                out = s.command("boot 0x%08x %d" % (0x80000000 + base + i * 0x100000, len(image)))
                check(re.fullmatch(message + r"[^\n]*\n", out),
                      "%s: expected one line matching %r, got:\n%s" % (name, message, out))
            # Through the descriptor as well: autoboot refuses, the prompt comes back.
        finally:
            s.close()
        args, _ = qemu_boot_args(emu, tmpdir, cases[0][1])
        s = emu.start(log, args)
        try:
            out = wait_prompt(s, emu)
            check(re.search(cases[0][2], out), "autoboot of a bad image: %s" % out)
        finally:
            s.close()
        return
    # kseg: either kseg refuses the file itself (one line, status 1) or the boot ROM does.
    for name, image, message in cases:
        s = boot_with_kernel(emu, log, tmpdir, image)
        try:
            try:
                out = s.expect(re.escape(PROMPT), BOOT_TIMEOUT, "the prompt")
            except Failure:
                if s.proc.poll() is None:
                    raise
                status = s.wait_exit()
                err = s.err.decode("latin-1").strip()
                check(status == 1 and err and "\n" not in err,
                      "%s: kseg exited with %s and %r (want status 1 and one line)"
                      % (name, status, err))
                log.write("%s: refused by kseg: %s\n" % (name, err))
                continue
            check(re.search(message, out), "%s: the boot ROM did not say %r:\n%s"
                  % (name, message, out))
        finally:
            s.close()


def test_exception(emu, log, tmpdir):
    """An exception nobody expects: stage 1's vectors print the CP0 state and stop."""
    s = emu.start(log)
    try:
        wait_prompt(s, emu)
        s.command("mw 0x80400000 0x0000000d")          # break
        s.send("go 0x80400000\r")
        out = s.expect(r"\*\*\* stopped\n", COMMAND_TIMEOUT, "the exception report")
        for pattern in (r"boot ROM exception, vector 0xbfc00000 \+ 0x00000380",
                        r"Cause    0x[0-9a-f]{6}24  ExcCode Bp",
                        r"EPC      0x80400000",
                        r"Status   0x00400002"):        # BEV, and EXL from the exception
            check(re.search(pattern, out), "exception report lacks %r:\n%s" % (pattern, out))
        time.sleep(0.5)
        check(s.proc.poll() is None, "the emulator stopped instead of the CPU")
    finally:
        s.close()


TESTS = {"prompt": test_prompt, "exception": test_exception, "handoff": test_handoff, "same-as-qemu": test_same_as_qemu,
         "badelf": test_badelf}


def run_one(opts, emu, test):
    """Runs test(emu, log, tmpdir) with its conversation logged (to opts.log, or shown on
    failure), says PASS, FAIL or SKIP, and returns the exit status. Also tests/hv/hvtest.py's."""
    with tempfile.TemporaryDirectory() as tmpdir:
        log = open(opts.log, "w") if opts.log else open(os.path.join(tmpdir, "log"), "w+")
        try:
            test(emu, log, tmpdir)
        except Skip as e:
            print("SKIP:", e)
            return SKIP
        except Failure as e:
            print("FAIL (%s on %s): %s" % (opts.test, emu.kind, e))
            if not opts.log:
                log.seek(0)
                print("--- conversation ---\n" + log.read()[-8000:])
            return 1
    print("PASS: %s on %s" % (opts.test, emu.kind))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qemu", help="qemu-system-mipsel")
    ap.add_argument("--bios", help="the word-swapped boot ROM for QEMU")
    ap.add_argument("--kseg", help="the kseg binary (its embedded boot ROM)")
    ap.add_argument("--console", choices=("superio", "cbus"), default="superio")
    ap.add_argument("--ram", type=int, default=256, help="MiB")
    ap.add_argument("--argkernel", help="tests/bootrom/argkernel.elf")
    ap.add_argument("--log", help="write the whole conversation here")
    ap.add_argument("test", choices=sorted(TESTS))
    opts = ap.parse_args()
    if not opts.kseg and not (opts.qemu and opts.bios):
        if opts.qemu == "":
            print("SKIP: qemu-system-mipsel is not installed")
            return SKIP
        ap.error("give --kseg, or --qemu and --bios")
    if opts.test not in ("prompt", "exception") and not opts.argkernel:
        ap.error("%s needs --argkernel" % opts.test)
    return run_one(opts, Emulator(opts), TESTS[opts.test])

if __name__ == "__main__":
    sys.exit(main())
