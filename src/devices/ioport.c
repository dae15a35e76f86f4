/* The I/O port space: a short list of port ranges, searched on every access. Port I/O is
 * the slow path already (an MMIO access through the GT's window), and the busiest user, a
 * polled UART, sits among a dozen ranges at most. */
#include "devices/ioport.h"

#include <string.h>

#include "frontend/log.h"

void ioport_init(ioport_space_t *io)
{
    memset(io, 0, sizeof(*io));
}

ioport_range_t *ioport_map(ioport_space_t *io, const char *name, uint32_t base, uint32_t len,
                           unsigned max_access, void *dev, const device_ops_t *ops)
{
    if (io->count == IOPORT_MAX_RANGES)
        fatal("too many I/O port ranges (adding %s)", name);
    if (base >= IOPORT_SPACE_SIZE || len > IOPORT_SPACE_SIZE - base)
        fatal("I/O port range %s (0x%x+0x%x) is outside the port space", name, base, len);
    if (max_access != 1 && max_access != 2 && max_access != 4)
        fatal("I/O port range %s: access size %u", name, max_access);
    for (int i = 0; i < io->count; i++) {
        const ioport_range_t *o = &io->ranges[i];
        if (len && o->len && base < o->base + o->len && o->base < base + len)
            fatal("I/O port range %s overlaps %s", name, o->name);
    }
    ioport_range_t *r = &io->ranges[io->count++];
    *r = (ioport_range_t){ .name = name, .base = base, .len = len, .max_access = max_access,
                           .dev = dev, .ops = ops };
    return r;
}

void ioport_move(ioport_range_t *r, uint32_t base, uint32_t len)
{
    if (base >= IOPORT_SPACE_SIZE || len > IOPORT_SPACE_SIZE - base)
        len = 0;   /* a BAR placed past 64 KiB is unreachable through the window */
    r->base = base;
    r->len = len;
}

static const ioport_range_t *find(const ioport_space_t *io, uint32_t port)
{
    for (int i = 0; i < io->count; i++) {
        const ioport_range_t *r = &io->ranges[i];
        if (port - r->base < r->len)
            return r;
    }
    return NULL;
}

/* Each unassigned port is reported once: probing firmware reads the same ports in loops. */
static void log_unassigned(ioport_space_t *io, const char *what, uint32_t port, unsigned size)
{
    if (!log_enabled(LOG_GUEST_ERRORS) || (io->logged[port / 8] & (1u << (port % 8))))
        return;
    io->logged[port / 8] |= (uint8_t)(1u << (port % 8));
    log_msg(LOG_GUEST_ERRORS, "guest error: %s of %u bytes at unassigned I/O port 0x%04x\n",
            what, size, port);
}

static uint32_t all_ones(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

/* An ISA access of `cycles` bus cycles (ioport.h). */
static void charge(ioport_space_t *io, uint32_t port, unsigned cycles)
{
    if (port < IOPORT_ISA_PORTS && io->stall_ns)
        *io->stall_ns += cycles * IOPORT_ISA_ACCESS_NS;
}

/* The range holding the first port takes the whole access, as on QEMU; a device that takes
 * narrower accesses gets it in pieces, low address first (a 32-bit load at 0x3F8 reads UART
 * registers 0 to 3). A piece past the end of the range reads all-ones. */
uint32_t ioport_read(ioport_space_t *io, uint32_t port, unsigned size)
{
    port &= IOPORT_SPACE_SIZE - 1;
    const ioport_range_t *r = find(io, port);
    if (!r) {
        charge(io, port, 1);
        log_unassigned(io, "read", port, size);
        return all_ones(size);
    }
    unsigned step = size < r->max_access ? size : r->max_access;
    charge(io, port, size / step);
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i += step) {
        uint32_t offset = port + i - r->base;
        uint32_t piece = offset < r->len ? r->ops->read(r->dev, offset, step) : all_ones(step);
        value |= (piece & all_ones(step)) << (8 * i);
    }
    return value;
}

void ioport_write(ioport_space_t *io, uint32_t port, uint32_t value, unsigned size)
{
    port &= IOPORT_SPACE_SIZE - 1;
    const ioport_range_t *r = find(io, port);
    if (!r) {
        charge(io, port, 1);
        log_unassigned(io, "write", port, size);
        return;
    }
    unsigned step = size < r->max_access ? size : r->max_access;
    charge(io, port, size / step);
    for (unsigned i = 0; i < size; i += step) {
        uint32_t offset = port + i - r->base;
        if (offset < r->len)
            r->ops->write(r->dev, offset, (value >> (8 * i)) & all_ones(step), step);
    }
}
