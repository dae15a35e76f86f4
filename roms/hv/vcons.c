/* Guests' virtual consoles (vcons.h).
 *
 * Design note.
 *
 * Each guest has a virtual 16550 (vuart.c: the registers a driver programs) and the board
 * has one real UART (console.c). Multiplexing:
 *   - Detached (the default): a guest's output is collected a line at a time and printed
 *     whole with the prefix "[gN] ", so guests and the hypervisor never cut each other's
 *     lines; the guest receives nothing.
 *   - Attached (`console N` on the management terminal, term.c): guest N's output goes to
 *     the board UART byte by byte, unprefixed, and every key the terminal reads goes to
 *     its receiver (vcons_input) except the escape key, Ctrl-] (0x1D, as telnet's), which
 *     hands the keyboard back to the terminal. Ctrl-] is used by neither kseg's stdio mux
 *     (Ctrl-A x/h) nor QEMU's (Ctrl-A) nor gdb. Other guests stay detached: their lines
 *     still appear, prefixed.
 * Interrupts. The 16550's interrupt line (vuart_irq) is the guest's Cause.IP2, recomputed
 * before every entry into the guest (vcpu.c, enter) and delivered when the guest's IE,
 * EXL, ERL and IM2 allow, like the timer's IP7. The Malta's real path (SuperIO -> i8259
 * -> GT-64120 -> IP2) is not modelled for guests: they see a bare 16550 wired to IP2, so
 * they need no i8259 driver. Input reaches a guest that is not running when it next runs;
 * a guest in WAIT is woken for it (vcpu_kick: at the next interrupt, a tick at the
 * latest), and a guest may WAIT with only IM2 set, for input alone.
 *
 * Locking: the guest side runs in exception context, the terminal in a hypercore thread;
 * one CPU, so the terminal's calls mask interrupts around each change. */
#include "hv.h"
#include "term.h"
#include "vcons.h"
#include "vcpu.h"

typedef struct vcons {
    char name[8];
    vuart_t uart;
    uint32_t line_len;
    char line[VCONS_LINE_MAX + 1];
} vcons_t;

static vcons_t cons[VCONS_MAX];
static int attached = VCONS_NONE;

void vcons_reset(uint32_t id, const char *name)
{
    if (id >= VCONS_MAX)
        return;
    uint32_t ie = irq_save();
    vcons_t *c = &cons[id];
    vuart_reset(&c->uart);
    c->line_len = 0;
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof(c->name); i++)
        c->name[i] = name[i];
    c->name[i] = '\0';
    irq_restore(ie);
}

/* A whole line, prefixed (printf puts it under the terminal's prompt if one shows). */
static void print_line(vcons_t *c)
{
    uint32_t ie = irq_save();
    c->line[c->line_len] = '\0';
    printf("[%s] %s\n", c->name, c->line);
    c->line_len = 0;
    irq_restore(ie);
}

void vcons_flush(uint32_t id)
{
    if (id < VCONS_MAX && cons[id].line_len)
        print_line(&cons[id]);
}

static void out(void *ctx, char ch)
{
    vcons_t *c = ctx;
    if ((int)(c - cons) == attached) {
        console_write(&ch, 1);
        return;
    }
    if (ch == '\r')
        return;
    if (ch == '\n') {
        print_line(c);
        return;
    }
    c->line[c->line_len++] = ch;
    if (c->line_len == VCONS_LINE_MAX)
        vcons_flush((uint32_t)(c - cons));
}

uint8_t vcons_read(uint32_t id, unsigned reg)
{
    return id < VCONS_MAX ? vuart_read(&cons[id].uart, reg) : 0xFF;
}

void vcons_write(uint32_t id, unsigned reg, uint8_t value)
{
    if (id < VCONS_MAX)
        vuart_write(&cons[id].uart, reg, value, out, &cons[id]);
}

bool vcons_irq(uint32_t id)
{
    return id < VCONS_MAX && vuart_irq(&cons[id].uart);
}

bool vcons_attach(uint32_t id)
{
    if (id >= VCONS_MAX || !cons[id].name[0])
        return false;
    uint32_t ie = irq_save();
    vcons_flush(id);
    attached = (int)id;
    irq_restore(ie);
    return true;
}

void vcons_detach(void)
{
    attached = VCONS_NONE;
}

int vcons_attached(void)
{
    return attached;
}

void vcons_input(uint8_t c)
{
    uint32_t ie = irq_save();
    if (attached != VCONS_NONE) {
        vuart_receive(&cons[attached].uart, c);
        vcpu_kick((uint32_t)attached);
    }
    irq_restore(ie);
}
