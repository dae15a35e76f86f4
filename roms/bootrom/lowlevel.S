/* kseg boot ROM, stage 2: the pieces C cannot express.
 *
 *   safe_read / safe_write   memory accesses that survive an exception (for md and mw)
 *   cache_sync_all           write back the data cache, invalidate the instruction cache
 *   boot_handoff             the last instructions before the kernel's first one
 *
 * These run from RAM (kseg0) like the C code, linked in .text (bootrom.ld). */
#include "board.h"

#define CP0_STATUS      $12
#define CP0_CONFIG      $16
#define CP0_CONFIG1     $16, 1
#define ST_BEV          0x00400000
#define CONFIG_K0_UNCACHED 2

/* CACHE operations (MIPS32 Vol. II): Index Writeback Invalidate (D), Index Invalidate (I). */
#define INDEX_WB_INV_D  0x01
#define INDEX_INV_I     0x00

        .set    noreorder
        .text

/* ---- Safe accessors ----------------------------------------------------------------------
 * int safe_read(uint32_t addr, unsigned size, uint32_t *value)
 * int safe_write(uint32_t addr, unsigned size, uint32_t value)
 * size is 1, 2 or 4. Return 0, or -1 if the access raised an exception: start.S's exc_entry
 * sees an EPC between safe_access_begin and safe_access_end and resumes at
 * safe_access_fault instead of stopping the board. No load or store here sits in a branch
 * delay slot, so EPC is always the faulting instruction itself. */
        .globl  safe_access_begin, safe_access_end, safe_access_fault
        .globl  safe_read, safe_write
safe_access_begin:
safe_read:
        li      $t0, 1
        beq     $a1, $t0, 1f
         li     $t0, 2
        beq     $a1, $t0, 2f
         nop
        lw      $v1, 0($a0)
        b       3f
         nop
1:      lbu     $v1, 0($a0)
        b       3f
         nop
2:      lhu     $v1, 0($a0)
3:      sw      $v1, 0($a2)
        jr      $ra
         move   $v0, $zero

safe_write:
        li      $t0, 1
        beq     $a1, $t0, 1f
         li     $t0, 2
        beq     $a1, $t0, 2f
         nop
        sw      $a2, 0($a0)
        b       3f
         nop
1:      sb      $a2, 0($a0)
        b       3f
         nop
2:      sh      $a2, 0($a0)
3:      sync                            /* a bus error must show up here, not later */
        jr      $ra
         move   $v0, $zero
safe_access_end:

safe_access_fault:
        jr      $ra
         li     $v0, -1

/* ---- Caches ------------------------------------------------------------------------------
 * void cache_sync_all(void): after it, memory holds everything written through kseg0 and
 * instruction fetches see it. Index operations over every line of every way: the geometry
 * comes from Config1 as in start.S. Runs from kseg1, so that the instruction cache is not
 * invalidated under the instructions doing it. Clobbers t0..t5, t9. */

/* Leaves in \bytes the cache size and in \line its line size (0: no such cache), from
 * Config1 in \cfg; \shift is the S field's position (22: I-cache, 13: D-cache). */
        .macro  cache_geometry cfg, shift, bytes, line
        ext     \line, \cfg, \shift - 3, 3      /* L */
        beqz    \line, 9f
         move   \bytes, $zero
        li      \bytes, 2
        sllv    \line, \bytes, \line            /* line = 2 << L */
        ext     \bytes, \cfg, \shift, 3         /* S */
        li      $t5, 64
        sllv    \bytes, $t5, \bytes             /* sets = 64 << S */
        mul     \bytes, \bytes, \line
        ext     $t5, \cfg, \shift - 6, 3        /* A */
        addiu   $t5, $t5, 1                     /* ways = A + 1 */
        mul     \bytes, \bytes, $t5
9:
        .endm

        .globl  cache_sync_all
cache_sync_all:
        la      $t0, 1f
        li      $t1, KSEG1 - KSEG0
        or      $t0, $t0, $t1           /* the kseg1 alias of 1f */
        jr      $t0
         nop
1:      mfc0    $t9, CP0_CONFIG1
        cache_geometry $t9, 13, $t2, $t3
        li      $t0, KSEG0
        addu    $t1, $t0, $t2
        beq     $t0, $t1, 3f
         nop
2:      cache   INDEX_WB_INV_D, 0($t0)
        addu    $t0, $t0, $t3
        bne     $t0, $t1, 2b
         nop
3:      sync                            /* the write-backs have reached memory */
        cache_geometry $t9, 22, $t2, $t3
        li      $t0, KSEG0
        addu    $t1, $t0, $t2
        beq     $t0, $t1, 5f
         nop
4:      cache   INDEX_INV_I, 0($t0)
        addu    $t0, $t0, $t3
        bne     $t0, $t1, 4b
         nop
5:      jr.hb   $ra                     /* .hb: later fetches see the invalidation */
         nop

/* ---- The hand-off ------------------------------------------------------------------------
 * void boot_handoff(const handoff_t *h): h = { entry, a0, a1, a2, a3, sp } (bootrom.h).
 * The CPU state QEMU's -kernel leaves for Linux (malta.md section 10): caches clean,
 * Config.K0 = 2 (kseg0 uncached, the reset value: the kernel sets its own), Status = BEV
 * alone (kernel mode, ERL/EXL/IE clear, interrupts masked), a0..a3 and sp from h, then a
 * jump to the entry point. Never returns. */
        .globl  boot_handoff
boot_handoff:
        lw      $s0, 0($a0)             /* entry */
        lw      $s1, 4($a0)             /* a0 */
        lw      $s2, 8($a0)             /* a1 */
        lw      $s3, 12($a0)            /* a2 */
        lw      $s4, 16($a0)            /* a3 */
        lw      $s5, 20($a0)            /* sp */
        /* Continue from kseg1: K0 changes under us below. */
        la      $t0, 1f
        li      $t1, KSEG1 - KSEG0
        or      $t0, $t0, $t1
        jr      $t0
         nop
1:      bal     cache_sync_all          /* the kernel image and the argv/env table to memory */
         nop
        mfc0    $t0, CP0_CONFIG
        li      $t1, CONFIG_K0_UNCACHED
        ins     $t0, $t1, 0, 3
        mtc0    $t0, CP0_CONFIG
        li      $t0, ST_BEV
        mtc0    $t0, CP0_STATUS
        move    $a0, $s1
        move    $a1, $s2
        move    $a2, $s3
        move    $a3, $s4
        move    $sp, $s5
        move    $t9, $s0                /* as QEMU's loader: t9 = entry */
        move    $ra, $zero
        jr.hb   $t9                     /* .hb: Config and Status are in effect at the target */
         nop
