/* The test cases, in the spirit of atomthreads' (threads, priorities, round robin,
 * semaphores, mutual exclusion, sleep, timers, exceptions, user tasks, stacks). Each prints
 * "rtos: PASS name: ..." or "rtos: FAIL name: ..."; numbers that depend on timing are in
 * [brackets]. They run in the "tests" thread (priority 10). */
#include "rtos.h"

extern volatile uint32_t rtos_breaks, rtos_break_epc;
extern char user_code[], user_code_end[], uprog_hello[], uprog_asid[], uprog_load[],
    uprog_priv[];
uint32_t do_break(void);
uint32_t do_load(uint32_t addr);
void do_reserved(void);
uint32_t get_sp(void);

static unsigned passed, failed;

static void result(bool ok, const char *name, const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
    kprintf("rtos: %s %s: %s\n", ok ? "PASS" : "FAIL", name, buf);
}

/* ---- Stacks for the test threads: a ring, every thread joined long before reuse ------- */
#define STACK_WORDS     1024
static uint32_t stacks[8][STACK_WORDS];
static unsigned next_stack;

static int start(const char *name, int prio, thread_fn fn, void *arg)
{
    spawn_t s = { .name = name, .prio = prio, .fn = fn, .arg = arg,
                  .stack = stacks[next_stack++ % 8], .stack_words = STACK_WORDS };
    return spawn(&s);
}

/* Joins and frees the slot; the dead thread's record through *info. */
static int32_t reap(int id, const thread_t **info)
{
    int32_t code = join(id);
    const thread_t *t = killinfo(id);
    if (info)
        *info = t;
    return code;
}

/* ---- Threads ------------------------------------------------------------------------- */
static volatile uint32_t child_result;
static volatile char order[8];
static volatile unsigned order_n;

static void note(char c)
{
    if (order_n < sizeof order - 1)
        order[order_n++] = c;
}

static void child_double(void *arg)
{
    child_result = (uint32_t)(uintptr_t)arg * 2u;
}

static void child_exit42(void *arg)
{
    (void)arg;
    exit_thread(42);
}

static void test_threads(void)
{
    child_result = 0;
    int a = start("double", 5, child_double, (void *)21);
    int b = start("exit42", 5, child_exit42, NULL);
    int32_t ra = reap(a, NULL), rb = reap(b, NULL);
    result(a >= 0 && b >= 0 && ra == 0 && rb == 42 && child_result == 42, "thread-create",
           "a child ran with its argument and returned (exit 0), another exited with %d", rb);
}

static void note_thread(void *arg)
{
    note((char)(uintptr_t)arg);
}

static void test_priority(void)
{
    order_n = 0;
    int low = start("low", 5, note_thread, (void *)'L');
    note('a');
    int high = start("high", 15, note_thread, (void *)'H');
    note('b');
    reap(high, NULL);
    reap(low, NULL);
    order[order_n] = '\0';
    bool ok = order[0] == 'a' && order[1] == 'H' && order[2] == 'b' && order[3] == 'L' &&
              order_n == 4;
    result(ok, "priority", "a higher priority runs at once, a lower one when we block: %s",
           (const char *)order);
}

/* ---- Round robin: two busy threads of one priority both progress --------------------- */
static volatile bool busy_stop;
static volatile uint32_t busy_count[2], busy_turns[2];

static void busy(void *arg)
{
    unsigned i = (unsigned)(uintptr_t)arg;
    uint32_t last = rtos_ticks;
    while (!busy_stop) {
        busy_count[i]++;
        if (rtos_ticks != last) {
            last = rtos_ticks;
            busy_turns[i]++;
        }
    }
}

static void test_round_robin(void)
{
    busy_stop = false;
    int a = start("busy0", 5, busy, (void *)0);
    int b = start("busy1", 5, busy, (void *)1);
    sleep_ticks(12);
    busy_stop = true;
    reap(a, NULL);
    reap(b, NULL);
    bool ok = busy_count[0] && busy_count[1] && busy_turns[0] >= 2 && busy_turns[1] >= 2;
    result(ok, "round-robin", "two busy threads of one priority both ran over 12 ticks"
           " [turns %u and %u]", busy_turns[0], busy_turns[1]);
}

/* ---- Semaphores ------------------------------------------------------------------------ */
#define RING            4
#define ITEMS           200
static sem_t items, spaces;
static volatile uint32_t ring[RING], fill, max_fill, consumed_sum, consumed_n;

