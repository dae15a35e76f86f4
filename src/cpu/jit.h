/* Tier 2 (issue 10): hot runs of decoded code compiled to x86-64 machine code.
 *
 * The unit of translation is the cached tier's run (codecache.h): from an entry to the end
 * of its run (the delay slot, or a cut), entered the way run_cached enters a run. Native
 * code is kept per code page (jit_page_t: one offset per entry) for the virtual page it was
 * compiled at, because it holds PCs as constants; a page reached at another virtual
 * address runs tier 1 there. Everything about how the code is built is in jit.c; this is
 * what run_cached needs to find, enter and link it. */
#ifndef KSEG_JIT_H
#define KSEG_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/codecache.h"
#include "cpu/cpu.h"

typedef struct jit_page {
    uint64_t generation;      /* jit_generation when made; older ones are empty */
    uint32_t vbase;           /* the virtual page the code holds the PCs of */
    uint32_t code[CODE_PAGE_INSNS];   /* per entry: offset in the code buffer, 0 for none */
} jit_page_t;

/* The code buffer, and its generation: bumped when the buffer is emptied (full), which
 * empties every jit_page_t at once. */
extern uint8_t *jit_buffer;
extern uint64_t jit_generation;

/* Maps the code buffer the first time; true when this host can run native code (x86-64,
 * and the buffer could be mapped). */
bool jit_start(void);
/* The same, without a call once the buffer exists (run_cached asks on every entry). */
static inline bool jit_available(void) { return jit_buffer || jit_start(); }

/* The native code for entry `index` of `page` at virtual page `vbase`, or NULL. */
static inline const uint8_t *jit_lookup(const code_page_t *page, unsigned index,
                                        uint32_t vbase)
{
    const jit_page_t *j = page->jit;
    if (!j || j->generation != jit_generation || j->vbase != vbase || !j->code[index])
        return NULL;
    return jit_buffer + j->code[index];
}

/* Compiles the run from entry `index` (decoded for the cached tier) of `page` at virtual
 * page `vbase`; returns its code, or NULL when it cannot (its first instruction is not one
 * the translator knows, the page holds code for another virtual page, no room). */
const uint8_t *jit_compile(cpu_t *cpu, code_page_t *page, unsigned index, uint32_t vbase);

/* Runs native code from `code` with `left` instructions of budget; returns the budget
 * left. How it stopped is in cpu->jit_exit. */
int64_t jit_run(cpu_t *cpu, const uint8_t *code, int64_t left);

/* Points a block's exit (cpu->jit_exit.site) straight at the native code of its target. */
void jit_link(uint8_t *site, const uint8_t *code);

/* Writes /tmp/perf-PID.map from now on: each block's code named after its guest PC, so
 * `perf report` shows guest code by address (-perfmap, as QEMU spells it). */
void jit_perfmap_open(void);

/* Forgets the page's native code (its words changed, or the page is being freed). */
void jit_page_drop(code_page_t *page);

#endif
