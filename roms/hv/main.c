/* The hypervisor's C entry: from start.S with the boot ROM's Linux-style arguments. */
#include "hv.h"
#include "hthread.h"
#include "vcpu.h"

hv_boot_t hv_boot;

/* The boot arguments are words: "selftest" runs the built-in self-test (also the default
 * when no word says otherwise), "guest" runs the hello guest as g0; both, in that order. */
static bool boot_word(const char *word)
{
    size_t n = strlen(word);
    for (int32_t i = 1; i < hv_boot.argc; i++) {
        for (const char *p = hv_boot.argv[i]; *p; p++) {
            bool start = p == hv_boot.argv[i] || p[-1] == ' ';
            bool match = start;
            for (size_t k = 0; match && k < n; k++)
                match = p[k] == word[k];
            if (match && (p[n] == '\0' || p[n] == ' '))
                return true;
        }
    }
    return false;
}

/* roms/guests/hello, built in by guests.S. */
extern const char guest_hello_image[], guest_hello_end[];
extern char _end[];
static vcpu_t hello_vcpu;

/* Guest g0: its RAM is host physical 16 MiB .. 32 MiB (vcpu.h). */
static void run_hello(void)
{
    vcpu_t *v = &hello_vcpu;
    uint32_t hpa = VCPU_RAM_SIZE;
    uint32_t size = (uint32_t)(guest_hello_end - guest_hello_image);
    if ((uint32_t)(uintptr_t)_end - KSEG0 > hpa || hv_boot.memsize < hpa + VCPU_RAM_SIZE) {
        printf("hv: no room for guest g0 (%u MiB of RAM)\n", hv_boot.memsize >> 20);
        return;
    }
    vcpu_host_init();
    if (!vcpu_init(v, 0, "g0", hpa, VCPU_RAM_SIZE) ||
        !vcpu_load(v, guest_hello_image, size)) {
        printf("hv: guest g0 cannot be loaded\n");
        return;
    }
    printf("hv: guest g0: %u MiB of RAM at host 0x%08x, image [%u bytes] at GPA 0x%08x\n",
           VCPU_RAM_SIZE >> 20, hpa, size, VCPU_LOAD_GPA);
    vcpu_run(v);
    printf("hv: guest g0 was interrupted by the hypervisor's tick: %s\n",
           v->ticks ? "yes" : "no");
    uint32_t exits = 0;
    for (unsigned i = 0; i < 32; i++)
        exits += v->exits[i];
    /* Int exits that were not ticks: the host timer woke the CPU at the guest's Compare
     * (on QEMU, whose timers follow the host's clock, a loaded host may deliver it so late
     * that the tick is due by then: informational only). */
    printf("hv: guest g0 statistics [%u exits: %u Int (%u ticks, %u guest timer deadlines), "
           "%u CpU, %u TLB, %u reflected, %u emulated, %u shadow fills]\n", exits,
           v->exits[0], v->ticks, v->exits[0] - v->ticks,
           v->exits[11],
           v->exits[1] + v->exits[2] + v->exits[3], v->reflected, v->emulated, v->shadow_fills);
}

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
    bool guest = boot_word("guest");
    if (boot_word("selftest") || !guest)
        selftest_run();
    if (guest)
        run_hello();
    hv_halt();
}

void hv_halt(void)
{
    irq_save();
    *(volatile uint32_t *)FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        __asm__ volatile("wait");       /* a real board resets; an emulator may not */
}
