#!/usr/bin/env bash
# Fetch the Debian bookworm images kseg's system tests boot, and build their initramfs.
#
#   scripts/get-images.sh [--update] [CACHE_DIR]
#
# CACHE_DIR defaults to ${KSEG_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/kseg-images}; the tests
# and bench/linux-boot.sh look there too (set KSEG_IMAGES to move it).  Nothing is written
# into the source tree.
#
# What it does, without root and without touching the system's apt configuration:
#   - a private apt (state, cache, sources under CACHE_DIR/apt) for architecture mipsel only,
#     whose sources are the bookworm entries of the system's own /etc/apt sources (so the same
#     mirror), or deb.debian.org when there are none; `apt-get update`, then `apt-get download`
#     of the newest linux-image-6.1.0-*-4kc-malta (through the linux-image-4kc-malta
#     metapackage), u-boot-qemu (architecture all) and busybox-static:mipsel;
#   - extracts them with dpkg-deb -x and keeps what the tests use (table below);
#   - builds initrd.gz: a gzip'd newc cpio written by a small Python program (no cpio, no
#     root: /dev/console is an archive entry, not a mknod), holding the static busybox, /init,
#     a known file for checksums, the ne2k-pci network modules with udhcpc's script and the
#     scripts of the network tests, and the MTD modules for the boot flash;
#   - builds kseg_malta_flash.ko against the kernel's headers (linux-headers-VERSION, its
#     -common package and linux-kbuild-6.1 for this machine, fetched with the rest): the
#     boot flash as a platform device, which Debian's kernel does not create by itself.
# A second run with a complete cache only verifies it (sha256 manifest); --update fetches
# again and picks up a newer kernel if Debian has one.  Packages are not kept (the
# downloaded .debs are removed once extracted).
#
# Cache layout (symlinks point into the extracted packages):
#   vmlinuz         -> linux/boot/vmlinuz-VERSION   the kernel, an ELF32 LE (zboot) image
#   modules         -> linux/lib/modules/VERSION    its modules, with a generated modules.dep
#   linux/          the whole linux-image package (boot/config-VERSION, System.map, ...)
#   u-boot.bin      Debian's maltael/u-boot.bin as shipped (kseg: -bios u-boot.bin)
#   u-boot-swap.bin the same with its 32-bit words byte-swapped (QEMU's little-endian -bios
#                   wants that; the package ships no swapped image)
#   u-boot/maltael/ u-boot.bin and uboot.elf (ELF with symbols)
#   busybox         the static mipsel busybox
#   initrd.gz       the initramfs (see "The initramfs" below)
#   kseg_malta_flash.ko  the flash platform device module (also in the initramfs)
#   VERSIONS        package versions, kernel release, initrd recipe hash
#   MANIFEST.sha256 checksums of the files above, checked on every run
#
# The initramfs.  /init (busybox sh, PID 1) installs the busybox applet links, mounts
# /proc, /sys, /dev (devtmpfs), /dev/pts and /tmp, prints the line
#     KSEG-INIT-READY <kernel release>
# and execs busybox init, whose /etc/inittab runs /etc/kseg/session on the console: an
# interactive login shell (prompt "kseg# ", the console as controlling terminal: job control
# and ^C work).  `poweroff`, `reboot` and `halt` go through busybox init (about 2 s of
# shutdown messages and pauses); `poweroff -f` is immediate; leaving the shell powers off.
# Scripted mode, from the kernel command line (its name=value words reach /init as
# environment variables):
#     kseg_cmd="CMDS"   run CMDS (with sh) instead of the interactive shell
#     kseg_run=NAME     run /etc/kseg/NAME.sh (or the file NAME, if it starts with /)
#     kseg_then=shell   afterwards start the interactive shell (default: poweroff -f)
# A scripted run prints "KSEG-SCRIPT-DONE <exit status>" before it powers off.  Example:
#     -append "console=ttyS0 kseg_cmd=\"uname -a; cat /proc/interrupts\""
# (the whole of QEMU's and kseg's command line must stay under about 200 characters).
# /etc/kseg/known.txt has known contents (4096 lines "kseg NNNNN") for checksum tests, and
# /lib/modules/VERSION holds ne2k-pci.ko and 8390.ko with their modules.dep (`modprobe
# ne2k-pci`); also the MTD modules (cfi_probe, cfi_cmdset_0001, physmap and what they
# need) and extra/kseg_malta_flash.ko.  kseg_run=mtd loads them, prints /proc/mtd and with
# kseg_mtd=write writes known.txt at the start of the "User FS" partition (0x100000 in the
# flash) through /dev/mtdblockN; with kseg_mtd=write or read it prints the MD5 of the
# partition's first 45056 bytes (known.txt's size) read through /dev/mtdN:
#     -pflash F -append "console=ttyS0 kseg_run=mtd kseg_mtd=write"
# Networking (ne2k_pci with user networking, -nic user,model=ne2k_pci): `modprobe ne2k-pci;
# ip link set eth0 up; udhcpc -i eth0` configures eth0 (10.0.2.15), the default route and
# /etc/resolv.conf through /etc/udhcpc/default.script; kseg_run=net does those three and
# prints "KSEG-NET-UP <address>"; kseg_run=netbench is bench/net-throughput.sh's guest side
# (nc to and wget from 10.0.2.2, parameters kseg_port, kseg_hport, kseg_mb, kseg_n).
# kseg_run=work is bench/linux-work.sh's: sha256sum, gzip and sort over kseg_mb MiB (default
# 8) of data, each step between KSEG-WORK-START and KSEG-WORK-DONE lines.
#
# Boot them (QEMU is the reference):
#   qemu-system-mipsel -M malta -cpu 24Kc -m 256 -kernel CACHE/vmlinuz -initrd CACHE/initrd.gz \
#       -append "console=ttyS0" -nographic
#   qemu-system-mipsel -M malta -cpu 24Kc -m 256 -bios CACHE/u-boot-swap.bin -nographic
#   build/kseg -M malta -m 256 -kernel CACHE/vmlinuz -initrd CACHE/initrd.gz \
#       -append "console=ttyS0" -nographic
#   build/kseg -M malta -m 256 -bios CACHE/u-boot.bin -nographic
#
# Needs: bash, apt-get, apt-cache, dpkg, dpkg-deb, python3, coreutils, gzip, awk, make and the
# mipsel-linux-gnu cross gcc-12 with its binutils (all on a Debian 12 system with python3
# and gcc-12-mipsel-linux-gnu; flock is used when present).
set -euo pipefail

