/* The physical bus: address ranges mapped to RAM, ROM or a device.
 *
 * A device is a state struct, a range and two callbacks. The board (malta.c) is the only
 * place that knows addresses; it maps every region here at start-up. Lookups happen only on
 * the CPU's slow path (software TLB miss or MMIO), so a short linear list is enough; where
 * ranges overlap, the region mapped first wins.
 *
 * Some device regions move while the guest runs (the GT-64120's register block and PCI
 * windows follow its decode registers): bus_map_device returns a handle for bus_move and
 * bus_enable. The software TLB caches RAM and ROM pages, never devices, so a move needs no
 * flush as long as movable regions never shadow RAM or ROM: map them after those.
 *
 * A ROM device (QEMU's term; the boot flash) is both: its array reads like ROM, through host
 * pointers and the software TLB, while the chip is in read-array mode, and through the
 * device's read callback in any other mode; writes always go to the device (they are
 * commands). bus_set_romd switches the read path; whoever turns the array off must also drop
 * the CPU's cached translations of it (cpu_flush_translations). */
#ifndef KSEG_BUS_H
#define KSEG_BUS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct code_page code_page_t;

typedef struct device_ops {
    /* `size` is 1, 2 or 4; `offset` is relative to the region base. */
    uint32_t (*read)(void *dev, uint32_t offset, unsigned size);
    void (*write)(void *dev, uint32_t offset, uint32_t value, unsigned size);
    /* Optional: whether the device answers at `offset`. Where it says no, the access goes
     * on to the regions mapped after it, as through a bridge window with nothing behind
     * that part of it. NULL: the whole region answers. */
    bool (*decodes)(void *dev, uint32_t offset);
} device_ops_t;

typedef struct bus_region {
    const char *name;
    uint32_t base, size;
    uint8_t *host;              /* RAM or ROM backing; NULL for a device */
    bool readonly;              /* ROM: writes are dropped (and logged as guest errors) */
    bool romd;                  /* a ROM device (host and ops) in array mode: reads use host */
    bool enabled;               /* false: the region is skipped, as if unmapped */
    void *dev;
    const device_ops_t *ops;
    code_page_t **code;         /* decoded code per 4 KiB page (RAM/ROM), made on first fetch */
} bus_region_t;

#define BUS_MAX_REGIONS 32
/* Regions bus_find remembers (see bus.c): enough for RAM next to the one MMIO window a
 * driver polls, so that neither pushes the other out. */
#define BUS_FIND_CACHED 2

/* A region that answered lately, and the part of its range where nothing mapped before it
 * can: there it answers again (after its own `decodes`, asked every time). */
typedef struct bus_hit {
    uint32_t lo, size;          /* paddr - lo < size; size 0: an empty slot */
    bus_region_t *region;
} bus_hit_t;

typedef struct bus {
    bus_region_t regions[BUS_MAX_REGIONS];
    int count;
    bus_hit_t hits[BUS_FIND_CACHED];   /* most recent first; emptied by any map change */
    bool log_guest_errors;
    uint32_t logged_errors;     /* how many ignored accesses were reported */
    uint32_t code_pages;        /* decoded-code pages allocated, across all regions */
    uint32_t code_pages_max;    /* CODE_PAGES_MAX; tests lower it to exercise the flush */
    const void *code_decoder;   /* the run loop whose handlers the decoded runs hold (the
                                   cached tier has two, interp.c), NULL before any */
    /* Time the access under way takes beyond its instruction, in ns: the wait states of a
     * slow bus (ioport.h: ISA). Devices add to it; the CPU's slow path clears it before an
     * access and charges it to virtual time after (mmu.c). */
    uint32_t stall_ns;
} bus_t;

void bus_init(bus_t *bus);
void bus_map_ram(bus_t *bus, const char *name, uint32_t base, uint32_t size, uint8_t *host,
                 bool readonly);
/* Returns the region, a handle for bus_move/bus_enable (valid until bus_destroy). */
bus_region_t *bus_map_device(bus_t *bus, const char *name, uint32_t base, uint32_t size,
                             void *dev, const device_ops_t *ops);
/* A ROM device: `host` holds the array, `ops` take every write and, while the array is
 * switched off, the reads. It starts in array mode. */
bus_region_t *bus_map_romd(bus_t *bus, const char *name, uint32_t base, uint32_t size,
                           uint8_t *host, void *dev, const device_ops_t *ops);
void bus_set_romd(bus_t *bus, bus_region_t *r, bool array_mode);
/* Whether loads from the region may use its host pointer (RAM, ROM, a ROM device in array
 * mode): the only regions the software TLB and the code cache may map. */
static inline bool bus_region_host_readable(const bus_region_t *r)
{
    return r->host && (!r->ops || r->romd);
}
/* Moves a device region (never RAM or ROM) to [base, base + size); its place in the
 * precedence order stays. A size of 0 decodes nothing. */
void bus_move(bus_t *bus, bus_region_t *r, uint32_t base, uint32_t size);
void bus_enable(bus_t *bus, bus_region_t *r, bool enabled);
/* Drops the decoded-code pages of every region (used at reset and on teardown). */
void bus_free_code(bus_t *bus);
void bus_destroy(bus_t *bus);

const bus_region_t *bus_find(bus_t *bus, uint32_t paddr);

/* Slow-path physical accesses. They return false when nothing answers at the address: the
 * CPU then raises a bus error. (The board maps an "empty" device where its bus reads zero
 * instead, as QEMU's Malta does for the low 512 MiB.) */
bool bus_read(bus_t *bus, uint32_t paddr, unsigned size, uint32_t *value);
bool bus_write(bus_t *bus, uint32_t paddr, uint32_t value, unsigned size);
/* The same, through the region bus_find returned for paddr (NULL: nothing there), for a
 * caller that looked it up already. */
bool bus_region_read(bus_t *bus, const bus_region_t *r, uint32_t paddr, unsigned size,
                     uint32_t *value);
bool bus_region_write(bus_t *bus, const bus_region_t *r, uint32_t paddr, uint32_t value,
                      unsigned size);
/* Reports a guest access the hardware ignores, under -d guest_errors; only the first few,
 * since firmware probing absent hardware does it in loops. */
void bus_log_guest_error(bus_t *bus, const char *what, uint32_t paddr, unsigned size);

#endif
