#!/usr/bin/env python3
"""System tests of kseg's boot flash with a backing file (-pflash, -drive if=pflash).

  flash.py --kseg KSEG --bootrom BOOTROM.bin bootrom-saveenv
      the boot ROM's setenv + saveenv, seen in the file while kseg still runs, then in a new
      kseg on the same file
  flash.py --kseg KSEG --bootrom BOOTROM.bin bootrom-commands
      flinfo, erase, cp to flash (and its "not erased" refusal), the boot ROM's own blocks
      protected; every change in the file as soon as the command has answered
  flash.py --kseg KSEG --bootrom BOOTROM.bin snapshot
      -snapshot and readonly=on leave the file as it was
  flash.py --kseg KSEG --bootrom BOOTROM.bin refuse
      a file of the wrong size, other -drive forms, a second kseg on the same file: one
      clear line and exit status 1, the file untouched; -bios beside -pflash is ignored
  flash.py --kseg KSEG [--images DIR] uboot-saveenv
      Debian's U-Boot (u-boot.bin at offset 0 of the file): saveenv, then a new kseg prints
      "Loading Environment from Flash... OK" and has the variable (skips without the image)
  flash.py --kseg KSEG --stress FLASH_STRESS.bin [--rounds N] [--seed S] sigkill
      kseg runs flash_stress.c (erase/program without end; every other round only erases)
      and is killed with SIGKILL (kseg alone, not its writer process) at random moments;
      once the file is unlocked it must be 4 MiB, every block a prefix of one generation
      then erased words, the last generation reported done complete, and the next kseg on
      the file must find what the previous one left
  flash.py --kseg KSEG [--images DIR] [--qemu QEMU] linux-mtd
      Debian's Linux with its own CFI driver (physmap, cfi_probe, cfi_cmdset_0001; the
      initramfs's kseg_run=mtd) on a zeroed flash file: /proc/mtd lists the device tree's
      three partitions, kseg_mtd=write writes known.txt to "User FS" through mtdblock, the
      file has it at 0x100000 (the rest unchanged), and a second kseg on the file reads the
      same MD5 back with kseg_mtd=read; with --qemu (if executable) the same on QEMU, which
      must leave the same bytes in its file (skips without the images)

Exit status: 0 passed, 1 failed, 77 skipped. Temporary files are removed.
"""
import argparse
import fcntl
import hashlib
import os
import random
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bootrom"))
sys.path.insert(0, os.path.join(HERE, "..", "linux"))
import romtest  # noqa: E402  (Session: a console on pipes, PROMPT "kseg> ")
from emuconsole import Console, ConsoleError, default_images  # noqa: E402

FLASH_SIZE = 4 << 20
BLOCK = 64 << 10
ENV_OFFSET = 0x3F0000                  # the boot ROM's saved environment (roms/bootrom/board.h)
UBOOT_ENV_OFFSET, UBOOT_ENV_SIZE = 0x3E0000, 0x20000
SKIP = 77


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def flash_image(path, content):
    with open(path, "wb") as f:
        f.write(content + b"\xff" * (FLASH_SIZE - len(content)))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sha(path):
    return hashlib.sha256(read(path)).hexdigest()


def kseg_argv(opts, *extra):
    return [opts.kseg, "-M", "malta", "-m", "256", "-nographic", "-no-reboot",
            "-serial", "stdio", "-serial", "null", "-serial", "null", *extra]


def start_rom(opts, log, *extra):
    s = romtest.Session(kseg_argv(opts, *extra), log)
    banner = s.expect(re.escape(romtest.PROMPT), romtest.BOOT_TIMEOUT, "the boot ROM's prompt")
    return s, banner


def finish_rom(s):
    s.send("reset\r")
    s.expect("reset: resetting the board")
    status = s.wait_exit()
    check(status == 0, "kseg exited with %s after reset" % status)


