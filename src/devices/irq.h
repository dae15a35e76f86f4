/* An interrupt line is a value: where it goes and which input it drives there. Devices hold
 * the lines the board gave them and raise or lower them; they never call the CPU. */
#ifndef KSEG_IRQ_H
#define KSEG_IRQ_H

#include <stdbool.h>

typedef struct irq_line {
    void (*set)(void *opaque, int n, bool level);
    void *opaque;
    int n;
} irq_line_t;

static inline void irq_set(const irq_line_t *line, bool level)
{
    if (line->set)
        line->set(line->opaque, line->n, level);
}

#endif
