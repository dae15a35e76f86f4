/* gdbprog: the bare-metal program the gdb sessions debug at source level (built with -g).
 *
 * It starts at the reset vector like hello (tests/baremetal/start.S), then gives gdb things
 * to look at: a variable written twice (a watchpoint's old and new values), a system call
 * (stepping into an exception lands on the vector), and the CP0 timer ticking every
 * millisecond while the CPU sleeps in WAIT, so that gdb can stop it for a while and check
 * that the ticks do not come in a storm afterwards. The exception vectors are ours
 * (gdbprog_vectors.S, Status.BEV = 0 and EBase pointing there). Lines that the sessions
 * break on carry a "gdb:" marker the test finds them by. */
#include <stdint.h>
#include "uart.h"

/* The CP0 timer: Count runs at half the 320 MHz pipeline clock, so this is 1 ms. */
#define TIMER_PERIOD 160000u

#define ST_IE    0x00000001u
#define ST_BEV   0x00400000u
#define ST_IM7   0x00008000u

#ifndef GDBPROG_MAX_TICKS
#define GDBPROG_MAX_TICKS 40
#endif

/* Read by the vectors. */
volatile uint32_t timer_period = TIMER_PERIOD;
volatile uint32_t ticks;            /* timer interrupts taken */
volatile uint32_t late_ticks;       /* interrupts whose handler found Count past the next Compare */
volatile uint32_t syscalls;         /* SYSCALL exceptions taken */
volatile uint32_t bad_exception[2]; /* Cause and EPC of anything else */

/* What gdb looks at or changes. */
volatile uint32_t watched;          /* written twice by main: a watchpoint's old and new values */
volatile uint32_t max_ticks = GDBPROG_MAX_TICKS;   /* 0: tick for ever (gdb ends it) */
volatile uint32_t checkpoints;      /* checkpoint() calls */

extern char gdbprog_ebase[];        /* the vectors, 4 KiB aligned */
void gdbprog_syscall(void);         /* runs SYSCALL; the handler skips it */

static inline uint32_t mfc0_count(void)
{
    uint32_t v;
    __asm__ volatile("mfc0 %0, $9" : "=r"(v));
    return v;
}

static inline void mtc0_compare(uint32_t v)
{
    __asm__ volatile("mtc0 %0, $11\n\tehb" : : "r"(v));
}

static inline uint32_t mfc0_status(void)
{
    uint32_t v;
    __asm__ volatile("mfc0 %0, $12" : "=r"(v));
    return v;
}

static inline void mtc0_status(uint32_t v)
{
    __asm__ volatile("mtc0 %0, $12\n\tehb" : : "r"(v) : "memory");
}

static inline void mtc0_ebase(uint32_t v)
{
    __asm__ volatile("mtc0 %0, $15, 1\n\tehb" : : "r"(v));
}

/* gdb breaks here every ten ticks. */
__attribute__((noinline)) void checkpoint(uint32_t n)
{
    checkpoints = n;                               /* gdb: checkpoint */
}

__attribute__((noinline)) static uint32_t mix(uint32_t a, uint32_t b)
{
    uint32_t h = a * 0x9e3779b1u;
    h ^= b + (h >> 7);
    return h;
}

static void vectors_on(void)
{
    mtc0_ebase((uint32_t)(uintptr_t)gdbprog_ebase);
    mtc0_status(mfc0_status() & ~ST_BEV);
}

static void timer_start(void)
{
    mtc0_compare(mfc0_count() + timer_period);
    mtc0_status((mfc0_status() & ~0xFF00u) | ST_IM7 | ST_IE);
}

static void timer_stop(void)
{
    mtc0_status(mfc0_status() & ~ST_IE);
}

int main(void)
{
    uart_puts("gdbprog: start\n");

    watched = 0x1234;                              /* gdb: first write */
    watched = mix(watched, 0x5678);                /* gdb: second write */
    uart_put_labeled_hex("watched: ", watched);

    vectors_on();
    gdbprog_syscall();                             /* gdb: syscall */
    uart_put_labeled_dec("syscalls: ", syscalls);

    timer_start();
    uint32_t next = 10;
    while (max_ticks == 0 || ticks < max_ticks) {  /* gdb: tick loop */
        __asm__ volatile("wait" ::: "memory");
        if (ticks >= next) {
            checkpoint(ticks);
            next = ticks + 10;
        }
    }
    timer_stop();

    uart_put_labeled_dec("ticks: ", ticks);
    uart_put_labeled_dec("late ticks: ", late_ticks);
    if (bad_exception[0] | bad_exception[1]) {
        uart_put_labeled_hex("unexpected exception, cause ", bad_exception[0]);
        uart_put_labeled_hex("  epc ", bad_exception[1]);
    }
    uart_puts("gdbprog: done\n");
    return 0;
}
