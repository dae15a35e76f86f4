/* Decoded code, cached per physical 4 KiB page.
 *
 * Every page the CPU fetches from gets a code_page: 1024 decoded instructions, each an
 * operation number plus ready-to-use operands, and a sentinel after them that sends the
 * run loop to the next page. Entries start out as OP_DECODE, which decodes the word on
 * first execution and replaces itself (decode once).
 * A store to a page that has a code_page resets the entries it touched (pages with code
 * never get write entries in the software TLB, so every such store takes the slow path and
 * ends here); SYNCI and cache operations therefore need no work.
 * A page whose entries have all been reset that way holds no code any more, only data
 * (Linux reuses the pages a program ran from): its stores may go fast again. The slow path
 * then lets the software TLB map it for stores (the page is no longer `watched`), and the
 * first entry decoded on it afterwards takes those write entries away again
 * (code_page_watch), so the code run from a page is always watched.
 *
 * The cached tier (block.c, and run_cached in interp.c) reads the same entries as runs:
 * a run is the instructions from an entry to the next run end, which is a delay slot, or
 * an instruction that is not a branch and sits at the end of a BLOCK_CUT-aligned stretch
 * (so the page's last instruction too, unless it is a branch). Where a run ends depends
 * only on the words of the page, never on where execution entered it, so overlapping
 * blocks share their entries. Each entry then also holds its handler (`h`), the number of
 * instructions from it to its run's end (`run`) and flags. An entry the cached tier has not
 * decoded has h = 0 and run = 0 (the interpreter may have decoded its op already). Within
 * a run the decoded entries are always a suffix: block decoding fills an entry's run to its
 * end, and a reset clears whole runs (code_page_invalidate). */
#ifndef KSEG_CODECACHE_H
#define KSEG_CODECACHE_H

#include <stdbool.h>
#include <stdint.h>

#define CODE_PAGE_SIZE 4096u
/* At most this many pages of decoded code (16.4 KiB each): 134 MiB of host memory, several
 * times what a Linux boot executes. When full, all are dropped and decoding starts over. */
#define CODE_PAGES_MAX 8192u
#define CODE_PAGE_INSNS (CODE_PAGE_SIZE / 4)

#include "cpu/decode.h"

typedef struct cpu cpu_t;

/* Operation numbers beyond the decoder's: an entry not decoded yet, and the sentinel. */
#define OP_DECODE   OP_COUNT
#define OP_PAGE_END (OP_COUNT + 1)

/* Flags of an entry, for the cached tier. INSN_END is the top bit: run_cached's entry check
 * reads it as a sign bit (entry_need in interp.c). */
#define INSN_DS   (1u << 0)   /* a delay slot: the word before it is a branch (and the
                                 sentinel, which no run may start at) */
#define INSN_STEP (1u << 1)   /* run through the interpreter (a branch in a delay slot) */
#define INSN_END  (1u << 7)   /* its run's last instruction (a delay slot, or a cut) */

/* Straight-line code is cut into runs at most this long (plus a delay slot): `run` must fit
 * a byte, and a block that ends near the slice's end is handed to the interpreter, so a
 * longer run would only save one budget check per BLOCK_CUT instructions. */
#define BLOCK_CUT 64u

typedef struct decoded_insn {
    uint8_t op;               /* enum mips_op, or OP_DECODE / OP_PAGE_END */
    uint8_t rs, rt, rd, sa;   /* register fields; a destination $zero reads 32, the sink */
    uint8_t run;              /* instructions from here to the end of the run, this one
                                 included (cached tier; 0 while not decoded there) */
    uint8_t flags;            /* INSN_* (cached tier) */
    uint8_t hot;              /* tier 2: times a run was entered here (jit.h) */
    uint32_t imm;             /* as mips_insn_t.imm */
    int32_t h;                /* cached tier: the handler, as an offset from run_cached's
                                 decode label (so 0, the reset value, decodes); the entry
                                 is 16 bytes, so the PC is the entry's index times 4, a shift */
} decoded_insn_t;
_Static_assert(sizeof(decoded_insn_t) == 16, "decoded instructions pack into 16 bytes");

/* Links: each page remembers where control went when it left the page (a jump, a branch,
 * a return, falling off its end), so the next time the cached tier goes from the page to
 * the same PC it takes the page from the link, not from a lookup. A link holds what the
 * fetch software TLB of one mode said for that PC, and is followed only while nothing
 * that can invalidate a fetch entry has happened since: `key` is the link generation (see
 * code_links_invalidate) plus the mode. Links point only at pages, which live until all
 * are dropped together, so resetting entries never leaves a link dangling. */
