/* The C side of the exception path (exception.S saves and restores the frames).
 *
 * Exceptions taken in user mode are a guest's and go to its VCPU (vcpu.c). Of its own, the
 * hypervisor expects only the CP0 timer's interrupt; anything else is a bug in the
 * hypervisor itself, reported with the CPU state and stopped there so that gdb can still
 * look at it. */
#include "hv.h"
#include "frame.h"
#include "hthread.h"
#include "vcpu.h"

#define IRQ_STACK_CANARY 0x1E0CA7ADu

/* The interrupt stack, aligned like a thread stack so that its base word (the canary) is the
 * last one an overflow would reach. exception.S switches to its top on every exception. */
uint32_t irq_stack[IRQ_STACK_SIZE / 4] __attribute__((aligned(IRQ_STACK_SIZE)));

static const char *const exc_names[32] = {
    "Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE",
    "Sys", "Bp", "RI", "CpU", "Ov", "Tr", "MSAFPE", "FPE",
    "code16", "code17", "C2E", "TLBRI", "TLBXI", "MSADis", "MDMX", "WATCH",
    "MCheck", "Thread", "DSPDis", "GE", "code28", "code29", "CacheErr", "code31",
};

const char *exc_name(uint32_t exccode)
{
    return exc_names[exccode & 31];
}

void exc_init(void)
{
    irq_stack[0] = IRQ_STACK_CANARY;
}

static const hv_frame_t *outer_frame(void)
{
    return (const hv_frame_t *)((const char *)irq_stack + IRQ_STACK_SIZE - FRAME_SIZE);
}

static void report(const hv_frame_t *f, const char *what)
{
    uint32_t code = CAUSE_EXCCODE(f->cause);
    printf("\nhv: %s: %s (ExcCode %u)%s\n", what, exc_name(code), code,
           (f->cause & CAUSE_BD) ? " in a branch delay slot" : "");
    printf("  EPC      0x%08x  BadVAddr 0x%08x\n", f->epc, f->badvaddr);
    printf("  Cause    0x%08x  Status   0x%08x\n", f->cause, f->status);
    printf("  ra       0x%08x  sp       0x%08x\n", f->gpr[REG_RA], f->gpr[REG_SP]);
}

static void __attribute__((noreturn)) stop(void)
{
    printf("hv: stopped\n");
    for (;;)
        __asm__ volatile("wait");       /* EXL is set: nothing comes back here */
}

hv_frame_t *exc_dispatch(hv_frame_t *f)
{
    if (f != outer_frame()) {
        /* Only a bug in the exception path itself lands here (EXL was set). */
        report(f, "exception inside the exception handler");
        report(outer_frame(), "while handling");
        stop();
    }
    if (irq_stack[0] != IRQ_STACK_CANARY) {
        report(f, "interrupt stack overflow, during");
        stop();
    }
    /* The hypervisor runs in kernel mode: an exception from user mode is a guest's. */
    if (f->status & ST_UM)
        return vcpu_exit(f);
    if (CAUSE_EXCCODE(f->cause) == EXC_INT) {
        uint32_t pending = f->cause & f->status & 0xFF00u;
        if (pending & CAUSE_IP7) {
            bool tick = timer_interrupt();
            /* The hypercore's threads share its slice; then the VCPU scheduler's turn. */
            return vcpu_hypercore_interrupt(tick ? hthread_timer_tick(f) : f, tick);
        }
        if (!pending)
            return f;                   /* withdrawn before we looked: nothing to do */
    }
    if (CAUSE_EXCCODE(f->cause) == EXC_SYS && hthread_self() == hthread_idle()) {
        /* vcpu_hypercore_idle: the rest of the hypercore's slice goes to a ready VCPU. */
        f->epc += 4;
        return vcpu_hypercore_interrupt(f, false);
    }
    char what[64];
    snprintf(what, sizeof(what), "unexpected exception in thread '%s'", hthread_self()->name);
    report(f, what);
    stop();
}
