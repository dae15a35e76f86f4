/* kseg boot ROM, stage 1: from the reset vector to C.
 *
 * The CPU leaves reset at 0xBFC00000 (kseg1: uncached, unmapped) with Status.BEV = 1 (exception
 * vectors in this ROM) and Status.ERL = 1, caches and TLB in an unknown state, and only the
 * boot flash usable. This file runs in place from the flash, with no stack and no RAM, and
 * in this order:
 *
 *   1. reset_vector      jump over the board revision word at offset 0x10
 *   2. cpu_init          Status, Cause, Count/Compare, watchpoints; park other CPUs
 *   3. console_init      the CBUS UART, then the GT-64120 windows (gt_init) that make ISA
 *                        I/O reachable, then the SuperIO chip and its two UARTs (superio_init)
 *   4. tlb_init          every TLB entry invalid, at a different kseg0 address
 *   5. cache_init        every cache line invalid; then kseg0 becomes cacheable (Config.K0)
 *   6. ram_size          probe RAM, 1 MiB at a time, up to 256 MiB
 *   7. stage2_copy       copy stage 2 (C) from the flash to RAM, clear its .bss
 *   8. enter_c           set a stack and call bootrom_main(ram_size) in kseg0
 *
 * Exceptions stay vectored to this ROM (BEV = 1) for as long as the boot ROM runs: the
 * vectors at 0x200..0x480 print the CP0 state and stop (exc_report), except for the
 * deliberate faults of stage 2's safe memory accessors (lowlevel.S), which they resume.
 *
 * Conventions: `.set noreorder`, so every branch shows its delay slot (indented by one more
 * space). The subroutines are leaf routines called with `bal`; those that call putc keep
 * their return address in $v1, so they cannot nest. Registers s0..s7 carry results between
 * steps. See docs/bootstrapping.md for the walk through this file. */
#include "board.h"

/* CP0 registers (number, select) as the assembler names them. */
#define CP0_INDEX       $0
#define CP0_ENTRYLO0    $2
#define CP0_ENTRYLO1    $3
#define CP0_PAGEMASK    $5
#define CP0_WIRED       $6
#define CP0_BADVADDR    $8
#define CP0_COUNT       $9
#define CP0_ENTRYHI     $10
#define CP0_COMPARE     $11
#define CP0_STATUS      $12
#define CP0_CAUSE       $13
#define CP0_EPC         $14
#define CP0_EBASE       $15, 1
#define CP0_CONFIG      $16
#define CP0_CONFIG1     $16, 1
#define CP0_WATCHLO     $18
#define CP0_WATCHHI     $19
#define CP0_ITAGLO      $28, 0
#define CP0_DTAGLO      $28, 2
#define CP0_ITAGHI      $29, 0
#define CP0_DTAGHI      $29, 2
#define CP0_ERROREPC    $30

#define ST_BEV          0x00400000      /* exception vectors in the boot ROM */
#define ST_ERL          0x00000004      /* error level: set by reset */
#define CONFIG1_WR      0x00000008      /* watch registers present */
#define CONFIG_K0_CACHEABLE 3           /* cacheable, non-coherent, write-back, write-allocate */

/* CACHE instruction operations (MIPS32 Vol. II, CACHE): the op in bits 4..2, the cache in 1..0. */
#define INDEX_STORE_TAG_I 0x08
#define INDEX_STORE_TAG_D 0x09

/* The word at flash offset 0x10 is hidden by the board revision register. */
#define REVISION_SLOT   0x10

        .set    noreorder
        .section .stage1, "ax", @progbits

/* ---- 1. The reset vector ---------------------------------------------------------------- */
        .globl  reset_vector
        .type   reset_vector, @function
reset_vector:                           /* 0xBFC00000: the first instruction after reset */
        b       cpu_init
         nop

        .org    REVISION_SLOT
        /* On a Malta this word reads 0x00000420 (the revision register: CoreLV, GT-64120)
         * whatever the flash holds, so nothing may be stored here that we need. */
        .word   0

        .org    0x20
        /* A signature that `md bfc00020` shows; nothing reads it. */
        .ascii  "kseg boot ROM   "