#define CODE_LINKS 16u   /* per page: hashed by target PC; kbench's hot pages have a handful
                            of exits, and a miss costs only the fetch software TLB lookup */

typedef struct code_page code_page_t;

typedef struct code_link {
    uint32_t pc;              /* the target (4-aligned) */
    uint64_t key;             /* code_link_generation | mode when made; 0 never matches */
    code_page_t *page;        /* the code page holding pc's entry */
} code_link_t;

typedef struct code_page {
    const uint8_t *host;      /* the page's bytes (guest RAM or ROM) */
    uint32_t paddr;           /* physical address of the page */
    decoded_insn_t insn[CODE_PAGE_INSNS + 1];   /* + the OP_PAGE_END sentinel */
    code_link_t links[CODE_LINKS];
    struct jit_page *jit;     /* tier 2's native code for entries of this page, or NULL */
    uint16_t decoded;         /* entries whose op is decoded (not OP_DECODE) */
    bool watched;             /* no write entry of the software TLB maps the page */
} code_page_t;

/* The link generation: a multiple of 4 (the low bits are for the mode), never 0. Bumped
 * wherever a fetch software-TLB entry can stop being true: every flush of translations
 * (ASID change, flush of all code, ROM mode, debugger), a TLB write, and when another CPU
 * runs (links live in pages a bus may share). */
extern uint64_t code_link_generation;
static inline void code_links_invalidate(void) { code_link_generation += 4; }

code_page_t *code_page_new(const uint8_t *host, uint32_t paddr);
void code_page_free(code_page_t *page);
/* Marks the instructions overlapping [offset, offset + len) of the page as not decoded,
 * with the rest of every run they belong to before them, and the word after them (a word
 * that becomes a branch makes the next one a delay slot). See block.c. */
void code_page_invalidate(code_page_t *page, uint32_t offset, uint32_t len);
/* Counts code_page_invalidate calls, for tier 2's steps (a store into code ends a block). */
extern uint64_t code_invalidations;

/* Before an entry of `page` is decoded: makes sure stores to the page take the slow path
 * (drops the software TLB's write entries for it when it was not watched). */
void code_page_watch_slow(cpu_t *cpu, code_page_t *page);
static inline void code_page_watch(cpu_t *cpu, code_page_t *page)
{
    if (__builtin_expect(!page->watched, 0))
        code_page_watch_slow(cpu, page);
}
/* After a store into `page` (the slow path): true when the page holds no decoded entry,
 * so the software TLB may map it for stores until one is decoded again. */
bool code_page_unwatch(code_page_t *page);

/* A superinstruction: the handler that runs `first` and then `second`, the next entry of
 * the same run, jumping to the second's code directly (no dispatch). A branch's second is
 * its delay slot. With `next_h` set it is a triple or a longer chain: it applies only where
 * the next entry's handler is next_h (the superinstruction that starts with `second`), and
 * jumps there after `first`. */
typedef struct block_pair {
    uint8_t first, second;
    int32_t next_h;           /* 0: any */
    int32_t h;
} block_pair_t;

/* The cached tier's handler offsets (run_cached's labels, from interp.c), by operation: in
 * the middle of a run; for a run's last instruction after a cut; in a delay slot (NULL: as
 * after a cut); for a branch whose two targets, taken and not, are entries of its own page
 * (0 where an operation has none; NULL: none). And the superinstructions: those with a
 * branch that has such a handler are for such branches only. */
typedef struct block_handlers {
    const int32_t *mid;
    const int32_t *end;
    const int32_t *ds;
    const int32_t *local;
    int32_t step;             /* for INSN_STEP entries */
    const block_pair_t *pairs;
    unsigned pair_count;
} block_handlers_t;

/* Makes the decoded runs of cpu's bus those of `handlers` (one of the cached tier's run
 * loops, which each have their own): runs another one decoded are dropped first. */
void code_claim(cpu_t *cpu, const block_handlers_t *handlers);

/* Decodes, for the cached tier, the run holding entry `index` from that entry to the run's
 * end (entries already decoded there are rewritten with the same values). */
void decode_block(cpu_t *cpu, code_page_t *page, unsigned index, uint32_t vbase,
                  const block_handlers_t *handlers);

#endif
