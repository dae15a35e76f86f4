/* The PIIX4's two 8237 DMA controllers and their page registers, as far as the Malta's
 * guests use them: not at all. Linux's Malta setup only unmasks channel 4, the cascade
 * (enable_dma(4): 0 to DMA 2's mask register, port 0xD4); nothing does ISA DMA. The board maps these ports so
 * that they answer like a quiet DMA controller rather than like empty ISA space: writes
 * are ignored and reads return 0.
 *
 * Ports (board-mapped, one range each): 0x00-0x0F (DMA 1, channels 0-3), 0x80-0x8F
 * (page registers), 0xC0-0xDF (DMA 2, channels 4-7, registers two ports apart). */
#ifndef KSEG_ISA_DMA_H
#define KSEG_ISA_DMA_H

#include "mmu/bus.h"

#define ISA_DMA1_PORTS 0x10
#define ISA_DMA_PAGE_PORTS 0x10
#define ISA_DMA2_PORTS 0x20

extern const device_ops_t isa_dma_ops;

#endif
