/* A guest's virtual NE2000 (issue 9): the device type "ne2000" of vdev.c's table. */
#ifndef HV_VNE2K_H
#define HV_VNE2K_H

#include "vdev.h"

extern const vdev_type_t vne2k_type;

/* The terminal's `net`: the bridge's ports with their counters and queues, then the
 * board's card's counters ("no guest network" before any guest has a card). */
void vne2k_print_net(void);
/* Whether any guest has an NE2000 (the network was started). */
bool vne2k_in_use(void);

#endif
