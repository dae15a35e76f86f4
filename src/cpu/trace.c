/* CPU tracing for -d: disassembly by capstone, exceptions, TLB writes. Nothing here runs
 * unless its -d item is on; the fast run loop has no tracing hooks at all. */
#include "cpu/trace.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/log.h"

static csh capstone;
static int capstone_state;   /* 0 not opened, 1 ready, -1 failed */

void trace_disasm(uint32_t pc, uint32_t word, char *buf, unsigned size)
{
    if (capstone_state == 0)
        capstone_state = cs_open(CS_ARCH_MIPS, CS_MODE_MIPS32 | CS_MODE_LITTLE_ENDIAN,
                                 &capstone) == CS_ERR_OK ? 1 : -1;
    cs_insn *insn = NULL;
    uint8_t bytes[4];
    memcpy(bytes, &word, 4);
    if (capstone_state == 1 && cs_disasm(capstone, bytes, 4, pc, 1, &insn) == 1) {
        snprintf(buf, size, "%s %s", insn->mnemonic, insn->op_str);
        cs_free(insn, 1);
    } else {
        mips_insn_t in;
        mips_decode(word, &in);
        snprintf(buf, size, "%s (.word 0x%08x)", mips_op_name(in.op), word);
    }
}

void trace_in_asm(cpu_t *cpu, uint32_t pc, uint32_t word)
{
    (void)cpu;
    if (!log_pc_wanted(pc))
        return;
    char text[96];
    trace_disasm(pc, word, text, sizeof(text));
    log_msg(LOG_IN_ASM, "IN: 0x%08x: %08x  %s\n", pc, word, text);
}

void trace_out_asm(uint32_t pc, const uint8_t *code, unsigned len)
{
    static csh x86;
    static int x86_state;    /* 0 not opened, 1 ready, -1 failed */
    if (!log_pc_wanted(pc))
        return;
    if (x86_state == 0)
        x86_state = cs_open(CS_ARCH_X86, CS_MODE_64, &x86) == CS_ERR_OK ? 1 : -1;
    log_msg(LOG_OUT_ASM, "OUT: [guest 0x%08x] %u bytes\n", pc, len);
    cs_insn *insn = NULL;
    size_t n = x86_state == 1 ? cs_disasm(x86, code, len, (uintptr_t)code, 0, &insn) : 0;
    for (size_t i = 0; i < n; i++)
        log_msg(LOG_OUT_ASM, "  0x%012" PRIx64 ":  %-6s %s\n", insn[i].address,
                insn[i].mnemonic, insn[i].op_str);
    if (n)
        cs_free(insn, n);
    else
        log_msg(LOG_OUT_ASM, "  (capstone cannot disassemble it)\n");
}

static const char *const gpr_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5",
    "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1",
    "gp", "sp", "s8", "ra",
};

void trace_exec(cpu_t *cpu, uint32_t pc)
{
    if (!log_pc_wanted(pc))
        return;
    if (log_enabled(LOG_EXEC))
        log_msg(LOG_EXEC, "Trace 0x%08x%s\n", pc, cpu->in_delay_slot ? " (delay slot)" : "");
    if (log_enabled(LOG_CPU)) {
        for (int i = 0; i < 32; i++)
            log_msg(LOG_CPU, "%s%-4s %08x", i % 8 ? " " : "  ", gpr_names[i], cpu->gpr[i]);
        log_msg(LOG_CPU, "\n  hi %08x lo %08x status %08x cause %08x\n", cpu->hi, cpu->lo,
                cpu->cp0.status, cp0_read(cpu, 13, 0));
    }
}

const char *exception_name(int code)
{
    switch (code) {
    case EXC_INT: return "Int";
    case EXC_MOD: return "Mod";
    case EXC_TLBL: return "TLBL";
    case EXC_TLBS: return "TLBS";
    case EXC_ADEL: return "AdEL";
    case EXC_ADES: return "AdES";
    case EXC_IBE: return "IBE";
    case EXC_DBE: return "DBE";
    case EXC_SYS: return "Sys";
    case EXC_BP: return "Bp";
    case EXC_RI: return "RI";
    case EXC_CPU: return "CpU";
    case EXC_OV: return "Ov";
    case EXC_TR: return "Tr";
    case EXC_WATCH: return "WATCH";
    case EXC_MCHECK: return "MCheck";
    case EXC_DEBUG_BP: return "DBp";
    default: return "?";
    }
}

void trace_print_stats(const cpu_t *cpu, FILE *out)
{
    fprintf(out, "kseg: exceptions:");
    for (unsigned i = 0; i < CPU_STAT_EXCEPTIONS; i++) {
        uint64_t n = cpu->stats.exceptions[i];
        if (!n)
            continue;
        const char *name = i == 32 ? "TLBL-refill" : i == 33 ? "TLBS-refill"
                         : i == 34 ? exception_name(EXC_DEBUG_BP) : exception_name((int)i);
        fprintf(out, " %s %" PRIu64, name, n);
    }
    fprintf(out, "; TLB writes %" PRIu64 "\n", cpu->stats.tlb_writes);
}

void trace_exception(cpu_t *cpu, int code, uint32_t epc, uint32_t vector)
{
    if (!log_enabled(LOG_INT) || !log_pc_wanted(epc))
        return;
    log_msg(LOG_INT, "exception %d (%s) at pc 0x%08x: EPC 0x%08x Cause 0x%08x BadVAddr 0x%08x"
            " -> vector 0x%08x\n", code, exception_name(code), cpu->pc, epc,
            cp0_read(cpu, 13, 0), cpu->cp0.badvaddr, vector);
}

void trace_tlb_write(cpu_t *cpu, unsigned index)
{
    if (!log_enabled(LOG_MMU))
        return;
    const tlb_entry_t *e = &cpu->tlb[index];
    log_msg(LOG_MMU, "tlb write [%2u] pc 0x%08x: EntryHi %08x PageMask %08x Lo0 %08x Lo1 %08x%s\n",
            index, cpu->pc, e->entryhi, e->pagemask, e->entrylo[0], e->entrylo[1],
            e->global ? " G" : "");
}
