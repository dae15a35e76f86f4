/* exc_dispatch: every exception, from vectors.S with the interrupted context saved in
 * rtos_cur's frame. Interrupts tick; system calls run; a break is counted and stepped
 * over; anything else kills the thread that raised it (a kernel thread as well as a user
 * task) and the kernel goes on with the others. */
#include "rtos.h"

void exc_dispatch(uint32_t cause, uint32_t badvaddr);

volatile uint32_t rtos_breaks, rtos_break_epc;

static const char *exc_name(uint32_t code)
{
    switch (code) {
    case EXC_TLBL: return "TLB load";
    case EXC_TLBS: return "TLB store";
    case EXC_ADEL: return "address error on load";
    case EXC_ADES: return "address error on store";
    case EXC_RI: return "reserved instruction";
    case EXC_CPU: return "coprocessor unusable";
    default: return "exception";
    }
}

void exc_dispatch(uint32_t cause, uint32_t badvaddr)
{
    thread_t *t = rtos_cur;
    uint32_t code = EXCCODE(cause);
    rtos_in_handler = true;
    if (code == EXC_INT) {
        if (cause & CAUSE_IP7) {
            if (t->f.status & ST_KSU_USER)
                t->user_preempts++;
            tick_interrupt();
        }
    } else if (cause & CAUSE_BD) {
        /* Our kernel never raises a system call or break in a delay slot. */
        thread_kill(t, code, badvaddr, "exception in a delay slot");
    } else if (code == EXC_SYS) {
        t->f.epc += 4;
        syscall_dispatch(t);
    } else if (code == EXC_BP) {
        rtos_breaks++;
        rtos_break_epc = t->f.epc;
        t->f.epc += 4;
    } else {
        bool addr = code == EXC_TLBL || code == EXC_TLBS || code == EXC_ADEL || code == EXC_ADES;
        thread_kill(t, code, addr ? badvaddr : 0, exc_name(code));
    }
    sched_switch();
    rtos_in_handler = false;
}
