/* A guest's flash (issue 9): the vdev type "cfi-flash", kseg's own CFI chip model
 * (src/devices/cfi_flash.c) on a RAM copy of the guest's partition of the board's boot
 * flash, written back by a hypercore thread. Design note: vflash.c. */
#ifndef HV_VFLASH_H
#define HV_VFLASH_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev.h"

extern const vdev_type_t vflash_type;

/* The guest boot stage's kernel (`guest=boot:NAME`): puts `image` at offset 0 of guest v's
 * flash at `gpa` unless it holds it already, so the stage finds it there. False, with a
 * line saying why, when v has no CFI flash there or the image does not fit before the
 * flash's last block (the stage's environment). */
bool vflash_install(struct vcpu *v, uint32_t gpa, const void *image, uint32_t size);

/* Waits (from a hypercore thread) until every guest flash is in the board flash, at most
 * `ticks`; prints what it could not store. Before the board stops. */
void vflash_sync(uint32_t ticks);

#endif
