/* The cached tier's run loop (issue 10, tier 1; see the design note in interp.c),
 * included twice by interp.c: as run_cached_plain for tier 1 alone and as run_cached_jit,
 * which also looks up and runs tier 2's native code at each run's entry. Tier 1 alone then
 * pays nothing for tier 2 (one test and branch per run entry, 3.5% of kbench). Each copy
 * has its own handlers, and runs hold handler offsets, so a bus's decoded runs belong to
 * the copy that decoded them (bus_t.code_decoder). */
static void CACHED_LOOP_NAME(cpu_t *cpu)
{
    const uint64_t limit = UINT64_MAX;
    static const int32_t h_mid[OP_COUNT] = {
#define H_MID(code, name) [OP_##name] = &&blk_##name - &&cached_decode,
        MIPS_ALL_OPS(H_MID)
#undef H_MID
    };
    static const int32_t h_end[OP_COUNT] = {
#define H_END(code, name) [OP_##name] = &&end_##name - &&cached_decode,
        MIPS_ALL_OPS(H_END)
#undef H_END
    };
    static const int32_t h_local[OP_COUNT] = {
#define H_LOCAL(name) [OP_##name] = &&local_##name - &&cached_decode,
        H_LOCAL(beq) H_LOCAL(bne) H_LOCAL(blez) H_LOCAL(bgtz) H_LOCAL(bltz) H_LOCAL(bgez)
#undef H_LOCAL
    };
    static const int32_t h_ds[OP_COUNT] = {
#define H_DS(code, name) [OP_##name] = &&ds_##name - &&cached_decode,
        MIPS_ALL_OPS(H_DS)
#undef H_DS
    };
#define PAIR(a, b) { OP_##a, OP_##b, 0, &&pair_##a##_##b - &&cached_decode }
#define TRIPLE(a, b, c) { OP_##a, OP_##b, &&pair_##b##_##c - &&cached_decode,              \
                          &&pair_##a##_##b##_##c - &&cached_decode }
/* A, then the handler of b and what follows it (`rest`: its operations after b). */
#define CHAIN(a, b, rest) { OP_##a, OP_##b, &&pair_##b##_##rest - &&cached_decode,          \
                            &&pair_##a##_##b##_##rest - &&cached_decode }
    static const block_pair_t pairs[] = {
        /* Triples and chains first: where one applies, it is chosen over the pair of its
         * first two. */
        TRIPLE(addiu, addu, bne), TRIPLE(addu, lbu, addiu), TRIPLE(lbu, addiu, addu),
        TRIPLE(sll, addu, lw), TRIPLE(addiu, lw, addiu), TRIPLE(lw, sltu, bne),
        TRIPLE(lw, lw, lw), TRIPLE(lw, addiu, lw), TRIPLE(sw, sw, sw), TRIPLE(addu, bne, addu),
        TRIPLE(lw, addiu, bne), TRIPLE(madd, lw, addiu), TRIPLE(sltu, bne, or),
        TRIPLE(or, sw, addiu), TRIPLE(sw, addiu, beq), TRIPLE(addiu, beq, nop),
        TRIPLE(sb, sltu, bne), TRIPLE(addu, addu, sb), TRIPLE(addu, sb, sltu),
        TRIPLE(sltu, bne, addu), TRIPLE(addu, lw, bne), TRIPLE(lb, bne, addiu),
        TRIPLE(addiu, lb, bne),
        /* Longer chains, for the hottest whole runs of kbench (loops of byte and table
         * walks, compare-and-branch, call and return). */
        CHAIN(addiu, addu, bne_addu), CHAIN(lbu, addiu, addu_bne_addu),
        CHAIN(lw, sltu, bne_or), CHAIN(sw, addiu, beq_nop),
        CHAIN(addiu, bne, madd), CHAIN(lw, addiu, bne_madd), CHAIN(addiu, lw, addiu_bne_madd),
        CHAIN(lw, addiu, lw_addiu_bne_madd),
        CHAIN(sb, sltu, bne_addu), CHAIN(addu, sb, sltu_bne_addu),
        CHAIN(addiu, beq, addiu), CHAIN(lb, addiu, beq_addiu), CHAIN(sltiu, beq, addiu),
        CHAIN(or, beq, or), CHAIN(addiu, bne, or), CHAIN(sb, addiu, bne_or),
        CHAIN(lw, jr, nop), CHAIN(addu, lw, jr_nop), CHAIN(sll, addu, lw_jr_nop),
        CHAIN(addu, beq, lw), CHAIN(sll, addu, beq_lw), CHAIN(lbu, bne, mul),
        CHAIN(lw, bne, xor), CHAIN(addu, lw, bne_xor), CHAIN(sll, addu, lw_bne_xor),
        CHAIN(andi, sll, addu_lw_bne_xor), CHAIN(xor, andi, sll_addu_lw_bne_xor),
        CHAIN(addiu, xor, andi_sll_addu_lw_bne_xor),
        CHAIN(srl, addiu, xor_andi_sll_addu_lw_bne_xor),
        CHAIN(lbu, srl, addiu_xor_andi_sll_addu_lw_bne_xor),
        PAIR(addiu, addu), PAIR(addiu, addiu), PAIR(addiu, lw), PAIR(addiu, sw),
        PAIR(addiu, xor), PAIR(addu, addu), PAIR(addu, lw), PAIR(addu, sw), PAIR(addu, sb),
        PAIR(subu, sltu), PAIR(sltu, addu), PAIR(sll, addu), PAIR(srl, addiu),
        PAIR(xor, andi), PAIR(andi, sll), PAIR(nop, nop),
        PAIR(addiu, bne), PAIR(addiu, beq), PAIR(addu, bne), PAIR(addu, beq),
        PAIR(sltu, bne), PAIR(sltu, beq), PAIR(andi, bne), PAIR(or, beq),
        PAIR(bne, addu), PAIR(bne, addiu), PAIR(bne, or), PAIR(bne, subu), PAIR(bne, xor),
        PAIR(beq, addu), PAIR(beq, addiu), PAIR(beq, or), PAIR(beq, lw),
        PAIR(beq, nop), PAIR(bne, nop), PAIR(jr, nop),
        PAIR(lw, addiu), PAIR(lw, addu), PAIR(lw, lw), PAIR(lw, sltu), PAIR(lb, addiu),
        PAIR(lbu, addiu), PAIR(lbu, andi), PAIR(lbu, srl), PAIR(lhu, srl),
        PAIR(lw, bne), PAIR(lb, bne),
        PAIR(sw, sw), PAIR(sw, addiu), PAIR(sw, sltu), PAIR(sb, sltu),
        PAIR(addu, lbu), PAIR(or, sw), PAIR(or, or), PAIR(addiu, lb), PAIR(xor, lbu),
        PAIR(addiu, sll), PAIR(mul, addiu), PAIR(addiu, or), PAIR(or, lb), PAIR(addiu, lbu),
        PAIR(madd, lw), PAIR(sw, sll), PAIR(sltiu, beq), PAIR(sltiu, bne),
        PAIR(bne, madd), PAIR(bne, mul), PAIR(beq, sw),
    };
#undef PAIR
#undef TRIPLE
#undef CHAIN
    static const block_handlers_t handlers = {
        .mid = h_mid, .end = h_end, .ds = h_ds, .local = h_local,
        .step = &&cached_step - &&cached_decode,
        .pairs = pairs, .pair_count = sizeof(pairs) / sizeof(pairs[0]),
    };
    uint32_t *const r = cpu->gpr;
    /* The slice's end, in memory: only the ways out of the handlers use it, and the
     * handlers are better off with one more register for what they do use. */
    volatile uint64_t end;
    uint64_t steps;
    int64_t left;
    uint32_t vbase;
    code_page_t *page;
    const decoded_insn_t *d;
    bool in_ds = false;              /* the instruction that made a call is a delay slot */
    uint32_t btarget = cpu->target;  /* the target of the branch whose delay slot runs */
    const decoded_insn_t *bt = &far_target;   /* the same as an entry of the page, if it is */
    uint32_t target = 0, pc;         /* (0: for the compiler, which cannot follow the gotos) */
    const bool jit = CACHED_LOOP_JIT;
    const uint8_t *native;
    /* Handlers are offsets from this. Made opaque to the compiler (the empty asm), which
     * would otherwise rebuild the address in every handler, an instruction per dispatch. */
    char *hbase = (char *)&&cached_decode;
    __asm__("" : "+r"(hbase));

    code_claim(cpu, &handlers);      /* runs the other copy decoded are dropped */
    if (UNLIKELY(link_owner != cpu)) {   /* links made by another CPU's translations */
        link_owner = cpu;
        code_links_invalidate();
    }
    CACHED_SYNC_IN();

    /* Control state is in cpu (pc, ctl, target, icount); the budget in the locals. */
cached_resume:
    if (UNLIKELY(cpu->ctl == CTL_DELAY_SLOT)) {
        if (left <= 0)
            return;                  /* the state stays as it is, the slot pending */
        steps = 1;
        goto cached_run_interp;
    }
    cpu->ctl = CTL_NONE;             /* as in the interpreter: nothing else carries over */
    pc = cpu->pc;
    goto cached_fetch;

    /* Control transfer to `target`: within the current page by index. (vbase is
     * page-aligned, or CODE_VPAGE_NONE, which no address masked this way can equal; a
     * misaligned target never matches and faults in the fetch.) */
#define JUMP_TO_TARGET(enter) do {                                             \
        if (LIKELY((target & 0xFFFFF003u) == vbase)) {                         \
            d = ENTRY_AT(target);                                              \
            goto enter;                                                        \
        }                                                                      \
        pc = target;                                                           \
        goto cached_fetch;                                                     \
    } while (0)
