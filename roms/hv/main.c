/* The hypervisor's C entry: from start.S with the boot ROM's Linux-style arguments. */
#include "hv.h"
#include "hthread.h"

hv_boot_t hv_boot;

void hv_main(int32_t argc, const char *const *argv, const char *const *envp, uint32_t memsize);
void hv_main(int32_t argc, const char *const *argv, const char *const *envp, uint32_t memsize)
{
    hv_boot = (hv_boot_t){ argc, argv, envp, memsize };
    console_init();
    exc_init();
    printf("\nhv: kseg hypervisor, %u MiB of RAM, EBase 0x%08x\n", memsize >> 20,
           read_c0(C0_EBASE));
    hthread_init();
    timer_init();
    irq_enable();
    printf("hv: timer %u Hz on IP7, slice %u ticks, %u thread slots of %u bytes\n",
           TIMER_HZ, HTHREAD_SLICE_TICKS, HTHREAD_MAX, HTHREAD_STACK_SIZE);
    selftest_run();
    hv_halt();
}

void hv_halt(void)
{
    irq_save();
    *(volatile uint32_t *)FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        __asm__ volatile("wait");       /* a real board resets; an emulator may not */
}
