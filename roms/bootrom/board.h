/* The Malta board as the boot ROM sees it: addresses, register offsets and the RAM layout.
 *
 * Only #defines, so that start.S (through cpp) and the C stage share one list. Device
 * addresses are kseg1 (uncached) virtual addresses: I/O must never be cached. The facts come
 * from ../../../shared/reference/malta.md (section numbers in brackets). */
#ifndef BOOTROM_BOARD_H
#define BOOTROM_BOARD_H

/* The fixed segments of the MIPS32 kernel address space. */
#define KSEG0               0x80000000  /* cached view of physical 0..512 MiB */
#define KSEG1               0xA0000000  /* uncached view of the same */
#define PHYS_MASK           0x1FFFFFFF

/* Boot flash [2]: 4 MiB at physical 0x1E000000; its first 4 MiB are also seen at 0x1FC00000,
 * where the CPU starts, with the board revision word at offset 0x10. */
#define FLASH_PADDR         0x1E000000
#define FLASH_SIZE          0x00400000
#define FLASH_KSEG1         0xBE000000  /* the flash, uncached: commands must reach the chip */
/* The boot ROM keeps its saved environment in the flash's last 64 KiB block (U-Boot's is in
 * the two blocks from 0x3E0000: the same area, another layout). */
#define ENV_FLASH_OFFSET    0x003F0000
#define ENV_FLASH_SIZE      0x00010000
#define RESET_VECTOR        0xBFC00000
#define BOARD_REVISION      0xBFC00010
#define   REV_CORID_SHIFT   10          /* core card: 1 = CoreLV (GT-64120 system controller) */
#define   REV_CORID_MASK    0x3F
#define   CORID_CORE_LV     1

/* FPGA registers [3]. */
#define FPGA_LEDBAR         0xBF000408
#define FPGA_ASCIIWORD      0xBF000410
#define FPGA_ASCIIPOS0      0xBF000418  /* eight characters, one register each, 8 bytes apart */
#define FPGA_SOFTRES        0xBF000500
#define   SOFTRES_GORESET   0x42

/* GT-64120 system controller [4]. Its registers sit at 0x14000000 after reset; writing the
 * internal space decode register (ISD) moves them to 0x1BE00000, where Linux expects them. */
#define GT_BASE_AT_RESET    0xB4000000
#define GT_BASE             0xBBE00000
#define   GT_PCI0IOLD       0x048       /* PCI0 I/O window, low decode (address bits 35:21) */
#define   GT_PCI0IOHD       0x050       /*                  high decode (bits 27:21) */
#define   GT_PCI0M0LD       0x058       /* PCI0 memory window 0 */
#define   GT_PCI0M0HD       0x060
#define   GT_ISD            0x068       /* where the registers live: address bits 35:21 */
#define   GT_PCI0M1LD       0x080       /* PCI0 memory window 1 */
#define   GT_PCI0M1HD       0x088
#define   GT_INTRCAUSE      0xC18       /* bits 18/19: master/target abort of a PCI cycle */
#define   GT_PCI0_CFGADDR   0xCF8
#define   GT_PCI0_CFGDATA   0xCFC
/* The values YAMON, U-Boot and QEMU's -kernel loader write, in units of 2 MiB. */
#define   GT_ISD_VALUE      0xDF        /* 0x1BE00000 >> 21 */
#define   GT_IOLD_VALUE     0xC0        /* I/O window 0x18000000-0x181FFFFF */
#define   GT_IOHD_VALUE     0x40
#define   GT_M0LD_VALUE     0x80        /* memory window 0x10000000-0x17FFFFFF */
#define   GT_M0HD_VALUE     0x3F
#define   GT_M1LD_VALUE     0xC1        /* memory window 0x18200000-0x1BDFFFFF */
#define   GT_M1HD_VALUE     0x5E

