/* Character back ends for serial ports: stdio, null, file:PATH, tcp::PORT,server,nowait
 * (QEMU's spellings). The main loop polls them; a device reads what arrived through a
 * receiver it registers and writes with chardev_write. */
#ifndef KSEG_CHARDEV_H
#define KSEG_CHARDEV_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

typedef struct chardev chardev_t;

/* How many bytes the device can take now, and delivery of up to that many. */
typedef struct chardev_receiver {
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
} chardev_receiver_t;

/* Returns NULL and sets *error (a static string or a g_strdup'd message) on a bad spec. */
chardev_t *chardev_open(const char *spec, char **error);
void chardev_close(chardev_t *c);
void chardev_write(chardev_t *c, const uint8_t *buf, size_t len);
void chardev_set_receiver(chardev_t *c, const chardev_receiver_t *r);

/* Also hands everything written to `c` to `tap` (the gdb stub's console forwarding). */
void chardev_set_tap(chardev_t *c, void (*tap)(void *opaque, const uint8_t *buf, size_t len),
                     void *opaque);

/* Fills `fds` (events POLLIN) with what the chardevs wait on; returns the count. */
int chardev_poll_fds(struct pollfd *fds, int max);
/* Reads whatever is ready on every chardev and hands it to the receivers. */
void chardev_service(void);
/* Set when the user typed the quit sequence (Ctrl-A x) on a stdio chardev. */
extern int chardev_quit_requested;

#endif
