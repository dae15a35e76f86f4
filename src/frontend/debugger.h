/* gdb attached to the machine: the target side of the stub and its run control. */
#ifndef KSEG_DEBUGGER_H
#define KSEG_DEBUGGER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/malta.h"
#include "frontend/chardev.h"

typedef struct debugger debugger_t;

/* Listens as `spec` says ("tcp::1234[,console=on]"); with start_stopped (-S) the machine
 * waits for gdb before its first instruction. console=on forwards what the guest writes to
 * the given serial back ends to gdb. NULL with *error set on failure. */
debugger_t *debugger_new(malta_t *m, const char *spec, bool start_stopped,
                         chardev_t *const *serials, int nserials, char **error);
void debugger_free(debugger_t *d);
int debugger_fd(const debugger_t *d);
void debugger_service(debugger_t *d);
/* True while gdb holds the machine: the main loop must not run the CPU. */
bool debugger_stopped(const debugger_t *d);
/* The machine is ending with `status`: gdb hears it as the program's exit. */
void debugger_report_exit(debugger_t *d, int status);
/* Runs the CPU up to `until` (or one step); returns true when it stopped for gdb. */
bool debugger_run(debugger_t *d, uint64_t until);

#endif