plain_jump:
    JUMP_TO_TARGET(plain_enter);
plain_enter: {
        uint64_t need = entry_need(d);
        if (UNLIKELY((uint64_t)left < need))
            goto cached_enter_slow;
        left -= (int64_t)need;
        goto *CACHED_HANDLER(d);
    }
plain_go:                            /* the slow path found the entry fine */
    left -= d->run;
    goto *CACHED_HANDLER(d);

jit_jump:
    JUMP_TO_TARGET(jit_enter);
#undef JUMP_TO_TARGET
jit_enter:
    if (UNLIKELY((uint64_t)left < entry_need(d)))
        goto cached_enter_slow;
jit_go: {
        unsigned index = (unsigned)(d - page->insn);
        native = jit_lookup(page, index, vbase);
        /* Hot: counted once decoded (h set), compiled when the count reaches jit_hot. */
        if (!native && d->h && ++((decoded_insn_t *)d)->hot == cpu->jit_hot)
            native = jit_compile(cpu, page, index, vbase);
        if (native)
            goto cached_native;
        goto plain_go;
    }

cached_fetch:
    if (UNLIKELY((pc & 0xFFFFF003u) != vbase)) {
        /* Leaving the page: its link for pc, else the fetch software TLB inline, else
         * mmu_fetch_page; then link the page to where it went. (vbase is NONE after a
         * mapping change: then `page` may be gone, and so may its links.) */
        uint64_t key = LINK_KEY();
        code_link_t *lk = NULL;
        if (LIKELY(vbase != CODE_VPAGE_NONE)) {
            lk = &page->links[(pc >> 2) % CODE_LINKS];
            if (LIKELY(lk->pc == pc && lk->key == key)) {
                page = lk->page;
                vbase = pc & ~0xFFFu;
                goto cached_new_page;
            }
        }
        const softtlb_fetch_entry_t *fe = &cpu->stlb->fetch[softtlb_index(pc)];
        if (LIKELY(fe->tag == (pc & 0xFFFFF003u))) {
            vbase = fe->tag;
            page = fe->page;
        } else {
            /* As in the interpreter: leave first when the slice is used up, and count a
             * fetch that faults as the step. */
            if (left <= 0)
                goto cached_out_pc;
            left--;
            cpu->pc = pc;
            cpu->in_delay_slot = false;
            cpu->icount = end - (uint64_t)left;
            bool fetched = mmu_fetch_page(cpu, pc);
            CACHED_SYNC_IN();
            if (!fetched) {
                in_ds = false;
                goto cached_after_call;
            }
            left++;
            if (LINK_KEY() != key)
                lk = NULL;           /* all code was dropped, the linking page with it */
            key = LINK_KEY();
        }
        if (lk) {
            lk->pc = pc;
            lk->key = key;
            lk->page = page;
        }
cached_new_page:
        cpu->code_vpage = vbase;
        cpu->code_page = page;
    }
    d = ENTRY_AT(pc);
    GOTO_ENTER();

    /* Tier 2 (jit.c): native code runs blocks of this page until it leaves the page, jumps
     * through a register, runs out of budget or a step changes the flow. */
