/* Tier 2: runs of decoded MIPS code compiled to x86-64 (jit.h).
 *
 * Design note.
 *
 * What a block is. The cached tier's run from one entry to its end (codecache.h): straight
 * code, then a branch and its delay slot, or a cut. run_cached enters native code where it
 * would enter the run, after the same checks, so everything around a block (the budget,
 * Count, interrupts between blocks, the delay-slot and stepping cases) is tier 1's, and
 * the two tiers retire the same instructions in the same order by construction.
 *
 * Native state. While native code runs: RBX = the cpu_t (the guest registers are its first
 * field, so guest register n is [RBX + 4n]), R14 = `left`, the instruction budget as in
 * run_cached, R15 = the current mode's software TLB, R12 = a branch's outcome or target
 * while its delay slot runs. RAX, RCX, RDX are scratch. Inside a block, guest registers
 * are kept in the eight other host registers (RSI, RDI, R8-R11, RBP, R13), loaded on first
 * use and written back when their register is needed for another and on every way out
 * ("Guest registers" below), so between blocks memory holds them all.
 *
 * Nothing is half done. Whatever native code cannot finish inline (a software-TLB miss, so
 * MMIO, unmapped pages, stores to pages holding code; an overflow or trap; any instruction
 * the translator does not know, most CP0 work among them) is stepped: the interpreter runs
 * that one instruction from the state native code stores first ("Steps" below), so every
 * exception is raised by the interpreter at exactly the state it would have itself; native
 * code goes on after it unless the flow changed, when run_cached resumes from the state.
 * Plain CP0 moves (cp0_describe), DI, TLBWR, TLBWI and ERET, common in exception
 * handlers, are done in line or by small helpers.
 *
 * Budget. Each block starts with `left -= run; if (left < 0) leave`, the check run_cached
 * makes before entering a run; a block that cannot start returns with its PC, and
 * run_cached then steps as tier 1 does. A branch-likely not taken refunds its delay slot.
 *
 * Chaining. A block's exit to a PC on the same page is a `jmp` that first goes to a stub
 * returning to run_cached with the exit's address (cpu->jit_exit.site); when the target
 * has code, run_cached points the jump at it (jit_link), so hot loops run from block to
 * block with no return. Only same-page exits are linked: the page's virtual-to-physical
 * mapping is the one the block was entered under, and stays so until code returns to C
 * (TLB writes, mode and ASID changes happen only in calls). Exits to other pages, and
 * jumps through registers, go through a lookup in native code (emit_lookup: the fetch
 * software TLB of the current mode, then the target page's table of native code, the
 * steps run_cached would take) and back to run_cached only when that finds nothing.
 *
 * Lifetime. Code goes into one buffer, block after block. A page's native code is dropped
 * whole when any of its words changes (code_page_invalidate) or the page is freed: blocks
 * of a page only jump into blocks of the same page, so nothing else points at it. When the
 * buffer is full, all code is dropped at once (jit_generation). */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/internal.h"
#include "cpu/jit.h"
#include "cpu/mem.h"
#include "cpu/trace.h"
#include "cpu/x86emit.h"
#include "frontend/log.h"

uint8_t *jit_buffer;
uint64_t jit_generation = 1;
uint64_t jit_loop_blocks;

void jit_page_drop(code_page_t *page)
{
    free(page->jit);
    page->jit = NULL;
}

static FILE *perfmap;

void jit_perfmap_open(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
    perfmap = fopen(path, "w");
    if (!perfmap)
        fprintf(stderr, "kseg: -perfmap: cannot write %s\n", path);
}

void jit_link(uint8_t *site, const uint8_t *code)
{
    x86_patch(site, code);
}

#if defined(__x86_64__)

/* The buffer: address space only; the host commits the pages code is written to. */
#define JIT_BUFFER_SIZE     (32u << 20)
/* Room a block may need at most: 65 instructions of at most ~120 bytes each, with a step
 * stub each (~250 bytes with its write-backs and reloads) and the exits. */
#define JIT_BLOCK_MAX       (32u << 10)

static uint8_t *buffer_end, *free_at;   /* the buffer, and where the next block goes */
static bool init_done, init_ok;

typedef int64_t (*jit_enter_fn)(cpu_t *cpu, const uint8_t *code, int64_t left);
static jit_enter_fn enter;
static const uint8_t *exit_jump;       /* RAX = the site or 0; cpu->jit_exit.pc set */
static const uint8_t *exit_state;      /* the state is in cpu_t (a step said to leave) */
/* Called with EAX = the guest PC to go on at: returns in RDI where to jump (emit_lookup). */
static const uint8_t *lookup;
static uint8_t *code_start;            /* after the shared code */

#define CPU_FIELD(f) x86_mem(X_RBX, X_NONE, (int32_t)offsetof(cpu_t, f))
#define GPR(n) x86_mem(X_RBX, X_NONE, 4 * (int32_t)(n))

_Static_assert(offsetof(cpu_t, gpr) == 0, "guest registers at RBX + 4n");

/* The software-TLB slot of EAX in table `table` of the set at R15: RCX = its offset, and
 * compares its tag with EAX's page and alignment bits (`low`). */
static void emit_tlb_probe(x86_buf_t *b, int32_t table, uint32_t low)
{
    x86_mov_rr(b, false, X_RCX, X_RAX);
    x86_shift_ri(b, X_SHR, false, X_RCX, SOFTTLB_OFFSET_SHIFT);   /* softtlb_offset */
    x86_alu_ri(b, X_AND, false, X_RCX, SOFTTLB_OFFSET_MASK);
    x86_mov_rr(b, false, X_RDX, X_RAX);
    x86_alu_ri(b, X_AND, false, X_RDX, (int32_t)(0xFFFFF000u | low));
    x86_alu_rm(b, X_CMP, false, X_RDX, x86_mem(X_R15, X_RCX, table));
}

/* Going on at the guest PC in EAX without returning to run_cached: the lookup it would
 * make (the fetch software TLB, then the page's native code for that PC, made for this
 * virtual page in this generation), in native code; the page it lands on is recorded as
 * the current one (cpu->code_page, code_vpage), as run_cached records it. No code there
 * (or no translation): back to run_cached with the PC (`miss`, code that leaves). The
 * block found checks the budget first, as every block does.
 * The lookup is a function, called where a block goes on through it (emit_lookup_jump),
 * which returns the code to go to in RDI; the block then jumps there itself. So each such
 * jump is an indirect branch of its own, which the host predicts from where it is (the
 * `jr` of one guest function's return, one interpreter's dispatch) rather than from one
 * jump shared by every lookup. */
static void emit_lookup(x86_buf_t *b, const uint8_t *miss_code)
{
    int32_t fetch = (int32_t)offsetof(softtlb_set_t, fetch);
    uint8_t *miss[5];
    emit_tlb_probe(b, fetch + (int32_t)offsetof(softtlb_fetch_entry_t, tag), 3);
    miss[0] = x86_jcc(b, X_NE, b->p);
    x86_mov_rm(b, true, X_RDX, x86_mem(X_R15, X_RCX,
                                       fetch + (int32_t)offsetof(softtlb_fetch_entry_t, page)));
    x86_mov_rm(b, true, X_RSI, x86_mem(X_RDX, X_NONE, (int32_t)offsetof(code_page_t, jit)));
    x86_test_rr64(b, X_RSI, X_RSI);
    miss[1] = x86_jcc(b, X_E, b->p);
    x86_mov_ri64(b, X_RCX, (uintptr_t)&jit_generation);
    x86_mov_rm(b, true, X_RCX, x86_mem(X_RCX, X_NONE, 0));
    x86_alu_rm(b, X_CMP, true, X_RCX,
               x86_mem(X_RSI, X_NONE, (int32_t)offsetof(jit_page_t, generation)));
    miss[2] = x86_jcc(b, X_NE, b->p);
    x86_mov_rr(b, false, X_RCX, X_RAX);
    x86_alu_ri(b, X_AND, false, X_RCX, (int32_t)0xFFFFF000u);
    x86_alu_rm(b, X_CMP, false, X_RCX,
               x86_mem(X_RSI, X_NONE, (int32_t)offsetof(jit_page_t, vbase)));
    miss[3] = x86_jcc(b, X_NE, b->p);
    x86_mov_rr(b, false, X_RDI, X_RAX);
    x86_alu_ri(b, X_AND, false, X_RDI, 0xFFC);
    x86_mov_rm(b, false, X_RDI, x86_mem(X_RSI, X_RDI, (int32_t)offsetof(jit_page_t, code)));
    x86_test_rr(b, X_RDI, X_RDI);
    miss[4] = x86_jcc(b, X_E, b->p);
    x86_mov_mr(b, 8, CPU_FIELD(code_page), X_RDX);
    x86_mov_mr(b, 4, CPU_FIELD(code_vpage), X_RCX);
    x86_mov_ri64(b, X_RCX, (uintptr_t)jit_buffer);
    x86_alu_rr(b, X_ADD, true, X_RDI, X_RCX);
    x86_ret(b);
    for (int i = 0; i < 5; i++)
        if (miss[i])
            x86_patch(miss[i], b->p);
    x86_mov_mr(b, 4, CPU_FIELD(jit_exit.pc), X_RAX);
    x86_lea_rip(b, X_RDI, miss_code);
    x86_ret(b);
}