/* ---- Exception vectors (Status.BEV = 1) ------------------------------------------------- */
/* k1 = the vector's offset, for the report. */
        .org    0x200
exc_tlb_refill:                         /* TLB refill (kuseg, kseg2/3 misses) */
        b       exc_entry
         li     $k1, 0x200
        .org    0x280
exc_xtlb_refill:                        /* 64-bit TLB refill: never on a MIPS32 CPU */
        b       exc_entry
         li     $k1, 0x280
        .org    0x300
exc_cache_error:                        /* cache parity error */
        b       exc_entry
         li     $k1, 0x300
        .org    0x380
exc_general:                            /* everything else: TLBL, AdEL, DBE, RI, Bp, ... */
        b       exc_entry
         li     $k1, 0x380
        .org    0x400
exc_interrupt:                          /* interrupts, when Cause.IV = 1 (never set here) */
        b       exc_entry
         li     $k1, 0x400
        .org    0x480
exc_ejtag_debug:                        /* EJTAG debug exception without a probe */
        b       exc_entry
         li     $k1, 0x480

/* ---- 2. CPU set-up ---------------------------------------------------------------------- */
        .org    0x500                   /* past the vectors (U-Boot and YAMON start here too) */
cpu_init:
        /* Status: kernel mode, interrupts off, every interrupt masked, vectors here (BEV).
         * ERL stays set until the TLB is sane: with ERL = 1 kuseg is unmapped (tlb_init). */
        li      $t0, ST_BEV | ST_ERL
        mtc0    $t0, CP0_STATUS
        mtc0    $zero, CP0_CAUSE        /* IV = 0 (interrupts at +0x380), no software IRQs */
        /* Count from zero, so Count also tells how long the boot took; Compare far away. */
        mtc0    $zero, CP0_COUNT
        li      $t0, -1
        mtc0    $t0, CP0_COMPARE        /* also clears a pending timer interrupt */

        /* Watchpoints are not reset by hardware: a stale one would fire in the middle of the
         * boot. Clear each WatchLo (nothing watched) and each WatchHi's I/R/W status bits
         * (write-one-to-clear); WatchHi.M (bit 31) says whether another pair follows. */
        mfc0    $t0, CP0_CONFIG1
        andi    $t0, $t0, CONFIG1_WR
        beqz    $t0, watch_done
         li     $t1, 7
        .irp    sel, 0, 1, 2, 3, 4, 5, 6, 7
        mtc0    $zero, CP0_WATCHLO, \sel
        mtc0    $t1, CP0_WATCHHI, \sel
        mfc0    $t0, CP0_WATCHHI, \sel
        bgez    $t0, watch_done         /* M = 0: that was the last pair */
         nop
        .endr
watch_done:

        /* Only CPU 0 boots; any other core (EBase.CPUNum != 0) waits here forever. */
        mfc0    $t0, CP0_EBASE
        andi    $t0, $t0, 0x3FF
        bnez    $t0, halt
         nop

/* ---- 3. Consoles: CBUS UART, GT-64120, SuperIO ------------------------------------------ */
console_init:
        la      $a0, lcd_reset
        bal     lcd_puts
         nop
        /* The CBUS UART is in the FPGA, reachable without any set-up: it comes first, so
         * that a stop for an unknown board can still be reported. */
        li      $a0, CBUS_UART
        li      $a1, CBUS_UART_SHIFT
        bal     uart_init
         li     $a2, CBUS_UART_DIVISOR

        /* The revision register says which system controller this core card has. */
        li      $t0, BOARD_REVISION
        lw      $s0, 0($t0)
        ext     $t0, $s0, REV_CORID_SHIFT, 6
        li      $t1, CORID_CORE_LV
        beq     $t0, $t1, gt_init
         nop
        la      $a0, str_bad_core
        bal     puts
         nop
        bal     puthex
         move   $a0, $s0
        la      $a0, str_crlf
        bal     puts
         nop
        b       halt
         nop