cached_native:
    cpu->jit_end = end;
    left = jit_run(cpu, native, left);
    vbase = cpu->code_vpage;            /* native code may have gone on to other pages */
    page = cpu->code_page;
    if (cpu->jit_exit.kind == JIT_EXIT_STATE) {   /* after a step: all is in cpu */
        CACHED_SYNC_IN();
        btarget = cpu->target;
        goto cached_resume;
    }
    if (UNLIKELY(left < 0)) {           /* the budget is never negative at an entry */
        end -= left;
        left = 0;
    }
    target = cpu->jit_exit.pc;
    if (cpu->jit_exit.site) {           /* an exit to this page: link it when it has code */
        const uint8_t *code = jit_lookup(page, (target & 0xFFF) >> 2, vbase);
        if (code)
            jit_link(cpu->jit_exit.site, code);
    }
    goto jit_jump;

    /* The entry check failed: d is far_target (go to btarget), or the sentinel after a cut
     * at the page's end (go to the next page), or the last entry of a cut, which is fine
     * when the budget allows (see entry_need), or the run does not fit the budget, or d is a
     * delay slot. */
cached_enter_slow:
    if (d == &far_target) {
        target = btarget;
        GOTO_JUMP();
    }
    if (d->op == OP_PAGE_END) {
        pc = vbase + 0x1000u;
        goto cached_fetch;
    }
    if (!(d->flags & INSN_DS) && (uint64_t)left >= d->run) {
        if (jit)
            goto jit_go;
        goto plain_go;
    }
    pc = PC_OF(d);
    if (left <= 0)
        goto cached_out_pc;
    cpu->pc = pc;
    cpu->in_delay_slot = false;
    cpu->ctl = CTL_NONE;
    cpu->icount = end - (uint64_t)left;
    steps = (d->flags & INSN_DS) ? 1 : (uint64_t)left;
    goto cached_run_interp;

    /* INSN_STEP: d (a delay slot holding a branch) was charged with its run, not started. */