prog=get-images.sh
update=0
cache=
while [ $# -gt 0 ]; do
    case $1 in
    --update) update=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
        [ -z "$cache" ] || { echo "$prog: one cache directory only" >&2; exit 2; }
        cache=$1; shift ;;
    esac
done
[ -n "$cache" ] || cache=${KSEG_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/kseg-images}

die() { echo "$prog: $*" >&2; exit 1; }
say() { echo "$prog: $*" >&2; }

for tool in apt-get apt-cache dpkg dpkg-deb python3 sha256sum gzip make mipsel-linux-gnu-gcc-12 \
        mipsel-linux-gnu-strip; do
    command -v "$tool" >/dev/null 2>&1 || die "needs $tool"
done

# Never inside the source tree.
repo=$(cd "$(dirname "$0")/.." && pwd -P)
cache=$(realpath -m "$cache")
case "$cache/" in
"$repo"/*) die "cache directory $cache is inside the source tree $repo; pick another" ;;
esac
mkdir -p "$cache"

# One run at a time per cache.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.lock"
    flock 9
fi

# The initramfs recipe, a Python program (arguments: busybox, modules directory, kernel
# release, output).  Everything in the archive is owned by root, dated 0 and listed in a
# fixed order: the same inputs give the same file.  Its hash goes into VERSIONS, so that
# changing the recipe rebuilds initrd.gz (and nothing else).
initramfs_recipe() {
    cat <<'PY'
import gzip, io, os, sys

busybox, moddir, kver, output, flashmod = sys.argv[1:6]

INIT = r'''#!/bin/sh
# kseg test initramfs: /init.  Written by kseg's scripts/get-images.sh.
/bin/busybox --install -s
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
hostname kseg

# The kernel hands the name=value words of its command line to /init as environment
# variables: the scripted mode (see /etc/kseg/README) is decided here.
if [ -n "$kseg_cmd" ]; then
    printf '%s\n' "$kseg_cmd" >/etc/kseg/cmd.sh
elif [ -n "$kseg_run" ]; then
    case $kseg_run in
    /*) cp "$kseg_run" /etc/kseg/cmd.sh ;;
    *) cp "/etc/kseg/$kseg_run.sh" /etc/kseg/cmd.sh ;;
    esac
fi
echo "${kseg_then:-poweroff}" >/etc/kseg/then

echo "KSEG-INIT-READY $(uname -r)"

# busybox init runs /etc/kseg/session on the console (/etc/inittab) with default signal
# dispositions (so ^C works), reaps orphans, and carries out poweroff, reboot and halt:
# those applets signal PID 1.
exec /bin/busybox init
'''

SESSION = r'''# kseg test initramfs: the console session, started by busybox init (/etc/inittab) through
# cttyhack, so that the console is the shell's controlling terminal.
export HOME=/root
cd /root
if [ -f /etc/kseg/cmd.sh ]; then
    sh /etc/kseg/cmd.sh
    echo "KSEG-SCRIPT-DONE $?"
    if [ "$(cat /etc/kseg/then)" != shell ]; then
        sync
        exec poweroff -f
    fi
fi
sh -l
echo "kseg-init: the shell has exited: power off"
sync
exec poweroff -f
'''

INITTAB = '''::once:/bin/cttyhack /bin/sh /etc/kseg/session
::ctrlaltdel:/bin/busybox reboot
::shutdown:/bin/sync
'''

PROFILE = r'''export PATH=/sbin:/usr/sbin:/bin:/usr/bin HOME=/root
PS1='kseg# '
'''

README = '''kseg test initramfs (scripts/get-images.sh).
Kernel command line: kseg_cmd="CMDS" runs CMDS, kseg_run=NAME runs /etc/kseg/NAME.sh,
then powers off (kseg_then=shell: opens the shell instead).  poweroff, reboot, halt work.
/etc/kseg/known.txt: 4096 lines "kseg %05d" for checksum tests.
Network (ne2k_pci, user networking): kseg_run=net, or modprobe ne2k-pci; ip link set eth0
up; udhcpc -i eth0 (/etc/udhcpc/default.script sets the address, route, resolv.conf).
'''

# The scripted session the system tests can also run non-interactively (kseg_run=selftest).
SELFTEST = r'''uname -a
grep -m1 "cpu model" /proc/cpuinfo
echo "6*7=$((6*7))"
md5sum /etc/kseg/known.txt
cat /proc/interrupts
'''

KNOWN = "".join("kseg %05d\n" % i for i in range(4096))

# Linux's CFI driver on the Malta boot flash (kseg_run=mtd): kseg_mtd=write erases the
# "User FS" partition's first erase block and writes known.txt at its start through
# /dev/mtdblockN (read-modify-erase-program by mtdblock, then cfi_cmdset_0001); both modes
# then read the partition back through /dev/mtdN and print the MD5 of its first 45056
# bytes (the size of known.txt) as "KSEG-MTD-MD5 <sum>".  The flash device itself comes from
# kseg_malta_flash.ko (Debian's kernel has no CONFIG_MTD_PHYSMAP_OF, so the device tree's
# flash node binds no driver): a "physmap-flash" platform device with the Malta partitions.
MTD = r'''fail() { echo "KSEG-MTD-FAIL $*"; exit 1; }
for m in cfi_probe cfi_cmdset_0001 physmap kseg_malta_flash; do
    modprobe $m || fail "modprobe $m"
done
cat /proc/mtd
n=$(sed -n 's/^mtd\([0-9]*\): .*"User FS"$/\1/p' /proc/mtd)
[ -n "$n" ] || fail "no User FS partition"
echo "KSEG-MTD-USERFS mtd$n"
[ -c /dev/mtd$n ] && [ -b /dev/mtdblock$n ] || fail "no /dev/mtd$n or /dev/mtdblock$n"
case $kseg_mtd in
write)
    dd if=/etc/kseg/known.txt of=/dev/mtdblock$n bs=4096 conv=fsync 2>/dev/null || fail "dd"
    sync
    echo "KSEG-MTD-WRITTEN $(md5sum </etc/kseg/known.txt | cut -d' ' -f1)"
    ;;
read) ;;
*) fail "kseg_mtd=$kseg_mtd: write or read" ;;
esac
echo "KSEG-MTD-MD5 $(head -c 45056 /dev/mtd$n | md5sum | cut -d' ' -f1)"
'''

# Networking on the ne2k_pci card with the emulators' user-mode network (slirp: the guest
# is 10.0.2.15, the host 10.0.2.2, DNS 10.0.2.3).  udhcpc runs /etc/udhcpc/default.script
# (this busybox's compiled-in path) on every lease event; it configures the interface, the
# default route and /etc/resolv.conf.
UDHCPC = r'''#!/bin/sh
# udhcpc's event script (kseg test initramfs): $1 is the event, the lease is in the
# environment (ip, mask as a prefix length, broadcast, router, dns, domain).
case $1 in
deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    if [ "$1" = bound ] || ! ip -4 addr show dev "$interface" | grep -q "inet $ip/"; then
        ip -4 addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
    fi
    while ip route del default dev "$interface" 2>/dev/null; do :; done
    for r in $router; do
        ip route add default via "$r" dev "$interface"
        break
    done
    : >/etc/resolv.conf
    [ -z "$domain" ] || echo "search $domain" >>/etc/resolv.conf
    for s in $dns; do echo "nameserver $s" >>/etc/resolv.conf; done
    echo "udhcpc: $interface $ip/${mask:-24} router ${router:-none} dns ${dns:-none}"
    ;;
leasefail|nak)
    echo "udhcpc: $1 on $interface"
    ;;
esac
exit 0
'''

# kseg_run=net: the network up (also sourced by netbench.sh); prints KSEG-NET-UP <address>.
NET = r'''modprobe ne2k-pci || { echo "KSEG-NET-FAIL modprobe ne2k-pci"; exit 1; }
ip link set eth0 up || { echo "KSEG-NET-FAIL ip link set eth0 up"; exit 1; }
udhcpc -i eth0 -n -q -t 5 -T 2 || { echo "KSEG-NET-FAIL udhcpc"; exit 1; }
echo "KSEG-NET-UP $(ip -4 addr show dev eth0 | sed -n 's/^ *inet \([0-9.]*\).*/\1/p')"
'''

# kseg_run=netbench (bench/net-throughput.sh): kseg_n rounds (default 1) of kseg_mb MiB
# (default 16) from /dev/zero sent to 10.0.2.2:kseg_port with nc, then, when kseg_hport is
# set, http://10.0.2.2:kseg_hport/ROUND fetched with wget into /dev/null and "h2g-done" sent
# to kseg_port; every step prints a KSEG-NETBENCH line.
NETBENCH = r'''. /etc/kseg/net.sh || exit 1
[ -n "$kseg_port" ] || { echo "KSEG-NETBENCH-FAIL no kseg_port"; exit 1; }
mb=${kseg_mb:-16}
i=0
while [ $i -lt ${kseg_n:-1} ]; do
    i=$((i + 1))
    echo "KSEG-NETBENCH g2h $i"
    dd if=/dev/zero bs=64k count=$((mb * 16)) 2>/dev/null | nc 10.0.2.2 $kseg_port ||
        { echo "KSEG-NETBENCH-FAIL nc"; exit 1; }
    if [ -n "$kseg_hport" ]; then
        echo "KSEG-NETBENCH h2g $i"
        wget -q -O /dev/null http://10.0.2.2:$kseg_hport/$i ||
            { echo "KSEG-NETBENCH-FAIL wget"; exit 1; }
        echo h2g-done | nc 10.0.2.2 $kseg_port || { echo "KSEG-NETBENCH-FAIL nc"; exit 1; }
    fi