gt_init:
        /* Move the GT-64120's registers from 0x14000000 (their place at reset) to 0x1BE00000,
         * out of the way of the PCI windows. After a soft restart they are already there and
         * this store lands harmlessly in PCI memory. */
        li      $t0, GT_BASE_AT_RESET
        li      $t1, GT_ISD_VALUE
        sw      $t1, GT_ISD($t0)
        sync
        /* The PCI0 windows as YAMON leaves them (malta.md section 4): I/O at 0x18000000 (ISA
         * port N at physical 0x18000000 + N), memory 0x10000000-0x17FFFFFF and
         * 0x18200000-0x1BDFFFFF. Each write also sets the window's remap register. */
        li      $t0, GT_BASE
        li      $t1, GT_IOLD_VALUE
        sw      $t1, GT_PCI0IOLD($t0)
        li      $t1, GT_IOHD_VALUE
        sw      $t1, GT_PCI0IOHD($t0)
        li      $t1, GT_M0LD_VALUE
        sw      $t1, GT_PCI0M0LD($t0)
        li      $t1, GT_M0HD_VALUE
        sw      $t1, GT_PCI0M0HD($t0)
        li      $t1, GT_M1LD_VALUE
        sw      $t1, GT_PCI0M1LD($t0)
        li      $t1, GT_M1HD_VALUE
        sw      $t1, GT_PCI0M1HD($t0)
        sync

superio_init:
        /* The FDC37M817 SuperIO chip: enter its configuration mode, give UART 1 and 2 (logical
         * devices 4 and 5) their ISA ports and IRQs, turn them on, leave configuration mode.
         * The table holds (register, value) byte pairs and ends with a zero register. */
        li      $t0, ISA_IO
        li      $t1, SIO_ENTER_CONFIG
        sb      $t1, SIO_CONFIG_PORT($t0)
        la      $t2, superio_config
1:      lbu     $t1, 0($t2)
        beqz    $t1, 2f
         lbu    $t3, 1($t2)
        sb      $t1, SIO_CONFIG_PORT($t0)
        sb      $t3, SIO_DATA_PORT($t0)
        b       1b
         addiu  $t2, $t2, 2
2:      li      $t1, SIO_EXIT_CONFIG
        sb      $t1, SIO_CONFIG_PORT($t0)
        /* Both SuperIO UARTs to 38400 8N1; tty0 (0x3F8) is the console from here on. */
        li      $a0, SUPERIO_UART1
        li      $a1, 0
        bal     uart_init
         li     $a2, SUPERIO_UART_DIVISOR
        li      $a0, SUPERIO_UART0
        li      $a1, 0
        bal     uart_init
         li     $a2, SUPERIO_UART_DIVISOR

        /* From now on putc writes to both consoles. */
        la      $a0, str_banner
        bal     puts
         nop
        la      $a0, str_gt
        bal     puts
         nop

/* ---- 4. TLB ----------------------------------------------------------------------------- */
tlb_init:
        la      $a0, lcd_tlb
        bal     lcd_puts
         nop
        /* The TLB is not cleared by reset. Give every entry a different kseg0 address (kseg0
         * is never translated, so these entries can never match) with both pages invalid,
         * 4 KiB pages, no wired entries. Distinct addresses matter: two entries matching the
         * same address is a machine check on the 24K. This is what Linux does too. */
        mfc0    $t0, CP0_CONFIG1
        ext     $s1, $t0, 25, 6         /* Config1.MMUSize = entries - 1 */
        addiu   $s1, $s1, 1             /* s1 = TLB entries (16 on a 24Kc) */
        mtc0    $zero, CP0_ENTRYLO0
        mtc0    $zero, CP0_ENTRYLO1
        mtc0    $zero, CP0_PAGEMASK
        mtc0    $zero, CP0_WIRED
        li      $t0, 0                  /* index */
        li      $t2, KSEG0