cached_step:
    in_ds = (d->flags & INSN_DS) != 0;
    cpu->pc = PC_OF(d);
    cpu->in_delay_slot = in_ds;
    cpu->ctl = in_ds ? CTL_DELAY_SLOT : CTL_NONE;
    cpu->target = BT_PC();
    cpu->icount = end - (uint64_t)(left + d->run);
    steps = 1;
cached_run_interp:
    run_fast(cpu, cpu->icount + steps);
    CACHED_SYNC_IN();
    btarget = cpu->target;
    goto cached_resume;

cached_after_call:
    if (UNLIKELY(cpu->ctl == CTL_JUMP)) {   /* an exception, ERET or DERET */
        cpu->ctl = CTL_NONE;
        target = cpu->target;
        GOTO_JUMP();
    }
    target = in_ds ? btarget : cpu->pc + 4;
    GOTO_JUMP();

cached_out_pc:
    cpu->pc = pc;
    cpu->icount = end - (uint64_t)left;
    cpu->in_delay_slot = false;
    cpu->ctl = CTL_NONE;
    return;

    /* Handler offset 0: an entry this tier has not decoded yet, or the page's sentinel. */
cached_decode:
    if (d->op == OP_PAGE_END) {
        /* After a branch in the page's last word: its delay slot is on the next page. */
        cpu->pc = vbase + 0x1000u;
        cpu->in_delay_slot = true;
        cpu->ctl = CTL_DELAY_SLOT;
        cpu->target = BT_PC();
        cpu->icount = end - (uint64_t)left;
        steps = 1;
        goto cached_run_interp;
    }
    decode_block(cpu, page, (unsigned)(d - page->insn), vbase, &handlers);
    GOTO_ENTER();

    /* Entering the run at d from the handler that ends the previous one: plain_enter's
     * code, copied into each such handler instead of jumped to. The copies spare a jump
     * per run, and each has its own indirect jump, which the host predicts from the
     * handler it sits in (the delay slot's operation, say) rather than from one place
     * shared by every run. With tier 2 the entry goes through its lookup. */
#define ENTER() do {                                                           \
        if (jit)                                                               \
            goto jit_enter;                                                    \
        uint64_t need_ = entry_need(d), left_ = (uint64_t)left;                \
        bool short_ = __builtin_sub_overflow(left_, need_, &left_);            \
        left = (int64_t)left_;        /* subtract, then test the borrow */    \
        if (UNLIKELY(short_)) {                                                \
            left += (int64_t)need_;                                            \
            goto cached_enter_slow;                                            \
        }                                                                      \
        goto *CACHED_HANDLER(d);                                               \
    } while (0)

    /* ---- Inside a run ---- */
