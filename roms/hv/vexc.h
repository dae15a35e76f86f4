/* Pure pieces of the VCPU's exception path (vcpu.c): delivering an exception into the
 * guest as its hardware would, the guest's virtual Count/Compare match, and the decoder
 * of the loads and stores that reach emulated devices (MMIO).
 *
 * Every address here is ARCHITECTURAL (what the guest's CP0 holds: 0x80000000-based for
 * kseg0); vcpu.c converts to and from the real addresses the guest runs at (vmap.h).
 *
 * Pure C on <stdint.h>/<stdbool.h>, tested on the host (tests/hv/test_vexc.c). */
#ifndef HV_VEXC_H
#define HV_VEXC_H

#include <stdbool.h>
#include <stdint.h>

/* Guest CP0 fields the delivery reads and writes (MIPS32 Vol. III, chapter 9). */
#define VEXC_STATUS_BEV     0x00400000u
#define VEXC_STATUS_IM      0x0000FF00u
#define VEXC_STATUS_ERL     0x00000004u
#define VEXC_STATUS_EXL     0x00000002u
#define VEXC_STATUS_IE      0x00000001u
#define VEXC_CAUSE_BD       0x80000000u
#define VEXC_CAUSE_TI       0x40000000u
#define VEXC_CAUSE_CE       0x30000000u
#define VEXC_CAUSE_IV       0x00800000u
#define VEXC_CAUSE_IP       0x0000FF00u
#define VEXC_CAUSE_IP7      0x00008000u
#define VEXC_CAUSE_EXCCODE  0x0000007Cu
#define VEXC_EBASE_BASE     0xFFFFF000u     /* bits 31:12 (31:30 read as 1 0) */
#define VEXC_BEV_BASE       0xBFC00200u     /* vectors while Status.BEV = 1 */

/* ExcCodes the VCPU reflects. */
enum {
    VEXC_INT = 0, VEXC_MOD = 1, VEXC_TLBL = 2, VEXC_TLBS = 3, VEXC_ADEL = 4, VEXC_ADES = 5,
    VEXC_IBE = 6, VEXC_DBE = 7, VEXC_SYS = 8, VEXC_BP = 9, VEXC_RI = 10, VEXC_CPU = 11,
    VEXC_OV = 12, VEXC_TR = 13,
};

/* The guest's CP0 registers an exception changes, before and after. */
typedef struct vexc_cp0 {
    uint32_t status;
    uint32_t cause;
    uint32_t epc;
} vexc_cp0_t;

/* Delivers exception `exccode` taken by the instruction at arch `pc` (the branch, when
 * `bd`: the instruction was in its delay slot). `tlb_refill`: a TLB Refill, which goes to
 * offset 0x000 when EXL was 0 (0x180 otherwise, as the hardware does). An interrupt
 * (VEXC_INT) goes to 0x200 when Cause.IV is set. As the hardware (Vol. III 6.2.1): EPC
 * and Cause.BD are written only when EXL was 0; then EXL is set and ExcCode replaced (CE
 * too: `ce` for Coprocessor Unusable, else 0). Returns the arch vector; `cp0` is updated.
 * `ebase` is the guest's EBase register. */
uint32_t vexc_deliver(vexc_cp0_t *cp0, uint32_t ebase, unsigned exccode, uint32_t pc,
                      bool bd, bool tlb_refill, unsigned ce);

/* An interrupt the guest takes now: some Cause.IP bit unmasked by Status.IM, with IE = 1
 * and EXL = ERL = 0 (Vol. III 6.1.1). */
bool vexc_interrupt_pending(uint32_t status, uint32_t cause);

/* The virtual Count passed Compare: true when `compare` lies in (last, now], the guest
 * Count values at the previous check and this one (modulo 2^32: Count wraps). */
bool vexc_timer_matched(uint32_t last, uint32_t now, uint32_t compare);

/* ---- Loads and stores to emulated devices ----------------------------------------------
 * The integer loads and stores a guest driver uses on a device register; anything else
 * (LWL/LWR/SWL/SWR, LL/SC, coprocessor loads) decodes as not ok and is reflected as a
 * bus error. */
typedef struct vexc_ldst {
    bool ok;
    bool store;
    bool sign;              /* LB/LH: sign-extend the loaded value */
    uint8_t size;           /* 1, 2 or 4 bytes */
    uint8_t rt;             /* the register loaded or stored */
    uint8_t base;
    int16_t offset;         /* address = gpr[base] + offset */
} vexc_ldst_t;

vexc_ldst_t vexc_decode_ldst(uint32_t insn);
/* The value a load of `size` bytes (`sign`: extended) puts in its register from the
 * `raw` bits the device returned (in the low bits). */
uint32_t vexc_load_value(const vexc_ldst_t *l, uint32_t raw);

#endif
