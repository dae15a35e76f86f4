/* The I/O port space, ports 0x0000-0xFFFF: what the CPU reaches through the GT-64120's PCI
 * I/O window (port N at window base + N). It is the PCI bus's I/O space, which the PIIX4
 * passes on to ISA, so ISA devices (the SuperIO UARTs, later the i8259, RTC, ...) and PCI
 * I/O BARs (later) all register here, as on QEMU's single system I/O space.
 *
 * A device registers a port range with the usual device_ops_t (offsets relative to the range
 * base). Ports nobody claims read all-ones and ignore writes (QEMU system/ioport.c). */
#ifndef KSEG_IOPORT_H
#define KSEG_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/bus.h"

#define IOPORT_SPACE_SIZE 0x10000u
#define IOPORT_MAX_RANGES 32

typedef struct ioport_range {
    const char *name;
    uint32_t base, len;
    /* The widest access the device takes. Wider accesses reach it as single bytes, low
     * address first, assembled little-endian: QEMU's 8-bit ISA devices (the 16550) answer a
     * 32-bit load at 0x3F8 with registers 0..3. */
    unsigned max_access;
    void *dev;
    const device_ops_t *ops;
} ioport_range_t;

/* On the real board an access to a legacy port (below 0x1000, which the PIIX4 passes to its
 * ISA bus) takes about a microsecond: an 8 MHz ISA cycle with its wait states behind the
 * PCI transaction, the delay `outb_p` relies on. kseg charges it to virtual time (an 8-bit
 * device taking a wider access: once per byte), so a guest polling a device sees as much
 * time pass per poll as on hardware, and kseg emulates far fewer instructions for the same
 * guest time: Linux's estimate_frequency polls the RTC for one to two seconds of it. */
#define IOPORT_ISA_PORTS 0x1000u
#define IOPORT_ISA_ACCESS_NS 1000u

typedef struct ioport_space {
    ioport_range_t ranges[IOPORT_MAX_RANGES];
    int count;
    uint32_t *stall_ns;         /* the bus's (bus_t.stall_ns), NULL: accesses take no time */
    uint8_t logged[IOPORT_SPACE_SIZE / 8];   /* unassigned ports already reported, one bit each */
} ioport_space_t;

void ioport_init(ioport_space_t *io);
/* Ranges must not overlap (the board's mistake: fatal). Returns the range, a handle for
 * ioport_move. */
ioport_range_t *ioport_map(ioport_space_t *io, const char *name, uint32_t base, uint32_t len,
                           unsigned max_access, void *dev, const device_ops_t *ops);
/* For PCI I/O BARs, which firmware places. A length of 0 decodes nothing. */
void ioport_move(ioport_range_t *r, uint32_t base, uint32_t len);

/* `size` is 1, 2 or 4; the value is little-endian (the port's byte is bits 7:0). */
uint32_t ioport_read(ioport_space_t *io, uint32_t port, unsigned size);
void ioport_write(ioport_space_t *io, uint32_t port, uint32_t value, unsigned size);

#endif
