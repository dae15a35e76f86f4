/* The rtos guest (issue 8): a small preemptive kernel that runs as a guest of roms/hv.
 *
 * Addresses. Like roms/guests/hello it is linked at its REAL addresses in the guest's kseg0
 * window (real 0x00000000 = arch 0x80000000); its CP0 registers (EPC, EBase, BadVAddr,
 * EntryHi) hold ARCHITECTURAL ones, so a PC stored in EPC is ARCH(real).
 *
 * Model. Every kernel operation runs in the exception handler (EXL = 1, so never
 * interrupted): threads enter it by SYSCALL (kcall), the timer by its interrupt. The
 * handler saves the whole register set of the current thread in its frame, and returns
 * through whichever thread's frame rtos_cur names then: that is the context switch. */
#ifndef RTOS_H
#define RTOS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"

/* ---- CP0 (the rest is in ../include/guest.h) ------------------------------------------ */
#define ST_KSU_USER     0x00000010u

enum { EXC_INT = 0, EXC_TLBL = 2, EXC_TLBS = 3, EXC_ADEL = 4, EXC_ADES = 5, EXC_SYS = 8,
       EXC_BP = 9, EXC_RI = 10, EXC_CPU = 11 };

/* The tick: 100 Hz of a Count that runs at 160 MHz (half the 24Kc's clock; the VCPU's Count
 * is the host's plus an offset, vcpu.c). */
#define TICK_HZ         100u
#define TICK_COUNTS     1600000u

/* ---- Threads (sched.c) ------------------------------------------------------- */
#define MAX_THREADS     20
#define STACK_CANARY_WORDS 32           /* 128 bytes at the bottom of every stack */
#define CANARY          0x5AFEC0DEu
#define STACK_FILL      0xA5A5A5A5u

/* The saved context: GPR n at r[n] (r[0], r[26], r[27] unused), then HI, LO, the arch EPC
 * and Status with EXL set. vectors.S knows these offsets. */
typedef struct frame {
    uint32_t r[32];
    uint32_t hi, lo, epc, status;
} frame_t;
#define FRAME_HI        128
#define FRAME_LO        132
#define FRAME_EPC       136
#define FRAME_STATUS    140

enum thread_state { T_FREE, T_READY, T_BLOCKED, T_DEAD };
enum wait_kind { W_NONE, W_SLEEP, W_SEM, W_JOIN };

struct sem;
struct utask;

typedef struct thread {
    frame_t f;                          /* first: rtos_cur points at it */
    enum thread_state state;
    enum wait_kind wait;
    const char *name;
    int prio;                           /* higher runs first; 0 is the idle thread */
    uint32_t wake;                      /* tick to time out at, when timed */
    bool timed;
    struct sem *sem;                    /* W_SEM */
    uint32_t seq;                       /* FIFO order among equal-priority waiters */
    int join;                           /* W_JOIN: the thread id */
    uint32_t *stack;                    /* lowest word: the canary's start */
    uint32_t stack_words;
    int32_t exit_code;
    uint32_t kill_code;                 /* ExcCode + 1 when killed, 0 otherwise */
    uint32_t kill_badvaddr;
    const char *kill_why;
    struct utask *user;                 /* a user task: its mapping */
    uint32_t asid;
    uint32_t user_preempts;             /* ticks that preempted it in guest user mode */
} thread_t;

typedef void (*thread_fn)(void *arg);

/* What spawn needs; user tasks: user != NULL, pc and sp are its kuseg addresses. */
typedef struct spawn {
    const char *name;
    int prio;
    thread_fn fn;
    void *arg;
    uint32_t *stack;
    uint32_t stack_words;
    struct utask *user;
    uint32_t pc, sp, a0, a1, a2;
} spawn_t;

extern thread_t *volatile rtos_cur;
extern thread_t threads[MAX_THREADS];
extern volatile uint32_t rtos_ticks;

