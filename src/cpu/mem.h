/* Guest memory access from instructions: the software TLB fast path, inlined into every
 * load and store handler, and the slow path behind it (mmu/mmu.c). Each returns false when
 * the access raised an exception; the instruction must then leave its destination alone. */
#ifndef KSEG_MEM_H
#define KSEG_MEM_H

#include <string.h>

#include "cpu/cpu.h"

enum access { ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH };

bool mem_load_slow(cpu_t *cpu, uint32_t vaddr, unsigned size, uint32_t *out);
bool mem_store_slow(cpu_t *cpu, uint32_t vaddr, unsigned size, uint32_t value);
/* Virtual to physical with every architectural check; raises the exception on failure
 * unless `probe` (then only returns false). */
bool mmu_translate(cpu_t *cpu, uint32_t vaddr, enum access access, bool probe, uint32_t *paddr);
/* Finds or makes the code page for the instruction at `vaddr` and caches it as the CPU's
 * current page. Returns false when the fetch raised an exception. */
bool mmu_fetch_page(cpu_t *cpu, uint32_t vaddr);
/* Takes out of every mode's software TLB the write entries that map the host page
 * `host_page` (whose code a store must not change unseen). */
void mmu_drop_write_entries(cpu_t *cpu, const uint8_t *host_page);

#define MEM_LIKELY(x) __builtin_expect(!!(x), 1)

static inline bool mem_load(cpu_t *cpu, uint32_t vaddr, unsigned size, uint32_t *out)
{
    const softtlb_entry_t *e = &cpu->stlb->read[softtlb_index(vaddr)];
    if (MEM_LIKELY(e->tag == (vaddr & (0xFFFFF000u | (size - 1))))) {
        const uint8_t *p = (const uint8_t *)(e->addend + vaddr);
        if (size == 4) { uint32_t v; memcpy(&v, p, 4); *out = v; }
        else if (size == 2) { uint16_t v; memcpy(&v, p, 2); *out = v; }
        else *out = *p;
        return true;
    }
    return mem_load_slow(cpu, vaddr, size, out);
}

static inline bool mem_store(cpu_t *cpu, uint32_t vaddr, unsigned size, uint32_t value)
{
    const softtlb_entry_t *e = &cpu->stlb->write[softtlb_index(vaddr)];
    if (MEM_LIKELY(e->tag == (vaddr & (0xFFFFF000u | (size - 1))))) {
        uint8_t *p = (uint8_t *)(e->addend + vaddr);
        if (size == 4) memcpy(p, &value, 4);
        else if (size == 2) { uint16_t v = (uint16_t)value; memcpy(p, &v, 2); }
        else *p = (uint8_t)value;
        return true;
    }
    return mem_store_slow(cpu, vaddr, size, value);
}

#endif