done
echo "KSEG-NETBENCH-DONE $i"
'''

# kseg_run=work (bench/linux-work.sh): a user workload on kseg_mb MiB (default 8) of data made
# from the busybox binary (deterministic; awk or seq would spend their time in the kernel's
# emulation of the FPU the 24Kc lacks): sha256sum, gzip -c | wc -c and sort of od's text of
# it. Each step prints KSEG-WORK-START <step> before and KSEG-WORK-DONE <step> <result>
# after, so the host times it from the console; the results must agree between emulators.
WORK = r'''mb=${kseg_mb:-8}
bytes=$((mb * 1048576))
cd /tmp || exit 1
: >data.bin
while [ "$(wc -c <data.bin)" -lt $bytes ]; do cat /bin/busybox >>data.bin; done
head -c $bytes data.bin >data.tmp && mv data.tmp data.bin
: >data.txt
while [ "$(wc -c <data.txt)" -lt $bytes ]; do od -v -An -tx1 data.bin | head -c $bytes >>data.txt; done
head -c $bytes data.txt >data.tmp && mv data.tmp data.txt
echo "KSEG-WORK-DATA $(wc -c <data.bin) $(wc -l <data.txt)"
echo "KSEG-WORK-START sha256"
r=$(sha256sum data.bin | cut -d' ' -f1)
echo "KSEG-WORK-DONE sha256 $r"
echo "KSEG-WORK-START gzip"
r=$(gzip -c data.bin | wc -c)
echo "KSEG-WORK-DONE gzip $r"
echo "KSEG-WORK-START sort"
r=$(sort data.txt | tail -n 1)
echo "KSEG-WORK-DONE sort $r"
echo "KSEG-WORK-END"
'''

# Modules for networking on the ne2k_pci card and for the boot flash (MTD: CFI probe and
# Intel command set, physmap), with everything they depend on.
MODULES = ["ne2k-pci", "cfi_probe", "cfi_cmdset_0001", "physmap"]

entries = []   # (name, mode, data or None, rdev)
def d(name):
    entries.append((name, 0o040755, None, (0, 0)))
def f(name, data, mode=0o100644):
    entries.append((name, mode, data if isinstance(data, bytes) else data.encode(), (0, 0)))
def link(name, target):
    entries.append((name, 0o120777, target.encode(), (0, 0)))
def chardev(name, major, minor, mode=0o600):
    entries.append((name, 0o020000 | mode, None, (major, minor)))

for name in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "etc",
             "etc/kseg", "etc/udhcpc", "root", "lib", "lib/modules", "mnt", "run", "var"]:
    d(name)
chardev("dev/console", 5, 1)
chardev("dev/null", 1, 3, 0o666)
f("bin/busybox", open(busybox, "rb").read(), 0o100755)
link("bin/sh", "busybox")
f("init", INIT, 0o100755)
f("etc/inittab", INITTAB)
f("etc/kseg/session", SESSION)
f("etc/profile", PROFILE)
f("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
f("etc/group", "root:x:0:\n")
f("etc/hostname", "kseg\n")
f("etc/kseg/README", README)
f("etc/kseg/known.txt", KNOWN)
f("etc/kseg/selftest.sh", SELFTEST)
f("etc/kseg/mtd.sh", MTD)
f("etc/udhcpc/default.script", UDHCPC, 0o100755)
f("etc/kseg/net.sh", NET)
f("etc/kseg/netbench.sh", NETBENCH)
f("etc/kseg/work.sh", WORK)

deps = {}
for line in open(os.path.join(moddir, "modules.dep")):
    mod, _, rest = line.partition(":")
    deps[os.path.basename(mod)[:-3].replace("-", "_")] = (mod, rest.split())
wanted = []
for m in MODULES:
    mod, rest = deps[m.replace("-", "_")]
    for p in rest[::-1] + [mod]:
        if p not in wanted:
            wanted.append(p)
base = "lib/modules/" + kver
d(base)
dirs = set()
for p in wanted:
    parts = p.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        dirs.add("/".join(parts[:i]))
dirs.add("extra")
for name in sorted(dirs):
    d(base + "/" + name)
for p in wanted:
    f(base + "/" + p, open(os.path.join(moddir, p), "rb").read())
f(base + "/extra/kseg_malta_flash.ko", open(flashmod, "rb").read())
f(base + "/modules.dep", "".join("%s: %s\n" % (p, " ".join(deps[os.path.basename(p)[:-3].replace("-", "_")][1]))
                                 for p in wanted) + "extra/kseg_malta_flash.ko: \n")

out = io.BytesIO()
def header(name, mode, size, nlink, rdev, ino):
    name = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], len(name), 0]
    out.write(b"070701" + b"".join(b"%08X" % v for v in fields) + name)
    out.write(b"\0" * (-(110 + len(name)) % 4))
for ino, (name, mode, data, rdev) in enumerate(entries, 1):
    data = data or b""
    header(name, mode, len(data), 2 if mode & 0o040000 else 1, rdev, ino)
    out.write(data + b"\0" * (-len(data) % 4))
header("TRAILER!!!", 0, 0, 1, (0, 0), 0)
out.write(b"\0" * (-out.tell() % 512))
with open(output, "wb") as fp:
    with gzip.GzipFile(filename="", mode="wb", fileobj=fp, mtime=0, compresslevel=9) as gz:
        gz.write(out.getvalue())
PY
}

# kseg_malta_flash.ko, the board code that Debian's kernel lacks for the boot flash: with
# CONFIG_MTD_PHYSMAP_OF off, nothing binds the device tree's flash node, so this module
# registers the flash (0x1E000000, 4 MiB, 32-bit bank, the device tree's three partitions)
# as a "physmap-flash" platform device; physmap.ko then probes it with Linux's own CFI
# driver (cfi_probe, cfi_cmdset_0001).  Built out of tree against the kernel's headers
# package with mipsel-linux-gnu-gcc-12; unsigned, so loading it taints the kernel (Debian
# does not enforce module signatures).  Its hash is in VERSIONS as flash-module.
flash_module_source() {
    cat <<'C'
// SPDX-License-Identifier: GPL-2.0
/* kseg test helper: the Malta boot flash as a "physmap-flash" platform device. */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/mtd/partitions.h>
#include <linux/mtd/physmap.h>

static struct mtd_partition parts[] = {
	{ .name = "YAMON", .offset = 0, .size = 0x100000, .mask_flags = MTD_WRITEABLE },
	{ .name = "User FS", .offset = 0x100000, .size = 0x2e0000 },
	{ .name = "Board Config", .offset = 0x3e0000, .size = 0x20000,
	  .mask_flags = MTD_WRITEABLE },
};

static struct physmap_flash_data pdata = {
	.width = 4, .parts = parts, .nr_parts = ARRAY_SIZE(parts),
};

static struct resource res = DEFINE_RES_MEM(0x1e000000, 0x400000);
static struct platform_device *pdev;

static int __init kseg_flash_init(void)
{
	pdev = platform_device_register_resndata(NULL, "physmap-flash", 0, &res, 1,
						 &pdata, sizeof(pdata));
	return PTR_ERR_OR_ZERO(pdev);
}

static void __exit kseg_flash_exit(void)
{
	platform_device_unregister(pdev);
}

module_init(kseg_flash_init);
module_exit(kseg_flash_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Malta boot flash platform device (kseg tests)");
C
}

recipe_hash=$(initramfs_recipe | sha256sum | cut -c1-16)
flash_module_hash=$(flash_module_source | sha256sum | cut -c1-16)

manifest_files="vmlinuz modules/modules.dep u-boot.bin u-boot-swap.bin u-boot/maltael/uboot.elf
busybox initrd.gz kseg_malta_flash.ko"

verify() {
    [ -f "$cache/MANIFEST.sha256" ] && [ -f "$cache/VERSIONS" ] || return 1
    (cd "$cache" && sha256sum --quiet --strict -c MANIFEST.sha256) >/dev/null 2>&1 || {
        say "the cache at $cache does not match its MANIFEST.sha256"
        return 1
    }
    local f
    for f in $manifest_files; do
        grep -q "  $f\$" "$cache/MANIFEST.sha256" || return 1
    done
    # the kernel is an ELF: 0x7F 'E' 'L' 'F', 32-bit, little-endian
    [ "$(head -c 6 "$cache/vmlinuz" | od -An -tx1 | tr -d ' \n')" = 7f454c460101 ] || {
        say "$cache/vmlinuz is not an ELF32 LE file"
        return 1
    }
    [ -f "$cache/modules/kernel/drivers/net/ethernet/8390/ne2k-pci.ko" ] || return 1
    grep -qx "flash-module $flash_module_hash" "$cache/VERSIONS" || {
        say "kseg_malta_flash.ko is missing or out of date: fetching again"
        return 1
    }
    return 0
}

recipe_current() {
    grep -qx "initrd-recipe $recipe_hash" "$cache/VERSIONS" 2>/dev/null
}

print_paths() {
    local kver
    kver=$(sed -n 's/^kernel-release //p' "$cache/VERSIONS")
    echo "kernel     $cache/vmlinuz  ($kver)"
    echo "modules    $cache/modules"
    echo "initrd     $cache/initrd.gz"
    echo "u-boot     $cache/u-boot.bin  (QEMU -bios: $cache/u-boot-swap.bin)"
    echo "busybox    $cache/busybox"
    echo "cache      $cache  ($(du -sh "$cache" | cut -f1))"
}

write_manifest() {
    (cd "$cache" && sha256sum $manifest_files >MANIFEST.sha256.new && mv MANIFEST.sha256.new MANIFEST.sha256)
}

build_initrd() {
    local kver
    kver=$(sed -n 's/^kernel-release //p' "$cache/VERSIONS")
    say "building initrd.gz (busybox initramfs, kernel modules of $kver)"
    initramfs_recipe | python3 - "$cache/busybox" "$cache/modules" "$kver" "$cache/initrd.gz.new" \
        "$cache/kseg_malta_flash.ko"
    mv "$cache/initrd.gz.new" "$cache/initrd.gz"
    sed -i '/^initrd-recipe /d' "$cache/VERSIONS"
    echo "initrd-recipe $recipe_hash" >>"$cache/VERSIONS"
}

if [ $update -eq 0 ] && verify; then
    if ! recipe_current; then
        build_initrd
        write_manifest
    fi
    say "cache complete and verified"
    print_paths
    exit 0
fi

# ---------------------------------------------------------------- private apt
apt_dir=$cache/apt
rm -rf "$apt_dir"
mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d" "$apt_dir/lists/partial" \
    "$apt_dir/cache/archives/partial" "$apt_dir/debs"
: >"$apt_dir/status"
: >"$apt_dir/etc/sources.list"

# The bookworm entries of the system's sources (deb822 *.sources and one-line *.list files),
# with any architecture restriction removed.
sources=$apt_dir/etc/sources.list.d/system.sources
: >"$sources"
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
    {
        n = split($0, line, "\n"); types = ""; suites = ""; enabled = "yes"; out = ""
        for (i = 1; i <= n; i++) {
            l = line[i]
            if (l ~ /^#/) continue
            if (tolower(l) ~ /^types:/) types = l
            if (tolower(l) ~ /^suites:/) suites = l
            if (tolower(l) ~ /^enabled:/) enabled = tolower(l)
            if (tolower(l) ~ /^architectures:/) continue
            out = out l "\n"
        }
        if (types ~ /[: ]deb( |$)/ && suites ~ /[: ]bookworm/ && enabled !~ /no/)
            printf "%s\n", out
    }' "$f" >>"$sources"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '/^[ \t]*deb[ \t]/ {
        line = $0
        gsub(/arch=[^] \t]*[ \t]*/, "", line)
        gsub(/\[[ \t]*\]/, "", line)
        n = split(line, w, /[ \t]+/)
        # the suite is the word after the URI (options in [...] may come first)
        i = 2; if (w[i] ~ /^\[/) { while (i <= n && w[i] !~ /\]$/) i++; i++ }
        if (w[i + 1] ~ /^bookworm/) print line
    }' "$f" >>"$apt_dir/etc/sources.list"
done
if ! grep -q . "$sources" && ! grep -q . "$apt_dir/etc/sources.list"; then
    say "no bookworm entry in /etc/apt sources; using deb.debian.org"
    cat >"$sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi

apt_opts=(
    -o "Dir::State=$apt_dir"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::State::status=$apt_dir/status"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
    -o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
    -o "APT::Architecture=mipsel"
    -o "APT::Architectures::=mipsel"
    -o "APT::Architectures::=$(dpkg --print-architecture)"
)
# As root apt fetches as the _apt user, which cannot write into a private directory under
# /root: fetch as root instead (silences "Download is performed unsandboxed").
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o "APT::Sandbox::User=root")

say "apt-get update (private state in $apt_dir, architectures mipsel and $(dpkg --print-architecture))"
apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 || {
    cat "$apt_dir/update.log" >&2
    die "apt-get update failed"
}

# Newest 6.1 4kc-malta kernel: the one the metapackage's candidate depends on.
kpkg=$(apt-cache "${apt_opts[@]}" show --no-all-versions linux-image-4kc-malta 2>/dev/null |
       sed -n 's/^Depends:.*\(linux-image-6\.1\.0-[0-9]*-4kc-malta\).*/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "cannot resolve linux-image-4kc-malta to a linux-image-6.1.0-*-4kc-malta package"
kver=${kpkg#linux-image-}

# Headers and kbuild (its programs for this machine's architecture) of the same version,
# for kseg_malta_flash.ko.
kversion=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$kpkg" 2>/dev/null |
           sed -n 's/^Version: //p' | head -n 1)
[ -n "$kversion" ] || die "no version for $kpkg"
hpkgs="linux-headers-$kver linux-headers-${kver%-4kc-malta}-common
linux-kbuild-6.1:$(dpkg --print-architecture)=$kversion"

say "apt-get download $kpkg u-boot-qemu busybox-static" $hpkgs
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -q download "$kpkg" u-boot-qemu busybox-static $hpkgs \
    >"$apt_dir/download.log" 2>&1) || {
    cat "$apt_dir/download.log" >&2
    die "apt-get download failed"
}

# ---------------------------------------------------------------- extract
deb() { ls "$apt_dir/debs/$1"_*.deb 2>/dev/null | head -n 1; }
kdeb=$(deb "$kpkg"); udeb=$(deb u-boot-qemu); bdeb=$(deb busybox-static)
[ -n "$kdeb" ] && [ -n "$udeb" ] && [ -n "$bdeb" ] || die "a package is missing after the download"

stage=$cache/.stage
rm -rf "$stage"
mkdir -p "$stage/linux" "$stage/u-boot-qemu" "$stage/busybox-static"
say "extracting"
dpkg-deb -x "$kdeb" "$stage/linux"
dpkg-deb -x "$udeb" "$stage/u-boot-qemu"
dpkg-deb -x "$bdeb" "$stage/busybox-static"
[ -f "$stage/linux/boot/vmlinuz-$kver" ] || die "$kdeb has no boot/vmlinuz-$kver"
[ -d "$stage/linux/lib/modules/$kver" ] || die "$kdeb has no lib/modules/$kver"
[ -f "$stage/u-boot-qemu/usr/lib/u-boot/maltael/u-boot.bin" ] || die "$udeb has no maltael/u-boot.bin"
[ -f "$stage/busybox-static/bin/busybox" ] || die "$bdeb has no bin/busybox"

# kseg_malta_flash.ko: the headers packages unpacked in one tree (their symlinks are
# relative), the top Makefile pointed at that tree instead of /usr/src.
say "building kseg_malta_flash.ko"
mkdir -p "$stage/headers" "$stage/flashmod"
for p in "$apt_dir"/debs/linux-headers-*.deb "$apt_dir"/debs/linux-kbuild-*.deb; do
    dpkg-deb -x "$p" "$stage/headers"
done
hdir=$stage/headers/usr/src/linux-headers-$kver
[ -f "$hdir/Makefile" ] || die "no linux-headers-$kver tree"
sed -i "s|/usr/src/|$stage/headers/usr/src/|" "$hdir/Makefile"
flash_module_source >"$stage/flashmod/kseg_malta_flash.c"
echo 'obj-m := kseg_malta_flash.o' >"$stage/flashmod/Kbuild"
make -s -C "$hdir" M="$stage/flashmod" CROSS_COMPILE=mipsel-linux-gnu- modules \
    >"$stage/flashmod/build.log" 2>&1 || {
    cat "$stage/flashmod/build.log" >&2
    die "building kseg_malta_flash.ko failed"
}
mipsel-linux-gnu-strip --strip-debug "$stage/flashmod/kseg_malta_flash.ko"

# Replace the previous contents (if any) by the new ones.
rm -rf "$cache/linux" "$cache/u-boot" "$cache/vmlinuz" "$cache/modules" "$cache/u-boot.bin" \
    "$cache/u-boot-swap.bin" "$cache/busybox" "$cache/initrd.gz" "$cache/VERSIONS" \
    "$cache/MANIFEST.sha256" "$cache/kseg_malta_flash.ko"
mv "$stage/linux" "$cache/linux"
mkdir -p "$cache/u-boot"
mv "$stage/u-boot-qemu/usr/lib/u-boot/maltael" "$cache/u-boot/maltael"
cp "$stage/busybox-static/bin/busybox" "$cache/busybox"
cp "$stage/flashmod/kseg_malta_flash.ko" "$cache/kseg_malta_flash.ko"
rm -rf "$stage"
ln -s "linux/boot/vmlinuz-$kver" "$cache/vmlinuz"
ln -s "linux/lib/modules/$kver" "$cache/modules"
cp "$cache/u-boot/maltael/u-boot.bin" "$cache/u-boot.bin"

# QEMU loads a little-endian -bios image with its 32-bit words swapped
# (same as mipsel-linux-gnu-objcopy -I binary -O binary --reverse-bytes=4).
python3 - "$cache/u-boot.bin" "$cache/u-boot-swap.bin" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
data += b"\0" * (-len(data) % 4)
out = bytearray(len(data))
out[0::4], out[1::4], out[2::4], out[3::4] = data[3::4], data[2::4], data[1::4], data[0::4]
open(sys.argv[2], "wb").write(out)
PY

# modules.dep from the modules' own .modinfo "depends=" (the package ships none: depmod
# runs at install time, and kmod may not even be installed here).
python3 - "$cache/modules" <<'PY'
import os, struct, sys

def modinfo(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        return {}
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    sections = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = sections[shstrndx]
    info = {}
    for name, _type, _flags, _addr, offset, size in sections:
        end = data.index(b"\0", strtab[4] + name)
        if data[strtab[4] + name:end] == b".modinfo":
            for field in data[offset:offset + size].split(b"\0"):
                key, _, value = field.decode("utf-8", "replace").partition("=")
                if key and key not in info:
                    info[key] = value
    return info

root = sys.argv[1]
paths = {}
for top, dirs, files in os.walk(root):
    dirs.sort()
    for f in sorted(files):
        if f.endswith(".ko"):
            rel = os.path.relpath(os.path.join(top, f), root)
            paths[f[:-3].replace("-", "_")] = rel
deps = {name: [d.replace("-", "_") for d in modinfo(os.path.join(root, rel)).get("depends", "").split(",") if d]
        for name, rel in paths.items()}

def closure(name, seen):
    out = []
    for d in deps.get(name, []):
        if d in paths and d not in seen:
            seen.add(d)
            out.append(d)
            out.extend(closure(d, seen))
    return out

order = [l.strip() for l in open(os.path.join(root, "modules.order")) if l.strip()]
known = set()
with open(os.path.join(root, "modules.dep"), "w") as f:
    for rel in order + sorted(paths.values()):
        name = os.path.basename(rel)[:-3].replace("-", "_")
        if name not in paths or name in known:
            continue
        known.add(name)
        f.write("%s: %s\n" % (paths[name], " ".join(paths[d] for d in closure(name, {name}))))
PY

{
    echo "kernel-release $kver"
    echo "kernel-package $(basename "$kdeb")"
    echo "u-boot-package $(basename "$udeb")"
    echo "busybox-package $(basename "$bdeb")"
    echo "flash-module $flash_module_hash"
    echo "fetched $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$cache/VERSIONS"
rm -rf "$apt_dir"

build_initrd
write_manifest
verify || die "the new cache does not verify"
say "done"
print_paths
exit 0
