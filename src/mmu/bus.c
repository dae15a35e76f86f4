#include "mmu/bus.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/codecache.h"
#include "frontend/log.h"

void bus_init(bus_t *bus)
{
    memset(bus, 0, sizeof(*bus));
    bus->code_pages_max = CODE_PAGES_MAX;
}

/* Every change to the map (a region added, moved, switched on or off) forgets what
 * bus_find remembered. */
static void forget_hits(bus_t *bus)
{
    memset(bus->hits, 0, sizeof(bus->hits));
}

static bus_region_t *add_region(bus_t *bus, const char *name, uint32_t base, uint32_t size)
{
    forget_hits(bus);
    if (bus->count == BUS_MAX_REGIONS)
        fatal("too many bus regions (adding %s)", name);
    bus_region_t *r = &bus->regions[bus->count++];
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->base = base;
    r->size = size;
    r->enabled = true;
    return r;
}

void bus_map_ram(bus_t *bus, const char *name, uint32_t base, uint32_t size, uint8_t *host,
                 bool readonly)
{
    bus_region_t *r = add_region(bus, name, base, size);
    r->host = host;
    r->readonly = readonly;
    r->code = calloc(size / CODE_PAGE_SIZE, sizeof(*r->code));
    if (!r->code)
        fatal("out of memory for %s", name);
}

bus_region_t *bus_map_device(bus_t *bus, const char *name, uint32_t base, uint32_t size,
                             void *dev, const device_ops_t *ops)
{
    bus_region_t *r = add_region(bus, name, base, size);
    r->dev = dev;
    r->ops = ops;
    return r;
}

bus_region_t *bus_map_romd(bus_t *bus, const char *name, uint32_t base, uint32_t size,
                           uint8_t *host, void *dev, const device_ops_t *ops)
{
    bus_map_ram(bus, name, base, size, host, true);
    bus_region_t *r = &bus->regions[bus->count - 1];
    r->dev = dev;
    r->ops = ops;
    r->romd = true;
    return r;
}

void bus_set_romd(bus_t *bus, bus_region_t *r, bool array_mode)
{
    if (r < bus->regions || r >= bus->regions + bus->count || !r->host || !r->ops)
        fatal("bus: %s is not a ROM device of this bus", r->name);
    r->romd = array_mode;
}

static void check_movable(bus_t *bus, const bus_region_t *r)
{
    if (r < bus->regions || r >= bus->regions + bus->count || r->host)
        fatal("bus: %s is not a device region of this bus", r->name);
}

void bus_move(bus_t *bus, bus_region_t *r, uint32_t base, uint32_t size)
{
    check_movable(bus, r);
    forget_hits(bus);
    r->base = base;
    r->size = size;
}

void bus_enable(bus_t *bus, bus_region_t *r, bool enabled)
{
    check_movable(bus, r);
    forget_hits(bus);
    r->enabled = enabled;
}

void bus_free_code(bus_t *bus)
{
    for (int i = 0; i < bus->count; i++) {
        bus_region_t *r = &bus->regions[i];
        if (!r->code)
            continue;
        for (uint32_t p = 0; p < r->size / CODE_PAGE_SIZE; p++) {
            code_page_free(r->code[p]);
            r->code[p] = NULL;
        }
    }
    bus->code_pages = 0;
}

void bus_destroy(bus_t *bus)
{
    bus_free_code(bus);
    for (int i = 0; i < bus->count; i++)
        free(bus->regions[i].code);
    bus->count = 0;
    forget_hits(bus);
}

static bool region_answers(const bus_region_t *r, uint32_t paddr)
{
    return !r->ops || !r->ops->decodes || r->ops->decodes(r->dev, paddr - r->base);
}

/* Regions mapped earlier win where ranges overlap (the CBUS UART inside the FPGA window),
 * unless they say they do not decode the address (a PCI window with nothing behind it).
 *
 * The scan cost 5% of a Linux boot (issue 10), most of it for the PCI I/O window, the ninth
 * region. So bus_find remembers the last regions that answered, each with the part of its
 * range no region before it covers: there nothing earlier can answer, whatever its
 * `decodes` says, and the region itself is asked again (its `decodes` follows the device,
 * e.g. the PCI BARs). Where an earlier region covers the address but declined it, nothing is
 * remembered: it may accept next time. */
