/* 16550A UART (National Semiconductor PC16550D data sheet). The transmitter is instant:
 * a byte written to THR goes straight to the back end, so THRE and TEMT are always set and a
 * THR-empty interrupt follows every write, as the 8250 driver's THRE test expects. */
#include "devices/uart16550.h"

#include <string.h>

#include "frontend/chardev.h"

enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LCR_DLAB 0x80
#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_LOOP 0x10
#define IER_RDI  0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI  0x08
#define FCR_ENABLE 0x01

/* IIR: the highest-priority pending source, FIFO bits when enabled. */
static uint8_t uart_iir(const uart16550_t *u)
{
    uint8_t fifo = (u->fcr & FCR_ENABLE) ? 0xC0 : 0x00;
    if ((u->ier & IER_RLSI) && (u->lsr & LSR_OE))
        return fifo | 0x06;
    if ((u->ier & IER_RDI) && u->rx_count)
        return fifo | 0x04;
    if ((u->ier & IER_THRI) && u->thr_interrupt)
        return fifo | 0x02;
    if ((u->ier & IER_MSI) && (u->msr & 0x0F))
        return fifo | 0x00;
    return fifo | 0x01;
}

static void uart_update_irq(uart16550_t *u)
{
    /* OUT2 gates the interrupt on PC-style boards; the 8250 driver sets it. The CBUS UART
     * has no OUT2 wiring on QEMU either way, so the line follows IIR alone. */
    irq_set(&u->irq, (uart_iir(u) & 1) == 0);
}

/* The receiver holds 16 bytes with the FIFO on, one without (16450 mode). */
static unsigned rx_capacity(const uart16550_t *u)
{
    return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static void rx_push(uart16550_t *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        /* Overrun: a full FIFO keeps its bytes; a lone holding register is overwritten. */
        u->lsr |= LSR_OE;
        if (rx_capacity(u) == 1)
            u->rx[u->rx_head] = byte;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    u->lsr |= LSR_DR;
}

static size_t uart_can_receive(void *opaque)
{
    uart16550_t *u = opaque;
    return u->rx_count < rx_capacity(u) ? rx_capacity(u) - u->rx_count : 0;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    uart16550_t *u = opaque;
    if (u->mcr & MCR_LOOP)
        return;   /* in loopback the receiver hears only the transmitter */
    for (size_t i = 0; i < len; i++)
        rx_push(u, buf[i]);
    uart_update_irq(u);
}

static uint32_t uart_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    uart16550_t *u = dev;
    uint8_t v = 0;
    switch (offset >> u->regshift) {
    case RBR:
        if (u->lcr & LCR_DLAB) {
            v = (uint8_t)u->divisor;
        } else if (u->rx_count) {
            v = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
            if (--u->rx_count == 0)
                u->lsr &= ~LSR_DR;
            uart_update_irq(u);
        }
        break;
    case IER:
        v = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier;
        break;
    case IIR:
        v = uart_iir(u);
        if ((v & 0x0F) == 0x02) {   /* reading IIR acknowledges THR empty */
            u->thr_interrupt = false;
            uart_update_irq(u);
        }
        break;
    case LCR: v = u->lcr; break;
    case MCR: v = u->mcr; break;
    case LSR:
        v = u->lsr;
        u->lsr &= ~LSR_OE;          /* error bits clear on read */
        uart_update_irq(u);
        break;
    case MSR:
        if (u->mcr & MCR_LOOP) {
            /* Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
            v = (uint8_t)(((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
                          ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
        } else {
            v = u->msr;
        }
        u->msr &= 0xF0;             /* delta bits clear on read */
        break;
    case SCR: v = u->scr; break;
    }
    return v;
}

static void uart_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    uart16550_t *u = dev;
    uint8_t v = (uint8_t)value;
    switch (offset >> u->regshift) {
    case THR:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
            break;
        }
        if (u->mcr & MCR_LOOP)
            rx_push(u, v);
        else
            chardev_write(u->chr, &v, 1);
        u->thr_interrupt = true;    /* sent at once: THR is empty again */
        uart_update_irq(u);
        break;
    case IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | (v << 8));
            break;
        }
        /* Enabling the THRE interrupt with THR empty raises it at once. */
        if ((v & IER_THRI) && !(u->ier & IER_THRI))
            u->thr_interrupt = true;
        u->ier = v & 0x0F;
        uart_update_irq(u);
        break;
    case FCR:
        if ((v ^ u->fcr) & FCR_ENABLE || (v & 0x02)) {   /* enable change or RX reset */
            u->rx_count = 0;
            u->lsr &= ~LSR_DR;
        }
        u->fcr = v & 0xC9;
        uart_update_irq(u);
        break;
    case LCR: u->lcr = v; break;
    case MCR: u->mcr = v & 0x1F; break;
    case LSR: break;                /* read-only (factory test register) */
    case MSR: break;
    case SCR: u->scr = v; break;
    }
}

const device_ops_t uart16550_ops = { .read = uart_read, .write = uart_write };

void uart16550_reset(uart16550_t *u)
{
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = 0xB0;                  /* DCD, DSR, CTS asserted: a cable is attached */
    u->divisor = 12;
    u->thr_interrupt = false;
    u->rx_head = u->rx_count = 0;
    uart_update_irq(u);
}

void uart16550_init(uart16550_t *u, unsigned regshift, chardev_t *chr, irq_line_t irq)
{
    memset(u, 0, sizeof(*u));
    u->regshift = regshift;
    u->chr = chr;
    u->irq = irq;
    chardev_receiver_t r = { .can_receive = uart_can_receive, .receive = uart_receive, .opaque = u };
    chardev_set_receiver(chr, &r);
    uart16550_reset(u);
}
