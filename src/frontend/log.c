#include "frontend/log.h"

#include <stdarg.h>
#include <stdlib.h>

unsigned log_mask;
FILE *log_file;

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
