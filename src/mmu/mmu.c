/* Address translation (MIPS32 Vol. III chapter 4) and the slow paths of memory access.
 *
 * Segments: kuseg (mapped; an unmapped identity window while Status.ERL is set), kseg0 and
 * kseg1 (unmapped, kernel only), ksseg (mapped, supervisor and kernel), kseg3 (mapped,
 * kernel only). Successful translations of RAM and ROM pages are cached in the software TLB
 * of the current mode; see softtlb.h for what never gets cached. */
#include <stdlib.h>

#include "cpu/codecache.h"
#include "cpu/mem.h"
#include "frontend/log.h"
#include "mmu/bus.h"

static int tlb_exception_code(enum access access, enum tlb_result r)
{
    bool store = access == ACCESS_STORE;
    switch (r) {
    case TLB_MISS: return store ? EXC_TLBS_REFILL : EXC_TLBL_REFILL;
    case TLB_INVALID: return store ? EXC_TLBS : EXC_TLBL;
    default: return EXC_MOD;
    }
}

bool mmu_translate(cpu_t *cpu, uint32_t vaddr, enum access access, bool probe, uint32_t *paddr)
{
    enum cpu_mode mode = cpu->mode;
    bool mapped;

    cpu->tlb_last = -1;

    if (vaddr < 0x80000000u) {
        mapped = mode != MODE_KERNEL_ERL;
    } else if (mode == MODE_USER) {
        goto address_error;
    } else if (vaddr < 0xC0000000u) {
        if (mode == MODE_SUPERVISOR)
            goto address_error;
        *paddr = vaddr & 0x1FFFFFFFu;
        return true;
    } else if (vaddr < 0xE0000000u) {
        mapped = true;
    } else {
        if (mode == MODE_SUPERVISOR)
            goto address_error;
        mapped = true;
    }

    if (!mapped) {
        *paddr = vaddr;
        return true;
    }
    enum tlb_result r = tlb_lookup(cpu->tlb, vaddr, (uint8_t)cpu->cp0.entryhi,
                                   access == ACCESS_STORE, paddr, &cpu->tlb_last);
    if (r == TLB_HIT)
        return true;
    if (!probe)
        cpu_exception(cpu, tlb_exception_code(access, r), vaddr);
    return false;

address_error:
    if (!probe)
        cpu_exception(cpu, access == ACCESS_STORE ? EXC_ADES : EXC_ADEL, vaddr);
    return false;
}

/* Notes that the current mode's `table` now holds a translation made through the TLB entry
 * the last mmu_translate used (if any): writing that entry drops it (cpu_tlb_write). */
static void note_filled(cpu_t *cpu, unsigned table)
{
    if (cpu->tlb_last >= 0)
        cpu->tlb_filled[cpu->tlb_last] |= (uint16_t)SOFTTLB_LANE(cpu->mode, table);
}

/* Caches a RAM/ROM translation in the software TLB of the current mode. */
static void fill_softtlb(cpu_t *cpu, const bus_region_t *r, uint32_t vaddr, uint32_t paddr,
                         bool write)
{
    uint32_t vpage = vaddr & ~0xFFFu;
    if (cpu->debug_active && cpu_page_watched(cpu, vpage))
        return;   /* watched: every access must reach the checks in the slow path */
    uint32_t offset = (paddr & ~0xFFFu) - r->base;
    softtlb_entry_t *e = write ? &cpu->stlb->write[softtlb_index(vaddr)]
                               : &cpu->stlb->read[softtlb_index(vaddr)];
    e->tag = vpage;
    e->addend = (uintptr_t)(r->host + offset) - vpage;
    note_filled(cpu, write ? SOFTTLB_WRITE : SOFTTLB_READ);
}

static bool region_has_page(const bus_region_t *r, uint32_t paddr)
{
    return r && bus_region_host_readable(r) &&
           (paddr & ~0xFFFu) - r->base + 0x1000u <= r->size;
}

/* The access just made took `bus->stall_ns` more than its instruction (a slow bus): the
 * CPU's clock, virtual time, moves on by as much. The run loops take icount back from cpu_t
 * after every slow-path call (tier 2's native code leaves, jit.c). */
static bool charge_stall(cpu_t *cpu, bool ok)
{
    uint32_t ns = cpu->bus->stall_ns;
    if (ns) {
        cpu->bus->stall_ns = 0;
        cpu->icount += (uint64_t)ns * (CPU_CLOCK_HZ / 1000000u) / 1000u;
    }
    return ok;
}

bool mem_load_slow(cpu_t *cpu, uint32_t vaddr, unsigned size, uint32_t *out)
{
    if (vaddr & (size - 1)) {
        cpu_exception(cpu, EXC_ADEL, vaddr);
        return false;
    }
    uint32_t paddr;
    if (!mmu_translate(cpu, vaddr, ACCESS_LOAD, false, &paddr))
        return false;
    const bus_region_t *r = bus_find(cpu->bus, paddr);
    if (region_has_page(r, paddr))
        fill_softtlb(cpu, r, vaddr, paddr, false);
    cpu->bus->stall_ns = 0;
    if (!charge_stall(cpu, bus_region_read(cpu->bus, r, paddr, size, out))) {
        cpu_exception(cpu, EXC_DBE, 0);
        return false;
    }
    if (cpu->debug_active)
        cpu_check_watchpoints(cpu, vaddr, size, false);
    return true;
}

