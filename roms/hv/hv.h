/* kseg hypervisor firmware: what its files share.
 *
 * The boot ROM loads hv.elf like a Linux kernel (at 0x80100000, hv.ld) and jumps to start.S
 * with the Linux arguments in a0..a3. From there the hypervisor owns the machine: its own
 * exception vectors (EBase), the SuperIO UART, the CP0 timer. Board addresses and the CP0
 * accessors are the boot ROM's (../bootrom/board.h and cp0.h): one list of facts for both
 * firmwares. */
#ifndef HV_H
#define HV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "cp0.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* CP0 fields the boot ROM never needed. */
#define C0_COMPARE      11, 0
#define ST_IM7          0x00008000u     /* interrupt mask bit of IP7: the CP0 timer */
#define ST_KSU_MASK     0x00000018u
#define ST_UM           0x00000010u     /* user mode: only a guest runs so (vcpu.c) */
#define CAUSE_IP7       0x00008000u
#define CAUSE_IV        0x00800000u
#define CAUSE_BD        0x80000000u
#define EXC_INT         0               /* Cause.ExcCode of an interrupt */
#define EXC_SYS         8               /* of SYSCALL: the idle hypercore giving the CPU away */

/* ---- main.c: what the boot ROM handed over ------------------------------------------- */
typedef struct hv_boot {
    int32_t argc;
    const char *const *argv;
    const char *const *envp;
    uint32_t memsize;           /* bytes of RAM at physical 0 (a3 of the hand-off) */
} hv_boot_t;
extern hv_boot_t hv_boot;

/* Stops the board: first waits (2 s at most) for the guests' flash writes to reach the
 * board's flash (vflash_sync), then the FPGA's software reset, which ends kseg and QEMU
 * run with -no-reboot; without it (a real board resets) the CPU waits forever. */
void hv_halt(void) __attribute__((noreturn));

/* ---- Interrupt masking ------------------------------------------------------------------
 * One CPU, so masking interrupts is the whole of mutual exclusion between threads and the
 * interrupt path. irq_save returns the old Status.IE for irq_restore (DI/EI: MIPS32r2). */
static inline uint32_t irq_save(void)
{
    uint32_t status;
    __asm__ volatile("di %0; ehb" : "=r"(status) : : "memory");
    return status & ST_IE;
}

static inline void irq_restore(uint32_t ie)
{
    if (ie)
        __asm__ volatile("ei; ehb" : : : "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("ei; ehb" : : : "memory");
}

/* ---- lib.c (the boot ROM's ../bootrom/lib.c, compiled in) ---------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int memcmp(const void *a, const void *b, size_t n);
bool parse_u32(const char *s, uint32_t *out);      /* decimal or 0x hex, whole string */

/* ---- printf.c: formatted output -------------------------------------------------------
 * %c %s %d %u %x %X %p %%, the flags '-' and '0', a width (digits or '*'), 'l' ignored.
 * printf writes a whole line at once with interrupts masked, so lines from different
 * threads never interleave. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- console.c: the board's first serial port (SuperIO UART, ISA port 0x3F8) ---------- */
void console_init(void);
void console_write(const char *s, size_t n);    /* '\n' goes out as "\r\n" */
int console_getc_nowait(void);                  /* -1: no character waiting */
/* Reads a line with echo, backspace/DEL and ^U, up to size - 1 characters; yields to other
 * threads while no key is waiting. Returns its length, without the newline. */
size_t console_readline(char *buf, size_t size);

/* ---- timer.c: the preemption tick (CP0 Count/Compare on IP7) -------------------------- */
#define TIMER_HZ        100                     /* ticks per second: see timer.c */
void timer_init(void);
#define TIMER_MARGIN    2000u                   /* Count cycles: see timer.c */
uint32_t timer_ticks(void);                     /* ticks since timer_init */
/* From the exception path on IP7: true when it was a tick (false: an early wake-up for a
 * guest's timer deadline). */
bool timer_interrupt(void);
/* While a guest runs: also interrupt at host Count `count` (vcpu.c); off: ticks only. */
void timer_set_deadline(bool on, uint32_t count);

/* ---- exception.c: the C side of the exception path ------------------------------------ */
struct hv_frame;
void exc_init(void);                            /* before the first exception */
/* Called by exception.S with the saved frame; returns the frame to resume (another
 * thread's, when the scheduler switched). */
struct hv_frame *exc_dispatch(struct hv_frame *f);
const char *exc_name(uint32_t exccode);

/* ---- selftest.c ------------------------------------------------------------------------ */
/* Runs the built-in tests from the main thread; returns the number that failed. */
unsigned selftest_run(void);

#endif
