#!/bin/sh
# Prepares a little-endian Malta flash image for QEMU's -bios, which byte-swaps every 32-bit
# word of the image it loads on a little-endian target (hw/mips/malta.c: "a neat trick which
# allows bi-endian firmware"). Swapping first makes QEMU's swap give the original back. kseg
# takes images as the guest sees them: give it the unswapped file.
#
#   scripts/swap-bios.sh IN.bin OUT.swapped.bin
#   qemu-system-mipsel -M malta -cpu 24Kc -bios OUT.swapped.bin ...
#
# The build makes build/roms/bootrom.swapped.bin from the boot ROM this way.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 IN.bin OUT.swapped.bin" >&2
    exit 2
fi
size=$(wc -c <"$1")
if [ $((size % 4)) -ne 0 ]; then
    echo "$0: $1 is $size bytes, not a whole number of 32-bit words" >&2
    exit 1
fi
exec mipsel-linux-gnu-objcopy -I binary -O binary --reverse-bytes=4 "$1" "$2"
