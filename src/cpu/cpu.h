/* The MIPS32r2 CPU: architectural state and the interface the board and frontend use.
 *
 * One struct holds everything an instruction can see, hot fields first (GPRs, PC, the
 * software TLB pointers), CP0 next, big arrays (TLB, software TLB) last. */
#ifndef KSEG_CPU_H
#define KSEG_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "mmu/softtlb.h"
#include "mmu/tlb.h"

typedef struct bus bus_t;
typedef struct cpu cpu_t;
typedef struct code_page code_page_t;

/* The CPU clock the board runs at (QEMU's Malta: 320 MHz); Count ticks at half of it as on
 * a 24Kc. One executed instruction is one CPU cycle of virtual time. */
#define CPU_CLOCK_HZ 320000000u

/* Exception codes (Cause.ExcCode), MIPS32 Vol. III table 9.31. */
enum {
    EXC_INT = 0, EXC_MOD = 1, EXC_TLBL = 2, EXC_TLBS = 3, EXC_ADEL = 4, EXC_ADES = 5,
    EXC_IBE = 6, EXC_DBE = 7, EXC_SYS = 8, EXC_BP = 9, EXC_RI = 10, EXC_CPU = 11,
    EXC_OV = 12, EXC_TR = 13, EXC_WATCH = 23, EXC_MCHECK = 24,
    /* Not Cause codes: pseudo-exceptions the CPU loop handles the same way. */
    EXC_TLBL_REFILL = 0x100 | EXC_TLBL, /* a TLB miss: may use the refill vector */
    EXC_TLBS_REFILL = 0x100 | EXC_TLBS,
    EXC_DEBUG_BP = 0x200,               /* SDBBP: debug exception */
};

/* Status register bits. */
#define ST_IE   (1u << 0)
#define ST_EXL  (1u << 1)
#define ST_ERL  (1u << 2)
#define ST_KSU  (3u << 3)
#define ST_UM   (1u << 4)
#define ST_IM   (0xFFu << 8)
#define ST_NMI  (1u << 19)
#define ST_SR   (1u << 20)
#define ST_BEV  (1u << 22)
#define ST_CU0  (1u << 28)
/* Cause register bits. */
#define CAUSE_IP_SHIFT 8
#define CAUSE_IV  (1u << 23)
#define CAUSE_DC  (1u << 27)
#define CAUSE_TI  (1u << 30)
#define CAUSE_BD  (1u << 31)

/* The whole CP0 register file we model (24Kc as QEMU presents it). Registers whose value is
 * derived from time (Count, Random) are computed on read from the instruction counter. */
typedef struct cp0 {
    uint32_t status, cause, epc, error_epc;
    uint32_t index, entrylo0, entrylo1, context, pagemask, wired, hwrena, badvaddr;
    uint32_t entryhi, compare, intctl, ebase, config0, config7;
    uint32_t watchlo[8], watchhi[8];
    uint32_t errctl, taglo, datalo, desave, debug, depc;
    uint32_t count_offset;   /* Count = count_offset + icount / 2 (while Cause.DC is clear) */
    uint32_t count_frozen;   /* Count's value while Cause.DC stops it */
    uint64_t random_base;    /* icount when Wired was last written: Random counts down from 15 */
    uint32_t lladdr;         /* physical address of the last LL */
    bool llbit;
} cp0_t;

/* Privilege modes; each has its own software TLB so that exceptions and ERET need no flush. */
enum cpu_mode { MODE_KERNEL, MODE_KERNEL_ERL, MODE_SUPERVISOR, MODE_USER, MODE_COUNT };

#define CPU_STAT_EXCEPTIONS 35
/* Replaced TLB entries whose translations stay (cp0.c): QEMU keeps up to 112. Enough for
 * busybox gzip's tables; each costs a compare on every TLB write. */
#define TLB_SHADOWS 48

/* Debugger state: breakpoints on virtual PCs, watchpoints on virtual data addresses, and
 * why the CPU last stopped for the debugger. While any is set, the run loop used is the
 * debug one, and watched pages never enter the software TLB (so every access to them takes
 * the slow path, which checks the watchpoints). */
