/* Code pages and the runs the cached tier executes them in.
 *
 * Design note. A code page (codecache.h) holds one decoded entry per word. The interpreter
 * decodes entries one at a time; the cached tier (run_cached in interp.c) decodes a whole
 * run at once, from the entry it enters at to the run's end, and stores in each entry its
 * handler, the instructions left to the run's end and its flags. Where runs end is a
 * function of the page's words alone:
 *   DS(i)   the word before i is a branch (i is a delay slot);
 *   END(i)  DS(i), or word i is not a branch and i + 1 is a multiple of BLOCK_CUT
 *           (the page's last word among them);
 *   run(i)  from i to the first END at or after i, both included (for a branch in the
 *           page's last word, whose delay slot is on the next page: 1, the branch alone).
 * So every block entered in the middle of another one reuses its entries, and nothing is
 * allocated per block.
 * Invalidation: a write to word w can change DS(w + 1), END(w), END(w + 1) and so the run
 * of every entry whose run reaches w or w + 1, which are the entries of w's run before it.
 * code_page_invalidate resets those (back to the previous END, or to an entry the cached
 * tier has not decoded: decoded entries of a run are a suffix of it) through w + 1. Entries
 * after w + 1 keep their values: their runs depend on words from w + 1 on only. */
#include <stdlib.h>
#include <string.h>

#include "cpu/codecache.h"
#include "cpu/cpu.h"
#include "cpu/internal.h"
#include "cpu/jit.h"
#include "cpu/mem.h"
#include "cpu/trace.h"
#include "frontend/log.h"
#include "mmu/bus.h"

uint64_t code_link_generation = 4;
uint64_t code_invalidations;

code_page_t *code_page_new(const uint8_t *host, uint32_t paddr)
{
    code_page_t *p = malloc(sizeof(*p));
    if (!p)
        fatal("out of memory for decoded code");
    p->host = host;
    p->paddr = paddr;
    memset(p->insn, 0, sizeof(p->insn));
    memset(p->links, 0, sizeof(p->links));
    p->jit = NULL;
    p->decoded = 0;
    p->watched = true;               /* mmu_fetch_page drops the write entries */
    for (unsigned i = 0; i < CODE_PAGE_INSNS; i++)
        p->insn[i].op = OP_DECODE;
    /* The sentinel. h = 0: the cached loop's decode label handles it after a branch in the
     * last word; flagged a delay slot: its entry check refuses it after a cut there. */
    p->insn[CODE_PAGE_INSNS].op = OP_PAGE_END;
    p->insn[CODE_PAGE_INSNS].flags = INSN_DS | INSN_END;
    return p;
}

void code_page_free(code_page_t *page)
{
    if (page)
        jit_page_drop(page);
    free(page);
}

static void reset_entry(code_page_t *page, decoded_insn_t *e)
{
    if (e->op != OP_DECODE)
        page->decoded--;
    e->op = OP_DECODE;
    e->h = 0;
    e->run = 0;
    e->flags = 0;
    e->hot = 0;
}

void code_page_invalidate(code_page_t *page, uint32_t offset, uint32_t len)
{
    if (!len || offset >= CODE_PAGE_SIZE)
        return;
    code_invalidations++;
    uint32_t first = offset / 4, last = (offset + len - 1) / 4;
    decoded_insn_t *in = page->insn;
    while (first > 0 && in[first - 1].h != 0 && !(in[first - 1].flags & INSN_END))
        first--;
    last++;                                   /* the next word's DS and END may change */
    if (last > CODE_PAGE_INSNS - 1)
        last = CODE_PAGE_INSNS - 1;
    for (uint32_t i = first; i <= last; i++)
        reset_entry(page, &in[i]);
    /* Native code may run through the reset entries, and blocks of a page jump into each
     * other: it all goes (the page's hot runs are compiled again when they come back). */
    jit_page_drop(page);
}

void code_page_watch_slow(cpu_t *cpu, code_page_t *page)
{
    mmu_drop_write_entries(cpu, page->host);
    page->watched = true;
}

bool code_page_unwatch(code_page_t *page)
{
    if (page->decoded)
        return false;
    page->watched = false;
    return true;
}

void code_claim(cpu_t *cpu, const block_handlers_t *handlers)
{
    bus_t *bus = cpu->bus;
    if (bus->code_decoder == handlers)
        return;
    bus_free_code(bus);
    cpu_flush_translations(cpu);
    bus->code_decoder = handlers;
}

