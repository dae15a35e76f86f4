/* kseg boot ROM, stage 2: what its files share.
 *
 * Stage 2 is freestanding C running from RAM in kseg0 (bootrom.ld), entered once from
 * start.S as bootrom_main(ram_size). No interrupts, no heap; one stack. */
#ifndef BOOTROM_H
#define BOOTROM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Physical address <-> kseg0/kseg1 pointer. */
static inline void *kseg0_ptr(uint32_t paddr) { return (void *)(uintptr_t)(paddr | KSEG0); }
static inline uint32_t kseg0_addr(uint32_t paddr) { return paddr | KSEG0; }

/* ---- lib.c: what a C library would give us -------------------------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strlcpy_(char *dst, const char *src, size_t size);   /* always NUL-terminates */
/* Parses a whole string as a number: 0x... hexadecimal, else decimal. */
bool parse_u32(const char *s, uint32_t *out);
/* [a, a+alen) and [b, b+blen) share a byte. */
bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen);
/* CRC-32 as zlib, Ethernet and U-Boot's environment compute it (start with crc = 0). */
uint32_t crc32(uint32_t crc, const void *data, size_t len);

/* ---- console.c: SuperIO UART 0x3F8, CBUS UART, ASCII display --------------------------- */
void console_init(void);
bool console_superio_present(void);
bool console_cbus_present(void);
void console_putc(char c);
void console_puts(const char *s);
int console_getc_nowait(void);          /* -1 if no key is waiting */
int console_getc(void);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void lcd_show(const char *text);        /* up to 8 characters on the FPGA display */

/* ---- env.c: environment variables ------------------------------------------------------ */
#define ENV_NAME_MAX  32
#define ENV_VALUE_MAX 3840       /* kseg's -append takes up to 3839 characters */
const char *env_get(const char *name);  /* NULL if unset */
bool env_set(const char *name, const char *value);   /* value NULL or "" deletes */
void env_print(const char *name);       /* NULL: all */
bool env_get_u32(const char *name, uint32_t *out);
/* The saved environment in the flash (ENV_FLASH_OFFSET): env_load replaces the variables
 * with it when its CRC is right and says what it did; env_save writes them there. */
void env_load(void);
bool env_save(void);

/* ---- main.c: the machine as stage 2 found it ------------------------------------------- */
typedef struct boot_info {
    uint32_t ram_size;          /* bytes at physical 0, from stage 1's probe */
    uint32_t ram_size_total;    /* all RAM (the descriptor says; else ram_size) */
    bool have_desc;             /* a valid kseg descriptor at KSEG_BOOT_DESC_PADDR */
    uint32_t kernel_paddr, kernel_size;
    uint32_t initrd_paddr, initrd_size;
} boot_info_t;
extern boot_info_t boot_info;

/* ---- board.c: PCI interrupt routing, the board summary ------------------------------- */
void board_init(void);
uint32_t board_probe_high_ram(void);     /* all RAM, when the low 256 MiB are full */
void board_print_info(void);

/* ---- flash.c: the boot flash (Intel/Sharp CFI command set) ----------------------------- */
typedef struct flash_info {
    bool present;               /* flash_probe found a chip this driver can write */
    uint16_t command_set;       /* CFI primary command set: 1 = Intel/Sharp extended */
    uint16_t manufacturer, device;
    uint32_t size, block_size, blocks;
    uint32_t buffer_size;       /* bytes the write buffer takes at once */
    uint32_t buffer_timeout_us; /* longest buffered program */
    uint32_t erase_timeout_ms;  /* longest block erase */
} flash_info_t;
extern flash_info_t flash_info;
/* Reads the CFI query table into flash_info; prints why and returns false if it cannot. */
bool flash_probe(void);
/* Offsets are from the start of the flash. Each prints one line saying what went wrong and
 * returns false on failure; the chip is back in read-array mode either way. */
bool flash_erase_block(uint32_t block);             /* unlocks it first */
bool flash_program(uint32_t offset, const void *src, uint32_t len);   /* on erased bits */
bool flash_verify(uint32_t offset, const void *src, uint32_t len);
bool flash_lock(uint32_t block, bool lock);
bool flash_block_locked(uint32_t block);
bool flash_block_erased(uint32_t block);
const char *flash_status_text(uint8_t sr);
/* A kseg0, kseg1 or physical address inside the flash -> its offset. */
bool flash_offset(uint32_t addr, uint32_t *offset);

/* ---- cmd.c: the command line ------------------------------------------------------------ */
void cmd_run_line(char *line);

/* ---- elf.c: ELF32 loader ---------------------------------------------------------------- */
/* Checks, then copies the PT_LOAD segments of the ELF file at physical file_paddr
 * (file_size bytes) to RAM. Nothing is written unless every check passes. Prints one line
 * starting with "boot: " and returns false on a bad image. */
bool elf_load(uint32_t file_paddr, uint32_t file_size, uint32_t *entry);

/* ---- linux.c: the YAMON-style hand-off -------------------------------------------------- */
/* Loads the ELF and starts it with a0..a3 as QEMU's -kernel loader sets them. Returns only
 * when the image was refused. */
void linux_boot(uint32_t file_paddr, uint32_t file_size);

/* ---- lowlevel.S ------------------------------------------------------------------------- */
/* Memory accesses that survive an exception (TLB miss, address error, bus error): they
 * return 0, or -1 when the access faulted (Cause and BadVAddr tell why). size is 1, 2 or 4. */
int safe_read(uint32_t addr, unsigned size, uint32_t *value);
int safe_write(uint32_t addr, unsigned size, uint32_t value);
/* Writes back and invalidates the whole data cache, invalidates the instruction cache. */
void cache_sync_all(void);
/* The last step: everything set as the kernel expects, registers loaded, jump. */
typedef struct handoff {
    uint32_t entry;
    uint32_t a0, a1, a2, a3;
    uint32_t sp;
} handoff_t;
void boot_handoff(const handoff_t *h) __attribute__((noreturn));
/* Prints why the last safe_read/safe_write faulted, after `what: `. */
void report_fault(const char *what);

#endif
