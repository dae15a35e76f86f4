/* exitbench: a guest that does nothing but make the hypervisor work (issue 8's syscall/TLB-
 * heavy microbenchmark, bench/hv-bench.sh). Three timed loops (start.S), each of N
 * operations that a guest kernel does all the time and that all exit to the hypervisor:
 *   syscall  SYSCALL, reflected to the guest's vector, whose handler (MFC0 Cause, MFC0
 *            EPC, MTC0 EPC, ERET: four more exits) returns past it: 5 exits per operation;
 *   tlb      a load from a kseg2 page pair not in the guest TLB: the host TLB miss becomes
 *            a guest refill, whose handler (MTC0 x2, TLBWR, ERET: four exits) maps it, and
 *            the load misses in the host TLB again for the shadow entry (the guest's TLBWR
 *            dropped the VCPU's shadow entries, so the handler's own page may miss too):
 *            about 7 exits per operation;
 *   mfc0     MFC0 Count, emulated in place: 1 exit per operation.
 * Each line gives N, the guest Count cycles the loop took (Count runs at 160 MHz on the
 * Malta), their cost per operation, and the count of what happened (the refills the
 * handler saw, or the operations). The hypervisor's statistics line, after the guest's
 * reset, gives its own exit counts. */
#include <stdint.h>

#include "gcons.h"
#include "guest.h"

#define N_SYSCALL       100000u
#define N_TLB           20000u
#define N_MFC0          100000u
#define TLB_PAIRS       256u            /* far more than the guest TLB's 16 entries */

uint32_t eb_syscalls(uint32_t n);
uint32_t eb_mfc0s(uint32_t n);
uint32_t eb_touch(uint32_t n, uint32_t pairs);
void exitbench_main(void);

extern char exitbench_vectors[];
volatile uint32_t eb_refills, eb_fatal_cause;

static void report(const char *what, uint32_t n, uint32_t cycles, uint32_t seen)
{
    gcons_puts("exitbench: ");
    gcons_puts(what);
    gcons_puts(" n=");
    gcons_dec(n);
    gcons_puts(" cycles=");
    gcons_dec(cycles);
    gcons_puts(" per-op=");
    gcons_dec(cycles / n);
    gcons_puts(" seen=");
    gcons_dec(seen);
    gcons_puts("\n");
}

void exitbench_main(void)
{
    uint32_t ebase = (uint32_t)(uintptr_t)exitbench_vectors + 0x80000000u;   /* arch */
    __asm__ volatile("mtc0 %0, $15, 1" : : "r"(ebase));
    __asm__ volatile("mtc0 $zero, $12");        /* kernel mode, BEV/ERL/IE clear */
    __asm__ volatile("mtc0 $zero, $10");        /* EntryHi: ASID 0 */
    gcons_puts("exitbench: guest up, three loops of exits\n");
    uint32_t c = eb_syscalls(N_SYSCALL);
    report("syscall", N_SYSCALL, c, N_SYSCALL);
    c = eb_touch(N_TLB, TLB_PAIRS);
    report("tlb", N_TLB, c, eb_refills);
    c = eb_mfc0s(N_MFC0);
    report("mfc0", N_MFC0, c, N_MFC0);
    if (eb_fatal_cause)
        gcons_puts("exitbench: FAIL, unexpected exception\n");
    else
        gcons_puts("exitbench: done\n");
}
