/* cp0: reset/identification values of the 24Kc CP0, writable-bit masks of Status, Cause,
   Config0 (K0), EBase, EntryHi, PageMask, EntryLo, Context, Wired, HWREna; read-only
   registers; software interrupts IP0/IP1; an unimplemented register reading 0. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(cp0)

#define SW_COUNT    0
#define SW_CAUSE    4
#define SW_EPC      8

        /* write val to CP0 reg/sel, read it back into $t0 */
        .macro wrrd reg, sel, val:vararg
        li      $t0, \val
        mtc0    $t0, \reg, \sel
        ehb
        mfc0    $t0, \reg, \sel
        .endm

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra

/* ---- Identification and configuration (QEMU 24Kc; see malta.md section 13). */
        mfc0    $t0, $15, 0
        CHECK_EQ($t0, 0x00019300)               /* PRId: MIPS, 24K */
        mfc0    $t0, $16, 0
        CHECK_EQ($t0, 0x80000482)               /* Config: M, AR = 1 (R2), MT = TLB, K0 = 2 */
        mfc0    $s6, $16, 1
        srl     $t0, $s6, 1                     /* Config1 minus FP, which is 0 on the */
        sll     $t0, $t0, 1                     /* 24Kc and 1 on the 24Kf (QEMU's default) */
        CHECK_EQ($t0, 0x9e190c8e)               /* M, 16 TLB entries, 2 KiB 2-way I$/D$, WR, CA, EP */
        mfc0    $t0, $16, 2
        CHECK_EQ($t0, 0x80000000)               /* Config2: M only */
        mfc0    $t0, $16, 3
        CHECK_EQ($t0, 0)                        /* Config3: no VInt/VEIC/ULRI..., M = 0 */
        mfc0    $t0, $16, 7
        CHECK_EQ($t0, 0)                        /* Config7 */
        mfc0    $t0, $12, 1
        CHECK_EQ($t0, 0xe0000000)               /* IntCtl: IPTI = IPPCI = 7, VS = 0 */
        mfc0    $t0, $12, 2
        CHECK_EQ($t0, 0)                        /* SRSCtl: one register set */
        mfc0    $t0, $15, 1
        CHECK_EQ($t0, 0x80000000)               /* EBase at reset, CPUNum 0 */
        mfc0    $t0, $6
        CHECK_EQ($t0, 0)                        /* Wired at reset */
        mfc0    $t0, $7
        CHECK_EQ($t0, 0)                        /* HWREna at reset */

/* ---- Read-only registers ignore MTC0. */
        wrrd    $15, 0, 0
        CHECK_EQ($t0, 0x00019300)
        wrrd    $16, 1, 0
        CHECK_EQR($t0, $s6)
        wrrd    $16, 2, 0xffffffff
        CHECK_EQ($t0, 0x80000000)
        wrrd    $16, 3, 0xffffffff
        CHECK_EQ($t0, 0)
        mfc0    $t1, $8
        wrrd    $8, 0, 0x12345678               /* BadVAddr */
        CHECK_EQR($t0, $t1)

/* ---- Config0: only K0 (bits 2:0) is writable. */
        wrrd    $16, 0, 0xfffffffb
        CHECK_EQ($t0, 0x80000483)
        wrrd    $16, 0, 0x00000002
        CHECK_EQ($t0, 0x80000482)

/* ---- Status: CU0, RE, BEV, IM7..0, KSU, ERL, EXL, IE are writable; CU3/CU2, MX, PX,
        KX/SX/UX and bits 17:16 read 0; CU1 and FR only exist with an FPU.  (RP, TS, SR
        and NMI are left out: QEMU lets software set TS/SR/NMI and not RP.)  All ones
        is safe here: EXL/ERL = 1 keep interrupts off and the code runs in kseg1. */
        wrrd    $12, 0, 0xffffffff
        move    $t1, $t0
        wrrd    $12, 0, HARNESS_STATUS
        li      $t2, 0xd3c7ffff
        and     $t1, $t1, $t2
        CHECK_EQ($t1, 0x1240ff1f)
        li      $t0, 0x24000000|HARNESS_STATUS  /* CU1 | FR */
        mtc0    $t0, $12
        ehb
        mfc0    $t1, $12
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        andi    $t2, $s6, 1
        bnez    $t2, 1f                         /* FPU present: both may stick */
        nop
        CHECK_EQ($t1, HARNESS_STATUS)           /* no FPU: neither sticks */
