/* Instruction helpers for trap-and-emulate: resolving the branch whose delay slot
 * trapped, and decoding the privileged instructions the hypervisor emulates.
 *
 * Delay slots. When the instruction in a branch delay slot traps, the hardware sets
 * Cause.BD and EPC = the branch; the hypervisor fetches the slot instruction at EPC + 4,
 * emulates it, and must then resume where the branch would have gone. branch_eval()
 * decides that from the branch word and the registers. Order matters: call it before
 * emulating the slot instruction, whose result may overwrite a register the branch
 * compared (e.g. `beq t0, t1, L` with `mfc0 t0, ...` in its slot).
 *
 * The link register is left alone. The branch itself completed on the hardware before
 * its slot trapped, link write included ($31 = EPC + 8, or rd for JALR); writing it again
 * would at best repeat the same value and at worst clobber what the emulated slot
 * instruction just wrote to that register, which architecturally lands after the link.
 * The registers passed in are therefore the post-link values: for the encodings the
 * manual calls UNPREDICTABLE because they read their own link register (JALR with
 * rd = rs, BLTZAL/BGEZAL(L) with rs = 31) the result is flagged, not guessed.
 *
 * Addresses are the real ones the guest runs at (the host EPC), and so are the results:
 * J targets stay in the 256 MiB region of the real slot address and JR targets are the
 * guest's real pointers.
 *
 * Pure C on <stdint.h>/<stdbool.h>/<stddef.h>, tested on the host (tests/hv/test_branch.c). */
#ifndef HV_BRANCH_H
#define HV_BRANCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct branch_outcome {
    bool taken;
    bool likely;            /* a not-taken likely branch nullifies its slot, so a trap in
                             * the slot with likely && !taken means the registers changed
                             * under the branch: treat as a guest error */
    bool unpredictable;     /* the branch read its own link register (see above) */
    uint32_t target;        /* where the branch goes when taken */
    uint32_t resume;        /* the PC after the slot: target, or pc + 8 */
} branch_outcome_t;

/* Evaluates the branch or jump `insn` at `pc` with the general registers `gpr` ($0 is
 * read as 0 whatever gpr[0] holds). Returns false when `insn` is not a MIPS32r2 branch or
 * jump on the general registers (COP1/COP2 branches included: the VCPU has no FPU, so
 * they never get to a delay slot). Only the fields that choose the operation are checked:
 * the hardware already ran `insn` as a branch. */
bool branch_eval(uint32_t insn, uint32_t pc, const uint32_t gpr[32], branch_outcome_t *out);

/* ---- The instructions the hypervisor emulates -----------------------------------------
 *
 * One row per instruction: (name, mask, match). An instruction word is that operation when
 * (word & mask) == match; the masks cover every field that must be zero, so a reserved
 * encoding decodes as EMUL_UNKNOWN and is reflected to the guest as Reserved Instruction.
 * MFC0/MTC0/DI/EI/TLB*, ERET and WAIT arrive as Coprocessor Unusable (the guest has no
 * CU0), RDHWR as Reserved Instruction (HWREna = 0), CACHE as Coprocessor Unusable. */
#define EMUL_INSNS(X) \
    X(MFC0,  0xFFE007F8u, 0x40000000u)  /* rt <- CP0[rd, sel] */                        \
    X(MTC0,  0xFFE007F8u, 0x40800000u)  /* CP0[rd, sel] <- rt */                        \
    X(DI,    0xFFE0FFFFu, 0x41606000u)  /* MFMC0 rd = 12, sc = 0: rt <- Status, IE = 0 */ \
    X(EI,    0xFFE0FFFFu, 0x41606020u)  /* MFMC0 rd = 12, sc = 1: rt <- Status, IE = 1 */ \
    X(TLBR,  0xFFFFFFFFu, 0x42000001u)                                                  \
    X(TLBWI, 0xFFFFFFFFu, 0x42000002u)                                                  \
    X(TLBWR, 0xFFFFFFFFu, 0x42000006u)                                                  \
    X(TLBP,  0xFFFFFFFFu, 0x42000008u)                                                  \
    X(ERET,  0xFFFFFFFFu, 0x42000018u)                                                  \
    X(WAIT,  0xFE00003Fu, 0x42000020u)  /* bits 24:6: implementation-defined code */    \
    X(CACHE, 0xFC000000u, 0xBC000000u)  /* op in rt, offset(base) */                    \
    X(RDHWR, 0xFFE007FFu, 0x7C00003Bu)  /* rt <- HWR[rd] */

enum emul_op {
    EMUL_UNKNOWN,
#define EMUL_ENUM(name, mask, match) EMUL_##name,
    EMUL_INSNS(EMUL_ENUM)
#undef EMUL_ENUM
    EMUL_OP_COUNT
};

/* A decoded instruction; fields not used by the operation are zero. */
typedef struct emul_insn {
    enum emul_op op;
    uint8_t rt;             /* MFC0/MTC0/DI/EI/RDHWR: the GPR */
    uint8_t rd;             /* MFC0/MTC0: CP0 register; RDHWR: hardware register */
    uint8_t sel;            /* MFC0/MTC0 */
    uint8_t base;           /* CACHE: address = gpr[base] + offset */
    uint8_t cache_op;       /* CACHE: the op field (bits 20:16) */
    int16_t offset;         /* CACHE */
} emul_insn_t;

emul_insn_t emul_decode(uint32_t insn);
/* "MFC0", "TLBWI", ... ("UNKNOWN"), for traces and the management terminal. */
const char *emul_op_name(enum emul_op op);

#endif
