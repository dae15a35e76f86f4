/* The GDB remote serial protocol, as a module behind a dozen callbacks.
 *
 * The stub knows nothing about MIPS or the machine: registers are numbers and 32-bit
 * values, memory is bytes at addresses, and running is "resume" or "step" until the target
 * reports a stop. It is driven by the main loop (gdb_stub_service when its descriptor is
 * readable) and never blocks, so a debugger that hangs or sends garbage cannot stop the
 * machine. Unit-tested over a socketpair (tests/unit/test_gdbstub.c). */
#ifndef KSEG_GDBSTUB_H
#define KSEG_GDBSTUB_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Z/z packet types. */
enum gdb_point { GDB_SW_BREAK = 0, GDB_HW_BREAK = 1, GDB_WATCH_WRITE = 2, GDB_WATCH_READ = 3,
                 GDB_WATCH_ACCESS = 4 };

typedef struct gdb_target_ops {
    const char *target_xml;       /* served as qXfer:features:read:target.xml */
    int reg_count;                /* registers in a 'g' packet, in gdb's numbering */
    int pc_regno;                 /* which of them is the PC ('c ADDR', 's ADDR') */
    /* A register's value; false when it is unavailable (sent as "xxxxxxxx"). */
    bool (*read_reg)(void *target, int regno, uint32_t *value);
    bool (*write_reg)(void *target, int regno, uint32_t value);
    /* Memory through the target's address translation; false on any unmapped byte. */
    bool (*read_mem)(void *target, uint32_t addr, uint8_t *buf, uint32_t len);
    bool (*write_mem)(void *target, uint32_t addr, const uint8_t *buf, uint32_t len);
    /* Start running; the target calls gdb_stub_report_stop when it stops. */
    void (*resume)(void *target, bool step);
    /* Ctrl-C: stop as soon as possible (and report it). */
    void (*interrupt)(void *target);
    bool (*insert_point)(void *target, enum gdb_point type, uint32_t addr, uint32_t kind);
    bool (*remove_point)(void *target, enum gdb_point type, uint32_t addr, uint32_t kind);
    /* 'monitor CMD': append the reply text to `out`. */
    void (*monitor)(void *target, const char *cmd, GString *out);
    /* The debugger went away (D packet or disconnect): drop points, run freely. */
    void (*detach)(void *target);
    /* 'k': end the program. */
    void (*kill)(void *target);
} gdb_target_ops_t;

/* Why the target stopped. */
typedef struct gdb_stop {
    enum { GDB_STOP_SIGNAL, GDB_STOP_SWBREAK, GDB_STOP_WATCH } reason;
    int signal;                   /* 5 = SIGTRAP, 2 = SIGINT */
    enum gdb_point watch_type;    /* for GDB_STOP_WATCH */
    uint32_t watch_addr;
} gdb_stop_t;

typedef struct gdb_stub gdb_stub_t;

gdb_stub_t *gdb_stub_new(const gdb_target_ops_t *ops, void *target);
void gdb_stub_free(gdb_stub_t *s);
/* "tcp::PORT" (127.0.0.1), "tcp:HOST:PORT" or "PORT". Returns false with *error set. */
bool gdb_stub_listen(gdb_stub_t *s, const char *spec, char **error);
/* Uses an already connected descriptor (tests; a socketpair end). */
void gdb_stub_attach_fd(gdb_stub_t *s, int fd);
/* The descriptor the main loop should poll for input, or -1. */
int gdb_stub_fd(const gdb_stub_t *s);
bool gdb_stub_connected(const gdb_stub_t *s);
/* Reads what is there and answers it. */
void gdb_stub_service(gdb_stub_t *s);
/* Feeds bytes as if they came from the connection (the fuzz target uses this). */
void gdb_stub_feed(gdb_stub_t *s, const uint8_t *data, size_t len);
/* The target stopped after resume (or was stopped at start, -S): send the stop reply. */
void gdb_stub_report_stop(gdb_stub_t *s, const gdb_stop_t *stop);
/* The program ended with `status`: tell the debugger ('W' packet). */
void gdb_stub_report_exit(gdb_stub_t *s, int status);
/* Guest console output, forwarded as 'O' packets while the target runs, if enabled. */
void gdb_stub_set_console(gdb_stub_t *s, bool on);
void gdb_stub_console(gdb_stub_t *s, const uint8_t *data, size_t len);

#endif
