#!/usr/bin/env python3
"""Turns a binary file into a C source defining a byte array and its size."""
import sys

def main():
    if len(sys.argv) != 4:
        sys.exit("usage: bin2c.py INPUT OUTPUT.c SYMBOL")
    data = open(sys.argv[1], "rb").read()
    sym = sys.argv[3]
    with open(sys.argv[2], "w") as out:
        out.write("/* Generated from %s by scripts/bin2c.py. */\n" % sys.argv[1].split("/")[-1])
        out.write("#include <stdint.h>\n")
        out.write("const uint8_t %s[] __attribute__((aligned(4))) = {\n" % sym)
        for i in range(0, len(data), 16):
            out.write("    " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",\n")
        out.write("};\n")
        out.write("const uint32_t %s_size = %d;\n" % (sym.replace("_image", ""), len(data)))

main()
