/* The physical bus's lookup: precedence where regions overlap, `decodes` callbacks that
 * change their answer, and the regions bus_find remembers (issue 10), which must never
 * answer for an address an earlier region now takes, nor survive a move, an enable or a new
 * mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mmu/bus.h"

/* A device whose `decodes` answer the test sets, counting how often it is asked. */
typedef struct fake {
    bool decodes;
    int asked;
    uint32_t last_write;
} fake_t;

static uint32_t fake_read(void *dev, uint32_t offset, unsigned size)
{
    (void)dev;
    (void)size;
    return offset;
}

static void fake_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset;
    (void)size;
    ((fake_t *)dev)->last_write = value;
}

static bool fake_decodes(void *dev, uint32_t offset)
{
    (void)offset;
    fake_t *f = dev;
    f->asked++;
    return f->decodes;
}

static const device_ops_t plain_ops = { .read = fake_read, .write = fake_write };
static const device_ops_t choosy_ops = {
    .read = fake_read, .write = fake_write, .decodes = fake_decodes,
};

static const char *find(bus_t *bus, uint32_t paddr)
{
    const bus_region_t *r = bus_find(bus, paddr);
    return r ? r->name : "(none)";
}

/* The Malta case: the CBUS UART inside the FPGA window, mapped first. Looked up in every
 * order, the FPGA remembered around the UART never answers for the UART. */
static void test_nested_region_keeps_precedence(void **state)
{
    (void)state;
    static uint8_t ram[0x4000];
    fake_t uart = { 0 }, fpga = { 0 };
    bus_t bus;
    bus_init(&bus);
    bus_map_ram(&bus, "ram", 0, sizeof ram, ram, false);
    bus_map_device(&bus, "uart", 0x1F000900u, 0x40, &uart, &plain_ops);
    bus_map_device(&bus, "fpga", 0x1F000000u, 0x100000, &fpga, &plain_ops);

    static const struct { uint32_t paddr; const char *name; } probes[] = {
        { 0x1F000500u, "fpga" }, { 0x1F000900u, "uart" }, { 0x1F000500u, "fpga" },
        { 0x1F00093Fu, "uart" }, { 0x1F000940u, "fpga" }, { 0x1F0008FFu, "fpga" },
        { 0x1F000920u, "uart" }, { 0x1F0FFFFFu, "fpga" }, { 0x1F000904u, "uart" },
        { 0x00001000u, "ram" }, { 0x1F000908u, "uart" }, { 0x1F100000u, "(none)" },
        { 0x00003FFFu, "ram" }, { 0x00004000u, "(none)" }, { 0x1F000000u, "fpga" },
    };
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
            assert_string_equal(find(&bus, probes[i].paddr), probes[i].name);
    bus_destroy(&bus);
}

/* A region remembered after an earlier one declined the address it covers would miss the
 * earlier one's change of mind: nothing is remembered there. */
static void test_earlier_region_changes_its_mind(void **state)
{
    (void)state;
    fake_t bar = { .decodes = false }, empty = { 0 };
    bus_t bus;
    bus_init(&bus);
    bus_map_device(&bus, "pci-window", 0x10000000u, 0x1000, &bar, &choosy_ops);
    bus_map_device(&bus, "empty", 0, 0x20000000u, &empty, &plain_ops);

    assert_string_equal(find(&bus, 0x10000010u), "empty");
    assert_string_equal(find(&bus, 0x10000010u), "empty");
    bar.decodes = true;                 /* a BAR was assigned behind the window */
    assert_string_equal(find(&bus, 0x10000010u), "pci-window");
    bar.decodes = false;
    assert_string_equal(find(&bus, 0x10000010u), "empty");
    /* Outside the window "empty" is remembered, and the window is never asked there. */
    assert_string_equal(find(&bus, 0x00400000u), "empty");
    bar.asked = 0;
    bar.decodes = true;
    assert_string_equal(find(&bus, 0x00400004u), "empty");
    assert_string_equal(find(&bus, 0x10000FFFu), "pci-window");
    assert_string_equal(find(&bus, 0x10001000u), "empty");
    assert_string_equal(find(&bus, 0x0FFFFFFFu), "empty");
    bus_destroy(&bus);
}

/* The remembered region's own `decodes` is asked on every hit: when it declines, the
 * lookup goes on to the regions after it. */