static void producer(void *arg)
{
    (void)arg;
    for (uint32_t i = 1; i <= ITEMS; i++) {
        sem_wait(&spaces, SEM_FOREVER);
        ring[i % RING] = i;
        fill++;
        if (fill > max_fill)
            max_fill = fill;
        sem_post(&items);
    }
}

static void consumer(void *arg)
{
    (void)arg;
    for (uint32_t i = 1; i <= ITEMS; i++) {
        sem_wait(&items, SEM_FOREVER);
        consumed_sum += ring[i % RING];
        consumed_n++;
        fill--;
        sem_post(&spaces);
    }
}

static void test_producer_consumer(void)
{
    items.count = 0;
    spaces.count = RING;
    int p = start("producer", 7, producer, NULL);
    int c = start("consumer", 6, consumer, NULL);
    reap(p, NULL);
    reap(c, NULL);
    bool ok = consumed_n == ITEMS && consumed_sum == ITEMS * (ITEMS + 1) / 2 &&
              items.count == 0 && spaces.count == RING && max_fill == RING;
    result(ok, "semaphore", "%u items through a ring of %u, sum %u, counts back to %d/%d,"
           " the ring filled to %u", consumed_n, RING, consumed_sum, items.count, spaces.count,
           max_fill);
}

static sem_t late;

static void post_late(void *arg)
{
    sleep_ticks((uint32_t)(uintptr_t)arg);
    sem_post(&late);
}

static void test_sem_timeout(void)
{
    late.count = 0;
    uint32_t t0 = ticks();
    int r1 = sem_wait(&late, 3);
    uint32_t waited = ticks() - t0;
    int h = start("poster", 5, post_late, (void *)2);
    t0 = ticks();
    int r2 = sem_wait(&late, 50);
    uint32_t waited2 = ticks() - t0;
    reap(h, NULL);
    bool ok = r1 == SEM_TIMEOUT && waited >= 3 && r2 == 0 && waited2 >= 2 && waited2 < 50 &&
              late.count == 0;
    result(ok, "sem-timeout", "an empty semaphore times out after 3 ticks [%u], one posted"
           " after 2 ticks is taken before the timeout of 50 [%u]", waited, waited2);
}

/* ---- Mutual exclusion under preemption ------------------------------------------------- */
#define LOCKERS         3
#define INCREMENTS      300
static sem_t lock;
static volatile uint32_t shared, preempted_inside;

static void locker(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        sem_wait(&lock, SEM_FOREVER);
        uint32_t t = rtos_ticks, v = shared;
        for (volatile int d = 0; d < 100; d++)        /* a window for the tick */
            ;
        if (i % 100 == 50)              /* and sometimes it surely comes: we are preempted */
            while (rtos_ticks == t)     /* holding the lock, the others block on it */
                ;
        shared = v + 1;
        if (rtos_ticks != t)
            preempted_inside++;
        sem_post(&lock);
    }
}

static void test_mutex(void)
{
    lock.count = 1;
    shared = 0;
    int id[LOCKERS];
    for (int i = 0; i < LOCKERS; i++)
        id[i] = start("locker", 5, locker, NULL);
    for (int i = 0; i < LOCKERS; i++)
        reap(id[i], NULL);
    result(shared == LOCKERS * INCREMENTS && lock.count == 1 &&
           preempted_inside >= LOCKERS * 3, "mutex",
           "%u threads x %u increments under a semaphore: %u, preempted while holding it"
           " [%u times]", LOCKERS, INCREMENTS, shared, preempted_inside);
}

/* ---- Sleep ---------------------------------------------------------------------------- */
static void test_sleep(void)
{
    const uint32_t k = 5;
    uint32_t t0 = ticks(), c0 = MFC0(C0_COUNT);
    sleep_ticks(k);
    uint32_t dt = ticks() - t0, dc = MFC0(C0_COUNT) - c0;
    result(dt >= k && dc >= (k - 1) * TICK_COUNTS, "sleep",
           "sleep(%u) woke after >= %u ticks [%u] and >= %u Count [%u]", k, k, dt,
           (k - 1) * TICK_COUNTS, dc);
}

/* ---- Timers ----------------------------------------------------------------------------- */
static sem_t timer_done;
static uint32_t fire_tick[8];

static void one_shot(ktimer_t *t)
{
    fire_tick[0] = rtos_ticks;
    (void)t;
    k_sem_post(&timer_done);
}

static void periodic(ktimer_t *t)
{
    if (t->fired <= 4)
        fire_tick[t->fired] = rtos_ticks;
    if (t->fired == 4) {
        k_timer_stop(t);
        k_sem_post(&timer_done);
    }
}