#define CPU_MAX_BREAKPOINTS 64
#define CPU_MAX_WATCHPOINTS 16
enum cpu_watch_kind { WATCH_WRITE = 1, WATCH_READ = 2, WATCH_ACCESS = 3 };
enum cpu_stop { STOP_NONE, STOP_BREAKPOINT, STOP_WATCHPOINT };

typedef struct cpu_debug {
    uint32_t breakpoints[CPU_MAX_BREAKPOINTS];
    int breakpoint_count;
    struct { uint32_t addr, len; enum cpu_watch_kind kind; } watchpoints[CPU_MAX_WATCHPOINTS];
    int watchpoint_count;
    bool resume_over_breakpoint;  /* the next instruction starts at a breakpoint: run it */
    enum cpu_stop stop;           /* set when the loop stopped for the debugger */
    uint32_t stop_addr;           /* the data address that hit a watchpoint */
    enum cpu_watch_kind stop_kind;
} cpu_debug_t;

/* Interrupt lines into the CPU: hardware interrupts 0..5 are Cause.IP2..IP7. */
#define CPU_HW_IRQS 6

/* The execution tier that runs guest code (-accel, issue 10). The interpreter is the
 * reference every faster tier must match exactly: same registers, memory, PC, delay-slot
 * state and icount (so Count and the instruction an interrupt is taken at) after every
 * block. */
typedef enum cpu_accel {
    CPU_ACCEL_INTERP,        /* one decoded instruction at a time */
    CPU_ACCEL_CACHED,        /* tier 1: decoded blocks, chained */
    CPU_ACCEL_JIT,           /* tier 2: x86-64 code for hot blocks (else tier 1) */
} cpu_accel_t;
enum { JIT_EXIT_JUMP, JIT_EXIT_STATE };
/* Tier 2 compiles a run the time it is entered this often (cpu->jit_hot). */
#define CPU_JIT_HOT_DEFAULT 8u
/* Blocks tier 2 compiled as loops that keep the guest registers in host registers from
 * one turn to the next (jit.c), counted for the tests. */
extern uint64_t jit_loop_blocks;

struct cpu {
    uint32_t gpr[33];        /* gpr[32] is a sink: decoding points writes of $zero at it */
    uint32_t pc;             /* address of the instruction executing now (or next) */
    uint32_t hi, lo;
    /* Control state between instructions, shared by every executor and the debugger:
     * CTL_DELAY_SLOT: the instruction at pc is a delay slot; afterwards go to `target`.
     * CTL_JUMP: an exception, ERET or DERET just redirected control to `target`.
     * (Inside the run loop a branch keeps this state in locals; see interp.c.) */
    enum { CTL_NONE, CTL_DELAY_SLOT, CTL_JUMP } ctl;
    uint32_t target;
    bool in_delay_slot;      /* the instruction at pc sits in a branch delay slot */

    uint64_t icount;         /* instructions retired since power-on: the virtual clock */
    uint64_t deadline;       /* cpu_run returns when icount reaches this */

    /* Software TLB of the current mode (points into softtlb[]), and the code page the
     * fetch loop is on. */
    softtlb_set_t *stlb;
    uint32_t code_vpage;      /* virtual page of code_page, or CODE_VPAGE_NONE */
    code_page_t *code_page;

    cp0_t cp0;
    enum cpu_mode mode;
    uint8_t hw_irq_lines;     /* levels of hardware interrupts 0..5 */
    bool waiting;             /* stopped in WAIT until an interrupt is pending */
    bool halted;              /* the board asked the loop to stop (reset, quit) */
    bool slice_cut;           /* cpu_run returns now: a device event is due (cpu_cut_slice) */
    uint64_t timer_icount;    /* icount at which Count reaches Compare next */

