/* "hello": the first bare-metal image for kseg.
 *
 * It proves that the image was copied to RAM (.rodata and .data hold the
 * right values, .bss is zero), that the CPU computes correctly (a few
 * checksums and MIPS32r2 operations), prints the CPU's PRId and ends with a
 * software reset (start.S does it when main returns).  Its console output must
 * be byte-for-byte the same on kseg and on qemu-system-mipsel -M malta.
 */
#include <stdint.h>
#include "uart.h"

/* .rodata: the first 32 odd primes. */
static const uint32_t primes[32] = {
      3,   5,   7,  11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,  53,  59,
     61,  67,  71,  73,  79,  83,  89,  97, 101, 103, 107, 109, 113, 127, 131, 137,
};

/* .data: must arrive initialised and be writable. */
static uint32_t counters[4] = { 0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u };

/* .bss: must be zero. */
static uint32_t scratch[64];

static uint32_t rotl32(uint32_t v, unsigned n)
{
    return (v << (n & 31u)) | (v >> ((32u - n) & 31u));
}

static uint32_t table_checksum(const uint32_t *t, unsigned n)
{
    uint32_t h = 0x811c9dc5u;
    for (unsigned i = 0; i < n; i++)
        h = rotl32(h ^ t[i], 5) * 0x01000193u;
    return h;
}

static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* Keep the compiler from folding the computations below into constants. */
static uint32_t opaque(uint32_t v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}

int main(void)
{
    uart_puts("Hello from kseg bare metal\n");

    uart_put_labeled_hex("rodata checksum: ", table_checksum(primes, 32));

    for (unsigned i = 0; i < 4; i++)
        counters[i] += opaque(i + 1) * 0x01010101u;
    uart_put_labeled_hex("data checksum: ", table_checksum(counters, 4));

    uint32_t bss_or = 0;
    for (unsigned i = 0; i < 64; i++)
        bss_or |= scratch[i];
    uart_puts(bss_or == 0 ? "bss: zero\n" : "bss: NOT ZERO\n");

    uint32_t sum = 0;
    for (unsigned i = 0; i < 64; i++) {
        scratch[i] = primes[i & 31u] * (i + 1);
        sum += scratch[i];
    }
    uart_put_labeled_dec("sum of scaled primes: ", sum);

    uart_put_labeled_dec("fib(24): ", fib(opaque(24)));

    uint64_t prod = (uint64_t)opaque(0x12345678u) * opaque(0x9abcdef0u);
    uart_put_labeled_hex("mul hi: ", (uint32_t)(prod >> 32));
    uart_put_labeled_hex("mul lo: ", (uint32_t)prod);

    int32_t a = (int32_t)opaque((uint32_t)-1000003);
    int32_t b = (int32_t)opaque(97);
    uart_puts("div: ");
    uart_putsdec(a / b);
    uart_puts(" rem: ");
    uart_putsdec(a % b);
    uart_putc('\n');

    uart_put_labeled_dec("clz(0x00012345): ", (uint32_t)__builtin_clz(opaque(0x00012345u)));
    uart_put_labeled_hex("bswap(0x12345678): ", __builtin_bswap32(opaque(0x12345678u)));

    uart_put_labeled_hex("PRId: ", cp0_read_prid());

    uart_puts("Goodbye, resetting\n");
    return 0;
}
