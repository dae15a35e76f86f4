/* Intel 8259A programmable interrupt controller pair, as the PIIX4 has it (Intel 8259A
 * data sheet; PIIX4 data sheet §3.4 for ELCR). Behaviour a guest can see follows QEMU's
 * hw/intc/i8259.c, so that Linux and firmware run the same on both:
 *
 *   - Inputs are edge-triggered unless ELCR (or ICW1.LTIM) makes them level-triggered. Linux
 *     never programs ELCR on the Malta, so the PCI interrupts (PIIX4 PIRQ -> IRQ 10/11) are
 *     edge-triggered there: a line still high after its interrupt was acknowledged does not
 *     request again until it falls and rises.
 *   - An edge input's IRR bit stays set when the line falls before the acknowledge (the
 *     data sheet's IRR latch); a level input's IRR follows the line.
 *   - ICW1 clears IMR (QEMU; the data sheet leaves IMR undefined after ICW1), ISR, the
 *     rotation and the edge memory; Linux writes the masks again after ICW4.
 *   - Priority is fixed with IR0 highest unless rotated (OCW2 rotate commands or rotate on
 *     automatic EOI); special mask mode and special fully nested mode take part in the
 *     priority decision as on the data sheet.
 *
 * The slave's INT output is the master's IR2 input, edge-triggered like any other. */
#include "devices/i8259.h"

#include <string.h>


#define ICW1_IC4   0x01
#define ICW1_SNGL  0x02
#define ICW1_LTIM  0x08
#define ICW1       0x10    /* bit 4 set on port 0: ICW1 */
#define OCW3       0x08    /* bit 3 set (bit 4 clear) on port 0: OCW3, else OCW2 */
#define OCW3_RIS   0x01
#define OCW3_RR    0x02
#define OCW3_P     0x04
#define OCW3_SMM   0x20
#define OCW3_ESMM  0x40
#define ICW4_AEOI  0x02
#define ICW4_SFNM  0x10
#define POLL_VALID 0x80    /* a poll read: bit 7 = an interrupt was pending */

#define MASTER_ELCR_MASK 0xF8   /* IRQ 0, 1, 2 are edge-only on the PIIX4 */
#define SLAVE_ELCR_MASK  0xDE   /* IRQ 8 and 13 are edge-only */

static void update_output(i8259_t *p, i8259_chip_t *c);

/* The priority level (0 = highest) of the highest-priority bit in mask; 8 if none. */
static int priority_of(const i8259_chip_t *c, uint8_t mask)
{
    if (!mask)
        return 8;
    int prio = 0;
    while (!(mask & (1u << ((prio + c->priority_add) & 7))))
        prio++;
    return prio;
}

/* The IR the chip would request the CPU for now, or -1: the highest-priority unmasked
 * request that outranks everything in service. */
