/* The operations' code, shared by every run loop (see the design note in interp.c): each
 * loop includes this inside its function with its own OPL (the label of an operation's
 * code) and its own control macros: NEXT, CALL, BRANCH, BRANCH_LIKELY, JUMP. The cached
 * loop includes it twice, for an instruction inside a run and for a run's last one. */
    /* ---- Arithmetic and logic ---- */
OPL(nop): NEXT();
OPL(add): {
        uint32_t a = RS, b = RT, v = a + b;
        if (UNLIKELY(((a ^ v) & (b ^ v)) >> 31))
            RAISE(EXC_OV);
        RD = v;
        NEXT();
    }
OPL(addi): {
        uint32_t a = RS, b = d->imm, v = a + b;
        if (UNLIKELY(((a ^ v) & (b ^ v)) >> 31))
            RAISE(EXC_OV);
        RT = v;
        NEXT();
    }
OPL(sub): {
        uint32_t a = RS, b = RT, v = a - b;
        if (UNLIKELY(((a ^ b) & (a ^ v)) >> 31))
            RAISE(EXC_OV);
        RD = v;
        NEXT();
    }
OPL(addu): RD = RS + RT; NEXT();
OPL(subu): RD = RS - RT; NEXT();
OPL(addiu): RT = RS + d->imm; NEXT();
OPL(and): RD = RS & RT; NEXT();
OPL(or): RD = RS | RT; NEXT();
OPL(xor): RD = RS ^ RT; NEXT();
OPL(nor): RD = ~(RS | RT); NEXT();
OPL(andi): RT = RS & d->imm; NEXT();
OPL(ori): RT = RS | d->imm; NEXT();
OPL(xori): RT = RS ^ d->imm; NEXT();
OPL(lui): RT = d->imm; NEXT();
OPL(slt): RD = (int32_t)RS < (int32_t)RT; NEXT();
OPL(sltu): RD = RS < RT; NEXT();
OPL(slti): RT = (int32_t)RS < SIMM; NEXT();
OPL(sltiu): RT = RS < d->imm; NEXT();
OPL(movz): if (RT == 0) RD = RS; NEXT();
OPL(movn): if (RT != 0) RD = RS; NEXT();

    /* ---- Shifts and rotates ---- */
OPL(sll): RD = RT << d->sa; NEXT();
OPL(srl): RD = RT >> d->sa; NEXT();
OPL(sra): RD = (uint32_t)((int32_t)RT >> d->sa); NEXT();
OPL(rotr): RD = rotr32(RT, d->sa); NEXT();
OPL(sllv): RD = RT << (RS & 31); NEXT();
OPL(srlv): RD = RT >> (RS & 31); NEXT();
OPL(srav): RD = (uint32_t)((int32_t)RT >> (RS & 31)); NEXT();
OPL(rotrv): RD = rotr32(RT, RS); NEXT();

    /* ---- Multiply and divide ---- */