1:      sll     $t1, $t0, 13            /* one EntryHi VPN2 covers 8 KiB (a pair of 4 KiB pages) */
        addu    $t1, $t1, $t2
        mtc0    $t1, CP0_ENTRYHI        /* ASID 0 */
        mtc0    $t0, CP0_INDEX
        ehb
        tlbwi
        addiu   $t0, $t0, 1
        bne     $t0, $s1, 1b
         nop
        mtc0    $zero, CP0_ENTRYHI
        /* Now leave the error level: kuseg becomes mapped (through an empty TLB, so any kuseg
         * access is a TLB refill exception that exc_report explains), and exceptions save EPC
         * the ordinary way. BEV stays: our vectors are still the only ones. */
        li      $t0, ST_BEV
        mtc0    $t0, CP0_STATUS
        ehb
        la      $a0, str_tlb
        bal     puts
         nop
        bal     puthex
         move   $a0, $s1
        la      $a0, str_crlf
        bal     puts
         nop

/* ---- 5. Caches -------------------------------------------------------------------------- */
cache_init:
        la      $a0, lcd_cache
        bal     lcd_puts
         nop
        /* Cache tags are random after power-up. Writing a zero tag (valid = 0) with Index
         * Store Tag into every line of every way invalidates them without writing anything
         * back. The geometry comes from Config1: sets = 64 << S, line = 2 << L bytes (L = 0:
         * no cache), ways = A + 1. The 24Kc's reset value of ErrCtl leaves parity checks off,
         * so the data arrays need no initialising fill. We run uncached (kseg1) throughout. */
        mtc0    $zero, CP0_ITAGLO
        mtc0    $zero, CP0_DTAGLO
        mtc0    $zero, CP0_ITAGHI
        mtc0    $zero, CP0_DTAGHI
        ehb
        mfc0    $t9, CP0_CONFIG1

        /* Instruction cache: Config1 IS (24:22), IL (21:19), IA (18:16). */
        ext     $t1, $t9, 19, 3
        beqz    $t1, icache_done        /* no instruction cache */
         li     $s2, 0                  /* s2 = I-cache bytes */
        li      $t3, 2
        sllv    $t1, $t3, $t1           /* line size */
        ext     $t2, $t9, 22, 3
        li      $t3, 64
        sllv    $t2, $t3, $t2           /* sets */
        ext     $t3, $t9, 16, 3
        addiu   $t3, $t3, 1             /* ways */
        mul     $s2, $t1, $t2
        mul     $s2, $s2, $t3
        li      $t4, KSEG0              /* index operations use the address bits only */
        addu    $t5, $t4, $s2
1:      cache   INDEX_STORE_TAG_I, 0($t4)
        addu    $t4, $t4, $t1
        bne     $t4, $t5, 1b
         nop
icache_done:

        /* Data cache: Config1 DS (15:13), DL (12:10), DA (9:7). */
        ext     $t1, $t9, 10, 3
        beqz    $t1, dcache_done
         li     $s3, 0                  /* s3 = D-cache bytes */
        li      $t3, 2
        sllv    $t1, $t3, $t1
        ext     $t2, $t9, 13, 3
        li      $t3, 64
        sllv    $t2, $t3, $t2
        ext     $t3, $t9, 7, 3
        addiu   $t3, $t3, 1
        mul     $s3, $t1, $t2
        mul     $s3, $s3, $t3
        li      $t4, KSEG0
        addu    $t5, $t4, $s3
1:      cache   INDEX_STORE_TAG_D, 0($t4)
        addu    $t4, $t4, $t1
        bne     $t4, $t5, 1b
         nop
dcache_done:

        /* With every line invalid, kseg0 may become cacheable. */
        mfc0    $t0, CP0_CONFIG
        li      $t1, CONFIG_K0_CACHEABLE
        ins     $t0, $t1, 0, 3
        mtc0    $t0, CP0_CONFIG
        ehb
        la      $a0, str_icache
        bal     puts
         nop
        bal     puthex
         move   $a0, $s2
        la      $a0, str_dcache
        bal     puts
         nop
        bal     puthex
         move   $a0, $s3
        la      $a0, str_k0
        bal     puts
         nop