/* Goes on at the guest PC in EAX, through the lookup. */
static void emit_lookup_jump(x86_buf_t *b)
{
    x86_call(b, lookup);
    x86_jmp_r(b, X_RDI);
}

/* The shared code: entering (saves the callee-saved registers the blocks use, loads the
 * native state) and the two ways out. */
static void emit_shared(void)
{
    x86_buf_t b;
    x86_buf_init(&b, jit_buffer, buffer_end);
    static const x86_reg_t saved[] = { X_RBX, X_RBP, X_R12, X_R13, X_R14, X_R15 };

    enter = (jit_enter_fn)(void *)b.p;
    for (size_t i = 0; i < sizeof(saved) / sizeof(saved[0]); i++)
        x86_push(&b, saved[i]);
    x86_alu_ri(&b, X_SUB, true, X_RSP, 8);          /* the stack 16-aligned, as the ABI has it */
    x86_mov_rr(&b, true, X_RBX, X_RDI);
    x86_mov_rr(&b, true, X_R14, X_RDX);
    x86_mov_rm(&b, true, X_R15, CPU_FIELD(stlb));
    x86_jmp_r(&b, X_RSI);

    uint8_t *leave = NULL;
    exit_jump = b.p;
    x86_mov_mr(&b, 8, CPU_FIELD(jit_exit.site), X_RAX);
    x86_mov_mi(&b, CPU_FIELD(jit_exit.kind), JIT_EXIT_JUMP);
    uint8_t *to_leave = x86_jmp(&b, b.p);
    exit_state = b.p;
    x86_mov_mi(&b, CPU_FIELD(jit_exit.kind), JIT_EXIT_STATE);
    uint8_t *to_leave2 = x86_jmp(&b, b.p);
    const uint8_t *lookup_miss = b.p;           /* jit_exit.pc set: no site */
    x86_alu_rr(&b, X_XOR, false, X_RAX, X_RAX);
    x86_jmp(&b, exit_jump);
    lookup = b.p;
    emit_lookup(&b, lookup_miss);
    leave = b.p;
    x86_patch(to_leave, leave);
    x86_patch(to_leave2, leave);
    x86_mov_rr(&b, true, X_RAX, X_R14);
    x86_alu_ri(&b, X_ADD, true, X_RSP, 8);
    for (size_t i = sizeof(saved) / sizeof(saved[0]); i-- > 0;)
        x86_pop(&b, saved[i]);
    x86_ret(&b);
    code_start = (uint8_t *)(((uintptr_t)b.p + 63) & ~(uintptr_t)63);
    free_at = code_start;
}

bool jit_start(void)
{
    if (!init_done) {
        init_done = true;
        void *p = mmap(NULL, JIT_BUFFER_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "kseg: no executable memory for native code: -accel jit runs "
                    "as -accel cached\n");
            return false;
        }
        jit_buffer = p;
        buffer_end = jit_buffer + JIT_BUFFER_SIZE;
        emit_shared();
        init_ok = true;
    }
    return init_ok;
}

int64_t jit_run(cpu_t *cpu, const uint8_t *code, int64_t left)
{
    return enter(cpu, code, left);
}

/* ---- Compiling one block -------------------------------------------------------------- */

/* A jump in the block to a step stub (an instruction's slow path), patched once the stubs
 * are placed. The stub writes back the guest registers only cache registers held at the
 * jump, steps the instruction, and when native code may go on, loads the cache registers
 * the code after the instruction expects and jumps back there (`cont`). */
typedef struct step_site {
    uint8_t *site, *cont;
    unsigned index;           /* the entry stepped */
    bool finished;            /* cont and the cache after it are known */
    uint8_t ndirty, nmapped;
    int8_t dirty_guest[8], dirty_slot[8];   /* at the jump */
    int8_t map_guest[8], map_slot[8];       /* at cont */
} step_site_t;

#define MAX_STEPS 160

/* Host registers that hold guest registers inside a block (none is used otherwise: native
 * code calls nothing, so the caller-saved ones are free, and the trampoline saved the rest). */
static const x86_reg_t cache_regs[] = { X_RSI, X_RDI, X_R8, X_R9, X_R10, X_R11, X_RBP, X_R13 };
#define NCACHE (sizeof(cache_regs) / sizeof(cache_regs[0]))

typedef struct block {
    x86_buf_t b;
    const code_page_t *page;
    uint32_t vbase;
    /* The guest register each cache register holds (-1: none), when it was last used,
     * and the other way round. */
    int8_t cached[NCACHE];
    bool dirty[NCACHE];       /* written since it was loaded: memory is older */
    uint32_t used[NCACHE], clock;
    int8_t slot_of[33];
    /* The branch whose delay slot is being compiled, for a step there (its target). */
    const decoded_insn_t *branch;
    enum { BT_STATIC, BT_REG, BT_COND_REG, BT_COND_AGAIN } btarget_kind;
    uint32_t taken;           /* the branch's static target */
    step_site_t steps[MAX_STEPS];
    unsigned nsteps;
    unsigned first;           /* the entry the block starts at */
    /* A block that branches back to its own start ("Loops" below): where the branch goes
     * back to, after the guest registers were loaded (NULL: not such a block), and whether
     * something emptied the cache since, which makes that impossible. */
    uint8_t *loop_head;
    bool loop_broken;
} block_t;

static uint32_t pc_of(const block_t *k, unsigned index) { return k->vbase + 4 * index; }
static unsigned index_of(const block_t *k, const decoded_insn_t *e)
{
    return (unsigned)(e - k->page->insn);
}

/* ---- Guest registers ------------------------------------------------------------------
 * Inside a block guest registers live in the cache registers: read once from memory, then
 * written and read there. A written ("dirty") one goes back to memory (cpu->gpr) when its
 * cache register is taken for another, and at every way out: all of them before an exit or
 * an in-line step, those dirty at a step stub's jump in the stub. So run_cached, tier 1 and the next block always
 * find memory up to date, and the cache starts empty at every block entry. $zero reads as
 * 0; writes to it were pointed at the sink, gpr[32], at decoding: the translator drops
 * them (the sink's contents are no architectural state). */

static void cache_reset(block_t *k)
{
    k->loop_broken = k->loop_head != NULL;
    memset(k->cached, -1, sizeof(k->cached));
    memset(k->dirty, 0, sizeof(k->dirty));
    memset(k->slot_of, -1, sizeof(k->slot_of));
    memset(k->used, 0, sizeof(k->used));
    k->clock = 0;
}

static void cache_store(block_t *k, unsigned s)
{
    x86_mov_mr(&k->b, 4, GPR(k->cached[s]), cache_regs[s]);
    k->dirty[s] = false;
}

/* A cache register for guest register r, the least recently used (so never one of the
 * operands the same instruction just read); what it held goes back to memory if dirty. */
static unsigned cache_take(block_t *k, unsigned r)
{
    unsigned s = 0;
    for (unsigned i = 1; i < NCACHE; i++)
        if (k->used[i] < k->used[s])
            s = i;
    if (k->cached[s] >= 0) {
        if (k->dirty[s])
            cache_store(k, s);
        k->slot_of[k->cached[s]] = -1;
    }
    k->cached[s] = (int8_t)r;
    k->slot_of[r] = (int8_t)s;
    return s;
}

/* The stores of every dirty guest register, the cache left as it is: for a way out the
 * code after it does not take (a loop's, when its budget runs out). */
static void emit_dirty_stores(block_t *k)
{
    for (unsigned s = 0; s < NCACHE; s++)
        if (k->cached[s] >= 0 && k->dirty[s])
            x86_mov_mr(&k->b, 4, GPR(k->cached[s]), cache_regs[s]);
}

/* Every dirty guest register back to memory (before leaving the block). */
static void cache_write_back(block_t *k)
{
    emit_dirty_stores(k);
    memset(k->dirty, 0, sizeof(k->dirty));
}

