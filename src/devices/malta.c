/* The Malta board, compatible with QEMU's -M malta (shared/reference/malta.md).
 *
 * Physical address map (the only place that knows addresses), in precedence order:
 *
 *   0x00000000  RAM, up to 256 MiB                         ram
 *   0x1E000000  boot flash, 4 MiB, Intel CFI command set    ROM device: memory in
 *               (-pflash: stored in a file)                 read-array mode, else MMIO
 *   0x1F000900  CBUS UART, 16550, registers 8 bytes apart   IP4 (hardware interrupt 2)
 *   0x1F000000  FPGA: LEDs, ASCII display, software reset   (mapped after the UART)
 *   0x1FC00000  boot ROM window: a copy of the flash's first 4 MiB, word 0x10 = 0x420,
 *               taken at reset (flash writes show there after the next reset)
 *
 *   GT-64120 regions, which move when the guest writes ISD or a window's LD/HD pair (after
 *   RAM and ROM, which they must never shadow):
 *               at reset             after the boot ROM (QEMU's boot code, U-Boot)
 *   registers   0x14000000 (4 KiB)   0x1BE00000 (ISD = 0xDF)
 *   PCI0 MEM1   0xF2000000 (32 MiB)  0x18200000-0x1BDFFFFF  PCI memory, 1:1
 *   PCI0 MEM0   0x12000000 (32 MiB)  0x10000000-0x17FFFFFF  PCI memory, 1:1
 *   PCI0 I/O    0x10000000 (32 MiB)  0x18000000-0x181FFFFF  I/O ports 0x0000-0xFFFF
 *
 *   0x00000000  "empty": the rest of the low 512 MiB reads zero and ignores writes, as the
 *               GT-64120 decodes it on QEMU (mapped last, so every device above wins; also
 *               what a PCI window with nothing behind it shows)
 *
 * I/O ports (offsets into the PCI0 I/O window; unassigned ports read all-ones):
 *
 *   PIIX4 and SuperIO legacy devices (ISA IRQs through the i8259 pair to CPU IP2):
 *   0x0000-0x000F  DMA controller 1                    quiet: reads 0, writes ignored
 *   0x0020-0x0021  i8259 master                        INTR -> hardware interrupt 0 (IP2)
 *   0x0040-0x0043  i8254 PIT                           channel 0 -> ISA IRQ 0
 *   0x0060, 0x0064 i8042 keyboard controller           ISA IRQ 1 (keyboard), 12 (mouse)
 *   0x0061         port B: PIT channel 2 gate/output, speaker, refresh toggle
 *   0x0070-0x0071  MC146818 RTC and CMOS               ISA IRQ 8
 *   0x0080-0x008F  DMA page registers                  quiet
 *   0x00A0-0x00A1  i8259 slave                         cascaded on master IR2
 *   0x00C0-0x00DF  DMA controller 2                    quiet
 *   0x04D0-0x04D1  i8259 ELCR (edge/level control)
 *
 *   0x02F8-0x02FF  SuperIO UART B, 16550                serial 1, ISA IRQ 3
 *   0x03F0-0x03F1  SuperIO configuration index/data    writes ignored
 *   0x03F8-0x03FF  SuperIO UART A, 16550                serial 0, ISA IRQ 4
 *
 *   PIIX4 fixed ports:
 *   0x0170-0x0177, 0x0376  IDE secondary channel (no drives)
 *   0x01F0-0x01F7, 0x03F6  IDE primary channel (no drives)
 *   0x0CF9          reset control register: bit 2 resets the board
 *   PIIX4 ports the guest places: bus-master IDE (0A.1 BAR4), UHCI (0A.2 BAR4), PM block
 *   (0A.3 PMBA, enabled by PMREGMISC; Linux puts it at 0x1000)
 *
 * PCI bus 0 (configuration cycles through the GT; empty slots read all-ones):
 *
 *   00.0     GT-64120 host bridge (its configuration space lives in the GT)
 *   0A.0-3   PIIX4: ISA bridge, IDE, USB, power management
 *   12.0-15.0  NE2000 PCI cards (-nic / -device ne2k_pci), slot 18 first: INTA -> PIRQA
 *            for the first, so ISA IRQ 10 once the PIIX4 routes it (Linux and QEMU's
 *            boot code do)
 *
 *   INTx to PIRQ as QEMU's Malta (malta_pci_slot_pirq): slot 10 -> PIRQD, 11 -> PIRQB,
 *   12 -> PIRQC, 18-21 -> ((slot - 18) + pin) & 3; the PIIX4's PIRQRC registers (0x60-0x63)
 *   route PIRQA-D to ISA IRQs on the i8259.
 *
 * Physical addresses above 0x20000000 (reachable through the TLB) that hit nothing are bus
 * errors. */
