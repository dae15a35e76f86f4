/* Emulated devices of a guest: the device tree, the table of device types, windows and
 * interrupt lines (design note: vdev.h). */
#include "hv.h"
#include "vcons.h"
#include "vcpu.h"
#include "vdev.h"
#include "vflash.h"
#include "vne2k.h"

#define IP_BIT(line)    (1u << (8 + (line)))            /* Cause.IP<line> */
#define IP_DEVICE_MASK  0x00007C00u                     /* IP2..IP6 */

/* ---- The device tree ---------------------------------------------------------------- */

/* guests.S: the text of guests.dts, built in. */
extern const char guests_dts[], guests_dts_end[];

static devtree_t tree;
static bool tree_ok;

bool vdev_tree_init(void)
{
    tree_ok = devtree_parse(&tree, guests_dts, (size_t)(guests_dts_end - guests_dts));
    if (!tree_ok)
        printf("hv: guests.dts: %s\n", tree.error);
    return tree_ok;
}

const devtree_t *vdev_tree(void)
{
    return &tree;
}

/* ---- Device types that live here: the console UART and the reset register ------------ */

/* "ns16550": the guest's virtual 16550 is vcons.c's console of the same id (its output
 * lines prefixed with the guest's name, its input from the terminal's `console N`). Byte
 * registers; a wider access reaches the register it starts at. */
static uint32_t uart_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    return vcons_read((uint32_t)(uintptr_t)dev, offset & 7u);
}

static void uart_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    vcons_write((uint32_t)(uintptr_t)dev, offset & 7u, (uint8_t)value);
}

static const device_ops_t uart_ops = { .read = uart_read, .write = uart_write };

static bool uart_create(vdev_t *d, const devtree_t *t, int node, const char **why)
{
    (void)t, (void)node, (void)why;
    d->dev = (void *)(uintptr_t)vdev_guest_id(d);
    d->ops = &uart_ops;
    return true;
}

/* vcons.c computes the 16550's line from its registers when asked. */
static bool uart_line(vdev_t *d)
{
    return vcons_irq(vdev_guest_id(d));
}

/* "malta-softres": the FPGA's software reset register. Writing 0x42 (GORESET) ends the
 * guest ("hv: guest NAME exited"); reads are 0. */
static uint32_t softres_read(void *dev, uint32_t offset, unsigned size)
{
    (void)dev, (void)offset, (void)size;
    return 0;
}

static void softres_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    vcpu_t *v = dev;
    if (offset == 0 && (value & 0xFFu) == SOFTRES_GORESET) {
        v->stopped = true;
        v->exited = true;
    }
}

static const device_ops_t softres_ops = { .read = softres_read, .write = softres_write };

static bool softres_create(vdev_t *d, const devtree_t *t, int node, const char **why)
{
    (void)t, (void)node, (void)why;
    d->dev = d->vcpu;
    d->ops = &softres_ops;
    return true;
}

static const vdev_type_t uart_type = {
    .compatible = "ns16550", .create = uart_create, .line = uart_line,
};
static const vdev_type_t softres_type = {
    .compatible = "malta-softres", .create = softres_create,
};

/* Every device type a guest can have, by its `compatible`. */
static const vdev_type_t *const types[] = {
    &uart_type,
    &softres_type,
    &vne2k_type,
    &vflash_type,
};

static const vdev_type_t *find_type(const devtree_str_t *compatible)
{
    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        if (devtree_str_eq(*compatible, types[i]->compatible))
            return types[i];
    return NULL;
}

/* ---- A guest's devices ---------------------------------------------------------------- */

uint32_t vdev_guest_id(const vdev_t *d)
{
    return d->vcpu->id;
}

/* The node's name with its unit address, for messages: "ethernet@18000300". */
static void node_name(char *buf, size_t size, const devtree_node_t *n)
{
    uint32_t len = n->name.len < size - 1 ? n->name.len : (uint32_t)size - 1;
    memcpy(buf, n->name.s, len);
    buf[len] = '\0';
    if (n->has_unit)
        snprintf(buf + len, size - len, "@%x", n->unit);
}

/* Why a node's window or line cannot be used, or NULL. */
static const char *check_node(const vcpu_t *v, const devtree_node_t *n, uint32_t size,
                              int irq)
{
    if (!n->has_unit || !size)
        return "it needs a unit address (its GPA) and a size";
    if (n->unit < VCPU_GPA_IO || n->unit >= VCPU_GPA_IO_END ||
        size > VCPU_GPA_IO_END - n->unit)
        return "its window is outside GPA 0x18000000-0x1fffffff";
    if (irq != -1 && (irq < VDEV_IRQ_FIRST || irq > VDEV_IRQ_LAST))
        return "interrupts must be 2..6 (the guest's Cause.IP lines)";
    for (uint32_t i = 0; i < v->devs.n; i++) {
        const vdev_t *o = &v->devs.dev[i];
        if (n->unit < o->base + o->size && o->base < n->unit + size)
            return "its window overlaps another device's";
    }
    if (v->devs.n == VDEV_MAX)
        return "too many devices";
    return NULL;
}

