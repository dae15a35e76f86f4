/* Emulated devices of a guest (issue 9): the framework.
 *
 * A guest's device windows lie in the part of its physical space that is never mapped
 * (GPA 0x18000000-0x1FFFFFFF: its kseg1 view at arch 0xB8000000-0xBFFFFFFF, real
 * 0x38000000-0x3FFFFFFF), so every access traps. vcpu.c decodes the trapped load or store
 * (width, register, delay slot: vexc_decode_ldst, branch_eval), finds the device whose
 * window holds the address and calls its read or write with the offset into the window,
 * then resumes the guest after the instruction. Devices are the emulator's own models where
 * one fits (src/devices: the DP8390 of ne2000.c, the CFI chip of cfi_flash.c), compiled into
 * the firmware unchanged: the same device_ops_t (mmu/bus.h) and irq_line_t (devices/irq.h)
 * interface they have inside kseg.
 *
 * Which devices a guest has comes from the device tree (devtree.h, roms/hv/guests.dts):
 * the top-level node named after the guest (else "default"); each child with a
 * `compatible` the table in vdev.c knows is created at start, with its window at the node's
 * unit address (GPA) and `size`, and its line `interrupts` (the guest's Cause.IP2..IP6,
 * each its own line: the Malta's i8259 is not modelled for guests).
 *
 * Interrupt lines. A device raises or lowers its line through the irq_line_t it was given
 * (vdev_irq_line); the level is kept per VCPU and folded into the guest's Cause.IP2..6
 * before every return into the guest. Raising a line wakes a VCPU in WAIT.
 *
 * ROM devices. A device may declare a window part readable as memory (flash in read-array
 * mode): its loads are then shadow-mapped straight to host physical memory, read-only,
 * while stores still trap to its write. vdev_set_romd switches that on and off and drops
 * the VCPU's shadow entries, so no stale mapping survives the switch.
 *
 * Concurrency. MMIO emulation runs on the exception path with interrupts masked. A
 * hypercore thread that calls into a guest's device model (a network backend delivering a
 * frame, a flash writer) must hold interrupts masked (irq_save/irq_restore) around the
 * call, so it never interleaves with the guest's own accesses. */
#ifndef HV_VDEV_H
#define HV_VDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"
#include "devtree.h"

struct vcpu;

#define VDEV_MAX            8           /* devices per guest */
#define VDEV_IRQ_FIRST      2           /* guest Cause.IP2 .. IP6 */
#define VDEV_IRQ_LAST       6

typedef struct vdev vdev_t;

/* One kind of device, by its `compatible` string. */
typedef struct vdev_type {
    const char *compatible;
    /* Makes the model: sets d->dev and d->ops (and, for a ROM device, d->romd_hpa) from
     * the node's properties. False with *why set ("no partition", ...) when the node
     * cannot be served; the guest then starts without the device and a line says so. */
    bool (*create)(vdev_t *d, const devtree_t *t, int node, const char **why);
    /* The guest is reset (`reset N`): the device as after power-on. NULL: nothing. */
    void (*reset)(vdev_t *d);
    /* For a model that computes its interrupt line from its registers when asked instead
     * of driving it (vcons.c's 16550): the line's level now. NULL: the model drives it
     * through vdev_irq_line. */
    bool (*line)(vdev_t *d);
} vdev_type_t;

struct vdev {
    char name[24];              /* the node's name with its unit: "ethernet@18000300" */
    const vdev_type_t *type;
    struct vcpu *vcpu;          /* the guest it belongs to */
    uint32_t base, size;        /* its window, GPA */
    int irq;                    /* its Cause.IP line, VDEV_IRQ_FIRST..LAST; -1: none */
    void *dev;                  /* the model's state */
    const device_ops_t *ops;
    /* ROM device: while `romd` is set, loads from the window read host physical
     * romd_hpa + offset (read-only shadow entries). romd_hpa 0: not a ROM device. */
    uint32_t romd_hpa;
    bool romd;
    bool level;                 /* the line as the model last drove it */
};

/* The devices of one guest. */
typedef struct vdev_set {
    vdev_t dev[VDEV_MAX];
    uint32_t n;
} vdev_set_t;

/* Parses the built-in device tree once (false: the error is printed). */
bool vdev_tree_init(void);
const devtree_t *vdev_tree(void);
/* Creates guest v's devices from the tree node for `config` (falls back to "default").
 * Prints a line per device it could not create; false only when there is no node. */
bool vdev_create_all(struct vcpu *v, const char *config);
/* The device whose window holds `gpa`, or NULL. */
vdev_t *vdev_find(struct vcpu *v, uint32_t gpa);
/* Loads from a ROM device window: host physical address for `gpa`, when it is mapped as
 * memory now. */
bool vdev_romd_hpa(struct vcpu *v, uint32_t gpa, uint32_t *hpa);
/* Guest reset: every device's reset hook, lines low. */
void vdev_reset_all(struct vcpu *v);
/* The guest's Cause.IP2..IP6 bits its devices' lines raise now (vcpu.c, before every
 * return into the guest). */
uint32_t vdev_irq_bits(struct vcpu *v);

/* For device models. */
irq_line_t vdev_irq_line(vdev_t *d);
void vdev_set_romd(vdev_t *d, bool readable);
/* The guest's number (0..3), for things a model derives per instance (a MAC address, a
 * flash partition). */
uint32_t vdev_guest_id(const vdev_t *d);

#endif