def saved_env(data, offset, size):
    """The name=value pairs of a U-Boot-layout environment, or None if its CRC is wrong."""
    block = data[offset:offset + size]
    crc, = struct.unpack_from("<I", block)
    if zlib.crc32(block[4:]) != crc:
        return None
    pairs = block[4:].split(b"\0\0")[0].split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if p)


# ---- The boot ROM ---------------------------------------------------------------------------

def test_bootrom_saveenv(opts, tmp, log):
    img = os.path.join(tmp, "flash.img")
    flash_image(img, read(opts.bootrom))
    s, banner = start_rom(opts, log, "-pflash", img)
    try:
        check("env: no saved environment (flash at 0xbe3f0000 is erased)" in banner,
              "no 'no saved environment' line in:\n" + banner)
        check(s.command("setenv greeting hello from the flash") == "", "setenv printed")
        out = s.command("saveenv")
        check("saveenv: done" in out, "saveenv: " + out)
        # Write-through: in the file while kseg runs.
        env = saved_env(read(img), ENV_OFFSET, BLOCK)
        check(env is not None, "the saved environment in the file has a bad CRC")
        check(env.get("greeting") == "hello from the flash", "saved: %r" % env)
        check(env.get("bootdelay") == "1", "saved: %r" % env)
        finish_rom(s)
    finally:
        s.close()
    s, banner = start_rom(opts, log, "-pflash", img, "-m", "128")
    try:
        check(re.search(r"env: \d+ variables loaded from flash at 0xbe3f0000", banner),
              "no 'variables loaded' line in:\n" + banner)
        out = s.command("printenv greeting")
        check(out == "greeting=hello from the flash\n", "after the restart: %r" % out)
        # The machine's own facts are not taken from the saved copy.
        out = s.command("printenv memsize")
        check(out == "memsize=%d\n" % (128 << 20), "memsize after the restart: %r" % out)
        # Deleting it and saving again: gone after the next restart.
        s.command("setenv greeting")
        check("saveenv: done" in s.command("saveenv"), "second saveenv")
        finish_rom(s)
    finally:
        s.close()
    s, banner = start_rom(opts, log, "-pflash", img)
    try:
        check("'greeting' is not set" in s.command("printenv greeting"), "greeting survived")
        finish_rom(s)
    finally:
        s.close()


def test_bootrom_commands(opts, tmp, log):
    rom = read(opts.bootrom)
    img = os.path.join(tmp, "flash.img")
    flash_image(img, rom)
    s, banner = start_rom(opts, log, "-pflash", img)
    try:
        out = s.command("flinfo")
        for needle in ("4 MiB at physical 0x1e000000", "CFI command set 0x0001",
                       "64 blocks of 64 KiB, 2048-byte write buffer",
                       "manufacturer 0x0000, device 0x0000", " 0 be000000 R ",
                       "32 be200000  E ", "63 be3f0000  E "):
            check(needle in out, "flinfo lacks %r:\n%s" % (needle, out))
        # cp into the flash programs it; in the file at once.
        out = s.command("cp.l 0xbfc00100 0xbe200000 0x40")
        check("cp: done" in out, "cp to flash: " + out)
        check(read(img)[0x200000:0x200100] == rom[0x100:0x200], "cp: the file differs")
        out = s.command("md 0xbe200000 1")
        check(out.startswith("be200000: %08x" % struct.unpack_from("<I", rom, 0x100)), out)
        # NOR: programmed bits cannot be set again without an erase.
        s.command("mw 0x80400000 0xffffffff 4")
        out = s.command("cp.l 0x80400000 0xbe200000 4")
        check("cannot become 0xff without an erase first" in out, "cp over data: " + out)
        check("L" not in s.command("flinfo").split("32 be200000")[1][:4], "block 32 locked")
        # erase by address and length, then by block number.
        out = s.command("erase 0xbe200000 +0x100")
        check("Erasing 1 block at 0xbe200000-0xbe20ffff" in out and "erase: done" in out, out)
        check(read(img)[0x200000:0x210000] == b"\xff" * BLOCK, "erase: the file differs")
        check(s.command("md 0xbe200000 2").startswith("be200000: ffffffff ffffffff"), "md")
        s.command("cp.b 0x80400000 0xbe210003 2")
        check(read(img)[0x210000:0x210008] == b"\xff" * 8, "cp.b of 0xff bytes changed bits")
        check("erase: done" in s.command("erase 33"), "erase 33")
        # The boot ROM's own blocks are refused, and stay as they were.
        out = s.command("erase 0")
        check("hold this boot ROM" in out and "refused" in out, "erase 0: " + out)
        out = s.command("cp.l 0x80400000 0xbe000100 1")
        check("refused" in out, "cp into the boot ROM: " + out)
        check(read(img)[:len(rom)] == rom, "the boot ROM's blocks changed")
        check("is not in the flash" in s.command("erase 0x80000000 +4"), "erase outside")
        # saveenv locks its block; erase unlocks before erasing.
        check("saveenv: done" in s.command("saveenv"), "saveenv")
        check(re.search(r"63 be3f0000 +L", s.command("flinfo")), "env block not locked")
        check("erase: done" in s.command("erase 63"), "erase of the locked env block")
        check(read(img)[ENV_OFFSET:] == b"\xff" * BLOCK, "env block not erased in the file")
        finish_rom(s)
    finally:
        s.close()


