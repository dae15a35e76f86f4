/* The NE2000 PCI card as QEMU's ne2k_pci: a Realtek RTL8029 (10EC:8029, class 0x0200,
 * INTA) whose 0x100-byte I/O BAR 0 holds the DP8390 core's registers (devices/ne2000.h),
 * its data port and its reset port (shared/reference/malta.md §14). */
#ifndef KSEG_NE2K_PCI_H
#define KSEG_NE2K_PCI_H

#include <stdint.h>

#include "devices/ne2000.h"
#include "devices/net_link.h"
#include "devices/pci.h"

#define NE2K_PCI_VENDOR_ID 0x10EC
#define NE2K_PCI_DEVICE_ID 0x8029
#define NE2K_PCI_BAR_SIZE  0x100

typedef struct ne2k_pci {
    pci_function_t fn;
    ne2000_t core;
} ne2k_pci_t;

/* Plugs the card into `bus` at `devfn`, with `mac` in its PROM, its frames on `link`
 * (which may have no backend). The card resets with the bus (pci_bus_reset). */
void ne2k_pci_init(ne2k_pci_t *d, pci_bus_t *bus, int devfn, const uint8_t mac[NET_MAC_LEN],
                   net_link_t *link);

#endif