static void test_timers(void)
{
    static ktimer_t once = { .fn = one_shot, .delay = 4 };
    static ktimer_t every = { .fn = periodic, .delay = 2, .period = 3 };
    timer_done.count = 0;
    uint32_t t0 = ticks();
    timer_start(&once);
    int r1 = sem_wait(&timer_done, 20);
    bool ok1 = r1 == 0 && once.fired == 1 && fire_tick[0] - t0 == 4 && !once.active;
    result(ok1, "timer-oneshot", "a one-shot callback 4 ticks later woke the waiter");
    t0 = ticks();
    timer_start(&every);
    int r2 = sem_wait(&timer_done, 40);
    bool ok2 = r2 == 0 && every.fired == 4 && fire_tick[1] - t0 == 2 &&
               fire_tick[2] - fire_tick[1] == 3 && fire_tick[3] - fire_tick[2] == 3 &&
               fire_tick[4] - fire_tick[3] == 3 && !every.active;
    result(ok2, "timer-periodic", "first after 2 ticks, then every 3, stopped by itself"
           " after %u", every.fired);
}

/* ---- Exceptions ------------------------------------------------------------------------ */
static void load_misaligned(void *arg)
{
    (void)arg;
    do_load(0x00800001u);               /* arch 0x80800001 */
    exit_thread(1);                     /* not reached */
}

static void reserved(void *arg)
{
    (void)arg;
    do_reserved();
    exit_thread(1);
}

static void test_exceptions(void)
{
    uint32_t r = kcall(99, 0, 0, 0);
    result(r == (uint32_t)ENOSYS, "exc-syscall", "an unknown system call returns %d and the"
           " thread goes on", (int32_t)r);
    uint32_t before = rtos_breaks;
    uint32_t v = do_break();
    result(v == 1 && rtos_breaks == before + 1 && rtos_break_epc == ARCH(do_break), "exc-break",
           "BREAK is counted and stepped over at its arch EPC [0x%08x]", rtos_break_epc);
    const thread_t *t;
    int id = start("misaligned", 5, load_misaligned, NULL);
    int32_t code = reap(id, &t);
    result(code == -1 && t && t->kill_code == EXC_ADEL + 1 && t->kill_badvaddr == 0x80800001u,
           "exc-address", "a misaligned load killed its thread (%s, BadVAddr 0x%08x)",
           t ? t->kill_why : "?", t ? t->kill_badvaddr : 0);
    id = start("reserved", 5, reserved, NULL);
    code = reap(id, &t);
    result(code == -1 && t && t->kill_code == EXC_RI + 1, "exc-reserved",
           "a MIPS64 instruction killed its thread (%s)", t ? t->kill_why : "?");
}

/* ---- User tasks ----------------------------------------------------------------------- */
static uint8_t user_code_page[4096] __attribute__((aligned(4096)));
static uint8_t user_data_page[4][4096] __attribute__((aligned(4096)));
static utask_t utasks[4];

static uint32_t upc(const char *prog)
{
    return USER_BASE + (uint32_t)(prog - user_code);
}

static void user_code_install(void)
{
    uint32_t n = (uint32_t)(user_code_end - user_code);
    memcpy(user_code_page, user_code, n);
    /* Write the copy back from the data cache, drop stale instruction lines. */
    for (uint32_t off = 0; off < n; off += 16)
        __asm__ volatile("cache 0x15, 0(%0); cache 0x10, 0(%0)"
                         : : "r"(user_code_page + off) : "memory");
}

/* A user task in slot i: ASID asid, TLBWI at tlb_index (or TLBWR when -1). */
static int user_start(unsigned i, uint32_t asid, int tlb_index, const char *name,
                      const char *prog, uint32_t a0, uint32_t a1, uint32_t a2)
{
    utask_t *u = &utasks[i];
    u->code = user_code_page;
    u->data = user_data_page[i];
    u->asid = asid;
    u->tlb_index = tlb_index;
    kcall(SYS_TLB_MAP, (uint32_t)(uintptr_t)u, 0, 0);
    spawn_t s = { .name = name, .prio = 5, .user = u, .pc = upc(prog),
                  .sp = USER_DATA + 0x1000u - 16u, .a0 = a0, .a1 = a1, .a2 = a2 };
    return spawn(&s);
}