#undef NEXT
#undef CALL
#undef BRANCH
#undef BRANCH_LIKELY
#undef JUMP
#define NEXT() do { d++; goto *CACHED_HANDLER(d); } while (0)
#define CALL(expr) do {                                                        \
        in_ds = false;                                                         \
        CACHED_SYNC_OUT(false);                                                \
        expr;                                                                  \
        CACHED_SYNC_IN();                                                      \
        goto cached_after_call;                                                \
    } while (0)
#define BRANCH(cond) do {                                                      \
        uint32_t pc_ = PC_OF(d);                                               \
        btarget = (cond) ? pc_ + 4 + d->imm : pc_ + 8;                         \
        bt = &far_target;                                                      \
        d++;                                                                   \
        goto *CACHED_HANDLER(d);                                               \
    } while (0)
/* Not taken, the delay slot is skipped: it was charged with the run (unless it is on the
 * next page, outside the run), so refund it. */
#define BRANCH_LIKELY(cond) do {                                               \
        uint32_t pc_ = PC_OF(d);                                               \
        if (cond) {                                                            \
            btarget = pc_ + 4 + d->imm;                                        \
            bt = &far_target;                                                  \
            d++;                                                               \
            goto *CACHED_HANDLER(d);                                           \
        }                                                                      \
        left += d->run - 1;                                                    \
        target = pc_ + 8;                                                      \
        GOTO_JUMP();                                                         \
    } while (0)
/* A target on the page (a call or return nearby, most often) is left as its entry, as a
 * local branch leaves it: the delay slot then enters the next run directly, not through
 * cached_enter_slow and the jump code. */
#define JUMP(t) do {                                                           \
        btarget = (t);                                                         \
        bt = (btarget & 0xFFFFF003u) == vbase ? ENTRY_AT(btarget) : &far_target; \
        d++;                                                                   \
        goto *CACHED_HANDLER(d);                                               \
    } while (0)
#define OPL(name) blk_##name
#include "cpu/interp_ops.h"
#undef OPL

    /* ---- Branches whose targets, taken or not, are entries of the page (block.c picks
     * these): the run after the delay slot starts from `bt` without a lookup. ---- */
#define LOCAL_BRANCH(name, cond) local_##name:                                 \
        bt = (cond) ? LOCAL_TAKEN(d) : d + 2;                                  \
        d++;                                                                   \
        goto *CACHED_HANDLER(d);
    LOCAL_BRANCH(beq, RS == RT)
    LOCAL_BRANCH(bne, RS != RT)
    LOCAL_BRANCH(blez, (int32_t)RS <= 0)
    LOCAL_BRANCH(bgtz, (int32_t)RS > 0)
    LOCAL_BRANCH(bltz, (int32_t)RS < 0)
    LOCAL_BRANCH(bgez, (int32_t)RS >= 0)
#undef LOCAL_BRANCH

    /* MADD's statement (interp_ops.h), for the superinstructions with it. */
#define MADD() acc_set(cpu, acc_get(cpu) + (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT))
    /* ---- Superinstructions: the hottest adjacent pairs (pair counts of kbench and of a
     * Linux boot), the second reached by a direct jump instead of a dispatch. Their first
     * half is the operation's own code; a call or exception in it leaves the run as usual.
     * A pair with a branch is for a branch whose targets are entries of the page (block.c
     * gives such pairs to those only). ---- */