/* The host register holding guest register r (not $zero), loading it on first use. */
static x86_reg_t gpr_reg(block_t *k, unsigned r)
{
    int s = k->slot_of[r];
    if (s < 0) {
        s = (int)cache_take(k, r);
        x86_mov_rm(&k->b, false, cache_regs[s], GPR(r));
    }
    k->used[s] = ++k->clock;
    return cache_regs[s];
}

/* The host register to compute guest register r in (RAX for the sink); gpr_def_done
 * marks it written. Read operands first: taking a register may free the oldest. */
static x86_reg_t gpr_def(block_t *k, unsigned r)
{
    if (r == 32)
        return X_RAX;
    int s = k->slot_of[r];
    if (s < 0)
        s = (int)cache_take(k, r);
    k->used[s] = ++k->clock;
    return cache_regs[s];
}

static void gpr_def_done(block_t *k, unsigned r)
{
    if (r != 32)
        k->dirty[k->slot_of[r]] = true;
}

/* host = guest register r. */
static void gpr_load(block_t *k, x86_reg_t host, unsigned r)
{
    if (r == 0)
        x86_mov_ri(&k->b, host, 0);               /* MOV: the flags stay as they are */
    else
        x86_mov_rr(&k->b, false, host, gpr_reg(k, r));
}

/* host OP= guest register r. */
static void gpr_alu(block_t *k, x86_alu_t op, x86_reg_t host, unsigned r)
{
    if (r == 0)
        x86_alu_ri(&k->b, op, false, host, 0);
    else
        x86_alu_rr(&k->b, op, false, host, gpr_reg(k, r));
}

/* Guest register r = host. */
static void gpr_set(block_t *k, unsigned r, x86_reg_t host)
{
    if (r == 32)
        return;
    x86_reg_t d = gpr_def(k, r);
    if (d != host)
        x86_mov_rr(&k->b, false, d, host);
    gpr_def_done(k, r);
}

static void gpr_set_imm(block_t *k, unsigned r, uint32_t imm)
{
    if (r == 32)
        return;
    x86_mov_ri(&k->b, gpr_def(k, r), imm);    /* MOV: the flags stay as they are */
    gpr_def_done(k, r);
}

/* The register to compute guest register d in, holding guest register s already (the
 * first operand of a two-operand x86 instruction). */
static x86_reg_t gpr_def_copy(block_t *k, unsigned d, unsigned s)
{
    x86_reg_t hs = s ? gpr_reg(k, s) : X_NONE;
    x86_reg_t hd = gpr_def(k, d);
    if (s == 0)
        x86_mov_ri(&k->b, hd, 0);
    else if (hd != hs)
        x86_mov_rr(&k->b, false, hd, hs);
    return hd;
}

/* ---- Steps ------------------------------------------------------------------------------
 * What native code cannot do inline, the interpreter does in place: a step (cpu_jit_step)
 * runs the one instruction from the state in cpu_t, which the code stores first: the guest
 * registers (written back), the PC, whether it is a delay slot (with its branch's target),
 * and icount before it (jit_end - left - its run: the run was charged at the block's entry).
 * Afterwards native code goes on after the instruction, its cache reloaded, unless the step
 * says to leave (an exception, a jump, a mapping or mode change, an exit request, code
 * rewritten): then run_cached resumes from cpu_t (JIT_EXIT_STATE). So a software-TLB miss,
 * MMIO, an overflow, a trap, CP0 work and every instruction the translator does not know
 * cost a call, not a return to run_cached, and the interpreter's code is the only code of
 * their semantics. A step in a delay slot always leaves (the branch resolves in it).
 * The commonest steps, a load or store that missed the software TLB (MMIO polling above all)
 * and MFC0 of Count or Random, call out instead (jit_call_out): the same state stored, the
 * same slow path called, without the interpreter's entry and dispatch around it. So do the
 * next commonest in Linux, LL/SC, the unaligned loads and stores and MTC0 of Status and
 * other registers with side effects: cpu_jit_call (interp.c) calls the interpreter's own
 * operation for them. */

static void emit_btarget(block_t *k);

/* Helpers for instructions common in exception handlers, called like cpu_jit_step (the
 * same state stored first) but doing just their instruction, which they count: TLBWR and
 * TLBWI (a Machine Check goes to its vector and leaves; a write that drops the current
 * page's translation leaves), and ERET (always a jump: the helper says whether native code
 * may follow it, see emit_eret). */
static uint64_t tlb_write(cpu_t *cpu, bool random)
{
    uint32_t vpage = cpu->code_vpage;
    cpu->icount++;                             /* counted before Random is read */
    if (random)
        cpu_tlb_write_random(cpu);
    else
        cpu_tlb_write_indexed(cpu);
    if (cpu->ctl == CTL_JUMP) {                /* Machine Check */
        cpu_resolve_control(cpu);
        return 1;
    }
    if (cpu->code_vpage == vpage)
        return 0;
    cpu->pc += 4;                              /* the page must be looked up again */
    return 1;
}

static uint64_t jit_tlbwr(cpu_t *cpu) { return tlb_write(cpu, true); }
static uint64_t jit_tlbwi(cpu_t *cpu) { return tlb_write(cpu, false); }

static uint64_t jit_eret(cpu_t *cpu)
{
    cpu->icount++;
    cpu_eret(cpu);
    cpu_resolve_control(cpu);
    return cpu->deadline <= cpu->icount;       /* an interrupt is due: back to cpu_run */
}

/* The plain loads and stores: their width, whether a load sign-extends, whether it is a
 * store; size 0 for every other operation. The translator, its call-outs and its step
 * stubs all go by this. */
typedef struct { uint8_t size; bool sign, store; } mem_access_t;

static mem_access_t mem_access(unsigned op)
{
    switch (op) {
    case OP_lb: return (mem_access_t){ 1, true, false };
    case OP_lbu: return (mem_access_t){ 1, false, false };
    case OP_lh: return (mem_access_t){ 2, true, false };
    case OP_lhu: return (mem_access_t){ 2, false, false };
    case OP_lw: return (mem_access_t){ 4, false, false };
    case OP_sb: return (mem_access_t){ 1, false, true };
    case OP_sh: return (mem_access_t){ 2, false, true };
    case OP_sw: return (mem_access_t){ 4, false, true };
    default: return (mem_access_t){ 0, false, false };
    }
}

/* A load or store whose software-TLB lookup missed (MMIO, a page the software TLB does not
 * hold, a page with code, a misaligned address), or MFC0 of a register that is not plain
 * (Count, Random): what the interpreter's step does for it, without the interpreter around
 * it. Counted first, as the interpreter counts an instruction while it calls out (a device
 * or Count sees the same icount); then the slow path, then the result, or on an exception
 * its vector. Not for delay slots, which take the generic step. */
static uint64_t jit_call_out(cpu_t *cpu, const decoded_insn_t *e)
{
    uint64_t invalidations = code_invalidations;
    uint32_t vpage = cpu->code_vpage;
    uint32_t vaddr = cpu->gpr[e->rs] + e->imm, v = 0;
    /* Copies: a store into this code resets the entry. */
    const unsigned op = e->op, rt = e->rt;
    const mem_access_t m = mem_access(op);
    bool ok = true;
    const uint64_t counted = ++cpu->icount;
    if (op == OP_mfc0) {
        v = cp0_read(cpu, e->rd, e->imm);
    } else if (m.store) {
        ok = mem_store_slow(cpu, vaddr, m.size, cpu->gpr[rt]);
    } else if (m.size) {
        ok = mem_load_slow(cpu, vaddr, m.size, &v);
        if (m.sign)
            v = m.size == 1 ? (uint32_t)(int8_t)v : (uint32_t)(int16_t)v;
    } else {
        abort();                               /* called for these only */
    }
    if (!ok) {                                 /* at the exception's vector */
        cpu_resolve_control(cpu);
        return 1;
    }
    if (!m.store)
        cpu->gpr[rt] = v;                      /* $zero: rt is the sink */
    cpu->pc += 4;
    return jit_call_must_leave(cpu, counted, vpage, invalidations);
}

/* Whether a step stub of `e` can call out instead: its only stub is the software-TLB miss.
 * (MFC0's stub is its Coprocessor Unusable check: MFC0 calls out in line.) */
static bool step_calls_out(const decoded_insn_t *e)
{
    return mem_access(e->op).size != 0;
}

/* Stores the state the interpreter needs for entry `index` and calls the function at `fn`
 * (cpu_jit_step or a helper above) with the cpu_t, and the entry if `pass_entry`; EAX is
 * then 0 to go on. The cache registers must be written back. */
