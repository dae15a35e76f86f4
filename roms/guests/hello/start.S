/* The hello guest's assembly: entry, exception vectors, and the instruction sequences the
 * tests need at known addresses.
 *
 * The guest runs as a MIPS32r2 kernel would, but at its real (relocated) addresses: every
 * address this file names (la, j) is real; its CP0 registers show architectural ones
 * (arch = real + 0x80000000 in kseg0). Entered at _start with Status = BEV | ERL and
 * a0 = the size of its RAM. */
#include "gstart.h"
#define C0_BADVADDR     $8
#define C0_COMPARE      $11
#define C0_ENTRYHI      $10
#define C0_CAUSE        $13
#define C0_EPC          $14
#define C0_PRID         $15
#define C0_STATUS       $12
#define ST_UM           0x10
#define ST_EXL          0x02

/* exc_rec (hello.c): what the last exception looked like. */
#define REC_COUNT       0
#define REC_VECTOR      4
#define REC_CAUSE       8
#define REC_EPC         12
#define REC_BADVADDR    16
#define REC_ENTRYHI     20
#define REC_WHEN        24              /* Count when an interrupt was taken */
#define C0_COUNT        $9

        .set    noreorder
        .set    noat

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16           /* the top of its RAM: kseg0 real = GPA */
        clear_bss
        jal     hello_main
         nop
3:      b       3b                      /* hello_main ends with the FPGA reset */
         nop

/* ---- Vectors (EBase = arch 0x80002000) ------------------------------------------------ */
        .section .text.vectors, "ax", @progbits
        .globl  guest_vectors
guest_vectors:
        .org    0x000                   /* TLB refill */
        b       record
         li     $k1, 0
        .org    0x180                   /* general exception */
        b       record
         li     $k1, 1
        .org    0x200                   /* interrupt with Cause.IV */
        b       record
         li     $k1, 2

/* Records the exception in exc_rec (k1 = which vector); every mfc0/mtc0 here traps to the
 * hypervisor, which must keep k0/k1 across them. An interrupt is acknowledged (Compare
 * rewritten: clears Cause.TI) and resumed where it struck; anything else resumes after
 * the instruction that raised it, or after the branch and its slot when that was in a
 * delay slot (only sys_in_slot does that, with a branch whose fall-through is wrong). An
 * exception from guest user mode ends enter_user: back to kernel mode at user_return. */
record:
        lui     $k0, %hi(exc_rec)
        addiu   $k0, $k0, %lo(exc_rec)
        sw      $k1, REC_VECTOR($k0)
        mfc0    $k1, C0_CAUSE
        sw      $k1, REC_CAUSE($k0)
        mfc0    $k1, C0_EPC
        sw      $k1, REC_EPC($k0)
        mfc0    $k1, C0_BADVADDR
        sw      $k1, REC_BADVADDR($k0)
        mfc0    $k1, C0_ENTRYHI
        sw      $k1, REC_ENTRYHI($k0)
        lw      $k1, REC_COUNT($k0)
        addiu   $k1, $k1, 1
        sw      $k1, REC_COUNT($k0)
        mfc0    $k1, C0_STATUS
        andi    $k1, $k1, ST_UM
        bnez    $k1, 4f                 /* from guest user mode: enter_user is done */
         nop
        lw      $k1, REC_CAUSE($k0)
        andi    $k1, $k1, 0x7C          /* ExcCode */
        bnez    $k1, 1f
         nop
        mfc0    $k1, C0_COUNT
        sw      $k1, REC_WHEN($k0)
        mfc0    $k1, C0_COMPARE         /* Int: acknowledge the timer */
        b       2f
         mtc0   $k1, C0_COMPARE
1:      mfc0    $k1, C0_CAUSE
        bltz    $k1, 3f                 /* Cause.BD: EPC is the branch */
         nop
        mfc0    $k1, C0_EPC
        addiu   $k1, $k1, 4
        mtc0    $k1, C0_EPC
2:      eret
3:      mfc0    $k1, C0_EPC             /* past the branch and its slot (sys_in_slot) */
        addiu   $k1, $k1, 8
        mtc0    $k1, C0_EPC
        eret