1:
        wrrd    $12, 0, 0
        CHECK_EQ($t0, 0)
        wrrd    $12, 0, HARNESS_STATUS
        CHECK_EQ($t0, HARNESS_STATUS)

/* ---- Cause: writable bits are IV (23), IP1..IP0 (9:8) and, in Release 2, DC (27);
        BD, CE, ExcCode do not change.  WP (22) is not written: setting it by software
        is UNPREDICTABLE.  IP7..IP2 and TI follow hardware, so they are ignored. */
        mtc0    $zero, $13
        ehb
        mfc0    $t1, $13
        wrrd    $13, 0, 0xffbfffff
        mtc0    $zero, $13
        ehb
        mfc0    $t2, $13
        li      $t3, 0x08c00300
        and     $t4, $t0, $t3
        CHECK_EQ($t4, 0x08800300)
        and     $t4, $t2, $t3
        CHECK_EQ($t4, 0)
        xor     $t4, $t0, $t1
        li      $t3, 0xb000007c
        and     $t4, $t4, $t3
        CHECK_EQ($t4, 0)

/* ---- EBase: bits 29:12 writable, 31:30 read 1 then 0, CPUNum (9:0) 0. */
        wrrd    $15, 1, 0xffffffff
        CHECK_EQ($t0, 0xbffff000)
        wrrd    $15, 1, 0
        CHECK_EQ($t0, 0x80000000)
        wrrd    $15, 1, 0x80123456
        CHECK_EQ($t0, 0x80123000)
        wrrd    $15, 1, 0x80000000
        CHECK_EQ($t0, 0x80000000)

/* ---- TLB registers. */
        wrrd    $10, 0, 0xffffffff              /* EntryHi: VPN2 31:13, ASID 7:0 */
        CHECK_EQ($t0, 0xffffe0ff)
        wrrd    $10, 0, 0
        CHECK_EQ($t0, 0)
        wrrd    $5, 0, 0xffffffff               /* PageMask: Mask 28:13 (4 KiB..256 MiB) */
        CHECK_EQ($t0, 0x1fffe000)
        wrrd    $5, 0, 0x00006000               /* 16 KiB */
        CHECK_EQ($t0, 0x00006000)
        wrrd    $5, 0, 0x0001e000               /* 64 KiB */
        CHECK_EQ($t0, 0x0001e000)
        wrrd    $5, 0, 0
        CHECK_EQ($t0, 0)
        wrrd    $2, 0, 0xffffffff               /* EntryLo0: PFN 25:6 (32-bit PA), C, D, V, G */
        CHECK_EQ($t0, 0x03ffffff)
        wrrd    $3, 0, 0xffffffff
        CHECK_EQ($t0, 0x03ffffff)
        wrrd    $2, 0, 0
        CHECK_EQ($t0, 0)
        wrrd    $3, 0, 0
        CHECK_EQ($t0, 0)
        mfc0    $t1, $4                         /* Context: PTEBase 31:23 writable, */
        li      $t2, 0x007ffff0                 /* BadVPN2 22:4 read-only, 3:0 zero */
        and     $t1, $t1, $t2
        wrrd    $4, 0, 0xffffffff
        li      $t2, 0xff800000
        or      $t2, $t2, $t1
        CHECK_EQR($t0, $t2)
        wrrd    $4, 0, 0
        CHECK_EQR($t0, $t1)
        wrrd    $6, 0, 5                        /* Wired */
        CHECK_EQ($t0, 5)
        wrrd    $6, 0, 0
        CHECK_EQ($t0, 0)
        wrrd    $0, 0, 3                        /* Index (P is read-only) */
        andi    $t0, $t0, 0xf
        CHECK_EQ($t0, 3)

/* ---- HWREna: bits 3:0 (CPUNum, SYNCI_Step, CC, CCRes) only; no ULRI so no bit 29. */
        wrrd    $7, 0, 0xffffffff
        CHECK_EQ($t0, 0x0000000f)
        wrrd    $7, 0, 0
        CHECK_EQ($t0, 0)