static void emit_state_call(block_t *k, unsigned index, uintptr_t fn, bool pass_entry)
{
    x86_buf_t *b = &k->b;
    const decoded_insn_t *e = &k->page->insn[index];
    bool ds = k->branch && index == index_of(k, k->branch) + 1;
    x86_mov_mi(b, CPU_FIELD(pc), pc_of(k, index));
    x86_mov_ri(b, X_RAX, ds);
    x86_mov_mr(b, 1, CPU_FIELD(in_delay_slot), X_RAX);
    x86_mov_mi(b, CPU_FIELD(ctl), ds ? CTL_DELAY_SLOT : CTL_NONE);
    if (ds)
        emit_btarget(k);
    x86_mov_rm(b, true, X_RAX, CPU_FIELD(jit_end));
    x86_alu_rr(b, X_SUB, true, X_RAX, X_R14);
    x86_alu_ri(b, X_SUB, true, X_RAX, e->run);
    x86_mov_mr(b, 8, CPU_FIELD(icount), X_RAX);
    x86_mov_rr(b, true, X_RDI, X_RBX);
    if (pass_entry)
        x86_mov_ri64(b, X_RSI, (uintptr_t)e);
    x86_mov_ri64(b, X_RAX, fn);
    x86_call_r(b, X_RAX);
    x86_test_rr(b, X_RAX, X_RAX);
}

static void emit_helper_call(block_t *k, unsigned index, uint64_t (*fn)(cpu_t *))
{
    emit_state_call(k, index, (uintptr_t)fn, false);
}

static void emit_step_call(block_t *k, unsigned index)
{
    emit_helper_call(k, index, cpu_jit_step);
}

/* The instruction at `index` stepped in line: everything cached goes back first, and
 * nothing stays cached (the call takes the caller-saved registers). */
static void emit_step_inline(block_t *k, unsigned index)
{
    cache_write_back(k);
    emit_step_call(k, index);
    if (k->branch && index == index_of(k, k->branch) + 1)
        x86_jmp(&k->b, exit_state);
    else
        x86_jcc(&k->b, X_NE, exit_state);
    cache_reset(k);
}

/* Records a jump to a step stub with the guest registers its stub must write back. */
static void step_record(block_t *k, uint8_t *site, unsigned index)
{
    if (!site || k->nsteps == MAX_STEPS) {
        k->b.full = true;                       /* no room to record it: give up */
        return;
    }
    step_site_t *st = &k->steps[k->nsteps++];
    *st = (step_site_t){ .site = site, .index = index };
    for (unsigned s = 0; s < NCACHE; s++)
        if (k->cached[s] >= 0 && k->dirty[s]) {
            st->dirty_guest[st->ndirty] = k->cached[s];
            st->dirty_slot[st->ndirty++] = (int8_t)s;
        }
}

/* Steps entry `index` out of line (its slow path) when the flags say `cc`. */
static void step_if(block_t *k, x86_cc_t cc, unsigned index)
{
    step_record(k, x86_jcc(&k->b, cc, k->b.p), index);
}

/* After entry `index`'s code: where its step stubs come back to, and what is cached there. */
static void steps_finish(block_t *k, unsigned index)
{
    for (unsigned i = 0; i < k->nsteps; i++) {
        step_site_t *st = &k->steps[i];
        if (st->finished || st->index != index)
            continue;
        st->finished = true;
        st->cont = k->b.p;
        for (unsigned s = 0; s < NCACHE; s++)
            if (k->cached[s] >= 0) {
                st->map_guest[st->nmapped] = k->cached[s];
                st->map_slot[st->nmapped++] = (int8_t)s;
            }
    }
}

static void emit_step_stubs(block_t *k)
{
    x86_buf_t *b = &k->b;
    for (unsigned i = 0; i < k->nsteps; i++) {
        const step_site_t *st = &k->steps[i];
        x86_patch(st->site, b->p);
        for (unsigned j = 0; j < st->ndirty; j++)
            x86_mov_mr(b, 4, GPR(st->dirty_guest[j]), cache_regs[st->dirty_slot[j]]);
        if (st->finished && step_calls_out(&k->page->insn[st->index]))
            emit_state_call(k, st->index, (uintptr_t)jit_call_out, true);
        else
            emit_step_call(k, st->index);
        if (!st->finished) {                    /* a delay slot: the block ends in it */
            x86_jmp(b, exit_state);
            continue;
        }
        x86_jcc(b, X_NE, exit_state);
        for (unsigned j = 0; j < st->nmapped; j++)
            x86_mov_rm(b, false, cache_regs[st->map_slot[j]], GPR(st->map_guest[j]));
        x86_jmp(b, st->cont);
    }
}

/* ---- Instructions ----------------------------------------------------------------------- */

/* EAX = rs + imm, the address of a load or store. */
static void emit_ea(block_t *k, const decoded_insn_t *e)
{
    if (e->rs == 0)
        x86_mov_ri(&k->b, X_RAX, e->imm);
    else
        x86_lea32(&k->b, X_RAX, x86_mem(gpr_reg(k, e->rs), X_NONE, (int32_t)e->imm));
}

/* The software-TLB lookup of EAX in the `write` or read table: on a hit RDX + RAX is the
 * host address; on a miss (or a misaligned address: the tag keeps its low bits) steps. */
static void emit_tlb(block_t *k, const decoded_insn_t *e, unsigned size, bool write)
{
    x86_buf_t *b = &k->b;
    int32_t table = write ? (int32_t)offsetof(softtlb_set_t, write)
                          : (int32_t)offsetof(softtlb_set_t, read);
    emit_tlb_probe(b, table + (int32_t)offsetof(softtlb_entry_t, tag), size - 1);
    step_if(k, X_NE, index_of(k, e));
    x86_mov_rm(b, true, X_RDX,
               x86_mem(X_R15, X_RCX, table + (int32_t)offsetof(softtlb_entry_t, addend)));
}

static void emit_load(block_t *k, const decoded_insn_t *e, unsigned size, bool sign)
{
    emit_ea(k, e);
    emit_tlb(k, e, size, false);
    x86_mem_t host = x86_mem(X_RDX, X_RAX, 0);
    x86_reg_t d = gpr_def(k, e->rt);
    if (size == 4)
        x86_mov_rm(&k->b, false, d, host);
    else if (sign)
        x86_movsx_rm(&k->b, size, d, host);
    else
        x86_movzx_rm(&k->b, size, d, host);
    gpr_def_done(k, e->rt);
}

static void emit_store(block_t *k, const decoded_insn_t *e, unsigned size)
{
    emit_ea(k, e);
    emit_tlb(k, e, size, true);
    x86_reg_t value = X_RCX;
    if (e->rt == 0)
        x86_mov_ri(&k->b, X_RCX, 0);
    else
        value = gpr_reg(k, e->rt);
    x86_mov_mr(&k->b, size, x86_mem(X_RDX, X_RAX, 0), value);
}

/* dst = rs OP rt, computed in dst's register; dst = rs OP imm. */
static void emit_alu3(block_t *k, x86_alu_t op, unsigned dst, unsigned rs, unsigned rt)
{
    if (dst == rt && dst != rs) {
        if (op != X_SUB) {                    /* commutative: dst OP= rs */
            x86_reg_t d = gpr_reg(k, dst);
            gpr_alu(k, op, d, rs);
            gpr_def_done(k, dst);
            return;
        }
        gpr_load(k, X_RAX, rs);
        gpr_alu(k, op, X_RAX, rt);
        gpr_set(k, dst, X_RAX);
        return;
    }
    x86_reg_t ht = rt ? gpr_reg(k, rt) : X_NONE;
    x86_reg_t d = gpr_def_copy(k, dst, rs);
    if (rt)
        x86_alu_rr(&k->b, op, false, d, ht);
    else if (op == X_AND)
        x86_alu_ri(&k->b, op, false, d, 0);
    gpr_def_done(k, dst);
}

static void emit_alui(block_t *k, x86_alu_t op, unsigned dst, unsigned rs, uint32_t imm)
{
    if (rs == 0) {                            /* a constant: 0 OP imm */
        gpr_set_imm(k, dst, op == X_AND ? 0 : imm);
        return;
    }
    x86_reg_t d = gpr_def_copy(k, dst, rs);
    if (imm || op == X_AND)
        x86_alu_ri(&k->b, op, false, d, (int32_t)imm);
    gpr_def_done(k, dst);
}

/* Compares guest register rs with guest register rt, or with imm when rt < 0 (flags). */
static void emit_cmp(block_t *k, unsigned rs, int rt, uint32_t imm)
{
    x86_reg_t a = X_RAX;
    if (rs)
        a = gpr_reg(k, rs);
    else
        x86_mov_ri(&k->b, X_RAX, 0);
    if (rt < 0)
        x86_alu_ri(&k->b, X_CMP, false, a, (int32_t)imm);
    else if (rt == 0)
        x86_alu_ri(&k->b, X_CMP, false, a, 0);
    else
        x86_alu_rr(&k->b, X_CMP, false, a, gpr_reg(k, (unsigned)rt));
}