def test_snapshot(opts, tmp, log):
    img = os.path.join(tmp, "flash.img")
    flash_image(img, read(opts.bootrom))
    before = sha(img)
    s, _ = start_rom(opts, log, "-pflash", img, "-snapshot")
    try:
        check("saveenv: done" in s.command("saveenv"), "saveenv with -snapshot")
        check("erase: done" in s.command("erase 20"), "erase with -snapshot")
        # A second kseg may read the file meanwhile (shared locks).
        s2, _ = start_rom(opts, log, "-drive", "if=pflash,format=raw,file=%s" % img,
                          "-snapshot")
        finish_rom(s2)
        s2.close()
        finish_rom(s)
    finally:
        s.close()
    check(sha(img) == before, "-snapshot changed the file")
    s, _ = start_rom(opts, log, "-drive", "file=%s,if=pflash,format=raw,readonly=on" % img)
    try:
        out = s.command("saveenv")
        check("the flash is write-protected" in out, "saveenv on readonly=on: " + out)
        finish_rom(s)
    finally:
        s.close()
    check(sha(img) == before, "readonly=on changed the file")


def refused(opts, log, args, needle):
    argv = kseg_argv(opts, *args)
    log.write("$ %s\n" % " ".join(argv))
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    err = p.stderr.decode()
    log.write(err)
    check(p.returncode == 1, "%s: exit status %d, not 1" % (" ".join(args), p.returncode))
    lines = err.strip().splitlines()
    check(len(lines) == 1 and needle in lines[0],
          "%s: stderr %r, not one line with %r" % (" ".join(args), err, needle))


