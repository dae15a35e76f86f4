/* Placeholder 8237 DMA controllers: see isa_dma.h for why nothing more is needed. */
#include "devices/isa_dma.h"

static uint32_t dma_read(void *dev, uint32_t offset, unsigned size)
{
    (void)dev;
    (void)offset;
    (void)size;
    return 0;
}

static void dma_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)dev;
    (void)offset;
    (void)value;
    (void)size;
}

const device_ops_t isa_dma_ops = { .read = dma_read, .write = dma_write };
