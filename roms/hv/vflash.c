/* A guest's flash: the vdev type "cfi-flash" (vflash.h).
 *
 * Design note.
 *
 * Partition. Guest gN's flash is a slice of the board's boot flash (flash.c): the node's
 * `partition = <BASE SIZE>` gives guest N the SIZE bytes at BASE + N * SIZE, whole board
 * blocks, after the hypervisor's mark block (flash.h) and below PART_END (the boot ROM
 * and the mark below, the board's environment above). Its window (`size`) is exactly the
 * partition, so no access reaches past it.
 *
 * Model. The chip is kseg's own (src/devices/cfi_flash.c: the same commands, query and
 * status as the board's and QEMU's), with the board's block size, working on a RAM copy of
 * the partition read at create time; the copy is the truth while the hypervisor runs. In
 * read-array mode the window is a ROM device: loads go straight to the copy (romd_hpa,
 * page-aligned), stores trap to the model; any other mode maps it out (array_mode hook ->
 * vdev_set_romd). A guest reset (`reset N`) resets the chip's modes, never its content.
 *
 * Write-back. A completed erase or program (the `changed` hook, on the exception path)
 * writes the changed bytes out of the data cache (the guest may read the copy uncached)
 * and marks the block dirty; the hypercore thread "flash" stores dirty blocks in the board
 * flash (board_flash_store_block: program only, or erase and program, then verify), so a
 * guest never waits for the board chip and never holds interrupts masked for longer than
 * one of its own accesses. The guest is told an operation succeeded once its copy changed;
 * a block the board refuses is reported on the console, and from then on this flash
 * reports every erase and program as failed (SR.4/SR.5): its content no longer persists.
 * vflash_sync, before the board stops, waits for the thread to catch up.
 *
 * Bounds. The model only ever touches its copy (its window is the copy's size) and the
 * write-back only its partition, so neither a guest nor its flash can reach the boot ROM,
 * another guest's partition or the hypervisor's memory. */
#include "hv.h"
#include "devices/cfi_flash.h"
#include "flash.h"
#include "hthread.h"
#include "vcpu.h"
#include "vflash.h"

/* Board flash a partition may use: above the first MiB, which holds the boot ROM (Linux's
 * malta.dts calls it "YAMON"), and the hypervisor's mark block after it (flash.h), below
 * 0x3E0000, the board's own environment (U-Boot's from 0x3E0000, the boot ROM's at
 * 0x3F0000). */
#define PART_END            0x003E0000u
/* The guests' copies come from one pool, page-aligned (their ROM mapping): room for four
 * guests with 512 KiB each, which is what guests.dts gives them. */
#define POOL_SIZE           0x00200000u
#define VFLASH_MAX          4u
/* The write-back thread looks for dirty blocks this often (ticks): a guest's change is in
 * the board flash 10 ms later, and an idle thread costs a wake-up per tick. */
#define WRITEBACK_TICKS     1u
#define PAGE                0x1000u

typedef struct vflash {
    cfi_flash_t chip;
    vdev_t *d;
    uint8_t *copy;              /* kseg0 pointer to `size` bytes */
    uint32_t part;              /* its partition's offset in the board flash */
    uint32_t size, block_size;
    uint32_t dirty[CFI_FLASH_MAX_BLOCKS / 32];  /* blocks the board flash lacks */
    bool broken;                /* the board refused a block: nothing persists any more */
} vflash_t;

static vflash_t flashes[VFLASH_MAX];
static uint32_t nflashes;
static uint8_t pool[POOL_SIZE] __attribute__((aligned(PAGE)));
static uint32_t pool_used;
static bool writing;            /* the thread is storing a block (vflash_sync waits) */
static hthread_t *writer;

/* Out of the data cache to RAM, and dropped from it, so uncached and cached readers alike
 * see what the model wrote through kseg0 (Hit_Writeback_Inv_D). */
static void cache_flush(const void *p, uint32_t len)
{
    uint32_t line = cache_line(read_c0(C0_CONFIG1), DCACHE_SHIFT);
    uint32_t addr = (uint32_t)(uintptr_t)p;
    if (!line || !len)
        return;
    for (uint32_t a = addr & ~(line - 1u); a < addr + len; a += line)
        __asm__ volatile("cache 0x15, 0(%0)" : : "r"(a) : "memory");
    __asm__ volatile("sync" ::: "memory");
}