/* dst = 1 when rs compares `cc` against rt (or imm when rt is NULL), else 0. */
static void emit_set(block_t *k, x86_cc_t cc, unsigned dst, unsigned rs, const unsigned *rt,
                     uint32_t imm)
{
    x86_buf_t *b = &k->b;
    x86_alu_rr(b, X_XOR, false, X_RCX, X_RCX);
    emit_cmp(k, rs, rt ? (int)*rt : -1, imm);
    x86_setcc(b, cc, X_RCX);
    gpr_set(k, dst, X_RCX);
}

static void emit_shift_imm(block_t *k, x86_shift_t op, const decoded_insn_t *e)
{
    x86_reg_t d = gpr_def_copy(k, e->rd, e->rt);
    if (e->sa)
        x86_shift_ri(&k->b, op, false, d, e->sa);
    gpr_def_done(k, e->rd);
}

static void emit_shift_var(block_t *k, x86_shift_t op, const decoded_insn_t *e)
{
    gpr_load(k, X_RCX, e->rs);                 /* x86 takes the count mod 32, as MIPS */
    gpr_load(k, X_RAX, e->rt);
    x86_shift_cl(&k->b, op, X_RAX);
    gpr_set(k, e->rd, X_RAX);
}

/* RAX = the 64-bit product of rs and rt, signed or not. */
static void emit_product(block_t *k, const decoded_insn_t *e, bool sign)
{
    gpr_load(k, X_RAX, e->rs);                 /* 32-bit moves: zero-extended */
    gpr_load(k, X_RCX, e->rt);
    if (sign) {
        x86_movsxd_rr(&k->b, X_RAX, X_RAX);
        x86_movsxd_rr(&k->b, X_RCX, X_RCX);
    }
    x86_imul_rr(&k->b, true, X_RAX, X_RCX);    /* the low 64 bits: right for both */
}

/* HI:LO = RAX. */
static void emit_set_acc(block_t *k)
{
    x86_mov_mr(&k->b, 4, CPU_FIELD(lo), X_RAX);
    x86_shift_ri(&k->b, X_SHR, true, X_RAX, 32);
    x86_mov_mr(&k->b, 4, CPU_FIELD(hi), X_RAX);
}

/* HI:LO += RAX (or -=). */
static void emit_acc_add(block_t *k, bool subtract)
{
    x86_buf_t *b = &k->b;
    x86_mov_rm(b, false, X_RCX, CPU_FIELD(hi));
    x86_shift_ri(b, X_SHL, true, X_RCX, 32);
    x86_mov_rm(b, false, X_RDX, CPU_FIELD(lo));
    x86_alu_rr(b, X_OR, true, X_RCX, X_RDX);
    x86_alu_rr(b, subtract ? X_SUB : X_ADD, true, X_RCX, X_RAX);
    x86_mov_rr(b, true, X_RAX, X_RCX);
    emit_set_acc(k);
}

static void emit_div(block_t *k, const decoded_insn_t *e, bool sign)
{
    /* Division by zero, and INT_MIN / -1, divide by one instead (interp_ops.h). */
    x86_buf_t *b = &k->b;
    gpr_load(k, X_RCX, e->rt);
    gpr_load(k, X_RAX, e->rs);
    x86_test_rr(b, X_RCX, X_RCX);
    uint8_t *by_one = x86_jcc(b, X_E, b->p);
    uint8_t *go, *go2 = NULL;
    if (sign) {
        x86_alu_ri(b, X_CMP, false, X_RCX, -1);
        go = x86_jcc(b, X_NE, b->p);
        x86_alu_ri(b, X_CMP, false, X_RAX, INT32_MIN);
        go2 = x86_jcc(b, X_NE, b->p);
    } else {
        go = x86_jmp(b, b->p);
    }
    if (by_one)
        x86_patch(by_one, b->p);
    x86_mov_ri(b, X_RCX, 1);
    if (go)
        x86_patch(go, b->p);
    if (go2)
        x86_patch(go2, b->p);
    if (sign)
        x86_cdq(b);
    else
        x86_mov_ri(b, X_RDX, 0);
    x86_div(b, sign, X_RCX);
    x86_mov_mr(b, 4, CPU_FIELD(lo), X_RAX);
    x86_mov_mr(b, 4, CPU_FIELD(hi), X_RDX);
}

/* Steps (which traps) when the trap condition `cc` holds for rs against rt or imm. */
static void emit_trap(block_t *k, const decoded_insn_t *e, x86_cc_t cc, bool imm)
{
    emit_cmp(k, e->rs, imm ? -1 : (int)e->rt, e->imm);
    step_if(k, cc, index_of(k, e));
}

/* ADD, ADDI, SUB: the result is written only when it did not overflow; on overflow the
 * instruction is stepped, and the interpreter raises the exception. */
static void emit_trapping(block_t *k, const decoded_insn_t *e, x86_alu_t op, bool imm)
{
    gpr_load(k, X_RAX, e->rs);
    if (imm)
        x86_alu_ri(&k->b, op, false, X_RAX, (int32_t)e->imm);
    else
        gpr_alu(k, op, X_RAX, e->rt);
    step_if(k, X_O, index_of(k, e));
    gpr_set(k, imm ? e->rt : e->rd, X_RAX);
}

/* Steps the instruction (which raises Coprocessor Unusable) unless CP0 is usable: kernel
 * mode, or Status.CU0 (interp.c's cop0_usable). */
static void emit_cop0_check(block_t *k, const decoded_insn_t *e)
{
    x86_buf_t *b = &k->b;
    x86_alu_mi(b, X_CMP, CPU_FIELD(mode), MODE_KERNEL_ERL);
    uint8_t *usable = x86_jcc(b, X_BE, b->p);
    x86_test_mi(b, CPU_FIELD(cp0.status), ST_CU0);
    step_if(k, X_E, index_of(k, e));
    if (usable)
        x86_patch(usable, b->p);
}

/* Instruction e done by a call in line to `fn` (given the entry when `pass_entry`), after
 * the Coprocessor 0 check when `cop0`: the state stored as for a step, then native code goes
 * on unless the call says to leave. Not in a delay slot (false: the generic step), where the
 * branch resolves. */
static bool emit_call_in_line(block_t *k, const decoded_insn_t *e, uintptr_t fn,
                              bool pass_entry, bool cop0)
{
    if (k->branch)
        return false;
    if (cop0)
        emit_cop0_check(k, e);
    cache_write_back(k);
    emit_state_call(k, index_of(k, e), fn, pass_entry);
    x86_jcc(&k->b, X_NE, exit_state);
    cache_reset(k);
    return true;
}

/* MFC0 and MTC0 of registers that are plain fields (cp0_describe) in line, MTC0 of the
 * others (Status, Count, EntryHi...) through cpu_jit_call; false for MFC0 in a delay slot. */
static bool emit_cp0_move(block_t *k, const decoded_insn_t *e)
{
    x86_buf_t *b = &k->b;
    cp0_access_t a = cp0_describe(e->rd, e->imm);
    if (e->op == OP_mfc0) {
        if (a.kind == CP0_OTHER)
            return emit_call_in_line(k, e, (uintptr_t)jit_call_out, true, true);
        emit_cop0_check(k, e);
        if (a.kind == CP0_CONST) {
            gpr_set_imm(k, e->rt, a.value);
        } else {
            x86_mov_rm(b, false, X_RAX, x86_mem(X_RBX, X_NONE, (int32_t)a.offset));
            gpr_set(k, e->rt, X_RAX);
        }
        return true;
    }
    if (a.kind != CP0_FIELD || !a.write_mask)
        return emit_call_in_line(k, e, (uintptr_t)cpu_jit_call, true, true);
    emit_cop0_check(k, e);
    x86_mem_t field = x86_mem(X_RBX, X_NONE, (int32_t)a.offset);
    gpr_load(k, X_RAX, e->rt);
    if (a.write_mask != ~0u) {
        x86_alu_ri(b, X_AND, false, X_RAX, (int32_t)a.write_mask);
        x86_mov_rm(b, false, X_RCX, field);
        x86_alu_ri(b, X_AND, false, X_RCX, (int32_t)~a.write_mask);
        x86_alu_rr(b, X_OR, false, X_RAX, X_RCX);
    }
    x86_mov_mr(b, 4, field, X_RAX);
    return true;
}