/* ---- 6. RAM size ------------------------------------------------------------------------ */
ram_size:
        la      $a0, lcd_ram
        bal     lcd_puts
         nop
        /* Test one word in each MiB through kseg1 (uncached: we want the memory, not the
         * cache): keep its value, write a pattern and its complement and read each back, put
         * the value back. The first MiB where that fails (nothing there: reads 0 or all ones)
         * or whose writes show up in MiB 0 (the address wrapped around) is the end of RAM.
         * Nothing is lost, so whatever kseg placed in RAM (kernel, initrd, the descriptor at
         * 0x1000) survives. At most 256 MiB: the rest of the Malta's RAM is above 2 GiB. */
#define RAM_TEST_OFFSET 0x7FFC          /* the word tested in each MiB (unused in MiB 0) */
        li      $t4, KSEG1 + RAM_TEST_OFFSET    /* that word in MiB 0: the wrap-around witness */
        lw      $t5, 0($t4)
        li      $t7, 0xA5C3E187         /* the pattern; t8 = its complement */
        nor     $t8, $t7, $zero
        li      $t3, LOW_RAM_MAX
        li      $s4, 0                  /* s4 = bytes found so far */
1:      addu    $t0, $t4, $s4           /* the test word of the MiB at s4 */
        lw      $t1, 0($t0)             /* keep the old value */
        sw      $t7, 0($t0)
        lw      $t6, 0($t0)
        bne     $t6, $t7, 2f
         nop
        sw      $t8, 0($t0)
        lw      $t6, 0($t0)
        bne     $t6, $t8, 2f
         nop
        beqz    $s4, 5f                 /* MiB 0 is its own witness */
         nop
        lw      $t6, 0($t4)
        bne     $t6, $t5, 2f            /* the witness changed: this MiB is MiB 0 again */
         nop
5:      sw      $t1, 0($t0)
        li      $t6, 0x100000
        addu    $s4, $s4, $t6
        bne     $s4, $t3, 1b
         nop
        b       3f
         nop
2:      sw      $t1, 0($t0)             /* put back what we may have written */
        sw      $t5, 0($t4)
3:      /* Stage 2 lives in the first MiB: without it there is nothing more to do. */
        bnez    $s4, 4f
         nop
        la      $a0, str_no_ram
        bal     puts
         nop
        b       halt
         nop
4:      la      $a0, str_ram
        bal     puts
         nop
        bal     puthex
         move   $a0, $s4
        la      $a0, str_crlf
        bal     puts
         nop

/* ---- 7. Stage 2 to RAM ------------------------------------------------------------------ */
stage2_copy:
        la      $a0, lcd_stage2
        bal     lcd_puts
         nop
        /* Stage 2 is linked to run in RAM (bootrom.ld: .text/.rodata/.data at 0x80010000) and
         * stored in the flash right after this code, so "relocating" it is one copy: the
         * linker already fixed every address for where it will run. The copy and the .bss
         * clearing go through kseg1, straight to memory: the caches are empty, so when stage
         * 2 runs cached from kseg0 its first fetches read what we wrote. */
        la      $t0, _stage2_load       /* flash (kseg1) */
        la      $t1, _stage2_start      /* run address (kseg0) */
        la      $t2, _stage2_end
        li      $t3, KSEG1 - KSEG0
        addu    $t1, $t1, $t3           /* its kseg1 alias */
        addu    $t2, $t2, $t3
1:      lw      $t4, 0($t0)
        addiu   $t0, $t0, 4
        sw      $t4, 0($t1)
        addiu   $t1, $t1, 4
        bne     $t1, $t2, 1b
         nop
        la      $t1, _bss_start
        la      $t2, _bss_end
        addu    $t1, $t1, $t3
        addu    $t2, $t2, $t3
        beq     $t1, $t2, 3f
         nop