const bus_region_t *bus_find(bus_t *bus, uint32_t paddr)
{
    for (int h = 0; h < BUS_FIND_CACHED; h++) {
        bus_hit_t *hit = &bus->hits[h];
        if (paddr - hit->lo >= hit->size || !region_answers(hit->region, paddr))
            continue;
        if (h) {                        /* most recent first */
            bus_hit_t t = bus->hits[0];
            bus->hits[0] = *hit;
            *hit = t;
        }
        return bus->hits[0].region;
    }
    for (int i = 0; i < bus->count; i++) {
        bus_region_t *r = &bus->regions[i];
        if (!r->enabled || paddr - r->base >= r->size || !region_answers(r, paddr))
            continue;
        /* The window around paddr that no enabled earlier region overlaps, as [lo, hi]. */
        uint64_t lo = r->base, hi = (uint64_t)r->base + r->size - 1;
        for (int j = 0; j < i; j++) {
            const bus_region_t *e = &bus->regions[j];
            if (!e->enabled || e->size == 0)
                continue;
            uint64_t elo = e->base, ehi = (uint64_t)e->base + e->size - 1;
            if (elo <= paddr && paddr <= ehi)
                return r;               /* declined here now: remember nothing */
            if (ehi < paddr && ehi >= lo)
                lo = ehi + 1;
            else if (elo > paddr && elo <= hi)
                hi = elo - 1;
        }
        memmove(&bus->hits[1], &bus->hits[0], sizeof(bus->hits) - sizeof(bus->hits[0]));
        bus->hits[0] = (bus_hit_t){ .lo = (uint32_t)lo, .size = (uint32_t)(hi - lo + 1),
                                    .region = r };
        return r;
    }
    return NULL;
}

#define GUEST_ERRORS_LOGGED 16

void bus_log_guest_error(bus_t *bus, const char *what, uint32_t paddr, unsigned size)
{
    if (!bus->log_guest_errors || bus->logged_errors > GUEST_ERRORS_LOGGED)
        return;
    if (bus->logged_errors++ == GUEST_ERRORS_LOGGED) {
        log_msg(LOG_GUEST_ERRORS, "guest error: (further ignored accesses not reported)\n");
        return;
    }
    log_msg(LOG_GUEST_ERRORS, "guest error: %s of %u bytes at physical 0x%08x\n", what, size, paddr);
}

static uint32_t host_load(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    default: { uint32_t v; memcpy(&v, p, 4); return v; }
    }
}

bool bus_read(bus_t *bus, uint32_t paddr, unsigned size, uint32_t *value)
{
    return bus_region_read(bus, bus_find(bus, paddr), paddr, size, value);
}

bool bus_write(bus_t *bus, uint32_t paddr, uint32_t value, unsigned size)
{
    return bus_region_write(bus, bus_find(bus, paddr), paddr, value, size);
}

bool bus_region_read(bus_t *bus, const bus_region_t *r, uint32_t paddr, unsigned size,
                     uint32_t *value)
{
    if (!r || paddr - r->base + size > r->size) {
        bus_log_guest_error(bus, "bus error: read", paddr, size);
        return false;
    }
    if (bus_region_host_readable(r))
        *value = host_load(r->host + (paddr - r->base), size);
    else
        *value = r->ops->read(r->dev, paddr - r->base, size);
    return true;
}

bool bus_region_write(bus_t *bus, const bus_region_t *r, uint32_t paddr, uint32_t value,
                      unsigned size)
{
    if (!r || paddr - r->base + size > r->size) {
        bus_log_guest_error(bus, "bus error: write", paddr, size);
        return false;
    }
    if (r->host && !r->ops) {
        if (r->readonly) {
            bus_log_guest_error(bus, "write to ROM", paddr, size);
            return true;
        }
        uint8_t *p = r->host + (paddr - r->base);
        switch (size) {
        case 1: *p = (uint8_t)value; break;
        case 2: { uint16_t v = (uint16_t)value; memcpy(p, &v, 2); break; }
        default: memcpy(p, &value, 4); break;
        }
        code_page_t *cp = r->code[(paddr - r->base) / CODE_PAGE_SIZE];
        if (cp)
            code_page_invalidate(cp, (paddr - r->base) % CODE_PAGE_SIZE, size);
        return true;
    }
    r->ops->write(r->dev, paddr - r->base, value, size);
    return true;
}
