/* The run loop's body, included twice by interp.c (see the design note there): as
 * run_fast with no tracing hooks and as run_debug with them. GCC cannot clone a function
 * holding a table of label addresses, so the two copies are made by the preprocessor. */
static void RUN_LOOP_NAME(cpu_t *cpu)
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

    /* ---- Arithmetic and logic ---- */
op_nop: NEXT();
op_add: {
        uint32_t a = RS, b = RT, v = a + b;
        if (UNLIKELY(((a ^ v) & (b ^ v)) >> 31))
            RAISE(EXC_OV);
        RD = v;
        NEXT();
    }
op_addi: {
        uint32_t a = RS, b = d->imm, v = a + b;
        if (UNLIKELY(((a ^ v) & (b ^ v)) >> 31))
            RAISE(EXC_OV);
        RT = v;
        NEXT();
    }
op_sub: {
        uint32_t a = RS, b = RT, v = a - b;
        if (UNLIKELY(((a ^ b) & (a ^ v)) >> 31))
            RAISE(EXC_OV);
        RD = v;
        NEXT();
    }
op_addu: RD = RS + RT; NEXT();
op_subu: RD = RS - RT; NEXT();
op_addiu: RT = RS + d->imm; NEXT();
op_and: RD = RS & RT; NEXT();
op_or: RD = RS | RT; NEXT();
op_xor: RD = RS ^ RT; NEXT();
op_nor: RD = ~(RS | RT); NEXT();
op_andi: RT = RS & d->imm; NEXT();
op_ori: RT = RS | d->imm; NEXT();
op_xori: RT = RS ^ d->imm; NEXT();
op_lui: RT = d->imm; NEXT();
op_slt: RD = (int32_t)RS < (int32_t)RT; NEXT();
op_sltu: RD = RS < RT; NEXT();
op_slti: RT = (int32_t)RS < SIMM; NEXT();
op_sltiu: RT = RS < d->imm; NEXT();
op_movz: if (RT == 0) RD = RS; NEXT();
op_movn: if (RT != 0) RD = RS; NEXT();

    /* ---- Shifts and rotates ---- */
op_sll: RD = RT << d->sa; NEXT();
op_srl: RD = RT >> d->sa; NEXT();
op_sra: RD = (uint32_t)((int32_t)RT >> d->sa); NEXT();
op_rotr: RD = rotr32(RT, d->sa); NEXT();
op_sllv: RD = RT << (RS & 31); NEXT();
op_srlv: RD = RT >> (RS & 31); NEXT();
op_srav: RD = (uint32_t)((int32_t)RT >> (RS & 31)); NEXT();
op_rotrv: RD = rotr32(RT, RS); NEXT();

    /* ---- Multiply and divide ---- */
