/* The register frame: everything a thread was doing when an exception took the CPU away.
 *
 * exception.S saves one on the interrupt stack on every exception and restores one on the
 * way out; hthread.c keeps a copy per preempted thread, so the frame the exit path restores
 * may belong to another thread than the one that entered. The layout is shared with the
 * assembly through the FRAME_* offsets, so it is plain words: GPR n at 4 * n, then the
 * special registers. */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#define FRAME_GPR(n)     ((n) * 4)
#define FRAME_HI         (32 * 4)
#define FRAME_LO         (33 * 4)
#define FRAME_EPC        (34 * 4)
#define FRAME_STATUS     (35 * 4)
#define FRAME_CAUSE      (36 * 4)
#define FRAME_BADVADDR   (37 * 4)
#define FRAME_SIZE       (38 * 4)       /* a multiple of 8: the o32 stack alignment */

/* The interrupt stack (exception.c): exceptions run on it, never on a thread's stack. */
#define IRQ_STACK_SIZE   8192

/* o32: a caller leaves 16 bytes below its stack pointer for the callee's a0..a3. */
#define ARGSAVE_SIZE     16

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef struct hv_frame {
    uint32_t gpr[32];           /* gpr[0] is stored as 0; k0/k1 kept too (a guest's own) */
    uint32_t hi, lo;
    uint32_t epc;               /* where the thread resumes */
    uint32_t status;            /* restored as is, with EXL set until the ERET */
    uint32_t cause;             /* as the exception left them (for reports) */
    uint32_t badvaddr;
} hv_frame_t;

_Static_assert(sizeof(hv_frame_t) == FRAME_SIZE, "frame.h: FRAME_SIZE and hv_frame_t differ");
_Static_assert(__builtin_offsetof(hv_frame_t, epc) == FRAME_EPC, "frame.h: FRAME_EPC");
_Static_assert(__builtin_offsetof(hv_frame_t, badvaddr) == FRAME_BADVADDR,
               "frame.h: FRAME_BADVADDR");

/* GPR numbers the C side names. */
enum { REG_SP = 29, REG_FP = 30, REG_RA = 31, REG_S0 = 16, REG_GP = 28 };

/* exception.S: restores `f` and returns with ERET to f->epc. Callable from thread context
 * too (hthread.c's switch into a preempted thread); never returns. */
void exc_restore(const hv_frame_t *f) __attribute__((noreturn));
#endif

#endif