#include "devices/malta.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/isa_dma.h"
#include "frontend/chardev.h"

#define RAM_BASE        0x00000000u
#define FLASH_BASE      0x1E000000u
#define FPGA_BASE       0x1F000000u
#define CBUS_UART_BASE  0x1F000900u
#define CBUS_UART_SIZE  0x40u
#define FLASH_BLOCK_SIZE 0x10000u     /* 64 blocks of 64 KiB, as QEMU's Malta flash */
#define BOOTROM_BASE    0x1FC00000u
#define LOW_WINDOW_SIZE 0x20000000u

#define DMA1_PORT       0x000u
#define PIC_MASTER_PORT 0x020u
#define PIT_PORT        0x040u
#define KBC_DATA_PORT   0x060u
#define PORT_B          0x061u
#define KBC_CMD_PORT    0x064u
#define RTC_PORT        0x070u
#define DMA_PAGE_PORT   0x080u
#define PIC_SLAVE_PORT  0x0A0u
#define DMA2_PORT       0x0C0u
#define ELCR_PORT       0x4D0u
#define UART_B_PORT     0x2F8u
#define SUPERIO_CFG_PORT 0x3F0u
#define UART_A_PORT     0x3F8u

#define PCI_HOST_DEVFN  PCI_DEVFN(0, 0)
#define PIIX4_SLOT      10
#define NIC_FIRST_SLOT  18            /* QEMU puts -device ne2k_pci here on Malta */
#define IDE_SECONDARY_CMD_PORT 0x170u
#define IDE_PRIMARY_CMD_PORT   0x1F0u
#define IDE_SECONDARY_CTL_PORT 0x376u
#define IDE_PRIMARY_CTL_PORT   0x3F6u
#define PIIX4_RCR_PORT  0xCF9u

#define BOARD_REVISION  0x00000420u   /* Malta with CoreLV: Linux and U-Boot probe it */
#define CBUS_UART_IRQ   2             /* hardware interrupt 2 = Cause.IP4 */
#define UART_A_ISA_IRQ  4
#define UART_B_ISA_IRQ  3
#define PIC_CPU_IRQ     0             /* hardware interrupt 0 = Cause.IP2 */
#define PIT_ISA_IRQ     0
#define KBD_ISA_IRQ     1
#define RTC_ISA_IRQ     8
#define MOUSE_ISA_IRQ   12

extern const uint8_t kseg_bootrom_image[];
extern const uint32_t kseg_bootrom_size;

static uint32_t empty_read(void *dev, uint32_t offset, unsigned size)
{
    bus_log_guest_error(dev, "read of nothing", offset, size);
    return 0;
}

static void empty_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)value;
    bus_log_guest_error(dev, "write to nothing", offset, size);
}

static const device_ops_t empty_ops = { .read = empty_read, .write = empty_write };

static void cpu_irq_set(void *opaque, int n, bool level)
{
    cpu_set_irq(opaque, n, level);
}

static void board_reset_request(void *opaque)
{
    malta_t *m = opaque;
    if (m->no_reboot) {
        m->power_off = true;
        m->exit_status = 0;
    } else {
        m->reset_requested = true;
    }
    m->cpu.halted = true;
    cpu_exit_loop(&m->cpu);
}

/* PIIX4 power management: soft off ends kseg with status 0, as QEMU's shutdown does. */
static void board_power_off(void *opaque)
{
    malta_t *m = opaque;
    m->power_off = true;
    m->exit_status = 0;
    m->cpu.halted = true;
    cpu_exit_loop(&m->cpu);
}

/* ---- PCI ---------------------------------------------------------------------------- */

static uint32_t host_bridge_config_read(void *opaque, uint32_t reg)
{
    return gt64120_bridge_config_read(opaque, reg);
}

static void host_bridge_config_write(void *opaque, uint32_t reg, uint32_t value)
{
    gt64120_bridge_config_write(opaque, reg, value);
}

/* QEMU's malta_pci_slot_get_pirq; Linux's fixup-malta.c irq_tab agrees for the slots it
 * knows (10, 11, 12, 18-21) and gives other slots no interrupt. */
