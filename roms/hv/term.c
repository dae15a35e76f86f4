/* The management terminal: a hypercore thread on the board console.
 *
 * Design note.
 *
 * Started by the boot word `term` (main.c), after the self-test if one runs and before the
 * guests; the hypervisor then stays up when the guests have exited (term_wait) and only
 * `halt` ends the board. Without `term` nothing here runs and the console is output only.
 *
 * The thread polls the board UART (console_getc_nowait) and sleeps a tick when no key is
 * waiting, so it costs the hypercore's slice nothing while idle; kseg and QEMU hold
 * received bytes until the UART can take them, so a pasted line is not lost. Keys go to
 * the line editor (termline.c) and, when a line ends, to the command table below; while a
 * guest's console is attached (`console N`) they go to its virtual 16550 instead
 * (vcons.c), except Ctrl-] (VCONS_ESCAPE), which detaches it and prints the prompt again.
 *
 * Commands only read the VCPU scheduler's state or change it through vcpu.c's functions
 * (vcpu_pause, vcpu_resume, vcpu_reset), which mask interrupts around each change: a
 * thread of the hypercore runs while no VCPU is RUNNING, so none is changed under its
 * feet. Output is printf's: whole lines, never cut by a guest's. */
#include "hv.h"
#include "hthread.h"
#include "term.h"
#include "termline.h"
#include "vcons.h"
#include "vcpu.h"
#include "vne2k.h"

#define PROMPT  "hv> "

static termline_t line;
static bool prompt_shown;           /* the prompt and `line` are the console's last line */
static bool interrupted;            /* ... and a guest's line went under them */

static void show_prompt(void)
{
    uint32_t ie = irq_save();
    console_write(PROMPT, sizeof(PROMPT) - 1);
    prompt_shown = true;
    irq_restore(ie);
}

void term_output_begin(void)
{
    interrupted = prompt_shown;
    if (interrupted) {
        console_write("\n", 1);
        prompt_shown = false;
    }
}

void term_output_end(void)
{
    if (!interrupted)
        return;
    interrupted = false;
    console_write(PROMPT, sizeof(PROMPT) - 1);
    console_write(line.buf, line.len);
    prompt_shown = true;
}

static void echo(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write(s, n);
}