static void test_remembered_region_declines(void **state)
{
    (void)state;
    fake_t io = { .decodes = true }, empty = { 0 };
    bus_t bus;
    bus_init(&bus);
    bus_map_device(&bus, "io", 0x18000000u, 0x200000, &io, &choosy_ops);
    bus_map_device(&bus, "empty", 0, 0x20000000u, &empty, &plain_ops);
    assert_string_equal(find(&bus, 0x18000070u), "io");
    io.asked = 0;
    assert_string_equal(find(&bus, 0x18000071u), "io");
    assert_int_equal(io.asked, 1);      /* once, from the remembered entry */
    io.decodes = false;
    assert_string_equal(find(&bus, 0x18000071u), "empty");
    io.decodes = true;
    assert_string_equal(find(&bus, 0x18000071u), "io");
    bus_destroy(&bus);
}

/* bus_move, bus_enable and a new mapping forget what was remembered. */
static void test_map_changes_forget(void **state)
{
    (void)state;
    static uint8_t ram[0x1000];
    fake_t regs = { 0 }, window = { 0 }, empty = { 0 };
    bus_t bus;
    bus_init(&bus);
    bus_map_ram(&bus, "ram", 0, sizeof ram, ram, false);
    bus_region_t *r = bus_map_device(&bus, "gt-regs", 0x14000000u, 0x1000, &regs, &plain_ops);
    bus_region_t *w = bus_map_device(&bus, "window", 0, 0, &window, &plain_ops);
    bus_map_device(&bus, "empty", 0, 0x20000000u, &empty, &plain_ops);

    assert_string_equal(find(&bus, 0x14000068u), "gt-regs");
    assert_string_equal(find(&bus, 0x1BE00068u), "empty");
    bus_move(&bus, r, 0x1BE00000u, 0x1000);   /* the guest writes ISD */
    assert_string_equal(find(&bus, 0x14000068u), "empty");
    assert_string_equal(find(&bus, 0x1BE00068u), "gt-regs");
    bus_enable(&bus, r, false);
    assert_string_equal(find(&bus, 0x1BE00068u), "empty");
    bus_enable(&bus, r, true);
    assert_string_equal(find(&bus, 0x1BE00068u), "gt-regs");

    /* A window opening inside what "empty" answered for, and closing again. */
    assert_string_equal(find(&bus, 0x18000000u), "empty");
    bus_move(&bus, w, 0x18000000u, 0x200000);
    assert_string_equal(find(&bus, 0x18000000u), "window");
    assert_string_equal(find(&bus, 0x181FFFFFu), "window");
    assert_string_equal(find(&bus, 0x18200000u), "empty");
    bus_move(&bus, w, 0x18000000u, 0);
    assert_string_equal(find(&bus, 0x18000000u), "empty");

    /* A region mapped later never shadows, but the lookup still sees it. */
    assert_string_equal(find(&bus, 0x20000000u), "(none)");
    bus_map_device(&bus, "high", 0x20000000u, 0x1000, &regs, &plain_ops);
    assert_string_equal(find(&bus, 0x20000000u), "high");

    /* Accesses go where the lookup says. */
    assert_true(bus_write(&bus, 0x1BE00000u, 0x1234, 4));
    assert_int_equal(regs.last_write, 0x1234);
    assert_true(bus_write(&bus, 0x00000010u, 0x5678, 4));
    assert_int_equal(ram[0x10], 0x78);
    bus_destroy(&bus);
    assert_string_equal(find(&bus, 0x00000010u), "(none)");
}

/* More regions in turn than are remembered, and one that ends at the top of the address
 * space: every answer stays right. */
static void test_many_regions_and_top_of_space(void **state)
{
    (void)state;
    fake_t dev[6] = { 0 };
    static const char *const names[6] = { "a", "b", "c", "d", "e", "top" };
    bus_t bus;
    bus_init(&bus);
    for (int i = 0; i < 5; i++)
        bus_map_device(&bus, names[i], 0x1000u * (uint32_t)(i + 1), 0x1000, &dev[i], &plain_ops);
    bus_map_device(&bus, names[5], 0xFFFF0000u, 0x10000, &dev[5], &plain_ops);
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < 6; i++) {
            uint32_t base = i < 5 ? 0x1000u * (uint32_t)(i + 1) : 0xFFFF0000u;
            assert_string_equal(find(&bus, base), names[i]);
            assert_string_equal(find(&bus, i < 5 ? base + 0xFFF : 0xFFFFFFFFu), names[i]);
        }
    assert_string_equal(find(&bus, 0x6000u), "(none)");
    assert_string_equal(find(&bus, 0xFFFEFFFFu), "(none)");
    assert_string_equal(find(&bus, 0xFFFFFFFCu), "top");
    assert_ptr_equal(bus.hits[0].region, bus_find(&bus, 0xFFFF0000u));
    bus_destroy(&bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_region_keeps_precedence),
        cmocka_unit_test(test_earlier_region_changes_its_mind),
        cmocka_unit_test(test_remembered_region_declines),
        cmocka_unit_test(test_map_changes_forget),
        cmocka_unit_test(test_many_regions_and_top_of_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
