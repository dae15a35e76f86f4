/* The register model of a guest's virtual 16550 (vcpu.c's MMIO at 0x180003F8, vcons.c
 * around it). Pure C on <stdint.h>/<stdbool.h>, tested on the host (tests/hv/test_vuart.c).
 *
 * What a guest driver sees, register by register (offsets from the base, LCR.DLAB = 0):
 *   0 RBR (read)  the oldest received byte (DR clears when the FIFO empties)
 *     THR (write) transmitted at once: the byte goes to the `out` callback
 *   1 IER         ERBFI (bit 0: received data), ETBEI (bit 1: THR empty); bits 2-3 kept
 *   2 IIR (read)  the highest-priority pending cause: 0x4 received data, 0x2 THR empty,
 *                 0x1 none; bits 7:6 set while FCR enabled the FIFOs. Reading it when it
 *                 says "THR empty" acknowledges that interrupt, as on the real part.
 *     FCR (write) bit 0 enables the FIFOs, bit 1 empties the receive FIFO
 *   3 LCR         kept as written; bit 7 (DLAB) puts the divisor latch at 0 and 1
 *   4 MCR         kept (5 bits); bit 4 (loop) is not modelled
 *   5 LSR         DR, OE (overrun: a byte arrived with the FIFO full; cleared by reading
 *                 LSR), THRE and TEMT (always: the transmitter is never busy)
 *   6 MSR         CTS | DSR | DCD, no deltas: a cable that is always there
 *   7 SCR         kept
 * The interrupt line (vuart_irq) is level-triggered: received data while ERBFI, or a THR
 * empty event (raised when ETBEI is set and on every THR write, since the byte leaves at
 * once; cleared by an IIR read that reports it or by the next THR write) while ETBEI.
 * MCR.OUT2, which gates the line on a PC, does not gate it here: the hypervisor wires the
 * line straight to the guest's IP2 (vcpu.c). */
#ifndef HV_VUART_H
#define HV_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_RX_SIZE   64u             /* received bytes held (a power of two) */

#define VUART_IER_ERBFI 0x01u
#define VUART_IER_ETBEI 0x02u
#define VUART_IIR_NONE  0x01u
#define VUART_IIR_THRE  0x02u
#define VUART_IIR_RDA   0x04u
#define VUART_IIR_FIFO  0xC0u
#define VUART_LSR_DR    0x01u
#define VUART_LSR_OE    0x02u
#define VUART_LSR_THRE  0x20u
#define VUART_LSR_TEMT  0x40u
#define VUART_LCR_DLAB  0x80u
#define VUART_MSR_IDLE  0xB0u           /* DCD | DSR | CTS */

typedef struct vuart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    bool fifo;                  /* FCR bit 0 */
    bool thre_pending;          /* a THR-empty interrupt not yet acknowledged */
    bool overrun;
    uint32_t rx_head, rx_tail;  /* free-running; rx_tail - rx_head bytes held */
    uint8_t rx[VUART_RX_SIZE];
} vuart_t;

typedef void (*vuart_out_t)(void *ctx, char c);

/* The reset state: everything 0, divisor 12 (9600 baud on a 1.8432 MHz clock). */
void vuart_reset(vuart_t *u);
/* A guest access to register `reg` (0..7): a read returns the byte, a write transmits
 * THR bytes through out(ctx, c). */
uint8_t vuart_read(vuart_t *u, unsigned reg);
void vuart_write(vuart_t *u, unsigned reg, uint8_t value, vuart_out_t out, void *ctx);
/* A byte from the outside world (the board console); false (and OE) when the FIFO is
 * full. */
bool vuart_receive(vuart_t *u, uint8_t c);
/* Bytes received and not read yet. */
uint32_t vuart_rx_count(const vuart_t *u);
/* The interrupt line. */
bool vuart_irq(const vuart_t *u);

#endif
