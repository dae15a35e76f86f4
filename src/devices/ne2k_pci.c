/* The NE2000 PCI card (QEMU's ne2k_pci): a Realtek RTL8029 whose I/O BAR 0 holds the
 * DP8390 core (devices/ne2000.c). The front is only identity and wiring: the core's
 * block answers the whole 0x100-byte BAR (offsets past its 32 bytes read all-ones), its
 * interrupt drives INTA, and a PCI reset is the chip's RESET. */
#include "devices/ne2k_pci.h"

#define NE2K_PCI_CLASS     0x020000   /* network controller, Ethernet */
#define NE2K_PCI_INTA      1
/* QEMU gives functions without their own subsystem IDs Red Hat's (as piix4.c). */
#define SUBSYS_VENDOR      0x1AF4
#define SUBSYS_ID          0x1100

static void ne2k_pci_reset(pci_function_t *fn)
{
    ne2k_pci_t *d = fn->opaque;
    ne2000_reset(&d->core);
}

static const pci_function_ops_t ne2k_pci_fn_ops = { .reset = ne2k_pci_reset };

void ne2k_pci_init(ne2k_pci_t *d, pci_bus_t *bus, int devfn, const uint8_t mac[NET_MAC_LEN],
                   net_link_t *link)
{
    static const pci_id_t id = {
        .vendor_id = NE2K_PCI_VENDOR_ID, .device_id = NE2K_PCI_DEVICE_ID,
        .class_code = NE2K_PCI_CLASS,
        .subsystem_vendor_id = SUBSYS_VENDOR, .subsystem_id = SUBSYS_ID,
        .interrupt_pin = NE2K_PCI_INTA,
    };
    pci_function_init(&d->fn, "ne2k_pci", &id, &ne2k_pci_fn_ops, d);
    ne2000_init(&d->core, mac, link, pci_irq_line(&d->fn));
    pci_function_set_bar(&d->fn, 0, "ne2k_pci", NE2K_PCI_BAR_SIZE, true, 4, &d->core,
                         &ne2000_ops);
    pci_bus_attach(bus, devfn, &d->fn);
}