/* Kernel side (handler context). */
void sched_init(void);
thread_t *thread_create(const spawn_t *s);
void thread_exit(thread_t *t, int32_t code);
void thread_kill(thread_t *t, uint32_t exccode, uint32_t badvaddr, const char *why);
void thread_block(thread_t *t, enum wait_kind w, uint32_t timeout);
void thread_wake(thread_t *t, uint32_t v0);
void sched_request(void);
void sched_switch(void);
bool stack_intact(const thread_t *t);
uint32_t stack_used(const thread_t *t);
void sem_timeout(thread_t *t);
void timers_tick(void);
void tick_init(void);
void tick_interrupt(void);
void sleepers_tick(void);
void utask_release(thread_t *t);
bool user_range(thread_t *t, uint32_t uva, uint32_t len, const char **kptr);

/* ---- System calls (syscall.c): number in v0, arguments in a0..a2, result in v0 ------- */
enum {
    SYS_YIELD = 1, SYS_EXIT, SYS_SLEEP, SYS_SEM_WAIT, SYS_SEM_POST, SYS_WRITE, SYS_JOIN,
    SYS_SPAWN, SYS_TIMER_START, SYS_TIMER_STOP, SYS_TLB_MAP, SYS_TICKS, SYS_KILLINFO,
    SYS_MAX
};
#define SYS_USER_MASK   ((1u << SYS_YIELD) | (1u << SYS_EXIT) | (1u << SYS_SLEEP) | \
                         (1u << SYS_WRITE) | (1u << SYS_TICKS))
#define ENOSYS          (-38)
void syscall_dispatch(thread_t *t);
uint32_t kcall(uint32_t num, uint32_t a0, uint32_t a1, uint32_t a2);     /* vectors.S */

/* The thread API (syscall.c): kcall wrappers. */
static inline void yield(void) { kcall(SYS_YIELD, 0, 0, 0); }
static inline void sleep_ticks(uint32_t n) { kcall(SYS_SLEEP, n, 0, 0); }
static inline uint32_t ticks(void) { return kcall(SYS_TICKS, 0, 0, 0); }
__attribute__((noreturn)) void exit_thread(int32_t code);
int spawn(const spawn_t *s);
int32_t join(int id);
const thread_t *killinfo(int id);      /* after join: why it died */

/* ---- Semaphores (sem.c) ---------------------------------------------------------------- */
typedef struct sem {
    int32_t count;
} sem_t;
#define SEM_FOREVER     0u
#define SEM_TIMEOUT     (-1)
int sem_wait(sem_t *s, uint32_t timeout_ticks);         /* 0, or SEM_TIMEOUT */
void sem_post(sem_t *s);
void k_sem_post(sem_t *s);                              /* handler context: timers */
int k_sem_wait(thread_t *t, sem_t *s, uint32_t timeout);

/* ---- Timers (timer.c): callbacks run in the handler ------------------------------------ */
typedef struct ktimer {
    void (*fn)(struct ktimer *t);
    uint32_t delay, period;             /* ticks; period 0: one-shot */
    uint32_t due;
    bool active;
    uint32_t fired;
    void *arg;
} ktimer_t;
static inline void timer_start(ktimer_t *t) { kcall(SYS_TIMER_START, (uint32_t)t, 0, 0); }
static inline void timer_stop(ktimer_t *t) { kcall(SYS_TIMER_STOP, (uint32_t)t, 0, 0); }
void k_timer_start(ktimer_t *t);
void k_timer_stop(ktimer_t *t);

/* ---- User tasks (utask.c) -------------------------------------------------------------- */
#define USER_BASE       0x00400000u     /* code page; the data page (and stack) after it */
#define USER_DATA       0x00401000u
typedef struct utask {
    uint8_t *code;                      /* 4 KiB, GPA = its real address */
    uint8_t *data;                      /* 4 KiB */
    uint32_t asid;
    int tlb_index;                      /* -1: TLBWR */
} utask_t;
void k_tlb_map(const utask_t *u);
void k_tlb_unmap(const utask_t *u);

/* ---- Console (printf.c) ---------------------------------------------------------------- */
void uart_write(const char *s, uint32_t n);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool rtos_threads_running;      /* false: boot and handler print to the UART */
extern bool rtos_in_handler;

/* ---- Tests (tests.c, user.S) ----------------------------------------------------------- */
void tests_main(void *arg);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#endif