/* ISA I/O ports [7] once the GT's PCI0 I/O window is at 0x18000000: port N is at ISA_IO + N. */
#define ISA_IO              0xB8000000
#define SIO_CONFIG_PORT     0x3F0       /* FDC37M817 SuperIO configuration index / data */
#define SIO_DATA_PORT       0x3F1
#define   SIO_ENTER_CONFIG  0x55
#define   SIO_EXIT_CONFIG   0xAA
#define   SIO_LDN           0x07        /* selects a logical device */
#define   SIO_ACTIVATE      0x30
#define   SIO_BASE_HI       0x60
#define   SIO_BASE_LO       0x61
#define   SIO_IRQ           0x70
#define   SIO_UART_MODE     0xF0
#define SUPERIO_UART0_PORT  0x3F8       /* tty0: the console Linux and QEMU use */
#define SUPERIO_UART1_PORT  0x2F8       /* tty1 */
#define SUPERIO_UART0       (ISA_IO + SUPERIO_UART0_PORT)
#define SUPERIO_UART1       (ISA_IO + SUPERIO_UART1_PORT)

/* The CBUS UART in the FPGA [3]: registers 8 bytes apart. */
#define CBUS_UART           0xBF000900
#define CBUS_UART_SHIFT     3

/* 16550 registers (index, scaled by the UART's register shift) and bits [9]. */
#define UART_RBR            0           /* receive buffer (read) */
#define UART_THR            0           /* transmit holding (write) */
#define UART_DLL            0           /* divisor latch, low byte (LCR.DLAB = 1) */
#define UART_IER            1
#define UART_DLM            1
#define UART_FCR            2
#define UART_LCR            3
#define UART_MCR            4
#define UART_LSR            5
#define UART_SCR            7           /* scratch: a UART that is there gives back what we write */
#define   LCR_DLAB          0x80
#define   LCR_8N1           0x03
#define   FCR_FIFO_RESET    0x07        /* enable the FIFOs and empty both */
#define   MCR_DTR_RTS       0x03
#define   LSR_DR            0x01
#define   LSR_THRE          0x20
/* 38400 8N1, the speed YAMON's modetty0 default "38400n8r" and QEMU's loader tell Linux. */
#define SUPERIO_UART_DIVISOR 3          /* 1.8432 MHz / 16 / 38400 */
#define CBUS_UART_DIVISOR    6          /* 3.6864 MHz / 16 / 38400 */

/* CP0 Count runs at half the CPU clock: 160 MHz on QEMU's and kseg's 320 MHz Malta [13]. */
#define COUNT_HZ            160000000

/* Where things are in RAM (physical addresses). Linux's Malta device tree reserves
 * 0x1000-0xEFFFF for the firmware (YAMON) [1], so everything the boot ROM keeps for itself,
 * including what it hands to the kernel, lives there:
 *   0x00001000  kseg's boot descriptor (../include/kseg_boot.h), with the command line after it
 *   0x00002000  the argv/envp table handed to Linux, as QEMU's loader places it [10]
 *               (0x2000-0x303F; strings longer than a slot at 0x3100-0x4FFF)
 *   0x00010000  stage 2 code and data, then its stack down from 0x000F0000 (bootrom.ld)
 * Kernels and initrds must stay out of ROM_RAM_START..ROM_RAM_END. */
#define ROM_RAM_START       0x00001000
#define ROM_RAM_END         0x000F0000
#define ENVP_PADDR          0x00002000
#define ENVP_ENTRIES        16          /* pointers, then 16 string slots of 256 bytes */
#define ENVP_ENTRY_SIZE     256
#define ENVP_OVERFLOW_PADDR 0x00003100  /* strings too long for a slot (a long command line) */
#define ENVP_END_PADDR      0x00005000
#define KERNEL_SP           0x80001FC0  /* the stack pointer QEMU's loader gives the kernel */

/* The board's RAM at physical 0 is at most 256 MiB; more sits above 2 GiB [1]. */
#define LOW_RAM_MAX         0x10000000

#endif