def test_refuse(opts, tmp, log):
    rom = read(opts.bootrom)
    for name, size in (("small", FLASH_SIZE - BLOCK), ("large", FLASH_SIZE + 1)):
        path = os.path.join(tmp, name + ".img")
        with open(path, "wb") as f:
            f.write(rom + b"\xff" * (size - len(rom)))
        before = sha(path)
        refused(opts, log, ["-pflash", path], "needs exactly 4194304 (4 MiB)")
        check(os.path.getsize(path) == size and sha(path) == before, name + ": file changed")
    img = os.path.join(tmp, "flash.img")
    flash_image(img, rom)
    refused(opts, log, ["-drive", "if=ide,format=raw,file=" + img], "only if=pflash")
    refused(opts, log, ["-drive", "if=pflash,format=qcow2,file=" + img], "only if=pflash")
    refused(opts, log, ["-drive", "if=pflash,format=raw"], "only if=pflash")
    refused(opts, log, ["-pflash", img, "-pflash", img], "one flash")
    refused(opts, log, ["-pflash", os.path.join(tmp, "missing.img")], "cannot open")
    # Two on one file: the second is refused, the first goes on.
    s, _ = start_rom(opts, log, "-pflash", img)
    try:
        t0 = time.monotonic()
        refused(opts, log, ["-pflash", img], "in use by another kseg")
        check(time.monotonic() - t0 < 10, "the refusal took too long")
        refused(opts, log, ["-pflash", img, "-snapshot"], "in use by another kseg")
        check("saveenv: done" in s.command("saveenv"), "the first kseg after the refusal")
        finish_rom(s)
    finally:
        s.close()
    # -bios beside -pflash: ignored, with a warning, as QEMU ignores it.
    other = os.path.join(tmp, "other.bin")
    with open(other, "wb") as f:
        f.write(b"\0" * 1024)
    s, banner = start_rom(opts, log, "-pflash", img, "-bios", other)
    try:
        check("kseg boot ROM" in banner, "-bios was not ignored")
        finish_rom(s)
        check("-bios is ignored" in s.err.decode(), "no warning about -bios: %r" % s.err)
    finally:
        s.close()


# ---- U-Boot -----------------------------------------------------------------------------------

UBOOT_PROMPT = "maltael # "


def uboot_run(opts, img, log, commands):
    """Boots U-Boot from the flash file, runs commands, resets; returns (banner, outputs)."""
    con = Console([opts.kseg, "-M", "malta", "-m", "256", "-pflash", img, "-nographic",
                   "-no-reboot"], log=log, pace=(1, 0.002))
    try:
        m = con.expect(re.escape(UBOOT_PROMPT), 120, "the U-Boot prompt")
        banner = con.text[:m.start()]
        outs = []
        for line in commands:
            con.send(line + "\n")
            con.expect(re.escape(line) + r"\n", 30, "the echo of '%s'" % line)
            start = con.pos
            m = con.expect(re.escape(UBOOT_PROMPT), 60, "the prompt after '%s'" % line)
            outs.append(con.text[start:m.start()])
        con.send("reset\n")
        status = con.wait_exit(30)
        check(status == 0, "kseg exited with %s after U-Boot's reset" % status)
        return banner, outs
    except ConsoleError as e:
        raise Failure("%s\n%s" % (e, con.tail()))
    finally:
        con.close()


def test_uboot_saveenv(opts, tmp, log):
    uboot = os.path.join(opts.images or default_images(), "u-boot.bin")
    if not os.path.exists(uboot):
        print("skip: no %s (scripts/get-images.sh fetches it)" % uboot)
        return SKIP
    img = os.path.join(tmp, "flash.img")
    flash_image(img, read(uboot))
    console = opts.log + ".console" if opts.log else None
    banner, outs = uboot_run(opts, img, console, ["setenv ksegtest persistent-42", "saveenv"])
    check("Flash: 4 MiB" in banner, "no 'Flash: 4 MiB':\n" + banner)
    check("Loading Environment from Flash... *** Warning - bad CRC" in banner,
          "first boot: no bad-CRC warning:\n" + banner)
    check(outs[1].rstrip().endswith("OK"), "saveenv: " + outs[1])
    env = saved_env(read(img), UBOOT_ENV_OFFSET, UBOOT_ENV_SIZE)
    check(env is not None and env.get("ksegtest") == "persistent-42",
          "the file lacks U-Boot's saved environment: %r" % env)
    check(read(img)[:os.path.getsize(uboot)] == read(uboot), "u-boot.bin changed in the file")
    banner, outs = uboot_run(opts, img, console, ["printenv ksegtest"])
    check("Loading Environment from Flash... OK" in banner, "restart: no 'OK':\n" + banner)
    check("ksegtest=persistent-42" in outs[0], "restart: printenv: " + outs[0])
    return 0


# ---- Linux's CFI driver -------------------------------------------------------------------------

MTD_PARTITIONS = [("mtd0", 0x100000, "YAMON"), ("mtd1", 0x2E0000, "User FS"),
                  ("mtd2", 0x20000, "Board Config")]
