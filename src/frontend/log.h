/* Logging for -d and -D, and the one-line fatal errors of the command line. */
#ifndef KSEG_LOG_H
#define KSEG_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* -d items. */
enum {
    LOG_IN_ASM = 1 << 0,       /* each instruction's disassembly when it is first decoded */
    LOG_EXEC = 1 << 1,         /* every instruction executed */
    LOG_INT = 1 << 2,          /* every exception and interrupt taken */
    LOG_GUEST_ERRORS = 1 << 3, /* accesses to nothing, unimplemented features */
    LOG_CPU = 1 << 4,          /* registers before each instruction (with exec) */
    LOG_MMU = 1 << 5,          /* TLB writes */
    LOG_OUT_ASM = 1 << 6,      /* the x86-64 code tier 2 makes for each block */
};

extern unsigned log_mask;
extern FILE *log_file;

static inline int log_enabled(unsigned item) { return (log_mask & item) != 0; }
/* -dfilter: only addresses in these ranges are traced (all when none are given). */
bool log_parse_filter(const char *spec);
bool log_pc_wanted(uint32_t pc);

void log_msg(unsigned item, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "kseg: <message>" on stderr and exits with status 1. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
