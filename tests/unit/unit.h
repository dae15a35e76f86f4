/* What the unit tests share: instruction encoders and a small machine (1 MiB of RAM at
 * physical 0 and a CPU) to run instructions on.
 *
 * The machine runs code from kseg0 so that no TLB entry is needed to fetch it; tests that
 * are about exceptions put the CPU in kernel mode with Status.BEV = 0, so every general
 * exception lands at EBase + 0x180 = 0x80000180 (MIPS32 Vol. III, section 6.2.1). */
#ifndef KSEG_TESTS_UNIT_H
#define KSEG_TESTS_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "mmu/bus.h"

#include "mips_encode.h"

/* ---- A machine to run instructions on ----------------------------------------------- */

#define RAM_SIZE   (1u << 20)
#define KSEG0      0x80000000u
#define CODE_VA    0x80001000u            /* where tests put their instructions */
#define DATA_VA    0x80002000u            /* where their data goes */
#define EXC_VECTOR 0x80000180u            /* EBase + 0x180 with BEV = 0 */
#define REFILL_VECTOR 0x80000000u         /* EBase + 0x000: TLB refill with EXL = 0 */

typedef struct machine {
    bus_t bus;
    uint8_t *ram;
    cpu_t *cpu;
} machine_t;

/* A machine fresh from reset, switched to kernel mode with BEV = 0 (Status = 0) and its PC
 * at CODE_VA. RAM is zero, which is a NOP everywhere. */
static inline machine_t *machine_new(void)
{
    machine_t *m = calloc(1, sizeof(*m));
    if (!m)
        abort();
    bus_init(&m->bus);
    m->ram = calloc(1, RAM_SIZE);
    m->cpu = calloc(1, sizeof(*m->cpu));
    if (!m->ram || !m->cpu)
        abort();
    bus_map_ram(&m->bus, "ram", 0, RAM_SIZE, m->ram, false);
    cpu_init(m->cpu, &m->bus);
    cp0_write(m->cpu, 12, 0, 0);
    m->cpu->pc = CODE_VA;
    return m;
}

static inline void machine_free(machine_t *m)
{
    bus_destroy(&m->bus);
    free(m->ram);
    free(m->cpu);
    free(m);
}

static inline uint32_t va_to_pa(uint32_t va) { return va & 0x1FFFFFFFu; }

/* Host writes of guest memory at a kseg0/kseg1 address, as a loader would do them. */
static inline void machine_poke(machine_t *m, uint32_t va, uint32_t word)
{
    uint32_t pa = va_to_pa(va);
    memcpy(m->ram + pa, &word, 4);   /* the host is little-endian, like the guest */
    cpu_invalidate_code(m->cpu, pa, 4);
}

static inline uint32_t machine_peek(const machine_t *m, uint32_t va)
{
    uint32_t word;
    memcpy(&word, m->ram + va_to_pa(va), 4);
    return word;
}

/* Places `n` instruction words at `va`. */
static inline void machine_load(machine_t *m, uint32_t va, const uint32_t *words, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        machine_poke(m, va + 4 * i, words[i]);
}

/* Runs exactly `n` instructions (an exception counts as the instruction that raised it). */
static inline void machine_step(machine_t *m, unsigned n)
{
    cpu_run(m->cpu, m->cpu->icount + n);
}

static inline uint32_t cause_exccode(const cpu_t *cpu) { return (cpu->cp0.cause >> 2) & 0x1F; }

#endif