static uint32_t page_word(const code_page_t *page, unsigned index)
{
    uint32_t word;
    memcpy(&word, page->host + (size_t)index * 4, 4);
    return word;
}

/* The handler e's operation has for a branch with both targets on the page, or 0. (e may
 * be the entry after a run's last, not decoded yet, or the page's sentinel: operations
 * beyond the decoder's, which the table does not cover.) */
static int32_t has_local(const block_handlers_t *handlers, const decoded_insn_t *e)
{
    return handlers->local && e->op < OP_COUNT ? handlers->local[e->op] : 0;
}

/* The handler for branch e at `index` when both its targets are entries of the page, or 0:
 * not such a branch, or no such handler. (The not-taken target, the word after the delay
 * slot, is off the page when the slot is the page's last word.) */
static int32_t local_handler(const block_handlers_t *handlers, const decoded_insn_t *e,
                             unsigned index)
{
    int32_t h = has_local(handlers, e);
    int64_t taken = (int64_t)index + 1 + ((int32_t)e->imm >> 2);
    if (!h || index + 2 >= CODE_PAGE_INSNS || taken < 0 || taken >= CODE_PAGE_INSNS)
        return 0;
    return h;
}

/* The superinstruction for e at `index` and the entry after it, or 0. The second must be in
 * e's run (e is not its last) and be the kind of entry the pair's code jumps to: after a
 * branch, its delay slot, which ends the run (not a branch: INSN_STEP); otherwise an
 * instruction inside the run. (A branch in a page's last word is followed by the sentinel:
 * no pair.) */
static int32_t pair_handler(const block_handlers_t *handlers, const decoded_insn_t *e,
                            unsigned index)
{
    const decoded_insn_t *next = e + 1;
    if (e->flags & (INSN_END | INSN_STEP))
        return 0;
    if (mips_op_is_branch(e->op) ? (next->flags & (INSN_DS | INSN_STEP)) != INSN_DS
                                 : (next->flags & INSN_END) != 0)
        return 0;
    if ((has_local(handlers, e) && !local_handler(handlers, e, index)) ||
        (has_local(handlers, next) && !local_handler(handlers, next, index + 1)))
        return 0;                             /* pairs with such a branch go to entries */
    for (unsigned k = 0; k < handlers->pair_count; k++) {
        const block_pair_t *p = &handlers->pairs[k];
        if (p->first == e->op && p->second == next->op && (!p->next_h || p->next_h == next->h))
            return p->h;
    }
    return 0;
}

void decode_block(cpu_t *cpu, code_page_t *page, unsigned index, uint32_t vbase,
                  const block_handlers_t *handlers)
{
    decoded_insn_t *in = page->insn;
    mips_insn_t m;
    bool prev_branch = false;
    if (index > 0) {
        mips_decode(page_word(page, index - 1), &m);
        prev_branch = mips_op_is_branch(m.op);
    }

    code_page_watch(cpu, page);
    unsigned last = index;
    for (unsigned i = index; i < CODE_PAGE_INSNS; i++) {
        uint32_t word = page_word(page, i);
        decoded_insn_t *e = &in[i];
        bool fresh = e->op == OP_DECODE;
        mips_decode(word, &m);
        insn_translate(&m, e);
        page->decoded += fresh;
        if (fresh && log_enabled(LOG_IN_ASM))
            trace_in_asm(cpu, vbase + i * 4, word);
        bool branch = mips_op_is_branch(m.op);
        uint8_t flags = 0;
        if (prev_branch)
            flags |= INSN_DS | INSN_END | (branch ? INSN_STEP : 0);
        else if (!branch && (i + 1) % BLOCK_CUT == 0)
            flags |= INSN_END;
        e->flags = flags;
        last = i;
        if (flags & INSN_END)
            break;
        prev_branch = branch;
    }
    /* A run that reached the page's end without END ends with a branch in the last word.
     * Handlers after all flags are known, as a pair looks at the next entry's; and
     * backwards, as a triple or chain looks at the next entry's handler. */
    for (unsigned i = last + 1; i-- > index;) {
        decoded_insn_t *e = &in[i];
        e->run = (uint8_t)(last + 1 - i);
        if (e->flags & INSN_STEP)
            e->h = handlers->step;
        else if ((e->flags & INSN_DS) && handlers->ds)
            e->h = handlers->ds[e->op];
        else if (e->flags & INSN_END)
            e->h = handlers->end[e->op];
        else {
            int32_t h = pair_handler(handlers, e, i);
            if (!h)
                h = local_handler(handlers, e, i);
            e->h = h ? h : handlers->mid[e->op];
        }
    }
}