USER_FS = 0x100000
KNOWN = "".join("kseg %05d\n" % i for i in range(4096)).encode()   # /etc/kseg/known.txt


def mtd_run(argv, log, mode):
    """Boots Linux with kseg_run=mtd kseg_mtd=MODE; returns the console text of the script."""
    con = Console(argv + ["-append", "console=ttyS0 kseg_run=mtd kseg_mtd=" + mode],
                  log=log and log + "-" + mode, pace=(1, 0.002))
    try:
        con.expect(r"^KSEG-INIT-READY ", 180, "the initramfs marker")
        start = con.pos
        m = con.expect(r"^KSEG-SCRIPT-DONE (\d+)", 120, "the end of mtd.sh")
        out = con.text[start:m.start()]
        check(m.group(1) == "0", "%s: mtd.sh failed (status %s):\n%s" % (mode, m.group(1), out))
        status = con.wait_exit(60)
        check(status == 0, "%s: the emulator exited with %s after poweroff" % (mode, status))
        return out
    except ConsoleError as e:
        raise Failure("%s: %s\n%s" % (mode, e, con.tail()))
    finally:
        con.close()


def mtd_check(name, argv, img, log):
    """Write then read on a zeroed flash file img; returns its final contents."""
    with open(img, "wb") as f:
        f.write(b"\0" * FLASH_SIZE)
    out = mtd_run(argv, log, "write")
    for dev, size, label in MTD_PARTITIONS:
        check(re.search(r'^%s: %08x [0-9a-f]{8} "%s"$' % (dev, size, re.escape(label)), out, re.M),
              "%s: /proc/mtd lacks %s %s:\n%s" % (name, dev, label, out))
    want = hashlib.md5(KNOWN).hexdigest()
    check("KSEG-MTD-USERFS mtd1" in out, "%s: User FS is not mtd1:\n%s" % (name, out))
    check("KSEG-MTD-WRITTEN %s" % want in out, "%s: no write of known.txt:\n%s" % (name, out))
    check("KSEG-MTD-MD5 %s" % want in out, "%s: read back after the write:\n%s" % (name, out))
    data = read(img)
    check(data[USER_FS:USER_FS + len(KNOWN)] == KNOWN,
          "%s: the file lacks known.txt at 0x%x: %r" % (name, USER_FS, data[USER_FS:USER_FS + 32]))
    rest = data[:USER_FS] + data[USER_FS + len(KNOWN):]
    check(rest == b"\0" * len(rest), "%s: the write changed bytes outside known.txt" % name)
    out = mtd_run(argv, log, "read")
    check("KSEG-MTD-MD5 %s" % want in out, "%s: the second run read back:\n%s" % (name, out))
    check(read(img) == data, "%s: kseg_mtd=read changed the file" % name)
    print("%s: /proc/mtd as the device tree says, known.txt written and read back (%s)"
          % (name, want))
    return data


def test_linux_mtd(opts, tmp, log):
    images = opts.images or default_images()
    for f in ("vmlinuz", "initrd.gz", "kseg_malta_flash.ko"):
        if not os.path.exists(os.path.join(images, f)):
            print("skip: no %s in %s (run scripts/get-images.sh)" % (f, images))
            return SKIP
    boot = ["-m", "256", "-kernel", os.path.join(images, "vmlinuz"),
            "-initrd", os.path.join(images, "initrd.gz"), "-nographic", "-no-reboot"]
    console = opts.log + ".console" if opts.log else None
    img = os.path.join(tmp, "flash.img")
    data = mtd_check("kseg", [opts.kseg, "-M", "malta", "-pflash", img] + boot, img, console)
    if opts.qemu and os.access(opts.qemu, os.X_OK):
        qimg = os.path.join(tmp, "qemu-flash.img")
        qdata = mtd_check("qemu", [opts.qemu, "-M", "malta", "-cpu", "24Kc", "-monitor", "none",
                                   "-drive", "if=pflash,format=raw,file=" + qimg] + boot,
                          qimg, console + ".qemu" if console else None)
        check(qdata == data, "QEMU's file differs from kseg's")
    return 0