bool vdev_create_all(vcpu_t *v, const char *config)
{
    int top = tree_ok ? devtree_top(&tree, config) : -1;
    if (top < 0 && tree_ok)
        top = devtree_top(&tree, "default");
    if (top < 0) {
        printf("hv: guest %s: no device configuration '%s' or 'default' in guests.dts\n",
               v->name, config);
        return false;
    }
    /* `same-as = "NAME";`: the devices of configuration NAME (one step, no chains). */
    const devtree_prop_t *same = devtree_prop(&tree, top, "same-as");
    if (same && same->kind == DEVTREE_STRING) {
        int other = -1;
        for (int n = tree.first_top; n >= 0 && other < 0; n = tree.nodes[n].next_sibling)
            if (tree.nodes[n].name.len == same->string.len &&
                !memcmp(tree.nodes[n].name.s, same->string.s, same->string.len))
                other = n;
        if (other < 0) {
            printf("hv: guest %s: configuration '%s' is the same as one guests.dts lacks\n",
                   v->name, config);
            return false;
        }
        top = other;
    }
    v->devs.n = 0;
    for (int c = tree.nodes[top].first_child; c >= 0; c = tree.nodes[c].next_sibling) {
        const devtree_node_t *n = &tree.nodes[c];
        char name[sizeof(((vdev_t *)0)->name)];
        node_name(name, sizeof(name), n);
        const devtree_prop_t *compat = devtree_prop(&tree, c, "compatible");
        const vdev_type_t *type =
            compat && compat->kind == DEVTREE_STRING ? find_type(&compat->string) : NULL;
        uint32_t size = devtree_u32(&tree, c, "size", 0);
        int irq = (int)devtree_u32(&tree, c, "interrupts", (uint32_t)-1);
        const char *why = !type ? "no such device type (compatible)"
                                : check_node(v, n, size, irq);
        vdev_t *d = &v->devs.dev[v->devs.n];
        if (!why) {
            memset(d, 0, sizeof(*d));
            memcpy(d->name, name, sizeof(d->name));
            d->type = type;
            d->vcpu = v;
            d->base = n->unit;
            d->size = size;
            d->irq = irq;
            if (type->create(d, &tree, c, &why))
                v->devs.n++;
            else if (!why)
                why = "the device could not be made";
        }
        if (why)
            printf("hv: guest %s: device %s left out: %s (guests.dts line %u)\n", v->name,
                   name, why, n->line);
    }
    return true;
}

vdev_t *vdev_find(vcpu_t *v, uint32_t gpa)
{
    for (uint32_t i = 0; i < v->devs.n; i++)
        if (gpa - v->devs.dev[i].base < v->devs.dev[i].size)
            return &v->devs.dev[i];
    return NULL;
}

bool vdev_romd_hpa(vcpu_t *v, uint32_t gpa, uint32_t *hpa)
{
    vdev_t *d = vdev_find(v, gpa);
    if (!d || !d->romd_hpa || !d->romd)
        return false;
    *hpa = d->romd_hpa + (gpa - d->base);
    return true;
}

void vdev_reset_all(vcpu_t *v)
{
    for (uint32_t i = 0; i < v->devs.n; i++) {
        vdev_t *d = &v->devs.dev[i];
        d->level = false;
        if (d->type->reset)
            d->type->reset(d);
    }
}

uint32_t vdev_irq_bits(vcpu_t *v)
{
    uint32_t bits = 0;
    for (uint32_t i = 0; i < v->devs.n; i++) {
        vdev_t *d = &v->devs.dev[i];
        if (d->irq >= 0 && (d->level || (d->type->line && d->type->line(d))))
            bits |= IP_BIT(d->irq);
    }
    return bits & IP_DEVICE_MASK;
}

/* ---- For device models ---------------------------------------------------------------- */

static void line_set(void *opaque, int n, bool level)
{
    (void)n;
    vdev_t *d = opaque;
    bool rise = level && !d->level;
    d->level = level;
    if (rise)
        vcpu_kick(vdev_guest_id(d));    /* a guest in WAIT takes it at the next interrupt */
}

irq_line_t vdev_irq_line(vdev_t *d)
{
    return (irq_line_t){ .set = line_set, .opaque = d, .n = d->irq };
}

void vdev_set_romd(vdev_t *d, bool readable)
{
    if (d->romd == readable)
        return;
    d->romd = readable;
    if (!readable)
        vcpu_drop_shadows(d->vcpu);     /* no load may still reach the array directly */
}

/* ---- The emulator's logging (shim/frontend/log.h) for the models of src/devices -------- */

void log_msg(unsigned item, const char *fmt, ...)
{
    static uint32_t printed;
    (void)item;
    if (printed >= 16)
        return;                 /* a guest driver probing in a loop: the first few tell */
    printed++;
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("hv: %s\n", line);
}

void fatal(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    panic("hv: %s", line);
}
