/* The NE2000's DP8390 network interface controller with its card memory (the RTL8029
 * flavour QEMU's ne2k_pci presents: a 32-byte PROM holding the MAC address at 0x0000,
 * 32 KiB of packet RAM at 0x4000-0xBFFF), as the card front sees it: 32 bytes of I/O
 * (shared/reference/malta.md §14). The front (devices/ne2k_pci.c) maps the block and hands
 * the core an interrupt line; the core carries frames over a net_link_t.
 *
 * The transmitter is instant: a transmit command sends the frame and reports it sent
 * before the write returns. The receiver takes frames when the backend offers them; it says
 * no (can_receive) while stopped, in internal loopback, and, while the guest has a receive
 * interrupt to serve, once it has looked at CURR or the ring has no room for a maximum frame;
 * it tells the backend (net_link_receive_ready) when that changes. (A full ring whose
 * interrupt the guest has acknowledged takes the next frame and overflows, as on a wire:
 * see ne2000.c.)
 *
 * Every register holds whatever the guest wrote, nonsense included; all card-memory
 * accesses go through bounds-checked helpers, so no register value can make the core
 * touch memory outside mem[] or loop. */
#ifndef KSEG_NE2000_H
#define KSEG_NE2000_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "devices/net_link.h"
#include "mmu/bus.h"

#define NE2000_PORTS     0x20        /* registers 0x00-0x0F, data port 0x10, reset port 0x1F */
#define NE2000_MEM_SIZE  0xC000      /* PROM at 0x0000, packet RAM 0x4000-0xBFFF */

typedef struct ne2000 {
    net_link_t *link;
    irq_line_t irq;
    uint8_t mac[NET_MAC_LEN];        /* what the PROM holds */

    /* Page 0/1/2 registers, as the DP8390 data sheet names them. Page numbers (PSTART,
     * PSTOP, BNRY, TPSR, CURR) are 256-byte pages of card memory. */
    uint8_t cmd;                     /* CR: page select, remote DMA command, TXP, STA, STP */
    uint8_t pstart, pstop;           /* receive ring: first page, page after the last */
    uint8_t bnry;                    /* receive ring: the page before the next unread frame */
    uint8_t curr;                    /* receive ring: where the next frame goes (page 1) */
    uint8_t tpsr;                    /* transmit: first page of the frame */
    uint16_t tbcr;                   /* transmit: frame length */
    uint8_t isr, imr;                /* interrupt status and mask; the line is ISR & IMR */
    uint16_t rsar, rbcr;             /* remote DMA: address (read back as CRDA), byte count */
    uint16_t clda;                   /* local DMA address: where the last frame ended */
    uint8_t rcr, tcr, dcr;           /* receive, transmit and data configuration */
    uint8_t tsr, rsr;                /* transmit and receive status */
    uint8_t cntr[3];                 /* tally counters: alignment, CRC, missed (clear on read) */
    uint8_t par[NET_MAC_LEN];        /* physical address the receiver matches (page 1) */
    uint8_t mar[8];                  /* multicast hash filter (page 1) */
    bool rx_batch_closed;            /* the guest read CURR with PRX pending: hold frames
                                      * until it acknowledges PRX (ne2000_can_receive) */

    /* Host-side statistics (no register shows them). */
    uint32_t rx_oversize;            /* frames over NET_FRAME_MAX offered and dropped */

    uint8_t mem[NE2000_MEM_SIZE];
} ne2000_t;

/* Offsets 0x00-0x1F of the card's I/O block: 8-bit registers, the data port at 0x10 (8-,
 * 16- or 32-bit), the reset port at 0x1F. Any other offset or width reads all-ones. */
extern const device_ops_t ne2000_ops;

/* Connects the core to `link` (filling in the card's half) and resets it. */
void ne2000_init(ne2000_t *ne, const uint8_t mac[NET_MAC_LEN], net_link_t *link, irq_line_t irq);
/* The chip's RESET: every register to its reset value (stopped, ISR = RST), the PROM
 * rebuilt from `mac`; packet RAM keeps its contents. The reset port does the same. */
void ne2000_reset(ne2000_t *ne);
/* What a byte read of register `offset` (0x00-0x0F, current page) returns, without the
 * read's side effects (tally counters clearing): for the debugger. */
uint8_t ne2000_peek(const ne2000_t *ne, uint32_t offset);

#endif