/* ERET: the helper does it; then, unless an interrupt is due, on to the target in native
 * code with the new mode's software TLB, the rest of the run refunded (ERET does not end a
 * run, but nothing after it in the run executes). */
static void emit_eret(block_t *k, const decoded_insn_t *e)
{
    x86_buf_t *b = &k->b;
    emit_cop0_check(k, e);
    cache_write_back(k);
    emit_helper_call(k, index_of(k, e), jit_eret);
    x86_jcc(b, X_NE, exit_state);
    if (e->run > 1)
        x86_alu_ri(b, X_ADD, true, X_R14, e->run - 1);
    x86_mov_rm(b, true, X_R15, CPU_FIELD(stlb));
    x86_mov_rm(b, false, X_RAX, CPU_FIELD(pc));
    emit_lookup_jump(b);
    cache_reset(k);
}

/* One instruction that is not a branch; false when the translator does not know it. */
static bool emit_insn(block_t *k, const decoded_insn_t *e)
{
    x86_buf_t *b = &k->b;
    switch (e->op) {
    case OP_nop: case OP_pref: case OP_sync: case OP_synci:
        return true;
    case OP_addu: emit_alu3(k, X_ADD, e->rd, e->rs, e->rt); return true;
    case OP_subu: emit_alu3(k, X_SUB, e->rd, e->rs, e->rt); return true;
    case OP_and: emit_alu3(k, X_AND, e->rd, e->rs, e->rt); return true;
    case OP_or: emit_alu3(k, X_OR, e->rd, e->rs, e->rt); return true;
    case OP_xor: emit_alu3(k, X_XOR, e->rd, e->rs, e->rt); return true;
    case OP_nor:
        gpr_load(k, X_RAX, e->rs);
        gpr_alu(k, X_OR, X_RAX, e->rt);
        x86_not(b, X_RAX);
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_addiu: emit_alui(k, X_ADD, e->rt, e->rs, e->imm); return true;
    case OP_andi: emit_alui(k, X_AND, e->rt, e->rs, e->imm); return true;
    case OP_ori: emit_alui(k, X_OR, e->rt, e->rs, e->imm); return true;
    case OP_xori: emit_alui(k, X_XOR, e->rt, e->rs, e->imm); return true;
    case OP_lui: gpr_set_imm(k, e->rt, e->imm); return true;
    case OP_slt: emit_set(k, X_L, e->rd, e->rs, &(unsigned){ e->rt }, 0); return true;
    case OP_sltu: emit_set(k, X_B, e->rd, e->rs, &(unsigned){ e->rt }, 0); return true;
    case OP_slti: emit_set(k, X_L, e->rt, e->rs, NULL, e->imm); return true;
    case OP_sltiu: emit_set(k, X_B, e->rt, e->rs, NULL, e->imm); return true;
    case OP_movz: case OP_movn:
        gpr_load(k, X_RAX, e->rd);
        gpr_load(k, X_RCX, e->rs);
        gpr_load(k, X_RDX, e->rt);
        x86_test_rr(b, X_RDX, X_RDX);
        x86_cmov(b, e->op == OP_movz ? X_E : X_NE, X_RAX, X_RCX);
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_add: emit_trapping(k, e, X_ADD, false); return true;
    case OP_addi: emit_trapping(k, e, X_ADD, true); return true;
    case OP_sub: emit_trapping(k, e, X_SUB, false); return true;

    case OP_sll: emit_shift_imm(k, X_SHL, e); return true;
    case OP_srl: emit_shift_imm(k, X_SHR, e); return true;
    case OP_sra: emit_shift_imm(k, X_SAR, e); return true;
    case OP_rotr: emit_shift_imm(k, X_ROR, e); return true;
    case OP_sllv: emit_shift_var(k, X_SHL, e); return true;
    case OP_srlv: emit_shift_var(k, X_SHR, e); return true;
    case OP_srav: emit_shift_var(k, X_SAR, e); return true;
    case OP_rotrv: emit_shift_var(k, X_ROR, e); return true;

    case OP_mfhi: case OP_mflo:
        x86_mov_rm(b, false, X_RAX, e->op == OP_mfhi ? CPU_FIELD(hi) : CPU_FIELD(lo));
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_mthi: case OP_mtlo:
        gpr_load(k, X_RAX, e->rs);
        x86_mov_mr(b, 4, e->op == OP_mthi ? CPU_FIELD(hi) : CPU_FIELD(lo), X_RAX);
        return true;
    case OP_mult: emit_product(k, e, true); emit_set_acc(k); return true;
    case OP_multu: emit_product(k, e, false); emit_set_acc(k); return true;
    case OP_madd: emit_product(k, e, true); emit_acc_add(k, false); return true;
    case OP_maddu: emit_product(k, e, false); emit_acc_add(k, false); return true;
    case OP_msub: emit_product(k, e, true); emit_acc_add(k, true); return true;
    case OP_msubu: emit_product(k, e, false); emit_acc_add(k, true); return true;
    case OP_mul:
        gpr_load(k, X_RAX, e->rs);
        gpr_load(k, X_RCX, e->rt);
        x86_imul_rr(b, false, X_RAX, X_RCX);
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_div: emit_div(k, e, true); return true;
    case OP_divu: emit_div(k, e, false); return true;

    case OP_clz: case OP_clo:
        /* BSR gives the top set bit's index i: clz = 31 - i = i ^ 31; of zero it sets ZF,
         * and 63 ^ 31 = 32. */
        gpr_load(k, X_RAX, e->rs);
        if (e->op == OP_clo)
            x86_not(b, X_RAX);
        x86_mov_ri(b, X_RCX, 63);
        x86_bsr(b, X_RAX, X_RAX);
        x86_cmov(b, X_E, X_RAX, X_RCX);
        x86_alu_ri(b, X_XOR, false, X_RAX, 31);
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_seb: case OP_seh:
        gpr_load(k, X_RAX, e->rt);
        x86_movsx_rr(b, e->op == OP_seb ? 1 : 2, X_RAX, X_RAX);
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_wsbh:                             /* b3 b2 b1 b0 -> b2 b3 b0 b1 */
        gpr_load(k, X_RAX, e->rt);
        x86_bswap(b, X_RAX);
        x86_shift_ri(b, X_ROR, false, X_RAX, 16);
        gpr_set(k, e->rd, X_RAX);
        return true;
    case OP_ext: {
        uint32_t mask = low_mask(e->rd + 1u);
        gpr_load(k, X_RAX, e->rs);
        if (e->sa)
            x86_shift_ri(b, X_SHR, false, X_RAX, e->sa);
        if (mask != ~0u)
            x86_alu_ri(b, X_AND, false, X_RAX, (int32_t)mask);
        gpr_set(k, e->rt, X_RAX);
        return true;
    }
    case OP_ins: {
        /* rt is read and written (the sink, 32, when it is $zero: read as it is there). */
        uint32_t mask = low_mask(e->rd - e->sa + 1u) << e->sa;
        gpr_load(k, X_RAX, e->rs);
        if (e->sa)
            x86_shift_ri(b, X_SHL, false, X_RAX, e->sa);
        x86_alu_ri(b, X_AND, false, X_RAX, (int32_t)mask);
        if (e->rt == 32)
            x86_mov_rm(b, false, X_RCX, GPR(32));
        else
            gpr_load(k, X_RCX, e->rt);
        x86_alu_ri(b, X_AND, false, X_RCX, (int32_t)~mask);
        x86_alu_rr(b, X_OR, false, X_RAX, X_RCX);
        gpr_set(k, e->rt, X_RAX);
        return true;
    }

    case OP_lb: case OP_lbu: case OP_lh: case OP_lhu: case OP_lw: {
        mem_access_t m = mem_access(e->op);
        emit_load(k, e, m.size, m.sign);
        return true;
    }
    case OP_sb: case OP_sh: case OP_sw:
        emit_store(k, e, mem_access(e->op).size);
        return true;

    case OP_teq: emit_trap(k, e, X_E, false); return true;
    case OP_tne: emit_trap(k, e, X_NE, false); return true;
    case OP_tge: emit_trap(k, e, X_GE, false); return true;
    case OP_tgeu: emit_trap(k, e, X_AE, false); return true;
    case OP_tlt: emit_trap(k, e, X_L, false); return true;
    case OP_tltu: emit_trap(k, e, X_B, false); return true;
    case OP_teqi: emit_trap(k, e, X_E, true); return true;
    case OP_tnei: emit_trap(k, e, X_NE, true); return true;
    case OP_tgei: emit_trap(k, e, X_GE, true); return true;
    case OP_tgeiu: emit_trap(k, e, X_AE, true); return true;
    case OP_tlti: emit_trap(k, e, X_L, true); return true;
    case OP_tltiu: emit_trap(k, e, X_B, true); return true;

    case OP_mfc0: case OP_mtc0:
        return emit_cp0_move(k, e);
    case OP_ll: case OP_sc: case OP_lwl: case OP_lwr: case OP_swl: case OP_swr:
        return emit_call_in_line(k, e, (uintptr_t)cpu_jit_call, true, false);
    case OP_tlbwr: case OP_tlbwi:
        return emit_call_in_line(k, e, (uintptr_t)(e->op == OP_tlbwr ? jit_tlbwr : jit_tlbwi),
                                 false, true);
    case OP_eret:
        if (k->branch)
            return false;
        emit_eret(k, e);
        return true;
    case OP_di:                               /* rt = Status; IE off (no exit needed) */
        emit_cop0_check(k, e);
        x86_mov_rm(b, false, X_RAX, CPU_FIELD(cp0.status));
        gpr_set(k, e->rt, X_RAX);
        x86_alu_mi(b, X_AND, CPU_FIELD(cp0.status), (int32_t)~ST_IE);
        return true;
    default:
        return false;
    }
}

