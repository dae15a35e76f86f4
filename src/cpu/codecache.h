/* Decoded code, cached per physical 4 KiB page.
 *
 * Every page the CPU fetches from gets a code_page: 1024 decoded instructions, each an
 * operation number plus ready-to-use operands, and a sentinel after them that sends the
 * run loop to the next page. Entries start out as OP_DECODE, which decodes the word on
 * first execution and replaces itself (decode once).
 * A store to a page that has a code_page resets the entries it touched (pages with code
 * never get write entries in the software TLB, so every such store takes the slow path and
 * ends here); SYNCI and cache operations therefore need no work. */
#ifndef KSEG_CODECACHE_H
#define KSEG_CODECACHE_H

#include <stdint.h>

#define CODE_PAGE_SIZE 4096u
/* At most this many pages of decoded code (16 KiB each): 128 MiB of host memory, several
 * times what a Linux boot executes. When full, all are dropped and decoding starts over. */
#define CODE_PAGES_MAX 8192u
#define CODE_PAGE_INSNS (CODE_PAGE_SIZE / 4)

#include "cpu/decode.h"

/* Operation numbers beyond the decoder's: an entry not decoded yet, and the sentinel. */
#define OP_DECODE   OP_COUNT
#define OP_PAGE_END (OP_COUNT + 1)

typedef struct decoded_insn {
    uint8_t op;               /* enum mips_op, or OP_DECODE / OP_PAGE_END */
    uint8_t rs, rt, rd, sa;   /* register fields; a destination $zero reads 32, the sink */
    uint8_t unused[3];
    uint32_t imm;             /* as mips_insn_t.imm */
    uint32_t unused2;         /* pads to 16 bytes: the PC is the entry's index times 4, and
                                 a power-of-two size makes that a shift */
} decoded_insn_t;
_Static_assert(sizeof(decoded_insn_t) == 16, "decoded instructions pack into 16 bytes");

typedef struct code_page {
    const uint8_t *host;      /* the page's bytes (guest RAM or ROM) */
    uint32_t paddr;           /* physical address of the page */
    decoded_insn_t insn[CODE_PAGE_INSNS + 1];   /* + the OP_PAGE_END sentinel */
} code_page_t;

code_page_t *code_page_new(const uint8_t *host, uint32_t paddr);
/* Marks the instructions overlapping [offset, offset + len) of the page as not decoded. */
void code_page_invalidate(code_page_t *page, uint32_t offset, uint32_t len);

#endif