    bus_t *bus;
    uint32_t log_once_mask;   /* unimplemented features already reported */
    cpu_accel_t accel;        /* the tier (set before the first cpu_run) */
    uint8_t jit_hot;          /* tier 2 compiles a run the time it is entered this often */
    /* How native code (tier 2, jit.c) last stopped: JIT_EXIT_JUMP, go on at `pc` (`site`:
     * the exit's jump, to point at pc's native code, when pc is on the block's page), or
     * JIT_EXIT_STATE, go on from the state in this struct (pc, ctl, icount: a step in
     * native code changed the flow). */
    struct { uint32_t kind, pc; uint8_t *site; } jit_exit;
    uint64_t jit_end;         /* the icount native code's budget counts down to */
    bool debug_active;        /* breakpoints or watchpoints set: run the debug loop */
    bool hold_interrupts;     /* the debugger is single-stepping: take no interrupt */
    cpu_debug_t dbg;

    tlb_entry_t tlb[TLB_ENTRIES];
    softtlb_set_t softtlb[MODE_COUNT];
    /* The software-TLB tables (SOFTTLB_LANE bits) that may hold translations made through
     * each TLB entry, so that writing the entry touches only those; and the entry the last
     * mmu_translate went through (-1: an unmapped segment). */
    uint16_t tlb_filled[TLB_ENTRIES];
    int tlb_last;
    /* Entries TLBWR replaced whose translations the software TLB keeps (cp0.c). */
    struct tlb_shadow { tlb_entry_t entry; uint16_t lanes; } tlb_shadow[TLB_SHADOWS];
    unsigned tlb_shadows;       /* in use: tlb_shadow[0 .. tlb_shadows) */
    unsigned tlb_shadow_victim; /* the next one to go when all are in use */

    /* Counts for -stats: exceptions by ExcCode (refills apart: cpu_stat_exception_index)
     * and TLB writes. */
    struct {
        uint64_t exceptions[CPU_STAT_EXCEPTIONS];
        uint64_t tlb_writes;
    } stats;
};

/* -stats' exception slots: ExcCode 0..31, then 32 and 33 for TLBL and TLBS refills, 34 for
 * debug exceptions. */
static inline unsigned cpu_stat_exception_index(int code)
{
    if (code == EXC_DEBUG_BP)
        return 34;
    if (code & 0x100)
        return 32 + ((code & 0x1F) == EXC_TLBS);
    return (unsigned)code & 0x1F;
}

#define SOFTTLB_ALL_LANES ((1u << (MODE_COUNT * SOFTTLB_TABLES)) - 1)
_Static_assert(MODE_COUNT * SOFTTLB_TABLES <= 16, "cpu_t.tlb_filled holds a bit per table");

/* Never equal to (address & 0xFFFFF003): forces a fetch lookup. */
#define CODE_VPAGE_NONE 4u

void cpu_init(cpu_t *cpu, bus_t *bus);
/* Cold reset: PC at the reset vector, Status = BEV|ERL, CP0 to reset values. */
void cpu_reset(cpu_t *cpu);
/* Runs until icount reaches `until`, the CPU waits in WAIT with nothing pending, the
 * board halts it, or cpu_cut_slice ends the slice. Takes pending interrupts and timer
 * events on the way. */
void cpu_run(cpu_t *cpu, uint64_t until);
/* Level of a hardware interrupt line (0..5 = Cause.IP2..IP7). */
void cpu_set_irq(cpu_t *cpu, int line, bool level);
/* Brings Count/Compare and pending interrupts up to date; called between slices. */
void cpu_update_timer(cpu_t *cpu);
/* The icount of the next CPU-internal event (the timer), for the main loop. */
uint64_t cpu_next_event(const cpu_t *cpu);
/* Makes the executor return to cpu_run after the current instruction (cpu_run then
 * re-checks interrupts and goes on until its `until`). */
static inline void cpu_exit_loop(cpu_t *cpu) { cpu->deadline = cpu->icount; }
/* After a change of Status, Cause, EXL or ERL: makes the executor return to cpu_run when
 * an interrupt can now be taken (cpu_run takes it before the next instruction). */
