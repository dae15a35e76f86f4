/* Decoded code, cached per physical 4 KiB page.
 *
 * Every page the CPU fetches from gets a code_page: 1024 decoded instructions, each a
 * handler pointer plus ready-to-use operands. Entries start out pointing at the decode
 * handler, which decodes the word on first execution and replaces itself (decode once).
 * A store to a page that has a code_page resets the entries it touched (pages with code
 * never get write entries in the software TLB, so every such store takes the slow path and
 * ends here); SYNCI and cache operations therefore need no work. */
#ifndef KSEG_CODECACHE_H
#define KSEG_CODECACHE_H

#include <stdint.h>

#define CODE_PAGE_SIZE 4096u
#define CODE_PAGE_INSNS (CODE_PAGE_SIZE / 4)

typedef struct cpu cpu_t;
typedef struct decoded_insn decoded_insn_t;
typedef void insn_fn(cpu_t *cpu, const decoded_insn_t *d);

struct decoded_insn {
    insn_fn *fn;
    uint8_t rs, rt, rd, sa;
    uint32_t imm;
};
_Static_assert(sizeof(decoded_insn_t) == 16, "decoded instructions pack into 16 bytes");

typedef struct code_page {
    const uint8_t *host;      /* the page's bytes (guest RAM or ROM) */
    uint32_t paddr;           /* physical address of the page */
    decoded_insn_t insn[CODE_PAGE_INSNS];
} code_page_t;

code_page_t *code_page_new(const uint8_t *host, uint32_t paddr);
/* Marks the instructions overlapping [offset, offset + len) of the page as not decoded. */
void code_page_invalidate(code_page_t *page, uint32_t offset, uint32_t len);

#endif