/* ---- The chip's hooks (exception path, interrupts masked) ------------------------------- */

static void array_mode(void *opaque, bool readable)
{
    vflash_t *f = opaque;
    vdev_set_romd(f->d, readable);
}

static bool changed(void *opaque, uint32_t offset, uint32_t len)
{
    vflash_t *f = opaque;
    uint32_t block = offset / f->block_size;
    cache_flush(f->copy + offset, len);
    f->dirty[block / 32] |= 1u << (block % 32);
    return !f->broken;
}

/* ---- Write-back ----------------------------------------------------------------------- */

/* Takes the lowest dirty block of f off the list: false when there is none. */
static bool take_dirty(vflash_t *f, uint32_t *block)
{
    bool found = false;
    uint32_t ie = irq_save();
    for (uint32_t w = 0; w < ARRAY_SIZE(f->dirty) && !found; w++) {
        if (f->dirty[w]) {
            uint32_t bit = (uint32_t)__builtin_ctz(f->dirty[w]);
            f->dirty[w] &= ~(1u << bit);
            *block = w * 32 + bit;
            found = true;
        }
    }
    writing = found;
    irq_restore(ie);
    return found;
}

static bool is_dirty(const vflash_t *f, uint32_t block)
{
    return f->dirty[block / 32] & (1u << (block % 32));
}

static void store(vflash_t *f, uint32_t block)
{
    uint32_t at = f->part + block * f->block_size;
    enum board_flash_result r = board_flash_store_block(at, f->copy + block * f->block_size);
    /* Changed under the write: the guest changed the block again (it is dirty again and
     * comes back), else the board did not keep what it was given. */
    if (r == BOARD_FLASH_OK || (r == BOARD_FLASH_CHANGED && is_dirty(f, block)))
        return;
    f->broken = true;
    printf("hv: guest %s: %s: block %u not stored in the board flash at 0x%06x (%s); its "
           "flash no longer persists\n", f->d->vcpu->name, f->d->name, block, at,
           r == BOARD_FLASH_FAILED ? "the chip refused it" : "it read back different");
}

static void write_back(void)
{
    for (uint32_t i = 0; i < nflashes; i++) {
        uint32_t block;
        while (take_dirty(&flashes[i], &block))
            store(&flashes[i], block);
    }
    writing = false;
}

static void writeback_thread(void *arg)
{
    (void)arg;
    for (;;) {
        write_back();
        hthread_sleep(WRITEBACK_TICKS);
    }
}

static bool pending(void)
{
    uint32_t ie = irq_save();
    bool any = writing;
    for (uint32_t i = 0; i < nflashes && !any; i++)
        for (uint32_t w = 0; w < ARRAY_SIZE(flashes[i].dirty) && !any; w++)
            any = flashes[i].dirty[w] != 0;
    irq_restore(ie);
    return any;
}

void vflash_sync(uint32_t ticks)
{
    if (!writer)
        return;
    while (pending() && ticks--)
        hthread_sleep(1);
    if (pending())
        printf("hv: flash: guests' flash writes still not in the board flash\n");
}

/* ---- The device type ---------------------------------------------------------------- */

static const char *partition_of(vdev_t *d, const devtree_t *t, int node, uint32_t *part,
                                uint32_t *size)
{
    const devtree_prop_t *p = devtree_prop(t, node, "partition");
    if (!p || p->kind != DEVTREE_CELLS || p->ncells != 2)
        return "it needs partition = <BASE SIZE> (the board flash for guest 0, then one "
               "SIZE further per guest)";
    uint32_t block = board_flash_block_size();
    *size = p->cells[1];
    *part = p->cells[0] + vdev_guest_id(d) * *size;
    if (!*size || p->cells[0] % block || *size % block)
        return "its partition is not whole blocks of the board flash";
    if (p->cells[0] < BOARD_FLASH_MARK + block || *part < p->cells[0] ||
        *part > PART_END || *size > PART_END - *part || *part + *size > board_flash_size())
        return "its partition is outside the board flash between the hypervisor's mark "
               "block and 0x3e0000";
    if (d->size != *size)
        return "its window (size) is not its partition's size";
    if (block < CFI_FLASH_BUFFER_SIZE || (block & (block - 1)) ||
        *size / block > CFI_FLASH_MAX_BLOCKS)
        return "the board flash's blocks do not suit the chip model";
    for (uint32_t i = 0; i < nflashes; i++)
        if (flashes[i].d != d &&
            *part < flashes[i].part + flashes[i].size && flashes[i].part < *part + *size)
            return "its partition overlaps another guest's flash";
    return NULL;
}