int malta_pci_slot_pirq(int slot, int pin)
{
    int intx = pin - 1;   /* INTA = 0 */
    switch (slot) {
    case 10: return 3;    /* PIIX4 (USB): PIRQD */
    case 11: return 1;    /* QEMU's PCnet: PIRQB */
    case 12: return 2;    /* sound: PIRQC */
    case 18: case 19: case 20: case 21:
        return ((slot - 18) + intx) & 3;   /* PCI slots 1-4 */
    default: return intx;
    }
}

/* ---- Legacy ISA devices ------------------------------------------------------------- */

/* A read of the GT's PCI0_IACK register is an interrupt-acknowledge cycle on the i8259s. */
static uint8_t pic_acknowledge(void *opaque)
{
    return i8259_acknowledge(opaque);
}

/* A device timer armed for sooner than the end of the CPU's slice ends it (vclock.h). */
static void clock_kick(void *opaque)
{
    cpu_cut_slice(opaque);
}

/* The PIIX4's and SuperIO's ISA devices on the I/O ports, in port order; their interrupts
 * go through the i8259 pair, whose INTR is CPU hardware interrupt 0. */
static void init_legacy_isa(malta_t *m)
{
    ioport_space_t *io = &m->io;
    i8259_t *pic = &m->pic;
    i8259_init(pic, (irq_line_t){ cpu_irq_set, &m->cpu, PIC_CPU_IRQ });
    gt64120_set_iack(&m->gt, pic_acknowledge, pic);
    i8254_init(&m->pit, &m->clock, i8259_irq_line(pic, PIT_ISA_IRQ));
    i8042_init(&m->kbc, i8259_irq_line(pic, KBD_ISA_IRQ), i8259_irq_line(pic, MOUSE_ISA_IRQ));
    m->kbc.reset_request = board_reset_request;   /* output port bit 0, as on QEMU */
    m->kbc.opaque = m;
    mc146818_init(&m->rtc, &m->clock, i8259_irq_line(pic, RTC_ISA_IRQ), (int64_t)time(NULL));

    ioport_map(io, "dma1", DMA1_PORT, ISA_DMA1_PORTS, 1, NULL, &isa_dma_ops);
    ioport_map(io, "pic-master", PIC_MASTER_PORT, I8259_PORTS, 1, pic, &i8259_master_ops);
    ioport_map(io, "pit", PIT_PORT, I8254_PORTS, 1, &m->pit, &i8254_ops);
    ioport_map(io, "kbc-data", KBC_DATA_PORT, I8042_PORTS, 1, &m->kbc, &i8042_data_ops);
    ioport_map(io, "port-b", PORT_B, I8254_PORTB_PORTS, 1, &m->pit, &i8254_portb_ops);
    ioport_map(io, "kbc-cmd", KBC_CMD_PORT, I8042_PORTS, 1, &m->kbc, &i8042_cmd_ops);
    ioport_map(io, "rtc", RTC_PORT, MC146818_PORTS, 1, &m->rtc, &mc146818_ops);
    ioport_map(io, "dma-page", DMA_PAGE_PORT, ISA_DMA_PAGE_PORTS, 1, NULL, &isa_dma_ops);
    ioport_map(io, "pic-slave", PIC_SLAVE_PORT, I8259_PORTS, 1, pic, &i8259_slave_ops);
    ioport_map(io, "dma2", DMA2_PORT, ISA_DMA2_PORTS, 1, NULL, &isa_dma_ops);
    ioport_map(io, "elcr", ELCR_PORT, I8259_ELCR_PORTS, 1, pic, &i8259_elcr_ops);
}

/* ---- Boot flash --------------------------------------------------------------------- */

/* The chip left or entered read-array mode. Out of it, reads of the array are status or
 * query data, so no cached host pointer to the array may survive in the software TLB. */
static void flash_array_mode(void *opaque, bool readable)
{
    malta_t *m = opaque;
    bus_set_romd(&m->bus, m->flash_region, readable);
    if (!readable)
        cpu_flush_translations(&m->cpu);
}

/* A program or erase completed: no stale decoded instruction, and into the file before the
 * guest can see the status say done. */
static bool flash_changed(void *opaque, uint32_t offset, uint32_t len)
{
    malta_t *m = opaque;
    cpu_invalidate_code(&m->cpu, FLASH_BASE + offset, len);
    return !m->flash_store.store ||
           m->flash_store.store(m->flash_store.opaque, offset, m->flash + offset, len);
}