static void test_user(void)
{
    static const char msg[] = "rtos: user task: hello from guest user mode\n";
    user_code_install();
    memset(user_data_page, 0, sizeof user_data_page);
    memcpy(user_data_page[0], msg, sizeof msg - 1);
    const thread_t *t;
    int id = user_start(0, 1, 1, "uhello", uprog_hello, USER_DATA, sizeof msg - 1, 1000);
    int32_t code = reap(id, &t);
    result(code == 7 && t && t->user_preempts >= 2, "user-task", "kuseg 0x%08x through the"
           " guest TLB (TLBWI, ASID 1), system calls, exit %d, preempted in user mode"
           " [%u times] with its registers intact", USER_BASE, code, t ? t->user_preempts : 0);

    user_data_page[1][0] = 0x11;
    user_data_page[2][0] = 0x22;
    int a = user_start(1, 2, 2, "uasid2", uprog_asid, USER_DATA, 20, 0);
    int b = user_start(2, 3, 3, "uasid3", uprog_asid, USER_DATA, 20, 0);
    int32_t ca = reap(a, NULL), cb = reap(b, NULL);
    result(ca == 0x11 && cb == 0x22 && user_data_page[1][4] == 19 && user_data_page[2][4] == 19,
           "user-asid", "two tasks at the same kuseg address with ASIDs 2 and 3 kept their own"
           " pages across 20 switches (exits 0x%x, 0x%x)", (uint32_t)ca, (uint32_t)cb);

    id = user_start(3, 4, -1, "unmapped", uprog_load, 0x00800000u, 0, 0);
    code = reap(id, &t);
    result(code == -1 && t && t->kill_code == EXC_TLBL + 1 && t->kill_badvaddr == 0x00800000u,
           "user-unmapped", "a load from an unmapped kuseg address (TLBWR entry, ASID 4)"
           " killed the task: %s at 0x%08x", t ? t->kill_why : "?", t ? t->kill_badvaddr : 0);

    id = user_start(3, 5, -1, "ukseg", uprog_load, 0x80001000u, 0, 0);
    code = reap(id, &t);
    result(code == -1 && t && t->kill_code == EXC_ADEL + 1 && t->kill_badvaddr == 0x80001000u,
           "user-kseg", "a load from kseg0 in user mode killed the task: %s at 0x%08x",
           t ? t->kill_why : "?", t ? t->kill_badvaddr : 0);

    id = user_start(3, 6, -1, "upriv", uprog_priv, 0, 0, 0);
    code = reap(id, &t);
    result(code == -1 && t && t->kill_code == EXC_CPU + 1, "user-privileged",
           "MFC0 in user mode killed the task: %s", t ? t->kill_why : "?");
}

/* ---- Stacks ------------------------------------------------------------------------------ */
static struct {
    uint32_t guard[64];
    uint32_t stack[256];
} overflow_area;

static uint32_t dive_limit;

static uint32_t dive(uint32_t depth)
{
    volatile uint32_t pad[8];
    for (int i = 0; i < 8; i++)
        pad[i] = depth;
    if (get_sp() < dive_limit)
        for (;;)                        /* into the canary: the next tick kills us */
            ;
    if (depth > 100000u)
        return depth;
    return dive(depth + 1) + pad[depth & 7u];
}

static void diver(void *arg)
{
    (void)arg;
    dive(0);
}

static void test_stack(void)
{
    for (int i = 0; i < 64; i++)
        overflow_area.guard[i] = 0x600DF00Du;
    dive_limit = (uint32_t)(uintptr_t)overflow_area.stack + 96u;
    spawn_t s = { .name = "diver", .prio = 5, .fn = diver, .stack = overflow_area.stack,
                  .stack_words = 256 };
    const thread_t *t;
    int id = spawn(&s);
    int32_t code = reap(id, &t);
    bool guard = true;
    for (int i = 0; i < 64; i++)
        guard = guard && overflow_area.guard[i] == 0x600DF00Du;
    result(code == -1 && t && t->kill_code == 1 && guard, "stack-overflow",
           "a thread running into its stack's canary was killed (%s), nothing below touched",
           t ? t->kill_why : "?");
    const thread_t *self = rtos_cur;
    result(stack_intact(self), "stack-check", "the test thread's canary is intact"
           " [%u of %u bytes used]", stack_used(self), self->stack_words * 4u);
}

void tests_main(void *arg)
{
    (void)arg;
    kprintf("rtos: scheduler running, tick %u Hz\n", TICK_HZ);
    test_threads();
    test_priority();
    test_round_robin();
    test_producer_consumer();
    test_sem_timeout();
    test_mutex();
    test_sleep();
    test_timers();
    test_exceptions();
    test_user();
    test_stack();
    kprintf("rtos: %u passed, %u failed\n", passed, failed);
    *FPGA_SOFTRES = 0x42;
    for (;;)
        ;
}