/* The instance for d: the one it had (a guest slot loaded again after a failed load keeps
 * its flash, and its copy when that is big enough), else a new one. NULL: no room. */
static vflash_t *instance(vdev_t *d, uint32_t size)
{
    vflash_t *f = NULL;
    for (uint32_t i = 0; i < nflashes && !f; i++)
        if (flashes[i].d == d)
            f = &flashes[i];
    uint8_t *copy = f && f->size >= size ? f->copy : NULL;
    uint32_t bytes = (size + PAGE - 1) & ~(PAGE - 1);
    if ((!f && nflashes == VFLASH_MAX) || (!copy && bytes > POOL_SIZE - pool_used))
        return NULL;
    if (!copy) {
        copy = pool + pool_used;
        pool_used += bytes;
    }
    if (!f)
        f = &flashes[nflashes++];
    uint32_t ie = irq_save();               /* the write-back thread may be looking */
    memset(f, 0, sizeof(*f));
    f->d = d;
    f->copy = copy;
    irq_restore(ie);
    return f;
}

static bool vflash_create(vdev_t *d, const devtree_t *t, int node, const char **why)
{
    uint32_t part, size;
    if (!board_flash_init()) {
        *why = "the board has no flash the hypervisor can write";
        return false;
    }
    if ((*why = partition_of(d, t, node, &part, &size)))
        return false;
    if (!writer && !(writer = hthread_create("flash", writeback_thread, NULL))) {
        *why = "no thread slot for the flash write-back";
        return false;
    }
    vflash_t *f = instance(d, size);
    if (!f) {
        *why = "no room for more flash (vflash.c: POOL_SIZE, VFLASH_MAX)";
        return false;
    }
    f->part = part;
    f->size = size;
    f->block_size = board_flash_block_size();
    board_flash_read(part, f->copy, size);
    cache_flush(f->copy, size);
    cfi_flash_init(&f->chip, f->copy, size, f->block_size,
                   (cfi_flash_hooks_t){ array_mode, changed, f });
    d->dev = &f->chip;
    d->ops = &cfi_flash_ops;
    d->romd_hpa = (uint32_t)(uintptr_t)f->copy - KSEG0;
    d->romd = true;                         /* the chip starts in read-array mode */
    return true;
}

static void vflash_reset(vdev_t *d)
{
    cfi_flash_reset(d->dev);
}

const vdev_type_t vflash_type = {
    .compatible = "cfi-flash", .create = vflash_create, .reset = vflash_reset,
};

/* ---- The boot stage's kernel ------------------------------------------------------------ */

bool vflash_install(vcpu_t *v, uint32_t gpa, const void *image, uint32_t size)
{
    vdev_t *d = vdev_find(v, gpa);
    vflash_t *f = NULL;
    for (uint32_t i = 0; i < nflashes; i++)
        if (d && flashes[i].d == d)
            f = &flashes[i];
    if (!f) {
        printf("hv: guest %s: no CFI flash at GPA 0x%08x for the boot stage's kernel "
               "(guests.dts)\n", v->name, gpa);
        return false;
    }
    if (size > f->size - f->block_size) {
        printf("hv: guest %s: the kernel [%u bytes] does not fit in its flash before the "
               "last block (the boot stage's environment)\n", v->name, size);
        return false;
    }
    if (!memcmp(f->copy, image, size)) {
        printf("hv: guest %s: %s holds the kernel already\n", v->name, d->name);
        return true;
    }
    uint32_t blocks = (size + f->block_size - 1) / f->block_size;
    memset(f->copy, 0xFF, blocks * f->block_size);   /* as erased */
    memcpy(f->copy, image, size);
    cache_flush(f->copy, blocks * f->block_size);
    uint32_t ie = irq_save();
    for (uint32_t b = 0; b < blocks; b++)
        f->dirty[b / 32] |= 1u << (b % 32);
    irq_restore(ie);
    printf("hv: guest %s: the kernel [%u bytes] written to %s\n", v->name, size, d->name);
    return true;
}
