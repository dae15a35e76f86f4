/* rtos_main: from start.S on the boot stack. Installs the vectors, starts the tick, makes
 * the idle thread and the test thread, and enters the test thread through the exception
 * return path (exc_return), as every later switch does. */
#include "rtos.h"

extern char rtos_vectors[];
void rtos_main(uint32_t ram_size);
void exc_return(void) __attribute__((noreturn));

static uint32_t idle_stack[256], main_stack[2048];

static void idle(void *arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("wait");
}

void rtos_main(uint32_t ram_size)
{
    kprintf("rtos: guest kernel up [%u MiB of RAM, vectors at 0x%08x]\n", ram_size >> 20,
            ARCH(rtos_vectors));
    MTC0(C0_EBASE, ARCH(rtos_vectors));
    MTC0(C0_WIRED, 4);                  /* TLB entries 0..3 for user tasks' TLBWI */
    sched_init();
    spawn_t s_idle = { .name = "idle", .prio = 0, .fn = idle, .stack = idle_stack,
                       .stack_words = 256 };
    spawn_t s_main = { .name = "tests", .prio = 10, .fn = tests_main, .stack = main_stack,
                       .stack_words = 2048 };
    thread_create(&s_idle);
    rtos_cur = thread_create(&s_main);
    tick_init();
    rtos_threads_running = true;
    exc_return();
}