OPL(mfhi): RD = cpu->hi; NEXT();
OPL(mflo): RD = cpu->lo; NEXT();
OPL(mthi): cpu->hi = RS; NEXT();
OPL(mtlo): cpu->lo = RS; NEXT();
OPL(mult): acc_set(cpu, (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); NEXT();
OPL(multu): acc_set(cpu, (uint64_t)RS * RT); NEXT();
OPL(mul): RD = (uint32_t)((int64_t)(int32_t)RS * (int32_t)RT); NEXT();   /* HI, LO kept, as QEMU */
OPL(madd): acc_set(cpu, acc_get(cpu) + (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); NEXT();
OPL(maddu): acc_set(cpu, acc_get(cpu) + (uint64_t)RS * RT); NEXT();
OPL(msub): acc_set(cpu, acc_get(cpu) - (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); NEXT();
OPL(msubu): acc_set(cpu, acc_get(cpu) - (uint64_t)RS * RT); NEXT();
    /* Division by zero and INT_MIN / -1 are UNPREDICTABLE; like QEMU we divide by one
     * instead, which leaves LO = dividend, HI = 0 (the exact answer for INT_MIN / -1). */
OPL(div): {
        int32_t a = (int32_t)RS, b = (int32_t)RT;
        if (b == 0 || (a == INT32_MIN && b == -1))
            b = 1;
        cpu->lo = (uint32_t)(a / b);
        cpu->hi = (uint32_t)(a % b);
        NEXT();
    }
OPL(divu): {
        uint32_t a = RS, b = RT ? RT : 1;
        cpu->lo = a / b;
        cpu->hi = a % b;
        NEXT();
    }

    /* ---- Bit manipulation (Release 2) ---- */
OPL(clz): { uint32_t v = RS; RD = v ? (uint32_t)__builtin_clz(v) : 32; NEXT(); }
OPL(clo): { uint32_t v = ~RS; RD = v ? (uint32_t)__builtin_clz(v) : 32; NEXT(); }
OPL(seb): RD = SEXT8(RT); NEXT();
OPL(seh): RD = SEXT16(RT); NEXT();
OPL(wsbh): { uint32_t v = RT; RD = ((v & 0x00FF00FFu) << 8) | ((v >> 8) & 0x00FF00FFu); NEXT(); }
OPL(ext): RT = (RS >> d->sa) & low_mask(d->rd + 1u); NEXT();
OPL(ins): {
        /* rt is read and written; with rt = $zero it is the sink, and the result dropped. */
        uint32_t mask = low_mask(d->rd - d->sa + 1u) << d->sa;
        RT = (RT & ~mask) | ((RS << d->sa) & mask);
        NEXT();
    }

    /* ---- Branches and jumps ---- */
OPL(beq): BRANCH(RS == RT);
OPL(bne): BRANCH(RS != RT);
OPL(blez): BRANCH((int32_t)RS <= 0);
OPL(bgtz): BRANCH((int32_t)RS > 0);
OPL(bltz): BRANCH((int32_t)RS < 0);
OPL(bgez): BRANCH((int32_t)RS >= 0);
    /* The -AL forms read rs before linking (with rs = 31 the result is UNPREDICTABLE). */
OPL(bltzal): { bool t = (int32_t)RS < 0; LINK(); BRANCH(t); }
OPL(bgezal): { bool t = (int32_t)RS >= 0; LINK(); BRANCH(t); }
OPL(beql): BRANCH_LIKELY(RS == RT);
OPL(bnel): BRANCH_LIKELY(RS != RT);
OPL(blezl): BRANCH_LIKELY((int32_t)RS <= 0);
OPL(bgtzl): BRANCH_LIKELY((int32_t)RS > 0);
OPL(bltzl): BRANCH_LIKELY((int32_t)RS < 0);
OPL(bgezl): BRANCH_LIKELY((int32_t)RS >= 0);
OPL(bltzall): { bool t = (int32_t)RS < 0; LINK(); BRANCH_LIKELY(t); }
OPL(bgezall): { bool t = (int32_t)RS >= 0; LINK(); BRANCH_LIKELY(t); }
OPL(j): JUMP(((PC_OF(d) + 4) & 0xF0000000u) | d->imm);
OPL(jal): { uint32_t t = ((PC_OF(d) + 4) & 0xF0000000u) | d->imm; LINK(); JUMP(t); }
    /* JR.HB/JALR.HB clear hazards; an interpreter has none, so the hint needs no work. */
OPL(jr): JUMP(RS);
OPL(jalr): { uint32_t t = RS; RD = PC_OF(d) + 8; JUMP(t); }

    /* ---- Loads and stores ---- */
OPL(lb): LOAD(1, SEXT8);
OPL(lbu): LOAD(1, AS_IS);
OPL(lh): LOAD(2, SEXT16);
OPL(lhu): LOAD(2, AS_IS);
OPL(lw): LOAD(4, AS_IS);
OPL(sb): STORE(1);
OPL(sh): STORE(2);
OPL(sw): STORE(4);
OPL(lwl): CALL(do_lwl(cpu, d, EA));
OPL(lwr): CALL(do_lwr(cpu, d, EA));
OPL(swl): CALL(do_swl(cpu, d, EA));
OPL(swr): CALL(do_swr(cpu, d, EA));
OPL(ll): CALL(do_ll(cpu, d, EA));
OPL(sc): CALL(do_sc(cpu, d, EA));
    /* Caches are not modelled: decoded code follows stores by itself (codecache.h). */
OPL(cache): REQUIRE_COP0(); NEXT();
OPL(pref): NEXT();
OPL(synci): NEXT();
OPL(sync): NEXT();

    /* ---- Traps and system calls ---- */
OPL(tge): TRAP_IF((int32_t)RS >= (int32_t)RT);
OPL(tgeu): TRAP_IF(RS >= RT);
OPL(tlt): TRAP_IF((int32_t)RS < (int32_t)RT);
OPL(tltu): TRAP_IF(RS < RT);
OPL(teq): TRAP_IF(RS == RT);
OPL(tne): TRAP_IF(RS != RT);
OPL(tgei): TRAP_IF((int32_t)RS >= SIMM);
OPL(tgeiu): TRAP_IF(RS >= d->imm);
OPL(tlti): TRAP_IF((int32_t)RS < SIMM);
OPL(tltiu): TRAP_IF(RS < d->imm);
OPL(teqi): TRAP_IF(RS == d->imm);
OPL(tnei): TRAP_IF(RS != d->imm);
OPL(syscall): RAISE(EXC_SYS);
OPL(break): RAISE(EXC_BP);
OPL(sdbbp): RAISE(EXC_DEBUG_BP);

    /* ---- Reserved and absent coprocessors ---- */
OPL(ri): RAISE(EXC_RI);
OPL(mfmc0):                               /* decoding turns valid MFMC0s into DI/EI */
OPL(ri_cop0): REQUIRE_COP0(); RAISE(EXC_RI);
    /* No FPU (Config1.FP = 0) and no CP2: Status.CU1/CU2 cannot be set, so always
     * unusable. */
OPL(cop1): OPL(cop1x): OPL(movci): OPL(lwc1): OPL(ldc1): OPL(swc1): OPL(sdc1):
    CALL(cpu_exception_cpu(cpu, 1));
OPL(cop2): OPL(lwc2): OPL(ldc2): OPL(swc2): OPL(sdc2):
    CALL(cpu_exception_cpu(cpu, 2));
OPL(jalx): CALL(cpu_unimplemented(cpu, UNIMPL_MIPS16, "MIPS16e (JALX)"));

    /* ---- System control (CP0) ---- */
OPL(mfc0): REQUIRE_COP0(); CALL(cpu->gpr[d->rt] = cp0_read(cpu, d->rd, d->imm));
    /* cp0_write returns to cpu_run itself when the write can make an interrupt due. */
OPL(mtc0): REQUIRE_COP0(); CALL(cp0_write(cpu, d->rd, d->imm, RT));
OPL(di): REQUIRE_COP0(); RT = cpu->cp0.status; cpu->cp0.status &= ~ST_IE; NEXT();
OPL(ei): REQUIRE_COP0(); RT = cpu->cp0.status; CALL(cpu->cp0.status |= ST_IE; cpu_interrupts_changed(cpu));
    /* One shadow register set (SRSCtl.HSS = 0): the previous set is the current one. */
OPL(rdpgpr): REQUIRE_COP0(); RD = RT; NEXT();
OPL(wrpgpr): REQUIRE_COP0(); RD = RT; NEXT();
OPL(rdhwr): CALL(do_rdhwr(cpu, d));
OPL(eret): REQUIRE_COP0(); CALL(cpu_eret(cpu));
OPL(deret): REQUIRE_COP0(); CALL(do_deret(cpu));
OPL(wait): REQUIRE_COP0(); CALL(cpu->waiting = true; cpu_exit_loop(cpu));
OPL(tlbr): REQUIRE_COP0(); CALL(cpu_tlb_read(cpu));
OPL(tlbwi): REQUIRE_COP0(); CALL(cpu_tlb_write_indexed(cpu));
OPL(tlbwr): REQUIRE_COP0(); CALL(cpu_tlb_write_random(cpu));
OPL(tlbp): REQUIRE_COP0(); CALL(cpu_tlb_probe(cpu));