bool mem_store_slow(cpu_t *cpu, uint32_t vaddr, unsigned size, uint32_t value)
{
    if (vaddr & (size - 1)) {
        cpu_exception(cpu, EXC_ADES, vaddr);
        return false;
    }
    uint32_t paddr;
    if (!mmu_translate(cpu, vaddr, ACCESS_STORE, false, &paddr))
        return false;
    const bus_region_t *r = bus_find(cpu->bus, paddr);
    cpu->bus->stall_ns = 0;
    if (!charge_stall(cpu, bus_region_write(cpu->bus, r, paddr, value, size))) {
        cpu_exception(cpu, EXC_DBE, 0);
        return false;
    }
    /* After the write, which resets the entries it touched: a page with decoded entries
     * left keeps its stores on this path. */
    if (region_has_page(r, paddr) && !r->readonly) {
        code_page_t *cp = r->code[((paddr & ~0xFFFu) - r->base) / CODE_PAGE_SIZE];
        if (!cp || code_page_unwatch(cp))
            fill_softtlb(cpu, r, vaddr, paddr, true);
    }
    if (cpu->debug_active)
        cpu_check_watchpoints(cpu, vaddr, size, true);
    return true;
}

void mmu_drop_write_entries(cpu_t *cpu, const uint8_t *host_page)
{
    for (int m = 0; m < MODE_COUNT; m++) {
        softtlb_entry_t *w = cpu->softtlb[m].write;
        for (unsigned i = 0; i < SOFTTLB_SIZE; i++)
            if (w[i].tag != SOFTTLB_INVALID && (const uint8_t *)(w[i].addend + w[i].tag) == host_page)
                w[i].tag = SOFTTLB_INVALID;
    }
}

bool mmu_fetch_page(cpu_t *cpu, uint32_t vaddr)
{
    if (vaddr & 3) {
        cpu_exception(cpu, EXC_ADEL, vaddr);
        return false;
    }
    softtlb_fetch_entry_t *fe = &cpu->stlb->fetch[softtlb_index(vaddr)];
    uint32_t vpage = vaddr & ~0xFFFu;
    if (fe->tag != vpage) {
        uint32_t paddr;
        if (!mmu_translate(cpu, vaddr, ACCESS_FETCH, false, &paddr))
            return false;
        bus_region_t *r = (bus_region_t *)bus_find(cpu->bus, paddr);
        if (!region_has_page(r, paddr)) {
            /* Executing from a device or from nothing: a bus error on fetch. */
            log_msg(LOG_GUEST_ERRORS, "guest error: instruction fetch from non-memory "
                    "physical 0x%08x (pc 0x%08x)\n", paddr, vaddr);
            cpu_exception(cpu, EXC_IBE, vaddr);
            return false;
        }
        uint32_t offset = (paddr & ~0xFFFu) - r->base;
        code_page_t **slot = &r->code[offset / CODE_PAGE_SIZE];
        if (!*slot) {
            if (cpu->bus->code_pages >= cpu->bus->code_pages_max) {
                /* Full: start again. Nothing holds a code page across this call (the run
                 * loop reloads its page after every fetch lookup). */
                bus_free_code(cpu->bus);
                cpu_flush_translations(cpu);
                fe = &cpu->stlb->fetch[softtlb_index(vaddr)];
            }
            *slot = code_page_new(r->host + offset, paddr & ~0xFFFu);
            cpu->bus->code_pages++;
            mmu_drop_write_entries(cpu, r->host + offset);
        }
        fe->tag = vpage;
        fe->page = *slot;
        note_filled(cpu, SOFTTLB_FETCH);
    }
    cpu->code_vpage = vpage;
    cpu->code_page = fe->page;
    return true;
}

/* Debugger access to guest virtual memory, page by page: RAM and ROM backing only (device
 * registers are never touched: their reads have effects), no exception, no TLB change.
 * Writes reach ROM backing too, and drop the decoded code they overwrite. */
static bool debug_access(cpu_t *cpu, uint32_t vaddr, uint8_t *buf, uint32_t len, bool write)
{
    while (len) {
        uint32_t paddr;
        if (!mmu_translate(cpu, vaddr, ACCESS_LOAD, true, &paddr))
            return false;
        const bus_region_t *r = bus_find(cpu->bus, paddr);
        uint32_t chunk = 0x1000u - (vaddr & 0xFFFu);
        if (chunk > len)
            chunk = len;
        if (!r || !r->host || paddr - r->base + chunk > r->size)
            return false;
        if (write) {
            memcpy(r->host + (paddr - r->base), buf, chunk);
            cpu_invalidate_code(cpu, paddr, chunk);
        } else {
            memcpy(buf, r->host + (paddr - r->base), chunk);
        }
        buf += chunk;
        vaddr += chunk;
        len -= chunk;
    }
    return true;
}

bool cpu_debug_read(cpu_t *cpu, uint32_t vaddr, void *buf, uint32_t len)
{
    return debug_access(cpu, vaddr, buf, len, false);
}

bool cpu_debug_write(cpu_t *cpu, uint32_t vaddr, const void *buf, uint32_t len)
{
    return debug_access(cpu, vaddr, (uint8_t *)buf, len, true);
}