/* Compares for a conditional branch; returns the condition under which it is taken. In a
 * stub (`in_stub`) the guest registers are read from memory: a stub is placed after the
 * block, where the cache's state at compile time is not the state at the step. */
static x86_cc_t emit_cond(block_t *k, const decoded_insn_t *e, bool in_stub)
{
    x86_buf_t *b = &k->b;
    bool two = e->op == OP_beq || e->op == OP_bne || e->op == OP_beql || e->op == OP_bnel;
    if (in_stub) {
        x86_mov_rm(b, false, X_RAX, GPR(e->rs));
        if (two)
            x86_alu_rm(b, X_CMP, false, X_RAX, GPR(e->rt));
        else
            x86_alu_ri(b, X_CMP, false, X_RAX, 0);
    } else {
        emit_cmp(k, e->rs, two ? (int)e->rt : 0, 0);
    }
    switch (e->op) {
    case OP_beq: case OP_beql: return X_E;
    case OP_bne: case OP_bnel: return X_NE;
    case OP_blez: case OP_blezl: return X_LE;
    case OP_bgtz: case OP_bgtzl: return X_G;
    case OP_bltz: case OP_bltzl: case OP_bltzal: case OP_bltzall: return X_L;
    default: return X_GE;                     /* bgez, bgezl, bgezal, bgezall */
    }
}

static bool is_likely(enum mips_op op)
{
    return op == OP_beql || op == OP_bnel || op == OP_blezl || op == OP_bgtzl ||
           op == OP_bltzl || op == OP_bgezl || op == OP_bltzall || op == OP_bgezall;
}

/* Leaves the block for `target`: straight to its code later when it is on this page.
 * The guest registers are in memory already (cache_write_back). */
static void emit_exit_static(block_t *k, uint32_t target)
{
    x86_buf_t *b = &k->b;
    if ((target & ~0xFFFu) == k->vbase) {
        /* A jump to a stub after it; run_cached may point the jump elsewhere. */
        uint8_t *site = x86_jmp(b, b->p + 5);
        x86_mov_mi(b, CPU_FIELD(jit_exit.pc), target);
        if (site)
            x86_lea_rip(b, X_RAX, site);
        x86_jmp(b, exit_jump);
        return;
    }
    x86_mov_ri(b, X_RAX, target);             /* another page: look it up */
    emit_lookup_jump(b);
}

/* cpu->target: the branch's target, for a step of its delay slot (which has not changed
 * anything yet). */
static void emit_btarget(block_t *k)
{
    x86_buf_t *b = &k->b;
    const decoded_insn_t *br = k->branch;
    uint32_t fall = pc_of(k, index_of(k, br)) + 8;
    switch (k->btarget_kind) {
    case BT_STATIC:
        x86_mov_mi(b, CPU_FIELD(target), k->taken);
        return;
    case BT_REG:
        x86_mov_mr(b, 4, CPU_FIELD(target), X_R12);
        return;
    case BT_COND_REG:
        x86_mov_ri(b, X_RAX, fall);
        x86_mov_ri(b, X_RCX, k->taken);
        x86_test_rr(b, X_R12, X_R12);
        x86_cmov(b, X_NE, X_RAX, X_RCX);
        break;
    case BT_COND_AGAIN: {
        x86_cc_t cc = emit_cond(k, br, true);   /* flags; MOV leaves them alone */
        x86_mov_ri(b, X_RAX, fall);
        x86_mov_ri(b, X_RCX, k->taken);
        x86_cmov(b, cc, X_RAX, X_RCX);
        break;
    }
    }
    x86_mov_mr(b, 4, CPU_FIELD(target), X_RAX);
}

/* One instruction that is not a branch: its code, or a step. */
static void emit_one(block_t *k, const decoded_insn_t *e)
{
    if (!emit_insn(k, e))
        emit_step_inline(k, index_of(k, e));
    steps_finish(k, index_of(k, e));
}

/* The delay slot at `ds` (steps in it leave the block: see "Steps"). */
static void emit_delay_slot(block_t *k, const decoded_insn_t *ds)
{
    if (!emit_insn(k, ds))
        emit_step_inline(k, index_of(k, ds));
}

/* ---- Loops ------------------------------------------------------------------------------
 * A block whose conditional branch goes back to its own start (the inner loops of compiled
 * code) keeps its guest registers in host registers from one iteration to the next: it
 * loads every register it names once, after the budget check at its entry, and its branch
 * back checks the budget and jumps to just after those loads, writing nothing back. So
 * the loop head has the same cache registers whichever way it is reached; they count as
 * dirty there, as they are after the first iteration, and every way out (the loop's exit,
 * a step stub, the budget running out) writes them all back. A block whose cache is
 * emptied on the way (an inline step) is compiled again without this. */

/* The guest registers entry e may read or write, as a mask: rs and rt (whether or not
 * the operation reads them: a superset does no harm) and what it writes; $zero and the
 * sink left out. */
static uint64_t named_gprs(const decoded_insn_t *e)
{
    int written = insn_written_gpr(e);
    uint64_t m = (1ull << e->rs) | (1ull << e->rt) | (written >= 0 ? 1ull << written : 0);
    return m & ~1ull & ~(1ull << 32);
}

/* Whether the block from `index`, ending with the branch `br` (whose delay slot ends the
 * run), is a loop this can keep in registers: the branch goes back to `index`, and the
 * block names at most NCACHE guest registers (then `*regs` has them). */
static bool loop_candidate(const block_t *k, unsigned index, const decoded_insn_t *br,
                           uint64_t *regs)
{
    if (br->op != OP_beq && br->op != OP_bne && br->op != OP_blez && br->op != OP_bgtz &&
        br->op != OP_bltz && br->op != OP_bgez)
        return false;
    if (pc_of(k, index_of(k, br)) + 4 + br->imm != pc_of(k, index))
        return false;
    uint64_t m = 0;
    for (const decoded_insn_t *e = &k->page->insn[index]; e <= br + 1; e++)
        m |= named_gprs(e);
    *regs = m;
    return (unsigned)__builtin_popcountll(m) <= NCACHE;
}

/* Loads the guest registers in `regs` into cache registers and places the loop head. */
static void emit_loop_head(block_t *k, uint64_t regs)
{
    for (unsigned r = 1; r < 32; r++)
        if (regs & (1ull << r)) {
            gpr_reg(k, r);
            k->dirty[k->slot_of[r]] = true;
        }
    k->loop_head = k->b.p;
    k->loop_broken = false;
}

/* The loop's branch, its flags set for `cc` (taken): back to the loop head when the
 * budget allows, else out with everything written back; not taken, it falls through to
 * the block's exit, which emit_branch emits. True when this emitted it all. */
static bool emit_loop_back(block_t *k, x86_cc_t cc)
{
    if (!k->loop_head || k->loop_broken)
        return false;
    x86_buf_t *b = &k->b;
    const decoded_insn_t *first = &k->page->insn[k->first];
    uint8_t *not_taken = x86_jcc(b, x86_cc_not(cc), b->p);
    x86_alu_ri(b, X_SUB, true, X_R14, first->run);
    x86_jcc(b, X_GE, k->loop_head);
    x86_alu_ri(b, X_ADD, true, X_R14, first->run);
    emit_dirty_stores(k);
    x86_mov_mi(b, CPU_FIELD(jit_exit.pc), pc_of(k, k->first));
    x86_alu_rr(b, X_XOR, false, X_RAX, X_RAX);
    x86_jmp(b, exit_jump);
    if (not_taken)
        x86_patch(not_taken, b->p);
    cache_write_back(k);
    emit_exit_static(k, pc_of(k, index_of(k, k->branch)) + 8);
    return true;
}