#define PAIR_ALU(a, b, stmt) pair_##a##_##b: stmt; d++; goto blk_##b;
    PAIR_ALU(addiu, addu, RT = RS + d->imm)
    PAIR_ALU(addiu, addiu, RT = RS + d->imm)
    PAIR_ALU(addiu, lw, RT = RS + d->imm)
    PAIR_ALU(addiu, sw, RT = RS + d->imm)
    PAIR_ALU(addiu, xor, RT = RS + d->imm)
    PAIR_ALU(addu, addu, RD = RS + RT)
    PAIR_ALU(addu, lw, RD = RS + RT)
    PAIR_ALU(addu, sw, RD = RS + RT)
    PAIR_ALU(addu, sb, RD = RS + RT)
    PAIR_ALU(subu, sltu, RD = RS - RT)
    PAIR_ALU(sltu, addu, RD = RS < RT)
    PAIR_ALU(sll, addu, RD = RT << d->sa)
    PAIR_ALU(srl, addiu, RD = RT >> d->sa)
    PAIR_ALU(xor, andi, RD = RS ^ RT)
    PAIR_ALU(andi, sll, RT = RS & d->imm)
    PAIR_ALU(nop, nop, (void)0)
    PAIR_ALU(addu, lbu, RD = RS + RT)
    PAIR_ALU(or, sw, RD = RS | RT)
    PAIR_ALU(or, or, RD = RS | RT)
    PAIR_ALU(addiu, lb, RT = RS + d->imm)
    PAIR_ALU(xor, lbu, RD = RS ^ RT)
    PAIR_ALU(addiu, sll, RT = RS + d->imm)
    PAIR_ALU(mul, addiu, RD = (uint32_t)((int64_t)(int32_t)RS * (int32_t)RT))
    PAIR_ALU(addiu, or, RT = RS + d->imm)
    PAIR_ALU(or, lb, RD = RS | RT)
    PAIR_ALU(addiu, lbu, RT = RS + d->imm)
    PAIR_ALU(madd, lw, MADD())
#undef PAIR_ALU
    /* An instruction and a branch. */
#define PAIR_ALU(a, b, stmt) pair_##a##_##b: stmt; d++; goto local_##b;
    PAIR_ALU(addiu, bne, RT = RS + d->imm)
    PAIR_ALU(addiu, beq, RT = RS + d->imm)
    PAIR_ALU(addu, bne, RD = RS + RT)
    PAIR_ALU(addu, beq, RD = RS + RT)
    PAIR_ALU(sltu, bne, RD = RS < RT)
    PAIR_ALU(sltu, beq, RD = RS < RT)
    PAIR_ALU(andi, bne, RT = RS & d->imm)
    PAIR_ALU(or, beq, RD = RS | RT)
    PAIR_ALU(sltiu, beq, RT = RS < d->imm)
    PAIR_ALU(sltiu, bne, RT = RS < d->imm)
#undef PAIR_ALU
    /* A branch and its delay slot (the run's end). With an ALU operation in the slot,
     * which cannot raise an exception, the slot's code is repeated here, and so is the
     * entry into the next run: its indirect jump then belongs to this pair (to the loop
     * that ends with it, most often) instead of to every run ending in such a slot. */
#define PAIR_BRANCH(a, b, cond) pair_##a##_##b:                                \
        bt = (cond) ? LOCAL_TAKEN(d) : d + 2;                                  \
        d++;                                                                   \
        goto ds_##b;
#define PAIR_BRANCH_ALU(a, b, cond, stmt) pair_##a##_##b:                      \
        bt = (cond) ? LOCAL_TAKEN(d) : d + 2;                                  \
        d++;                                                                   \
        stmt;                                                                  \
        d = bt;                                                                \
        ENTER();
    PAIR_BRANCH_ALU(bne, addu, RS != RT, RD = RS + RT)
    PAIR_BRANCH_ALU(bne, addiu, RS != RT, RT = RS + d->imm)
    PAIR_BRANCH_ALU(bne, or, RS != RT, RD = RS | RT)
    PAIR_BRANCH_ALU(bne, subu, RS != RT, RD = RS - RT)
    PAIR_BRANCH_ALU(bne, xor, RS != RT, RD = RS ^ RT)
    PAIR_BRANCH_ALU(beq, addu, RS == RT, RD = RS + RT)
    PAIR_BRANCH_ALU(beq, addiu, RS == RT, RT = RS + d->imm)
    PAIR_BRANCH_ALU(beq, or, RS == RT, RD = RS | RT)
    PAIR_BRANCH(beq, lw, RS == RT)
    PAIR_BRANCH_ALU(bne, madd, RS != RT, MADD())
    PAIR_BRANCH_ALU(bne, mul, RS != RT, RD = (uint32_t)((int64_t)(int32_t)RS * (int32_t)RT))
    PAIR_BRANCH(beq, sw, RS == RT)
#undef PAIR_BRANCH
#undef PAIR_BRANCH_ALU
    /* A NOP in the slot: nothing to run, it was counted with the run. */