/* ---- Plain read/write registers. */
        wrrd    $14, 0, 0x12345678              /* EPC */
        CHECK_EQ($t0, 0x12345678)
        wrrd    $30, 0, 0x87654321              /* ErrorEPC */
        CHECK_EQ($t0, 0x87654321)
        wrrd    $11, 0, 0xfedcba98              /* Compare */
        CHECK_EQ($t0, 0xfedcba98)
        mfc0    $t0, $9
        addiu   $t0, $t0, -1
        mtc0    $t0, $11

/* ---- An unimplemented register (22, select 0) reads 0.  (QEMU returns 0xffffffff
        instead for missing selects of some implemented registers, e.g. 4/2 UserLocal
        without ULRI or 8/1 BadInstr; the manual leaves those UNDEFINED.) */
        mfc0    $t0, $22, 0
        CHECK_EQ($t0, 0)

/* ---- Software interrupts: Cause.IP0/IP1 written by MTC0 raise an interrupt
        (ExcCode 0) when Status.IMn and IE are set; not when masked. */
        SET_EXC_HANDLER(swint_handler)
        la      $s0, sw_rec
        sw      $zero, SW_COUNT($s0)
        li      $t0, HARNESS_STATUS|ST_IM0|ST_IE
        mtc0    $t0, $12
        ehb
        li      $t0, CAUSE_IP0
sw0:    mtc0    $t0, $13
        ehb
        nop
        lw      $t0, SW_COUNT($s0)
        CHECK_EQ($t0, 1)
        lw      $t0, SW_CAUSE($s0)
        li      $t1, CAUSE_BD|CAUSE_IP1|CAUSE_IP0|CAUSE_EXC_MASK
        and     $t0, $t0, $t1
        CHECK_EQ($t0, CAUSE_IP0|EXC_INT)
        lw      $t0, SW_EPC($s0)                /* taken right after the MTC0 (by the */
        la      $t1, sw0 + 4                    /* instruction after the EHB at the latest) */
        subu    $t0, $t0, $t1
        sltiu   $t0, $t0, 9
        CHECK_EQ($t0, 1)

        sw      $zero, SW_COUNT($s0)
        li      $t0, HARNESS_STATUS|ST_IM1|ST_IE
        mtc0    $t0, $12
        ehb
        li      $t0, CAUSE_IP1
        mtc0    $t0, $13
        ehb
        nop
        lw      $t0, SW_COUNT($s0)
        CHECK_EQ($t0, 1)
        lw      $t0, SW_CAUSE($s0)
        li      $t1, CAUSE_BD|CAUSE_IP1|CAUSE_IP0|CAUSE_EXC_MASK
        and     $t0, $t0, $t1
        CHECK_EQ($t0, CAUSE_IP1|EXC_INT)

        sw      $zero, SW_COUNT($s0)            /* IP0 pending, IM0 = 0: nothing */
        li      $t0, CAUSE_IP0
        mtc0    $t0, $13
        ehb
        nop
        nop
        mfc0    $t0, $13
        andi    $t0, $t0, CAUSE_IP1|CAUSE_IP0
        CHECK_EQ($t0, CAUSE_IP0)
        li      $t0, HARNESS_STATUS|ST_IM0      /* IM0 = 1, IE = 0: nothing */
        mtc0    $t0, $12
        ehb
        nop
        nop
        lw      $t0, SW_COUNT($s0)
        CHECK_EQ($t0, 0)
        mtc0    $zero, $13
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb

        CLEAR_HANDLERS()
        jr      $s7
        nop

/* Records the interrupt and clears IP1/IP0 (the whole of Cause's writable part). */
swint_handler:
        lui     $k0, %hi(sw_rec)
        addiu   $k0, $k0, %lo(sw_rec)
        lw      $k1, SW_COUNT($k0)
        addiu   $k1, $k1, 1
        sw      $k1, SW_COUNT($k0)
        mfc0    $k1, $13
        sw      $k1, SW_CAUSE($k0)
        mfc0    $k1, $14
        sw      $k1, SW_EPC($k0)
        mtc0    $zero, $13
        ehb
        eret

        .bss
        .balign 16
sw_rec: .space  16