/* A branch at `e` (its delay slot is the next entry, the run's last), and the exits. */
static void emit_branch(block_t *k, const decoded_insn_t *e)
{
    x86_buf_t *b = &k->b;
    const decoded_insn_t *ds = e + 1;
    uint32_t pc = pc_of(k, index_of(k, e));
    k->branch = e;
    switch (e->op) {
    case OP_j: case OP_jal:
        k->taken = ((pc + 4) & 0xF0000000u) | e->imm;
        k->btarget_kind = BT_STATIC;
        if (e->op == OP_jal)
            gpr_set_imm(k, 31, pc + 8);
        emit_delay_slot(k, ds);
        cache_write_back(k);
        emit_exit_static(k, k->taken);
        return;
    case OP_jr: case OP_jalr:
        k->btarget_kind = BT_REG;
        gpr_load(k, X_R12, e->rs);
        if (e->op == OP_jalr)
            gpr_set_imm(k, e->rd, pc + 8);
        emit_delay_slot(k, ds);
        cache_write_back(k);
        x86_mov_rr(b, false, X_RAX, X_R12);
        emit_lookup_jump(b);
        return;
    default:
        break;
    }
    k->taken = pc + 4 + e->imm;
    bool link = e->op == OP_bltzal || e->op == OP_bgezal || e->op == OP_bltzall ||
                e->op == OP_bgezall;
    if (is_likely((enum mips_op)e->op)) {
        /* The slot runs only when taken; not taken, it is refunded (it was charged). */
        k->btarget_kind = BT_STATIC;
        x86_cc_t cc = emit_cond(k, e, false);
        if (link)
            gpr_set_imm(k, 31, pc + 8);           /* MOVs leave the flags alone */
        cache_write_back(k);                      /* for the way out not taken */
        uint8_t *not_taken = x86_jcc(b, x86_cc_not(cc), b->p);
        emit_delay_slot(k, ds);
        cache_write_back(k);
        emit_exit_static(k, k->taken);
        if (not_taken)
            x86_patch(not_taken, b->p);
        x86_alu_ri(b, X_ADD, true, X_R14, 1);
        emit_exit_static(k, pc + 8);
        return;
    }
    int ds_dest = insn_written_gpr(ds);
    uint8_t *taken;
    if (!link && ds_dest != e->rs && ds_dest != e->rt) {
        /* The slot leaves the branch's registers alone: compare after it. (A slot that
         * writes a register insn_written_gpr does not name, SC, is stepped, and a step in
         * a slot leaves the block before the compare.) */
        k->btarget_kind = BT_COND_AGAIN;
        emit_delay_slot(k, ds);
        x86_cc_t cc = emit_cond(k, e, false);
        if (emit_loop_back(k, cc))
            return;
        cache_write_back(k);                      /* MOVs: the flags stay */
        taken = x86_jcc(b, cc, b->p);
    } else {
        k->btarget_kind = BT_COND_REG;
        x86_alu_rr(b, X_XOR, false, X_R12, X_R12);
        x86_setcc(b, emit_cond(k, e, false), X_R12);
        if (link)
            gpr_set_imm(k, 31, pc + 8);
        emit_delay_slot(k, ds);
        x86_test_rr(b, X_R12, X_R12);
        if (emit_loop_back(k, X_NE))
            return;
        cache_write_back(k);                      /* MOVs: the flags stay */
        taken = x86_jcc(b, X_NE, b->p);
    }
    emit_exit_static(k, pc + 8);
    if (taken)
        x86_patch(taken, b->p);
    emit_exit_static(k, k->taken);
}

static jit_page_t *page_code(code_page_t *page, uint32_t vbase)
{
    jit_page_t *j = page->jit;
    if (j && j->generation == jit_generation)
        return j->vbase == vbase ? j : NULL;
    if (!j && !(j = malloc(sizeof(*j))))
        return NULL;
    memset(j->code, 0, sizeof(j->code));
    j->generation = jit_generation;
    j->vbase = vbase;
    page->jit = j;
    return j;
}

/* Whether branch e's delay slot can be compiled with it: the run's last entry, on this
 * page, not a branch. */
static bool slot_compilable(const decoded_insn_t *e)
{
    return !(e->flags & INSN_END) && e[1].op != OP_PAGE_END &&
           (e[1].flags & (INSN_DS | INSN_STEP)) == INSN_DS;
}

/* Compiles the block at entry `index` to free_at (as a loop, when `loop` and it is one);
 * false when it does not fit. */
static bool compile_block(block_t *kp, code_page_t *page, unsigned index, uint32_t vbase,
                          bool loop)
{
    const decoded_insn_t *first = &page->insn[index];
    *kp = (block_t){ .page = page, .vbase = vbase, .first = index };
    cache_reset(kp);
    x86_buf_init(&kp->b, free_at, free_at + JIT_BLOCK_MAX);
    x86_buf_t *b = &kp->b;
    /* The budget, as run_cached checks it before a run. */
    x86_alu_ri(b, X_SUB, true, X_R14, first->run);
    uint8_t *no_budget = x86_jcc(b, X_L, b->p);
    if (loop) {
        const decoded_insn_t *br = first;
        while (!mips_op_is_branch((enum mips_op)br->op) && !(br->flags & INSN_END))
            br++;
        uint64_t regs;
        if (mips_op_is_branch((enum mips_op)br->op) && slot_compilable(br) &&
            loop_candidate(kp, index, br, &regs))
            emit_loop_head(kp, regs);
    }

    unsigned translated = 0;
    for (unsigned i = index;; i++) {
        const decoded_insn_t *e = &page->insn[i];
        if (mips_op_is_branch((enum mips_op)e->op)) {
            if (!slot_compilable(e)) {
                emit_step_inline(kp, i);            /* a step of a branch always leaves */
                x86_jmp(b, exit_state);
                translated++;
                break;
            }
            emit_branch(kp, e);
            translated++;
            break;
        }
        emit_one(kp, e);
        translated++;
        if (e->flags & INSN_END) {
            cache_write_back(kp);
            emit_exit_static(kp, pc_of(kp, i) + 4);
            break;
        }
    }
    if (!translated)
        return false;
    if (no_budget)
        x86_patch(no_budget, b->p);
    x86_alu_ri(b, X_ADD, true, X_R14, first->run);
    x86_mov_mi(b, CPU_FIELD(jit_exit.pc), pc_of(kp, index));
    x86_alu_rr(b, X_XOR, false, X_RAX, X_RAX);
    x86_jmp(b, exit_jump);
    emit_step_stubs(kp);
    return !b->full;
}

const uint8_t *jit_compile(cpu_t *cpu, code_page_t *page, unsigned index, uint32_t vbase)
{
    (void)cpu;
    const decoded_insn_t *first = &page->insn[index];
    if (!jit_available() || first->h == 0 || (first->flags & (INSN_DS | INSN_STEP)))
        return NULL;
    if ((size_t)(buffer_end - free_at) < JIT_BLOCK_MAX) {
        jit_generation++;                        /* full: every page's code goes */
        free_at = code_start;
    }
    jit_page_t *j = page_code(page, vbase);
    if (!j)
        return NULL;

    block_t block, *k = &block;
    bool ok = compile_block(k, page, index, vbase, true);
    if (ok && k->loop_broken)
        ok = compile_block(k, page, index, vbase, false);
    if (!ok)
        return NULL;
    if (k->loop_head)
        jit_loop_blocks++;
    uint8_t *entry = free_at;
    x86_buf_t *b = &k->b;
    if (log_enabled(LOG_OUT_ASM))
        trace_out_asm(pc_of(k, index), entry, (unsigned)(b->p - entry));
    if (perfmap)
        fprintf(perfmap, "%" PRIxPTR " %zx guest_%08x\n", (uintptr_t)entry,
                (size_t)(b->p - entry), pc_of(k, index));
    free_at = (uint8_t *)(((uintptr_t)b->p + 15) & ~(uintptr_t)15);
    j->code[index] = (uint32_t)(entry - jit_buffer);
    return entry;
}

#else   /* not x86-64: tier 2 is tier 1 */

bool jit_start(void) { return false; }

int64_t jit_run(cpu_t *cpu, const uint8_t *code, int64_t left)
{
    (void)cpu; (void)code;
    return left;
}

const uint8_t *jit_compile(cpu_t *cpu, code_page_t *page, unsigned index, uint32_t vbase)
{
    (void)cpu; (void)page; (void)index; (void)vbase;
    return NULL;
}

#endif
