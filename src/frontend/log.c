#include "frontend/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

unsigned log_mask;
FILE *log_file;

#define LOG_MAX_RANGES 16
static struct { uint32_t first, last; } ranges[LOG_MAX_RANGES];
static int range_count;

/* QEMU's -dfilter forms: START..END (inclusive), START+SIZE, START-SIZE (the SIZE bytes
 * before START), comma-separated. */
bool log_parse_filter(const char *spec)
{
    range_count = 0;
    const char *p = spec;
    while (*p) {
        char *end;
        unsigned long long start = strtoull(p, &end, 0), size;
        if (end == p || start > 0xFFFFFFFFull || range_count == LOG_MAX_RANGES)
            return false;
        p = end;
        uint32_t first = (uint32_t)start, last;
        if (p[0] == '.' && p[1] == '.') {
            unsigned long long stop = strtoull(p + 2, &end, 0);
            if (end == p + 2 || stop > 0xFFFFFFFFull || stop < start)
                return false;
            last = (uint32_t)stop;
        } else if (*p == '+' || *p == '-') {
            size = strtoull(p + 1, &end, 0);
            if (end == p + 1 || size == 0 || size > 0x100000000ull)
                return false;
            if (*p == '+') {
                last = (uint32_t)(start + size - 1 > 0xFFFFFFFFull ? 0xFFFFFFFFull : start + size - 1);
            } else {
                last = first;
                first = (uint32_t)(size - 1 > start ? 0 : start - (size - 1));
            }
        } else {
            return false;
        }
        p = end;
        ranges[range_count].first = first;
        ranges[range_count].last = last;
        range_count++;
        if (*p == ',')
            p++;
        else if (*p)
            return false;
    }
    return range_count > 0;
}

bool log_pc_wanted(uint32_t pc)
{
    if (range_count == 0)
        return true;
    for (int i = 0; i < range_count; i++)
        if (pc >= ranges[i].first && pc <= ranges[i].last)
            return true;
    return false;
}

void log_msg(unsigned item, const char *fmt, ...)
{
    if (!(log_mask & item))
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("kseg: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}
