/* The net guest's entry. Entered at _start (GPA 0x1000, kernel mode, Status = BEV | ERL)
 * with a0 = its RAM size, a1 = the guest table's mode, a2 = the arch address of its copy
 * of the hypervisor's command line (0: none). It takes no interrupt (main.c: WAIT with IE
 * clear); an exception is a bug or a missing device (a bus error from the card's window),
 * which net_fault reports before the guest ends. */
#include "gstart.h"
        .set    noreorder

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16           /* the top of its RAM: kseg0 real = GPA */
        clear_bss
        jal     net_main                /* a0-a2 as they came */
         nop
3:      b       3b                      /* net_main ends with the FPGA reset */
         nop

/* EBase (main.c sets it): every exception goes to net_fault(cause, epc, badvaddr), on the
 * stack it happened on. The TLB refill vector too: the guest maps nothing. */
        .section .text.vectors, "ax", @progbits
        .globl  net_vectors
net_vectors:
        .org    0x000
        b       fault
         nop
        .org    0x180
fault:  mfc0    $a0, $13                /* Cause */
        mfc0    $a1, $14                /* EPC */
        mfc0    $a2, $8                 /* BadVAddr */
        addiu   $sp, $sp, -64
        jal     net_fault
         nop