op_mfhi: RD = cpu->hi; NEXT();
op_mflo: RD = cpu->lo; NEXT();
op_mthi: cpu->hi = RS; NEXT();
op_mtlo: cpu->lo = RS; NEXT();
op_mult: acc_set(cpu, (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); NEXT();
op_multu: acc_set(cpu, (uint64_t)RS * RT); NEXT();
op_mul: RD = (uint32_t)((int64_t)(int32_t)RS * (int32_t)RT); NEXT();   /* HI, LO kept, as QEMU */
op_madd: acc_set(cpu, acc_get(cpu) + (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); NEXT();
op_maddu: acc_set(cpu, acc_get(cpu) + (uint64_t)RS * RT); NEXT();
op_msub: acc_set(cpu, acc_get(cpu) - (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); NEXT();
op_msubu: acc_set(cpu, acc_get(cpu) - (uint64_t)RS * RT); NEXT();
    /* Division by zero and INT_MIN / -1 are UNPREDICTABLE; like QEMU we divide by one
     * instead, which leaves LO = dividend, HI = 0 (the exact answer for INT_MIN / -1). */
op_div: {
        int32_t a = (int32_t)RS, b = (int32_t)RT;
        if (b == 0 || (a == INT32_MIN && b == -1))
            b = 1;
        cpu->lo = (uint32_t)(a / b);
        cpu->hi = (uint32_t)(a % b);
        NEXT();
    }
op_divu: {
        uint32_t a = RS, b = RT ? RT : 1;
        cpu->lo = a / b;
        cpu->hi = a % b;
        NEXT();
    }

    /* ---- Bit manipulation (Release 2) ---- */
op_clz: { uint32_t v = RS; RD = v ? (uint32_t)__builtin_clz(v) : 32; NEXT(); }
op_clo: { uint32_t v = ~RS; RD = v ? (uint32_t)__builtin_clz(v) : 32; NEXT(); }
op_seb: RD = SEXT8(RT); NEXT();
op_seh: RD = SEXT16(RT); NEXT();
op_wsbh: { uint32_t v = RT; RD = ((v & 0x00FF00FFu) << 8) | ((v >> 8) & 0x00FF00FFu); NEXT(); }
op_ext: RT = (RS >> d->sa) & low_mask(d->rd + 1u); NEXT();
op_ins: {
        /* rt is read and written; with rt = $zero it is the sink, and the result dropped. */
        uint32_t mask = low_mask(d->rd - d->sa + 1u) << d->sa;
        RT = (RT & ~mask) | ((RS << d->sa) & mask);
        NEXT();
    }

    /* ---- Branches and jumps ---- */
op_beq: BRANCH(RS == RT);
op_bne: BRANCH(RS != RT);
op_blez: BRANCH((int32_t)RS <= 0);
op_bgtz: BRANCH((int32_t)RS > 0);
op_bltz: BRANCH((int32_t)RS < 0);
op_bgez: BRANCH((int32_t)RS >= 0);
    /* The -AL forms read rs before linking (with rs = 31 the result is UNPREDICTABLE). */
op_bltzal: { bool t = (int32_t)RS < 0; LINK(); BRANCH(t); }
op_bgezal: { bool t = (int32_t)RS >= 0; LINK(); BRANCH(t); }
op_beql: BRANCH_LIKELY(RS == RT);
op_bnel: BRANCH_LIKELY(RS != RT);
op_blezl: BRANCH_LIKELY((int32_t)RS <= 0);
op_bgtzl: BRANCH_LIKELY((int32_t)RS > 0);
op_bltzl: BRANCH_LIKELY((int32_t)RS < 0);
op_bgezl: BRANCH_LIKELY((int32_t)RS >= 0);
op_bltzall: { bool t = (int32_t)RS < 0; LINK(); BRANCH_LIKELY(t); }
op_bgezall: { bool t = (int32_t)RS >= 0; LINK(); BRANCH_LIKELY(t); }
op_j:
    btarget = ((PC_OF(d) + 4) & 0xF0000000u) | d->imm;
    in_ds = true;
    d++;
    DISPATCH();
op_jal:
    btarget = ((PC_OF(d) + 4) & 0xF0000000u) | d->imm;
    LINK();
    in_ds = true;
    d++;
    DISPATCH();
    /* JR.HB/JALR.HB clear hazards; an interpreter has none, so the hint needs no work. */
op_jr:
    btarget = RS;
    in_ds = true;
    d++;
    DISPATCH();
op_jalr:
    btarget = RS;
    RD = PC_OF(d) + 8;
    in_ds = true;
    d++;
    DISPATCH();

    /* ---- Loads and stores ---- */
op_lb: LOAD(1, SEXT8);
op_lbu: LOAD(1, AS_IS);
op_lh: LOAD(2, SEXT16);
op_lhu: LOAD(2, AS_IS);
op_lw: LOAD(4, AS_IS);
op_sb: STORE(1);
op_sh: STORE(2);
op_sw: STORE(4);
op_lwl: CALL(do_lwl(cpu, d, EA));
op_lwr: CALL(do_lwr(cpu, d, EA));
op_swl: CALL(do_swl(cpu, d, EA));
op_swr: CALL(do_swr(cpu, d, EA));
op_ll: CALL(do_ll(cpu, d, EA));
op_sc: CALL(do_sc(cpu, d, EA));
    /* Caches are not modelled: decoded code follows stores by itself (codecache.h). */
op_cache: REQUIRE_COP0(); NEXT();
op_pref: NEXT();
op_synci: NEXT();
op_sync: NEXT();

    /* ---- Traps and system calls ---- */
op_tge: TRAP_IF((int32_t)RS >= (int32_t)RT);
op_tgeu: TRAP_IF(RS >= RT);
op_tlt: TRAP_IF((int32_t)RS < (int32_t)RT);
op_tltu: TRAP_IF(RS < RT);
op_teq: TRAP_IF(RS == RT);
op_tne: TRAP_IF(RS != RT);
op_tgei: TRAP_IF((int32_t)RS >= SIMM);
op_tgeiu: TRAP_IF(RS >= d->imm);
op_tlti: TRAP_IF((int32_t)RS < SIMM);
op_tltiu: TRAP_IF(RS < d->imm);
op_teqi: TRAP_IF(RS == d->imm);
op_tnei: TRAP_IF(RS != d->imm);
op_syscall: RAISE(EXC_SYS);
op_break: RAISE(EXC_BP);
op_sdbbp: RAISE(EXC_DEBUG_BP);

    /* ---- Reserved and absent coprocessors ---- */
op_ri: RAISE(EXC_RI);
op_mfmc0:                               /* decoding turns valid MFMC0s into DI/EI */
op_ri_cop0: REQUIRE_COP0(); RAISE(EXC_RI);
    /* No FPU (Config1.FP = 0) and no CP2: Status.CU1/CU2 cannot be set, so always
     * unusable. */
op_cop1: op_cop1x: op_movci: op_lwc1: op_ldc1: op_swc1: op_sdc1:
    CALL(cpu_exception_cpu(cpu, 1));
op_cop2: op_lwc2: op_ldc2: op_swc2: op_sdc2:
    CALL(cpu_exception_cpu(cpu, 2));
op_jalx: CALL(cpu_unimplemented(cpu, UNIMPL_MIPS16, "MIPS16e (JALX)"));

    /* ---- System control (CP0) ---- */
op_mfc0: REQUIRE_COP0(); CALL(cpu->gpr[d->rt] = cp0_read(cpu, d->rd, d->imm));
op_mtc0: REQUIRE_COP0(); CALL(cp0_write(cpu, d->rd, d->imm, RT); cpu_exit_loop(cpu));
op_di: REQUIRE_COP0(); RT = cpu->cp0.status; cpu->cp0.status &= ~ST_IE; NEXT();
op_ei: REQUIRE_COP0(); RT = cpu->cp0.status; CALL(cpu->cp0.status |= ST_IE; cpu_exit_loop(cpu));
    /* One shadow register set (SRSCtl.HSS = 0): the previous set is the current one. */
op_rdpgpr: REQUIRE_COP0(); RD = RT; NEXT();
op_wrpgpr: REQUIRE_COP0(); RD = RT; NEXT();
op_rdhwr: CALL(do_rdhwr(cpu, d));
op_eret: REQUIRE_COP0(); CALL(do_eret(cpu));
op_deret: REQUIRE_COP0(); CALL(do_deret(cpu));
op_wait: REQUIRE_COP0(); CALL(cpu->waiting = true; cpu_exit_loop(cpu));
op_tlbr: REQUIRE_COP0(); CALL(cpu_tlb_read(cpu));
op_tlbwi: REQUIRE_COP0(); CALL(cpu_tlb_write(cpu, cpu->cp0.index & 0xF));
op_tlbwr: REQUIRE_COP0(); CALL(cpu_tlb_write(cpu, cp0_random(cpu)));
op_tlbp: REQUIRE_COP0(); CALL(cpu_tlb_probe(cpu));
}


#undef RUN_LOOP_NAME
#undef RUN_LOOP_DEBUG
