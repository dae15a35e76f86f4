#!/bin/sh
# build-isa.sh <outdir> [name...]
#
# Builds ISA test images without meson (meson.build is the real build; keep the flags
# here in step with mips_cflags in the top-level meson.build).  With no names, builds
# every test in isa_tests.  Writes <outdir>/<name>.elf, .bin and .swapped.bin.
# Then e.g.: tests/isa/run-isa.sh qemu qemu-system-mipsel <outdir>/alu.swapped.bin

set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 <outdir> [name...]" >&2
    exit 2
fi
out=$1
shift
dir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

if [ $# -eq 0 ]; then
    # The names between "isa_tests = [" and "]" in meson.build.
    set -- $(sed -n "/^isa_tests = \[/,/^\]/s/^ *'\([a-z0-9_]*\)',*.*/\1/p" \
        "$dir/meson.build")
fi

CC=mipsel-linux-gnu-gcc
OBJCOPY=mipsel-linux-gnu-objcopy
CFLAGS="-march=mips32r2 -EL -mno-abicalls -fno-pic -G0 -ffreestanding -fno-builtin
        -nostdlib -nostartfiles -O2 -Wall -Wextra -Werror"
LDFLAGS="-static -no-pie -Wl,--build-id=none -T $dir/isa.ld -I $dir"

for name in "$@"; do
    $CC $CFLAGS $LDFLAGS -o "$out/$name.elf" "$dir/$name.S" "$dir/harness.S"
    $OBJCOPY -O binary "$out/$name.elf" "$out/$name.bin"
    $OBJCOPY -I binary -O binary --reverse-bytes=4 "$out/$name.bin" \
        "$out/$name.swapped.bin"
    echo "built $out/$name.bin"
done