static int pending_ir(const i8259_chip_t *c)
{
    int prio = priority_of(c, c->irr & ~c->imr);
    if (prio == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= ~c->imr;     /* masked levels in service do not block lower ones */
    if (c->sfnm && c->master)
        in_service &= ~(1u << I8259_CASCADE_IR);   /* more slave IRQs may nest */
    if (prio < priority_of(c, in_service))
        return (prio + c->priority_add) & 7;
    return -1;
}

static bool is_level(const i8259_chip_t *c, uint8_t mask)
{
    return c->ltim || (c->elcr & mask);
}

static void chip_set_input(i8259_t *p, i8259_chip_t *c, int ir, bool level)
{
    uint8_t mask = (uint8_t)(1u << ir);
    if (is_level(c, mask)) {
        if (level)
            c->irr |= mask;
        else
            c->irr &= ~mask;
    } else if (level && !(c->last_level & mask)) {
        c->irr |= mask;            /* rising edge */
    }
    if (level)
        c->last_level |= mask;
    else
        c->last_level &= ~mask;
    update_output(p, c);
}

static void update_output(i8259_t *p, i8259_chip_t *c)
{
    bool out = pending_ir(c) >= 0;
    if (c->master)
        irq_set(&p->intr, out);
    else
        chip_set_input(p, &p->chip[0], I8259_CASCADE_IR, out);
}

/* The chip's part of an acknowledge: IRR to ISR (unless automatic EOI). */
static void chip_intack(i8259_t *p, i8259_chip_t *c, int ir)
{
    uint8_t mask = (uint8_t)(1u << ir);
    if (c->auto_eoi) {
        if (c->rotate_on_auto_eoi)
            c->priority_add = (uint8_t)((ir + 1) & 7);
    } else {
        c->isr |= mask;
    }
    if (!is_level(c, mask))        /* a level request stays while its line is high */
        c->irr &= ~mask;
    update_output(p, c);
}

uint8_t i8259_acknowledge(i8259_t *p)
{
    i8259_chip_t *m = &p->chip[0], *s = &p->chip[1];
    int ir = pending_ir(m);
    if (ir < 0)
        return (uint8_t)(m->irq_base + 7);      /* spurious on the master */
    uint8_t vector;
    if (ir == I8259_CASCADE_IR) {
        int sir = pending_ir(s);
        if (sir >= 0) {
            chip_intack(p, s, sir);
            vector = (uint8_t)(s->irq_base + sir);
        } else {
            vector = (uint8_t)(s->irq_base + 7);  /* spurious on the slave */
        }
    } else {
        vector = (uint8_t)(m->irq_base + ir);
    }
    chip_intack(p, m, ir);
    return vector;
}

bool i8259_output(const i8259_t *p)
{
    return pending_ir(&p->chip[0]) >= 0;
}

void i8259_set_irq(i8259_t *p, int n, bool level)
{
    if (n < 0 || n >= I8259_IRQS)
        return;
    chip_set_input(p, &p->chip[n >> 3], n & 7, level);
}

static void line_set(void *opaque, int n, bool level)
{
    i8259_set_irq(opaque, n, level);
}

irq_line_t i8259_irq_line(i8259_t *p, int n)
{
    return (irq_line_t){ line_set, p, n };
}

/* ---- Ports -------------------------------------------------------------------------- */

/* What ICW1 and reset share: everything but ELCR (and LTIM, which ICW1 sets itself). */
static void chip_init_reset(i8259_chip_t *c)
{
    c->last_level = 0;
    c->irr &= c->elcr;
    c->imr = 0;
    c->isr = 0;
    c->priority_add = 0;
    c->irq_base = 0;
    c->read_isr = false;
    c->poll = false;
    c->special_mask = false;
    c->init_state = 0;
    c->auto_eoi = false;
    c->rotate_on_auto_eoi = false;
    c->sfnm = false;
    c->init4 = false;
    c->single_mode = false;
}

static void write_ocw2(i8259_t *p, i8259_chip_t *c, uint8_t v)
{
    int ir;
    switch (v >> 5) {
    case 0:                                       /* rotate in automatic EOI mode: clear */
    case 4:                                       /* ... set */
        c->rotate_on_auto_eoi = (v >> 5) == 4;
        break;
    case 1:                                       /* non-specific EOI */
    case 5: {                                     /* rotate on non-specific EOI */
        int prio = priority_of(c, c->isr);
        if (prio == 8)
            break;
        ir = (prio + c->priority_add) & 7;
        c->isr &= (uint8_t)~(1u << ir);
        if ((v >> 5) == 5)
            c->priority_add = (uint8_t)((ir + 1) & 7);
        update_output(p, c);
        break;
    }
    case 3:                                       /* specific EOI */
        c->isr &= (uint8_t)~(1u << (v & 7));
        update_output(p, c);
        break;
    case 6:                                       /* set priority: IRn lowest */
        c->priority_add = (uint8_t)((v + 1) & 7);
        update_output(p, c);
        break;
    case 7:                                       /* rotate on specific EOI */
        ir = v & 7;
        c->isr &= (uint8_t)~(1u << ir);
        c->priority_add = (uint8_t)((ir + 1) & 7);
        update_output(p, c);
        break;
    default:                                      /* 2: no operation */
        break;
    }
}

static void chip_write(i8259_t *p, i8259_chip_t *c, uint32_t offset, uint8_t v)
{
    if (offset == 0) {
        if (v & ICW1) {
            chip_init_reset(c);
            c->init_state = 1;
            c->init4 = v & ICW1_IC4;
            c->single_mode = v & ICW1_SNGL;
            c->ltim = v & ICW1_LTIM;
            update_output(p, c);
        } else if (v & OCW3) {
            if (v & OCW3_P)
                c->poll = true;
            if (v & OCW3_RR)
                c->read_isr = v & OCW3_RIS;
            if (v & OCW3_ESMM)
                c->special_mask = v & OCW3_SMM;
            update_output(p, c);   /* special mask mode changes the priority decision */
        } else {
            write_ocw2(p, c, v);
        }
        return;
    }
    switch (c->init_state) {
    case 0:                                        /* OCW1 */
        c->imr = v;
        update_output(p, c);
        break;
    case 1:                                        /* ICW2: vector base, IR bits ignored */
        c->irq_base = v & 0xF8;
        c->init_state = c->single_mode ? (c->init4 ? 3 : 0) : 2;
        break;
    case 2:                                        /* ICW3: cascade wiring, fixed here */
        c->init_state = c->init4 ? 3 : 0;
        break;
    case 3:                                        /* ICW4 */
        c->sfnm = v & ICW4_SFNM;
        c->auto_eoi = v & ICW4_AEOI;
        c->init_state = 0;
        break;
    }
}

/* A read after an OCW3 poll command is the acknowledge of that chip alone: bit 7 set and
 * the IR in bits 2:0, or 0 when nothing is pending. */
static uint8_t chip_read(i8259_t *p, i8259_chip_t *c, uint32_t offset)
{
    if (c->poll) {
        c->poll = false;
        int ir = pending_ir(c);
        if (ir < 0)
            return 0;
        chip_intack(p, c, ir);
        return (uint8_t)(POLL_VALID | ir);
    }
    if (offset == 0)
        return c->read_isr ? c->isr : c->irr;
    return c->imr;
}

static uint32_t master_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    i8259_t *p = dev;
    return chip_read(p, &p->chip[0], offset);
}

