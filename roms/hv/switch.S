/* The cooperative context switch.
 *
 * A thread that gives up the CPU by calling (hthread_yield, pause, sleep, exit) is in the
 * middle of a function call: the o32 ABI lets the callee clobber every register except
 * s0..s7, fp, gp and sp, so those and the return address are the whole of its state
 * (hthread_ctx_t, hthread.h). Resuming it is returning from that call.
 *
 *   void hthread_switch(hthread_ctx_t *save, const hthread_ctx_t *load)
 *        save the caller's context, load another that also called hthread_switch (or a new
 *        thread's, whose ra is its entry function), return into it
 *   void hthread_switch_frame(hthread_ctx_t *save, const hv_frame_t *frame)
 *        save the caller's context, then resume a thread the timer preempted, from the full
 *        frame the interrupt path kept for it (exception.S: exc_restore)
 *
 * Both run with interrupts masked (the caller's job): a tick between the save and the load
 * would preempt a thread that is half switched. */
#define CTX_S(n)        ((n) * 4)       /* s0..s7 */
#define CTX_FP          (8 * 4)
#define CTX_GP          (9 * 4)
#define CTX_SP          (10 * 4)
#define CTX_RA          (11 * 4)

        .set    noreorder
        .text

        .macro  save_ctx base
        .irp    n, 0, 1, 2, 3, 4, 5, 6, 7
        sw      $s\n, CTX_S(\n)(\base)
        .endr
        sw      $fp, CTX_FP(\base)
        sw      $gp, CTX_GP(\base)
        sw      $sp, CTX_SP(\base)
        sw      $ra, CTX_RA(\base)
        .endm

        .globl  hthread_switch
        .type   hthread_switch, @function
hthread_switch:
        save_ctx $a0
        .irp    n, 0, 1, 2, 3, 4, 5, 6, 7
        lw      $s\n, CTX_S(\n)($a1)
        .endr
        lw      $fp, CTX_FP($a1)
        lw      $gp, CTX_GP($a1)
        lw      $sp, CTX_SP($a1)
        lw      $ra, CTX_RA($a1)
        jr      $ra
         nop
        .size   hthread_switch, . - hthread_switch

        .globl  hthread_switch_frame
        .type   hthread_switch_frame, @function
hthread_switch_frame:
        save_ctx $a0
        j       exc_restore
         move   $a0, $a1
        .size   hthread_switch_frame, . - hthread_switch_frame
