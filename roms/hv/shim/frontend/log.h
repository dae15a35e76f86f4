/* The emulator's logging interface (src/frontend/log.h) for its device models compiled
 * into the hypervisor firmware (vdev.h): a guest's errors in a device are worth a line on
 * the board console, as kseg prints them under -d guest_errors. Found before src/ on the
 * include path (roms/hv/meson.build). */
#ifndef HV_SHIM_LOG_H
#define HV_SHIM_LOG_H

#include <stdbool.h>

enum {
    LOG_IN_ASM = 1 << 0,
    LOG_EXEC = 1 << 1,
    LOG_INT = 1 << 2,
    LOG_GUEST_ERRORS = 1 << 3,
    LOG_CPU = 1 << 4,
    LOG_MMU = 1 << 5,
};

/* vdev.c: printed with an "hv: " prefix, the first few only. */
void log_msg(unsigned item, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A model's broken invariant (never a guest's doing): the hypervisor stops (panic). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
