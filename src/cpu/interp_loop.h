/* The interpreter's run loop, included twice by interp.c (see the design note there): as
 * run_fast with no tracing hooks and as run_debug with them. GCC cannot clone a function
 * holding a table of label addresses, so the two copies are made by the preprocessor.
 * It stops when icount reaches cpu->deadline or `limit`, whichever comes first (the
 * cached loop steps through it with a limit). */
static void RUN_LOOP_NAME(cpu_t *cpu, uint64_t limit)
{
    const bool debug = RUN_LOOP_DEBUG;
    static const void *const dispatch[OP_PAGE_END + 1] = {
#define LABEL_ENTRY(code, name) [OP_##name] = &&op_##name,
        MIPS_ALL_OPS(LABEL_ENTRY)
#undef LABEL_ENTRY
        [OP_DECODE] = &&op_decode,
        [OP_PAGE_END] = &&op_page_end,
    };
    uint32_t *const r = cpu->gpr;
    uint64_t end;
    int64_t left;
    uint32_t vbase;
    code_page_t *page;
    const decoded_insn_t *d;
    bool in_ds = cpu->ctl == CTL_DELAY_SLOT;
    uint32_t btarget = cpu->target;
    uint32_t target;
    uint32_t pc = cpu->pc;

    SYNC_IN();
    cpu->ctl = CTL_NONE;
    goto fetch;

    /* Control transfer to `target`: within the current page without a lookup. (vbase is
     * page-aligned, or CODE_VPAGE_NONE, which no address masked this way can equal; a
     * misaligned target never matches and faults in the fetch.) */
jump:
    if (LIKELY((target & 0xFFFFF003u) == vbase)) {
        d = &page->insn[(target & 0xFFF) >> 2];
        DISPATCH();
    }
    pc = target;
    /* fall through */
fetch:
    if (UNLIKELY((pc & 0xFFFFF003u) != vbase)) {
        /* Leave before the lookup when the slice is used up: a pending interrupt outranks
         * any fetch exception, and a single step must stop in front of the fault. */
        if (left <= 0)
            goto out_pc;
        left--;                         /* a fetch that faults takes the step */
        SYNC_OUT(pc);
        bool fetched = mmu_fetch_page(cpu, pc);
        SYNC_IN();
        if (!fetched)
            goto after_call;
        left++;                         /* it did not: the instruction will */
    }
    d = &page->insn[(pc & 0xFFF) >> 2];
    DISPATCH();

after_call:
    if (UNLIKELY(cpu->ctl == CTL_JUMP)) {   /* an exception, ERET or DERET */
        cpu->ctl = CTL_NONE;
        in_ds = false;
        target = cpu->target;
        goto jump;
    }
    if (in_ds)
        goto resolve_branch;
    /* The call may have changed the mapping of the code (TLB write, mode change). */
    target = cpu->pc + 4;
    goto jump;

resolve_branch:
    in_ds = false;
    target = btarget;
    goto jump;

out:
    left++;                             /* d was not started */
    pc = PC_OF(d);
out_pc:
    cpu->pc = pc;
    cpu->icount = end - (uint64_t)left;
    cpu->in_delay_slot = in_ds;
    cpu->ctl = in_ds ? CTL_DELAY_SLOT : CTL_NONE;
    cpu->target = btarget;
    return;

op_decode:
    decode_entry(cpu, page, (decoded_insn_t *)d, PC_OF(d));
    goto *dispatch[d->op];

op_page_end:
    left++;                             /* the sentinel is not an instruction */
    pc = vbase + 0x1000u;
    goto fetch;

#define OPL(name) op_##name
#include "cpu/interp_ops.h"
#undef OPL
}


#undef RUN_LOOP_NAME
#undef RUN_LOOP_DEBUG
