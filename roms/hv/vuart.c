/* The virtual 16550's registers (vuart.h). */
#include "vuart.h"

enum { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

void vuart_reset(vuart_t *u)
{
    *u = (vuart_t){ .dll = 12 };
}

uint32_t vuart_rx_count(const vuart_t *u)
{
    return u->rx_tail - u->rx_head;
}

bool vuart_receive(vuart_t *u, uint8_t c)
{
    if (vuart_rx_count(u) >= VUART_RX_SIZE) {
        u->overrun = true;
        return false;
    }
    u->rx[u->rx_tail++ % VUART_RX_SIZE] = c;
    return true;
}

static uint8_t iir(const vuart_t *u)
{
    uint8_t fifo = u->fifo ? VUART_IIR_FIFO : 0;
    if ((u->ier & VUART_IER_ERBFI) && vuart_rx_count(u))
        return fifo | VUART_IIR_RDA;
    if ((u->ier & VUART_IER_ETBEI) && u->thre_pending)
        return fifo | VUART_IIR_THRE;
    return fifo | VUART_IIR_NONE;
}

bool vuart_irq(const vuart_t *u)
{
    return !(iir(u) & VUART_IIR_NONE);
}

uint8_t vuart_read(vuart_t *u, unsigned reg)
{
    bool dlab = (u->lcr & VUART_LCR_DLAB) != 0;
    switch (reg & 7u) {
    case RBR_THR:
        if (dlab)
            return u->dll;
        if (!vuart_rx_count(u))
            return 0;
        return u->rx[u->rx_head++ % VUART_RX_SIZE];
    case IER:
        return dlab ? u->dlm : u->ier;
    case IIR_FCR: {
        uint8_t v = iir(u);
        if ((v & 0x0Fu) == VUART_IIR_THRE)
            u->thre_pending = false;
        return v;
    }
    case LCR:
        return u->lcr;
    case MCR:
        return u->mcr;
    case LSR: {
        uint8_t v = VUART_LSR_THRE | VUART_LSR_TEMT;
        if (vuart_rx_count(u))
            v |= VUART_LSR_DR;
        if (u->overrun)
            v |= VUART_LSR_OE;
        u->overrun = false;
        return v;
    }
    case MSR:
        return VUART_MSR_IDLE;
    default:
        return u->scr;
    }
}

void vuart_write(vuart_t *u, unsigned reg, uint8_t value, vuart_out_t out, void *ctx)
{
    bool dlab = (u->lcr & VUART_LCR_DLAB) != 0;
    switch (reg & 7u) {
    case RBR_THR:
        if (dlab) {
            u->dll = value;
            break;
        }
        out(ctx, (char)value);
        u->thre_pending = true;         /* sent at once: THR is empty again */
        break;
    case IER:
        if (dlab) {
            u->dlm = value;
            break;
        }
        /* Enabling ETBEI with THR empty (it always is) raises the interrupt. */
        if ((value & VUART_IER_ETBEI) && !(u->ier & VUART_IER_ETBEI))
            u->thre_pending = true;
        u->ier = value & 0x0Fu;
        break;
    case IIR_FCR:
        u->fifo = (value & 1u) != 0;
        if (value & 2u)
            u->rx_head = u->rx_tail;
        break;
    case LCR:
        u->lcr = value;
        break;
    case MCR:
        u->mcr = value & 0x1Fu;
        break;
    case LSR:
    case MSR:
        break;                          /* read-only */
    default:
        u->scr = value;
        break;
    }
}