4:      mfc0    $k1, C0_STATUS          /* back to kernel mode, at user_return */
        ins     $k1, $zero, 4, 1        /* UM = 0 */
        mtc0    $k1, C0_STATUS
        la      $k1, user_return
        lui     $k0, 0x8000             /* its arch address: kseg0 */
        addu    $k1, $k1, $k0
        mtc0    $k1, C0_EPC
        eret

/* ---- Instruction sequences at known addresses ------------------------------------------ */
        .text

        .globl  do_syscall, sys_insn
do_syscall:
sys_insn:
        syscall
        jr      $ra
         nop

        .globl  do_break, break_insn
do_break:
break_insn:
        break   7
        jr      $ra
         nop

/* uint32_t probe_load(uint32_t addr): the lw is the first instruction. */
        .globl  probe_load
probe_load:
        lw      $v0, 0($a0)
        jr      $ra
         nop

/* A taken branch with a trapping mfc0 in its slot: PRId when resumed at the target. */
        .globl  ds_taken
ds_taken:
        li      $t0, 1
        bnez    $t0, 1f
         mfc0   $v0, C0_PRID
        li      $v0, 0                  /* the fall-through: wrong */
1:      jr      $ra
         nop

/* Not taken: the slot and the fall-through both run, PRId + 1. */
        .globl  ds_not_taken
ds_not_taken:
        li      $t0, 1
        beqz    $t0, 1f
         mfc0   $v0, C0_PRID
        addiu   $v0, $v0, 1
1:      jr      $ra
         nop

/* The slot overwrites the register the branch compared: the branch saw t0 = 0 (taken). */
        .globl  ds_clobber
ds_clobber:
        move    $t0, $zero
        beqz    $t0, 1f
         mfc0   $t0, C0_PRID
        li      $t0, 0
1:      jr      $ra
         move   $v0, $t0

/* A syscall in the slot of a taken branch: the exception shows EPC = the branch and
 * Cause.BD; the handler resumes at the branch + 8 (v0 = 1). */
        .globl  sys_in_slot, sys_slot_branch
sys_in_slot:
        move    $v0, $zero
sys_slot_branch:
        beqz    $zero, 1f
         syscall
        li      $v0, 1
1:      jr      $ra
         nop

/* An instruction MIPS32 does not have: LD (a MIPS64 load), RI. (Not SPECIAL function 5,
 * reserved in MIPS32r2 too, which QEMU runs as a no-op: its old PMON call.) */
        .globl  do_reserved, reserved_insn
do_reserved:
reserved_insn:
        .word   0xDC000000              /* ld $0, 0($0) */
        jr      $ra
         nop

/* Pure computation with many live registers for about `a0` iterations: the hypervisor's
 * ticks come and go in between; returns a checksum. */
        .globl  spin_sum
spin_sum:
        li      $t0, 1
        li      $t1, 2
        li      $t2, 3
        li      $t3, 5
        li      $v0, 0
1:      addu    $t0, $t0, $t1
        xor     $t1, $t1, $t2
        addu    $t2, $t2, $t3
        addiu   $t3, $t3, 7
        addu    $v0, $v0, $t0
        addiu   $a0, $a0, -1
        bnez    $a0, 1b
         xor    $v0, $v0, $t2
        jr      $ra
         nop

/* void enter_user(uint32_t arch_pc): runs guest user-mode code at arch_pc (kuseg, mapped by
 * the guest TLB) until its first exception, which the handler turns into a return here.
 * The user code may use only t0..t9, v0, v1. */
        .globl  enter_user
enter_user:
        la      $t0, user_ra
        sw      $ra, 0($t0)
        mtc0    $a0, C0_EPC
        mfc0    $t0, C0_STATUS
        ori     $t0, $t0, ST_UM | ST_EXL
        mtc0    $t0, C0_STATUS
        ehb
        eret
user_return:
        la      $t0, user_ra
        lw      $ra, 0($t0)
        jr      $ra
         nop

        .bss
        .balign 4
user_ra:
        .space  4