static void master_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    i8259_t *p = dev;
    chip_write(p, &p->chip[0], offset, (uint8_t)value);
}

static uint32_t slave_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    i8259_t *p = dev;
    return chip_read(p, &p->chip[1], offset);
}

static void slave_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    i8259_t *p = dev;
    chip_write(p, &p->chip[1], offset, (uint8_t)value);
}

/* ELCR: takes effect on the next input change, as on QEMU. */
static uint32_t elcr_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    i8259_t *p = dev;
    return p->chip[offset & 1].elcr;
}

static void elcr_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    i8259_t *p = dev;
    i8259_chip_t *c = &p->chip[offset & 1];
    c->elcr = (uint8_t)value & c->elcr_mask;
}

const device_ops_t i8259_master_ops = { .read = master_read, .write = master_write };
const device_ops_t i8259_slave_ops = { .read = slave_read, .write = slave_write };
const device_ops_t i8259_elcr_ops = { .read = elcr_read, .write = elcr_write };

/* ---- Life cycle --------------------------------------------------------------------- */

void i8259_reset(i8259_t *p)
{
    for (int i = 1; i >= 0; i--) {     /* slave first: its output feeds the master */
        i8259_chip_t *c = &p->chip[i];
        c->elcr = 0;
        c->ltim = false;
        chip_init_reset(c);
        update_output(p, c);
    }
}

void i8259_init(i8259_t *p, irq_line_t intr)
{
    memset(p, 0, sizeof(*p));
    p->intr = intr;
    p->chip[0].master = true;
    p->chip[0].elcr_mask = MASTER_ELCR_MASK;
    p->chip[1].elcr_mask = SLAVE_ELCR_MASK;
    i8259_reset(p);
}