# ---- SIGKILL -----------------------------------------------------------------------------------

STRESS_FIRST_BLOCK, STRESS_BLOCKS = 32, 8
STRESS_MODE_OFFSET = 0x280000           # 1: the guest only erases (flash_stress.c)


def stress_pattern(g, b, i):
    if i == 0:
        return g
    v = ((g * 0x9E3779B1) ^ (b << 24) ^ (i * 0x85EBCA77)) & 0xFFFFFFFF
    return 0x12345678 if v == 0xFFFFFFFF else v


def check_stress_file(img, done, done_words):
    """Every stress block: a prefix of one generation's words, then erased words; the
    generation `done` (reported finished) there with `done_words` words, or overwritten by a
    later one. Returns {block: (generation, words programmed)}."""
    data = read(img)
    check(len(data) == FLASH_SIZE, "the file is %d bytes" % len(data))
    state = {}
    for b in range(STRESS_FIRST_BLOCK, STRESS_FIRST_BLOCK + STRESS_BLOCKS):
        words = struct.unpack_from("<%dI" % (BLOCK // 4), data, b * BLOCK)
        n = 0
        while n < len(words) and words[n] != 0xFFFFFFFF:
            n += 1
        if any(w != 0xFFFFFFFF for w in words[n:]):
            first = next(i for i in range(n, len(words)) if words[i] != 0xFFFFFFFF)
            raise Failure("block %d: word %d is 0x%08x after the erased word %d: a torn "
                          "erase or program" % (b, first, words[first], n))
        g = words[0] if n else None
        for i in range(n):
            if words[i] != stress_pattern(g, b, i):
                raise Failure("block %d: word %d is 0x%08x, not generation %d's 0x%08x"
                              % (b, i, words[i], g, stress_pattern(g, b, i)))
        if g is not None:
            check(g % STRESS_BLOCKS == b - STRESS_FIRST_BLOCK, "block %d holds gen %d" % (b, g))
        state[b] = (g, n)
    if done is not None:
        b = STRESS_FIRST_BLOCK + done % STRESS_BLOCKS
        g, n = state[b]
        check(g is not None and g >= done, "gen %d was reported done; block %d holds %s"
              % (done, b, g))
        check(g > done or n == done_words, "gen %d was reported done but has %d words"
              % (done, n))
    return state


def checker_self_test(tmp):
    """The checker must see a torn erase: pages of a block erased, the rest still old."""
    img = os.path.join(tmp, "torn.img")
    data = bytearray(b"\xff" * FLASH_SIZE)
    b = STRESS_FIRST_BLOCK + 3
    words = [stress_pattern(3, b, i) for i in range(BLOCK // 4)]
    struct.pack_into("<%dI" % len(words), data, b * BLOCK, *words)
    data[b * BLOCK:b * BLOCK + 8192] = b"\xff" * 8192
    with open(img, "wb") as f:
        f.write(data)
    try:
        check_stress_file(img, None, 0)
    except Failure:
        return
    raise Failure("the checker accepted a torn erase")


def wait_unlocked(img, timeout=10):
    """Waits until no kseg holds the file: a killed kseg's writer process finishes the store
    that was under way, then exits and releases the lock; only then is the file final."""
    deadline = time.monotonic() + timeout
    with open(img, "rb") as f:
        while True:
            try:
                fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.lockf(f, fcntl.LOCK_UN)
                return
            except OSError:
                check(time.monotonic() < deadline, "the file stayed locked %ds after the kill"
                      % timeout)
                time.sleep(0.01)


def test_sigkill(opts, tmp, log):
    checker_self_test(tmp)
    img = os.path.join(tmp, "flash.img")
    flash_image(img, read(opts.stress))
    seed = opts.seed if opts.seed is not None else random.randrange(1 << 30)
    print("seed %d" % seed)
    rng = random.Random(seed)
    newest = 0
    kills_mid_write = 0
    for rnd in range(opts.rounds):
        erase_only = rnd % 2 == 1
        data = bytearray(read(img))
        struct.pack_into("<I", data, STRESS_MODE_OFFSET, 1 if erase_only else 0xFFFFFFFF)
        with open(img, "wb") as f:
            f.write(data)
        argv = [opts.kseg, "-M", "malta", "-m", "64", "-nographic", "-serial", "null",
                "-serial", "null", "-serial", "stdio", "-pflash", img]
        log.write("$ %s\n" % " ".join(argv))
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        out = []
        reader = threading.Thread(target=lambda: out.append(p.stdout.read()), daemon=True)
        reader.start()
        # Let the guest start, then kill kseg (not its process group) at a random moment.
        time.sleep(rng.uniform(0.3, opts.max_sleep))
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        wait_unlocked(img)
        reader.join(10)
        err = p.stderr.read().decode("latin-1")
        text = (out[0] if out else b"").decode("latin-1").replace("\r", "")
        log.write(text[-400:] + "\n" + err)
        check(p.returncode == -signal.SIGKILL, "round %d: kseg ended with %s: %s"
              % (rnd, p.returncode, err))
        m = re.search(r"newest generation in the flash (\d+)", text)
        check(m, "round %d: the guest did not start:\n%s%s" % (rnd, text, err))
        check(int(m.group(1)) == newest, "round %d: the guest found generation %s, the file "
              "held %d at the previous kill" % (rnd, m.group(1), newest))
        gens = [int(g) for g in re.findall(r"^gen (\d+)$", text, re.M)]
        done = gens[-1] if gens else None
        state = check_stress_file(img, done, 1 if erase_only else BLOCK // 4)
        newest = max([g for g, _ in state.values() if g is not None], default=0)
        # Caught mid-way: a block partly programmed, or (erases) erased but not yet marked.
        partial = [b for b, (g, n) in state.items()
                   if (g is not None and n < BLOCK // 4) if not erase_only] or \
                  [b for b, (g, n) in state.items() if g is None and rnd > 0 and erase_only]
        kills_mid_write += bool(partial)
        print("round %d (%s): %d generations done this run, newest in the file %d%s"
              % (rnd, "erases" if erase_only else "whole blocks", len(gens), newest,
                 ", block %d caught mid-way" % partial[0] if partial else ""), flush=True)
    print("%d of %d kills landed in the middle of a block's rewrite" % (kills_mid_write,
                                                                        opts.rounds))
    return 0


TESTS = {
    "bootrom-saveenv": test_bootrom_saveenv,
    "bootrom-commands": test_bootrom_commands,
    "snapshot": test_snapshot,
    "refuse": test_refuse,
    "uboot-saveenv": test_uboot_saveenv,
    "sigkill": test_sigkill,
    "linux-mtd": test_linux_mtd,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kseg", required=True)
    ap.add_argument("--bootrom")
    ap.add_argument("--stress")
    ap.add_argument("--images")
    ap.add_argument("--qemu", help="linux-mtd: also on this QEMU (ignored if not executable)")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--max-sleep", type=float, default=1.5,
                    help="sigkill: longest run before the kill, seconds")
    ap.add_argument("--log")
    ap.add_argument("test", choices=sorted(TESTS))
    opts = ap.parse_args()
    log_path = opts.log or os.devnull
    with tempfile.TemporaryDirectory(prefix="kseg-flash-") as tmp, \
            open(log_path, "w") as log:
        try:
            status = TESTS[opts.test](opts, tmp, log) or 0
        except (Failure, romtest.Failure) as e:
            print("FAIL %s: %s" % (opts.test, e))
            return 1
        except romtest.Skip as e:
            print("skip: %s" % e)
            return SKIP
    if status == 0:
        print("ok %s" % opts.test)
    return status


if __name__ == "__main__":
    sys.exit(main())