static void cmd_help(void)
{
    static const char *const lines[] = {     /* one printf each: printf's lines are short */
        "help        this list",
        "guests      each guest: state, run time in ticks, exits by cause",
        "pause N     guest gN gets no slices until resumed",
        "resume N    guest gN runs again",
        "reset N     guest gN restarts from its image (fresh CP0, TLB and RAM)",
        "console N   the console to guest gN (its input and raw output); Ctrl-] returns",
        "threads     the hypercore's threads: state, ticks, stack use",
        "tlb N       guest gN's valid TLB entries",
        "net         the guests' network: bridge ports, queues, the board's card",
        "halt, quit  stop the board",
    };
    printf("commands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
        printf("  %s\n", lines[i]);
}

static void cmd_guests(void)
{
    uint32_t n = vcpu_count();
    if (!n) {
        printf("no guests\n");
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        const vcpu_t *v = vcpu_get(i);
        uint32_t total = 0;
        for (unsigned c = 0; c < 32; c++)
            total += v->exits[c];
        char causes[160];
        size_t len = 0;
        causes[0] = '\0';
        for (unsigned c = 0; c < 32 && len < sizeof(causes); c++)
            if (v->exits[c])
                len += (size_t)snprintf(causes + len, sizeof(causes) - len, " %s %u",
                                        exc_name(c), v->exits[c]);
        printf("%s %-7s ticks %u runs %u exits %u:%s\n", v->name, vcpu_state(i),
               vcpu_run_ticks(i), v->runs, total, causes);
    }
}

static void cmd_threads(void)
{
    printf("id name             state     ticks  runs  stack used\n");
    for (uint32_t i = 0; i < HTHREAD_MAX; i++) {
        const hthread_t *t = hthread_slot(i);
        if (t)
            printf("%2u %-16s %-9s %5u %5u  %u/%u%s\n", t->id, t->name,
                   hthread_state_name(t), t->ticks, t->runs, hthread_stack_used(t),
                   HTHREAD_STACK_SIZE, hthread_stack_ok(t) ? "" : " OVERFLOW");
    }
}

static void cmd_tlb(const vcpu_t *v)
{
    unsigned shown = 0;
    printf("%s TLB: idx EntryHi  PageMask EntryLo0 EntryLo1 (Wired %u)\n", v->name,
           v->tlb.wired);
    for (uint32_t i = 0; i < GTLB_ENTRIES; i++) {
        const gtlb_entry_t *e = &v->tlb.entry[i];
        if (!((e->entrylo[0] | e->entrylo[1]) & 2u))
            continue;                                   /* neither page valid */
        printf("  %2u %08x %08x %08x %08x\n", i, e->entryhi, e->pagemask, e->entrylo[0],
               e->entrylo[1]);
        shown++;
    }
    if (!shown)
        printf("  no valid entries\n");
}

/* The guest a command names, or NULL with a message. */
static vcpu_t *guest_arg(const term_cmd_t *c)
{
    if (!c->has_arg || !c->arg_ok || c->extra) {
        printf("usage: %s N (a guest number)\n", c->word);
        return NULL;
    }
    vcpu_t *v = vcpu_get(c->arg);
    if (!v)
        printf("no guest g%u\n", c->arg);
    return v;
}

static bool no_arg(const term_cmd_t *c)
{
    if (c->has_arg)
        printf("%s takes no argument\n", c->word);
    return !c->has_arg;
}

static void run(const char *line)
{
    term_cmd_t c = term_parse(line);
    vcpu_t *v;
    if (!c.word[0])
        return;
    if (!strcmp(c.word, "help")) {
        if (no_arg(&c))
            cmd_help();
    } else if (!strcmp(c.word, "guests")) {
        if (no_arg(&c))
            cmd_guests();
    } else if (!strcmp(c.word, "threads")) {
        if (no_arg(&c))
            cmd_threads();
    } else if (!strcmp(c.word, "net")) {
        if (no_arg(&c))
            vne2k_print_net();
    } else if (!strcmp(c.word, "halt") || !strcmp(c.word, "quit")) {
        if (no_arg(&c)) {
            printf("hv: halted from the terminal\n");
            hv_halt();
        }
    } else if (!strcmp(c.word, "pause")) {
        if ((v = guest_arg(&c)))
            printf(vcpu_pause(c.arg) ? "%s paused\n" : "%s is not running or ready\n",
                   v->name);
    } else if (!strcmp(c.word, "resume")) {
        if ((v = guest_arg(&c)))
            printf(vcpu_resume(c.arg) ? "%s resumed\n" : "%s is not paused\n", v->name);
    } else if (!strcmp(c.word, "reset")) {
        /* vcpu_reset reports the reset itself: before the guest's new output. */
        if ((v = guest_arg(&c)) && !vcpu_reset(c.arg))
            printf("%s cannot be reset\n", v->name);
    } else if (!strcmp(c.word, "tlb")) {
        if ((v = guest_arg(&c)))
            cmd_tlb(v);
    } else if (!strcmp(c.word, "console")) {
        if ((v = guest_arg(&c)) && vcons_attach(c.arg))
            printf("hv: console attached to %s (Ctrl-] returns)\n", v->name);
    } else {
        printf("unknown command '%s' (help: the list)\n", c.word);
    }
}

static void term_thread(void *arg)
{
    (void)arg;
    termline_init(&line);
    line.after_cr = false;
    printf("hv: management terminal: 'help' lists the commands; Ctrl-] leaves a guest's "
           "console\n");
    show_prompt();
    for (;;) {
        int c = console_getc_nowait();
        if (c < 0) {
            hthread_sleep(1);
            continue;
        }
        if (vcons_attached() != VCONS_NONE) {
            if (c != VCONS_ESCAPE) {
                vcons_input((uint8_t)c);
                continue;
            }
            vcons_detach();
            printf("\nhv: console detached\n");
            show_prompt();
            continue;
        }
        uint32_t ie = irq_save();           /* the echo and `line` change together */
        bool done = termline_key(&line, c, echo, NULL);
        if (done)
            prompt_shown = false;
        irq_restore(ie);
        if (!done)
            continue;
        run(line.buf);
        termline_init(&line);
        if (vcons_attached() == VCONS_NONE)
            show_prompt();
    }
}

void term_start(void)
{
    if (!hthread_create("term", term_thread, NULL))
        printf("hv: no thread slot for the terminal\n");
}

void term_wait(void)
{
    for (;;)
        hthread_sleep(TIMER_HZ);
}