void cpu_interrupts_changed(cpu_t *cpu);
/* Makes cpu_run itself return after the current instruction, before its `until`: a device
 * timer was armed for sooner than the slice the main loop gave the CPU (devices/vclock.h). */
static inline void cpu_cut_slice(cpu_t *cpu)
{
    cpu->slice_cut = true;
    cpu_exit_loop(cpu);
}

/* Host-side writes to guest physical memory (loaders, debugger) call this so no stale
 * decoded instruction survives. */
void cpu_invalidate_code(cpu_t *cpu, uint32_t paddr, uint32_t len);

/* Reads guest virtual memory for a debugger or tracer without side effects: no exception,
 * no TLB state change. Returns false when the address does not translate. */
bool cpu_debug_read(cpu_t *cpu, uint32_t vaddr, void *buf, uint32_t len);

/* Writes guest virtual memory for a debugger: RAM and ROM backing only, no side effects
 * beyond dropping stale decoded code. */
bool cpu_debug_write(cpu_t *cpu, uint32_t vaddr, const void *buf, uint32_t len);
/* Breakpoints and watchpoints (virtual addresses); false when the table is full or the
 * point is not there. */
bool cpu_breakpoint_insert(cpu_t *cpu, uint32_t pc);
bool cpu_breakpoint_remove(cpu_t *cpu, uint32_t pc);
bool cpu_watchpoint_insert(cpu_t *cpu, uint32_t addr, uint32_t len, enum cpu_watch_kind kind);
bool cpu_watchpoint_remove(cpu_t *cpu, uint32_t addr, uint32_t len, enum cpu_watch_kind kind);
void cpu_debug_clear(cpu_t *cpu);
/* Called by the slow memory paths after an access: stops the loop on a watchpoint. */
void cpu_check_watchpoints(cpu_t *cpu, uint32_t vaddr, unsigned size, bool write);
/* True when some watchpoint covers part of the 4 KiB page at vpage. */
bool cpu_page_watched(const cpu_t *cpu, uint32_t vpage);

/* CP0 access by register number and select (MFC0/MTC0 semantics); used by the interpreter,
 * the tracer and later the gdb stub. */
uint32_t cp0_read(cpu_t *cpu, unsigned reg, unsigned sel);
void cp0_write(cpu_t *cpu, unsigned reg, unsigned sel, uint32_t value);
uint32_t cp0_count(const cpu_t *cpu);
/* How MFC0 reads and MTC0 writes a register, for tier 2 (which does the plain ones in line):
 * CP0_FIELD, a uint32_t of cpu_t at `offset`, written as (old & ~write_mask) | (v &
 * write_mask) with no other effect (write_mask 0: the write has effects, or none at all);
 * CP0_CONST, reads `value`, writes are ignored; CP0_OTHER, only cp0_read/cp0_write do it.
 * (Agrees with cp0_read and cp0_write: tests/unit/test_cp0.c.) */
typedef struct cp0_access {
    enum { CP0_OTHER, CP0_FIELD, CP0_CONST } kind;
    uint32_t offset, value, write_mask;
} cp0_access_t;
cp0_access_t cp0_describe(unsigned reg, unsigned sel);
uint32_t cp0_random(const cpu_t *cpu);

/* Raises exception `code` for the instruction at cpu->pc (badvaddr used by address and TLB
 * exceptions); the next instruction executed is the vector's first. */
void cpu_exception(cpu_t *cpu, int code, uint32_t badvaddr);
/* Coprocessor Unusable for coprocessor `cop`. */
void cpu_exception_cpu(cpu_t *cpu, int cop);
/* Reports an unimplemented feature once (with the guest PC) and raises Reserved Instruction. */
void cpu_unimplemented(cpu_t *cpu, unsigned feature_bit, const char *what);

/* Re-derives the mode and software-TLB set after a Status change. */
void cpu_mode_changed(cpu_t *cpu);
/* Drops every cached translation (TLB write, ASID change). */
void cpu_flush_translations(cpu_t *cpu);

#endif