pair_beq_nop: d = RS == RT ? LOCAL_TAKEN(d) : d + 2; ENTER();
pair_bne_nop: d = RS != RT ? LOCAL_TAKEN(d) : d + 2; ENTER();
pair_jr_nop: target = RS; GOTO_JUMP();
    /* Loads and stores followed by an instruction inside the run: NEXT goes on at
     * PAIR_SECOND. */
#undef NEXT
#define NEXT() do { d++; goto PAIR_SECOND; } while (0)
#define PAIR_SECOND blk_addiu
pair_lw_addiu: LOAD(4, AS_IS);
pair_lb_addiu: LOAD(1, SEXT8);
pair_lbu_addiu: LOAD(1, AS_IS);
pair_sw_addiu: STORE(4);
#undef PAIR_SECOND
#define PAIR_SECOND blk_lw
pair_lw_lw: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND blk_addu
pair_lw_addu: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND blk_sltu
pair_lw_sltu: LOAD(4, AS_IS);
pair_sw_sltu: STORE(4);
pair_sb_sltu: STORE(1);
#undef PAIR_SECOND
#define PAIR_SECOND blk_andi
pair_lbu_andi: LOAD(1, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND blk_srl
pair_lbu_srl: LOAD(1, AS_IS);
pair_lhu_srl: LOAD(2, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND blk_sw
pair_sw_sw: STORE(4);
#undef PAIR_SECOND
#define PAIR_SECOND local_bne
pair_lw_bne: LOAD(4, AS_IS);
pair_lb_bne: LOAD(1, SEXT8);
#undef PAIR_SECOND
#define PAIR_SECOND blk_sll
pair_sw_sll: STORE(4);
#undef PAIR_SECOND

    /* ---- Triples: an instruction, then the pair of the next two (block.c checks that
     * the next entry has that pair's handler). Common sequences of compiled code: array
     * indexing, loads and stores in a row, a compare and its branch. ---- */
#define TRIPLE_ALU(a, b, c, stmt) pair_##a##_##b##_##c: stmt; d++; goto pair_##b##_##c;
    TRIPLE_ALU(addiu, addu, bne, RT = RS + d->imm)
    TRIPLE_ALU(addu, lbu, addiu, RD = RS + RT)
    TRIPLE_ALU(sll, addu, lw, RD = RT << d->sa)
    TRIPLE_ALU(addiu, lw, addiu, RT = RS + d->imm)
    TRIPLE_ALU(addu, bne, addu, RD = RS + RT)
    TRIPLE_ALU(madd, lw, addiu, MADD())
    TRIPLE_ALU(sltu, bne, or, RD = RS < RT)
    TRIPLE_ALU(or, sw, addiu, RD = RS | RT)
    TRIPLE_ALU(addiu, beq, nop, RT = RS + d->imm)
    TRIPLE_ALU(addu, addu, sb, RD = RS + RT)
    TRIPLE_ALU(addu, sb, sltu, RD = RS + RT)
    TRIPLE_ALU(sltu, bne, addu, RD = RS < RT)
    TRIPLE_ALU(addu, lw, bne, RD = RS + RT)
    TRIPLE_ALU(addiu, lb, bne, RT = RS + d->imm)
#undef TRIPLE_ALU
#define PAIR_SECOND pair_addiu_addu
pair_lbu_addiu_addu: LOAD(1, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_sltu_bne
pair_lw_sltu_bne: LOAD(4, AS_IS);
pair_sb_sltu_bne: STORE(1);
#undef PAIR_SECOND
#define PAIR_SECOND pair_lw_lw
pair_lw_lw_lw: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_lw
pair_lw_addiu_lw: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_sw_sw
pair_sw_sw_sw: STORE(4);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_bne
pair_lw_addiu_bne: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_beq
pair_sw_addiu_beq: STORE(4);
#undef PAIR_SECOND
#define PAIR_SECOND pair_bne_addiu
pair_lb_bne_addiu: LOAD(1, SEXT8);
#undef PAIR_SECOND

    /* ---- Chains: as the triples, an instruction and then the handler of the next entry,
     * for the sequences listed with the pairs. ---- */
#define CHAIN_ALU(a, b, rest, stmt) pair_##a##_##b##_##rest: stmt; d++; goto pair_##b##_##rest;
    CHAIN_ALU(addiu, addu, bne_addu, RT = RS + d->imm)
    CHAIN_ALU(addiu, bne, madd, RT = RS + d->imm)
    CHAIN_ALU(addiu, lw, addiu_bne_madd, RT = RS + d->imm)
    CHAIN_ALU(addu, sb, sltu_bne_addu, RD = RS + RT)
    CHAIN_ALU(addiu, beq, addiu, RT = RS + d->imm)
    CHAIN_ALU(sltiu, beq, addiu, RT = RS < d->imm)
    CHAIN_ALU(or, beq, or, RD = RS | RT)
    CHAIN_ALU(addiu, bne, or, RT = RS + d->imm)
    CHAIN_ALU(addu, lw, jr_nop, RD = RS + RT)
    CHAIN_ALU(sll, addu, lw_jr_nop, RD = RT << d->sa)
    CHAIN_ALU(addu, beq, lw, RD = RS + RT)
    CHAIN_ALU(sll, addu, beq_lw, RD = RT << d->sa)
    CHAIN_ALU(addu, lw, bne_xor, RD = RS + RT)
    CHAIN_ALU(sll, addu, lw_bne_xor, RD = RT << d->sa)
    CHAIN_ALU(andi, sll, addu_lw_bne_xor, RT = RS & d->imm)
    CHAIN_ALU(xor, andi, sll_addu_lw_bne_xor, RD = RS ^ RT)
    CHAIN_ALU(addiu, xor, andi_sll_addu_lw_bne_xor, RT = RS + d->imm)
    CHAIN_ALU(srl, addiu, xor_andi_sll_addu_lw_bne_xor, RD = RT >> d->sa)
#undef CHAIN_ALU
#define PAIR_SECOND pair_addiu_addu_bne_addu
pair_lbu_addiu_addu_bne_addu: LOAD(1, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_sltu_bne_or
pair_lw_sltu_bne_or: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_beq_nop
pair_sw_addiu_beq_nop: STORE(4);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_bne_madd
pair_lw_addiu_bne_madd: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_lw_addiu_bne_madd
pair_lw_addiu_lw_addiu_bne_madd: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_sltu_bne_addu
pair_sb_sltu_bne_addu: STORE(1);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_beq_addiu
pair_lb_addiu_beq_addiu: LOAD(1, SEXT8);
#undef PAIR_SECOND
#define PAIR_SECOND pair_addiu_bne_or
pair_sb_addiu_bne_or: STORE(1);
#undef PAIR_SECOND
#define PAIR_SECOND pair_jr_nop
pair_lw_jr_nop: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_bne_mul
pair_lbu_bne_mul: LOAD(1, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_bne_xor
pair_lw_bne_xor: LOAD(4, AS_IS);
#undef PAIR_SECOND
#define PAIR_SECOND pair_srl_addiu_xor_andi_sll_addu_lw_bne_xor
pair_lbu_srl_addiu_xor_andi_sll_addu_lw_bne_xor: LOAD(1, AS_IS);
#undef PAIR_SECOND

#undef MADD

    /* ---- A run's last instruction after a cut: the next run starts at the next entry (or
     * at the sentinel, which the entry check sends to the next page). Calls as inside a
     * run. ---- */
#undef NEXT
#undef BRANCH
#undef BRANCH_LIKELY
#undef JUMP
#define NEXT() do { d++; ENTER(); } while (0)
/* A branch ends a run only in a delay slot, as an INSN_STEP entry: these never run. */
#define BRANCH(cond) do { (void)(cond); goto cached_step; } while (0)
#define BRANCH_LIKELY(cond) BRANCH(cond)
#define JUMP(t) BRANCH(t)
#define OPL(name) end_##name
#include "cpu/interp_ops.h"
#undef OPL

    /* ---- A delay slot: the next run starts at the branch's target ---- */
#undef NEXT
#undef CALL
#define NEXT() do { d = bt; ENTER(); } while (0)
#define CALL(expr) do {                                                        \
        in_ds = true;                                                          \
        btarget = BT_PC();            /* the call may change the page */       \
        CACHED_SYNC_OUT(true);                                                 \
        expr;                                                                  \
        CACHED_SYNC_IN();                                                      \
        goto cached_after_call;                                                \
    } while (0)
#define OPL(name) ds_##name
#include "cpu/interp_ops.h"
#undef OPL
}

#undef CACHED_LOOP_NAME
#undef CACHED_LOOP_JIT