2:      sw      $zero, 0($t1)
        addiu   $t1, $t1, 4
        bne     $t1, $t2, 2b
         nop
3:      la      $a0, str_stage2
        bal     puts
         nop
        la      $a0, _stage2_start
        bal     puthex
         nop
        la      $a0, str_crlf
        bal     puts
         nop

/* ---- 8. Into C -------------------------------------------------------------------------- */
enter_c:
        /* The stack grows down from the top of the boot ROM's RAM; the O32 calling convention
         * wants 16 bytes of argument space reserved by the caller. */
        la      $sp, _stack_top - 16
        move    $fp, $zero
        move    $ra, $zero              /* a clean end for gdb's backtrace */
        move    $a0, $s4                /* bootrom_main(ram_size) */
        la      $t9, bootrom_main
        jalr.hb $t9                     /* .hb: Config.K0 and the copied code are in effect */
         nop
        /* bootrom_main does not return; if it ever does, say so and stop. */
        la      $a0, str_returned
        bal     puts
         nop
        b       halt
         nop

/* ---- Exceptions ------------------------------------------------------------------------ */
/* A fault inside stage 2's safe accessors (lowlevel.S: safe_access_begin..end) is expected:
 * `md 0` must say "exception" and give the prompt back, not stop the board. Resume at
 * safe_access_fault, which returns -1 to the C caller; Cause and BadVAddr keep the details.
 * Only k0, k1 and at are used here: at is never live across a call into those accessors. */
exc_entry:
        .set    noat
        mfc0    $k0, CP0_EPC
        la      $at, safe_access_begin
        sltu    $at, $k0, $at
        bnez    $at, exc_report         /* EPC below the accessors */
         nop
        la      $at, safe_access_end
        sltu    $at, $k0, $at
        beqz    $at, exc_report         /* EPC above them */
         nop
        la      $k0, safe_access_fault
        mtc0    $k0, CP0_EPC
        ehb
        eret                            /* clears Status.EXL, continues at EPC */
        .set    at

/* An unexpected exception: print the CP0 state on the consoles and stop. Nothing here needs
 * RAM, so this works from the first instruction on. k1 = the vector offset. */
exc_report:
        move    $s6, $ra                /* the interrupted code's ra and sp, for the report */
        move    $s7, $sp
        la      $a0, lcd_exception
        bal     lcd_puts
         nop
        la      $a0, str_exc_vector
        bal     puts
         nop
        bal     puthex
         move   $a0, $k1
        la      $a0, str_exc_cause
        bal     puts
         nop
        mfc0    $s0, CP0_CAUSE
        bal     puthex
         move   $a0, $s0
        la      $a0, str_exc_code_open
        bal     puts
         nop
        ext     $t0, $s0, 2, 5          /* Cause.ExcCode */
        sll     $t0, $t0, 3             /* 8 bytes per name in exc_names */
        la      $a0, exc_names
        bal     puts
         addu   $a0, $a0, $t0
        la      $a0, str_exc_epc
        bal     puts
         nop
        mfc0    $a0, CP0_EPC
        bal     puthex
         nop
        la      $a0, str_exc_badvaddr
        bal     puts
         nop
        mfc0    $a0, CP0_BADVADDR
        bal     puthex
         nop
        la      $a0, str_exc_status
        bal     puts
         nop
        mfc0    $a0, CP0_STATUS
        bal     puthex
         nop
        la      $a0, str_exc_errorepc
        bal     puts
         nop
        mfc0    $a0, CP0_ERROREPC
        bal     puthex
         nop
        la      $a0, str_exc_ra
        bal     puts
         nop
        bal     puthex
         move   $a0, $s6
        la      $a0, str_exc_sp
        bal     puts
         nop
        bal     puthex
         move   $a0, $s7
        la      $a0, str_exc_stopped
        bal     puts
         nop
/* Stop for good. WAIT idles the CPU (interrupts are off, so it never returns on QEMU or
 * kseg; the branch is for cores where it does). A debugger can still look at everything. */