/* The boot ROM window is a copy of the flash as it is at reset. (QEMU copies once, when
 * the machine is made; kseg again at every reset, so that a reset runs what the guest
 * wrote.) */
static void refresh_bootrom(malta_t *m)
{
    if (!m->bootrom_fixed)
        memcpy(m->bootrom, m->flash, MALTA_FLASH_SIZE);
    uint32_t rev = BOARD_REVISION;
    memcpy(m->bootrom + 0x10, &rev, 4);
}

bool malta_init(malta_t *m, const malta_config_t *cfg, char **error)
{
    memset(m, 0, sizeof(*m));
    if (cfg->ram_size == 0 || cfg->ram_size > MALTA_MAX_RAM || cfg->ram_size % (1u << 20)) {
        *error = g_strdup_printf("-m: RAM size must be 1 to %u MiB in whole MiB",
                                 MALTA_MAX_RAM >> 20);
        return false;
    }
    const uint8_t *image = cfg->bios ? cfg->bios : kseg_bootrom_image;
    uint32_t image_size = cfg->bios ? cfg->bios_size : kseg_bootrom_size;
    if (cfg->nic_count < 0 || cfg->nic_count > MALTA_MAX_NICS) {
        *error = g_strdup_printf("at most %d network cards on this board", MALTA_MAX_NICS);
        return false;
    }
    if (image_size > MALTA_FLASH_SIZE) {
        *error = g_strdup_printf("-bios: image is %u bytes, larger than the %u-byte boot flash",
                                 image_size, MALTA_FLASH_SIZE);
        return false;
    }

    m->ram_size = cfg->ram_size;
    m->ram = calloc(1, m->ram_size);
    m->flash = malloc(MALTA_FLASH_SIZE);
    m->bootrom = malloc(MALTA_FLASH_SIZE);
    if (!m->ram || !m->flash || !m->bootrom) {
        *error = g_strdup("out of memory for guest RAM");
        return false;
    }
    memset(m->flash, 0xFF, MALTA_FLASH_SIZE);   /* erased NOR reads all ones */
    memcpy(m->flash, image, image_size);
    if (cfg->bootrom_window_from_bios && cfg->pflash) {
        memcpy(m->bootrom, m->flash, MALTA_FLASH_SIZE);
        m->bootrom_fixed = true;
    }
    if (cfg->pflash)
        memcpy(m->flash, cfg->pflash, MALTA_FLASH_SIZE);
    m->flash_store = cfg->pflash_store;
    refresh_bootrom(m);
    m->no_reboot = cfg->no_reboot;
    vclock_init(&m->clock, &m->cpu.icount, CPU_CLOCK_HZ);
    vclock_set_kick(&m->clock, clock_kick, &m->cpu);

    bus_t *bus = &m->bus;
    bus_init(bus);
    bus_map_ram(bus, "ram", RAM_BASE, m->ram_size, m->ram, false);
    cfi_flash_init(&m->flash_chip, m->flash, MALTA_FLASH_SIZE, FLASH_BLOCK_SIZE,
                   (cfi_flash_hooks_t){ flash_array_mode, flash_changed, m });
    m->flash_chip.write_protected = m->flash_store.write_protected;
    m->flash_region = bus_map_romd(bus, "flash", FLASH_BASE, MALTA_FLASH_SIZE, m->flash,
                                   &m->flash_chip, &cfi_flash_ops);

    irq_line_t uart_irq = { cpu_irq_set, &m->cpu, CBUS_UART_IRQ };
    uart16550_init(&m->cbus_uart, 3, cfg->serial[2], uart_irq);
    bus_map_device(bus, "cbus-uart", CBUS_UART_BASE, CBUS_UART_SIZE, &m->cbus_uart, &uart16550_ops);

    m->fpga.reset_request = board_reset_request;
    m->fpga.opaque = m;
    malta_fpga_reset(&m->fpga);
    bus_map_device(bus, "fpga", FPGA_BASE, MALTA_FPGA_SIZE, &m->fpga, &malta_fpga_ops);

    bus_map_ram(bus, "bootrom", BOOTROM_BASE, MALTA_FLASH_SIZE, m->bootrom, true);

    ioport_init(&m->io);
    m->io.stall_ns = &bus->stall_ns;
    gt64120_init(&m->gt, bus, &m->io);

    init_legacy_isa(m);
    superio_init(&m->superio, cfg->serial[0], i8259_irq_line(&m->pic, UART_A_ISA_IRQ),
                 cfg->serial[1], i8259_irq_line(&m->pic, UART_B_ISA_IRQ));
    ioport_map(&m->io, "superio-uart-b", UART_B_PORT, SUPERIO_UART_PORTS, 1,
               &m->superio.uart_b, &uart16550_ops);
    ioport_map(&m->io, "superio-config", SUPERIO_CFG_PORT, SUPERIO_CONFIG_PORTS, 1,
               &m->superio, &superio_config_ops);
    ioport_map(&m->io, "superio-uart-a", UART_A_PORT, SUPERIO_UART_PORTS, 1,
               &m->superio.uart_a, &uart16550_ops);

    /* PCI bus 0 behind the GT: the GT's own function at 00.0, the PIIX4 at slot 10. */
    pci_bus_init(&m->pci, &m->io);
    pci_bus_set_host_bridge(&m->pci, PCI_HOST_DEVFN, host_bridge_config_read,
                            host_bridge_config_write, &m->gt);
    pci_bus_set_pirq_map(&m->pci, malta_pci_slot_pirq);
    gt64120_set_pci(&m->gt, &pci_gt64120_ops, &m->pci);
    /* The PIIX4 routes PIRQs onto the i8259's inputs. */
    irq_line_t isa_irq[PIIX4_ISA_IRQS];
    for (int n = 0; n < PIIX4_ISA_IRQS; n++)
        isa_irq[n] = i8259_irq_line(&m->pic, n);
    piix4_init(&m->piix4, &m->pci, PIIX4_SLOT, &m->io, isa_irq);
    m->piix4.reset_request = board_reset_request;
    m->piix4.power_off = board_power_off;
    m->piix4.opaque = m;
    ioport_map(&m->io, "piix4-ide-secondary", IDE_SECONDARY_CMD_PORT, PIIX4_IDE_CMD_PORTS, 4,
               &m->piix4, &piix4_ide_legacy_ops);
    ioport_map(&m->io, "piix4-ide-primary", IDE_PRIMARY_CMD_PORT, PIIX4_IDE_CMD_PORTS, 4,
               &m->piix4, &piix4_ide_legacy_ops);
    ioport_map(&m->io, "piix4-ide-secondary-ctl", IDE_SECONDARY_CTL_PORT, PIIX4_IDE_CTL_PORTS,
               1, &m->piix4, &piix4_ide_legacy_ops);
    ioport_map(&m->io, "piix4-ide-primary-ctl", IDE_PRIMARY_CTL_PORT, PIIX4_IDE_CTL_PORTS, 1,
               &m->piix4, &piix4_ide_legacy_ops);
    ioport_map(&m->io, "piix4-rcr", PIIX4_RCR_PORT, PIIX4_RCR_PORTS, 1, &m->piix4,
               &piix4_rcr_ops);

    for (int i = 0; i < cfg->nic_count; i++)
        ne2k_pci_init(&m->nics[i], &m->pci, PCI_DEVFN(NIC_FIRST_SLOT + i, 0), cfg->nics[i].mac,
                      cfg->nics[i].link);
    m->nic_count = cfg->nic_count;

    bus_map_device(bus, "empty", 0, LOW_WINDOW_SIZE, bus, &empty_ops);

    cpu_init(&m->cpu, bus);
    return true;
}

void malta_reset(malta_t *m)
{
    /* The flash back in read-array mode; the boot ROM window a fresh copy of it, so drop
     * the decoded code of every page, since the copy may differ. RAM keeps its contents. */
    bus_free_code(&m->bus);
    cfi_flash_reset(&m->flash_chip);
    refresh_bootrom(m);
    uart16550_reset(&m->cbus_uart);
    malta_fpga_reset(&m->fpga);
    gt64120_reset(&m->gt);
    pci_bus_reset(&m->pci);
    i8259_reset(&m->pic);
    i8254_reset(&m->pit);
    i8042_reset(&m->kbc);
    mc146818_reset(&m->rtc);
    superio_reset(&m->superio);
    cpu_reset(&m->cpu);
    m->reset_requested = false;
}

void malta_destroy(malta_t *m)
{
    bus_destroy(&m->bus);
    free(m->ram);
    free(m->flash);
    free(m->bootrom);
}