halt:
        wait
        b       halt
         nop

/* ---- Subroutines (no stack) ------------------------------------------------------------- */

/* uart_init(a0 = base, a1 = register shift, a2 = divisor): 8N1 at the divisor's speed,
 * FIFOs on and empty, DTR and RTS up, no interrupts. Clobbers t0. */
#define UART_WRITE(reg, value_reg) \
        li      $t0, reg; sllv $t0, $t0, $a1; addu $t0, $t0, $a0; sb value_reg, 0($t0)
uart_init:
        UART_WRITE(UART_IER, $zero)
        li      $t1, LCR_DLAB           /* DLAB = 1: offsets 0 and 1 are the divisor latch */
        UART_WRITE(UART_LCR, $t1)
        UART_WRITE(UART_DLL, $a2)
        UART_WRITE(UART_DLM, $zero)
        li      $t1, LCR_8N1            /* DLAB = 0 again, 8 data bits, no parity, 1 stop bit */
        UART_WRITE(UART_LCR, $t1)
        li      $t1, FCR_FIFO_RESET
        UART_WRITE(UART_FCR, $t1)
        li      $t1, MCR_DTR_RTS
        UART_WRITE(UART_MCR, $t1)
        jr      $ra
         nop

/* putc(a0 = character): to the CBUS UART, and to the SuperIO UART if it answers. Every wait
 * is bounded, so a missing or stuck UART slows us down instead of hanging the boot. The
 * SuperIO UART is only reachable once gt_init has run; before that (and on a board without
 * it) its scratch register does not give back what we write, and it is skipped. Clobbers
 * t6, t7, t8. */
#define THRE_TRIES 100000
#define CBUS_LSR   (UART_LSR << CBUS_UART_SHIFT)
putc:
        li      $t8, CBUS_UART
        li      $t7, THRE_TRIES
1:      lbu     $t6, CBUS_LSR($t8)
        andi    $t6, $t6, LSR_THRE
        bnez    $t6, 2f
         addiu  $t7, $t7, -1
        bnez    $t7, 1b
         nop
2:      sb      $a0, UART_THR($t8)
        li      $t8, SUPERIO_UART0
        li      $t6, 0x5A               /* is it there? */
        sb      $t6, UART_SCR($t8)
        lbu     $t7, UART_SCR($t8)
        bne     $t6, $t7, 4f
         nop
        li      $t7, THRE_TRIES
3:      lbu     $t6, UART_LSR($t8)
        andi    $t6, $t6, LSR_THRE
        bnez    $t6, 5f
         addiu  $t7, $t7, -1
        bnez    $t7, 3b
         nop
5:      sb      $a0, UART_THR($t8)
4:      jr      $ra
         nop

/* puts(a0 = NUL-terminated string). Clobbers a0, t6..t9, v1. */
puts:
        move    $v1, $ra
        move    $t9, $a0
1:      lbu     $a0, 0($t9)
        beqz    $a0, 2f
         nop
        bal     putc
         addiu  $t9, $t9, 1
        b       1b
         nop
2:      jr      $v1
         nop

/* puthex(a0 = value): "0x" and eight hex digits. Clobbers a0, t6..t9, v0, v1. */
puthex:
        move    $v1, $ra
        move    $t9, $a0
        bal     putc
         li     $a0, '0'
        bal     putc
         li     $a0, 'x'
        li      $v0, 8
1:      srl     $a0, $t9, 28
        sltiu   $t6, $a0, 10
        bnez    $t6, 2f
         addiu  $a0, $a0, '0'
        addiu   $a0, $a0, 'a' - '0' - 10
2:      bal     putc
         sll    $t9, $t9, 4
        addiu   $v0, $v0, -1
        bnez    $v0, 1b
         nop
        jr      $v1
         nop

/* lcd_puts(a0 = 8 characters): the FPGA's ASCII display, one register per position. Clobbers
 * a0, t6, t7, t8. */
lcd_puts:
        li      $t7, FPGA_ASCIIPOS0
        addiu   $t8, $t7, 8 * 8
1:      lbu     $t6, 0($a0)
        sw      $t6, 0($t7)
        addiu   $t7, $t7, 8
        bne     $t7, $t8, 1b
         addiu  $a0, $a0, 1
        jr      $ra
         nop

/* ---- Read-only data for stage 1 --------------------------------------------------------- */
        .balign 4
superio_config:                         /* (register, value) pairs for the FDC37M817 */
        .byte   SIO_LDN, 4              /* logical device 4: UART 1 = tty0 */
        .byte   SIO_BASE_HI, 0x03, SIO_BASE_LO, 0xF8
        .byte   SIO_UART_MODE, 0x02
        .byte   SIO_IRQ, 4
        .byte   SIO_ACTIVATE, 1
        .byte   SIO_LDN, 5              /* logical device 5: UART 2 = tty1 */
        .byte   SIO_BASE_HI, 0x02, SIO_BASE_LO, 0xF8
        .byte   SIO_UART_MODE, 0x02
        .byte   SIO_IRQ, 3
        .byte   SIO_ACTIVATE, 1
        .byte   0, 0

        .balign 8
exc_names:                              /* Cause.ExcCode -> name, 8 bytes each */
        .asciz  "Int    ", "Mod    ", "TLBL   ", "TLBS   ", "AdEL   ", "AdES   ", "IBE    "
        .asciz  "DBE    ", "Sys    ", "Bp     ", "RI     ", "CpU    ", "Ov     ", "Tr     "
        .asciz  "MSAFPE ", "FPE    ", "code16 ", "code17 ", "C2E    ", "TLBRI  ", "TLBXI  "
        .asciz  "MSADis ", "MDMX   ", "WATCH  ", "MCheck ", "Thread ", "DSPDis ", "GE     "
        .asciz  "code28 ", "code29 ", "CacheEr", "code31 "

lcd_reset:      .ascii  "RESET   "
lcd_tlb:        .ascii  "TLB     "
lcd_cache:      .ascii  "CACHES  "
lcd_ram:        .ascii  "RAM SIZE"
lcd_stage2:     .ascii  "STAGE 2 "
lcd_exception:  .ascii  "EXCEPTN "

str_banner:     .asciz  "\r\nkseg boot ROM, stage 1: running from flash at 0xbfc00000\r\n"
str_gt:         .asciz  "  gt64120: registers at 0x1be00000, PCI I/O at 0x18000000; UARTs 38400 8N1\r\n"
str_tlb:        .asciz  "  tlb: every entry invalid, each at its own kseg0 address; entries: "
str_icache:     .asciz  "  caches: I "
str_dcache:     .asciz  " bytes, D "
str_k0:         .asciz  " bytes, invalidated; kseg0 cacheable\r\n"
str_ram:        .asciz  "  ram: bytes at physical 0: "
str_stage2:     .asciz  "  stage 2: copied to RAM, entering C at "
str_no_ram:     .asciz  "  ram: none at physical 0; stopped\r\n"
str_bad_core:   .asciz  "\r\nkseg boot ROM: unsupported core card (only CoreLV with a GT-64120); revision "
str_returned:   .asciz  "\r\nkseg boot ROM: stage 2 returned; stopped\r\n"
str_exc_vector: .asciz  "\r\n*** boot ROM exception, vector 0xbfc00000 + "
str_exc_cause:  .asciz  "\r\n    Cause    "
str_exc_code_open: .asciz "  ExcCode "
str_exc_epc:    .asciz  "\r\n    EPC      "
str_exc_badvaddr: .asciz "\r\n    BadVAddr "
str_exc_status: .asciz  "\r\n    Status   "
str_exc_errorepc: .asciz "\r\n    ErrorEPC "
str_exc_ra:     .asciz  "\r\n    ra       "
str_exc_sp:     .asciz  "\r\n    sp       "
str_exc_stopped: .asciz "\r\n*** stopped\r\n"
str_crlf:       .asciz  "\r\n"
        .balign 16
