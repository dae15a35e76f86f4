/* kbench: an integer benchmark for the kseg MIPS32 emulator.
 *
 * A bare-metal Malta image (runtime in tests/baremetal/) that runs ten small
 * kernels typical of integer code -- checksums, sorting, recursion, string
 * handling, a switch-dispatched bytecode interpreter, a sieve and a matrix
 * product -- and prints one 32-bit result per kernel on the CBUS UART.  The
 * results depend only on the C code, so the same file compiled for the host
 * (with host_uart.c) prints the same lines; that cross-checks the emulator's
 * arithmetic.  The image compares every result with the values recorded below
 * and ends with a verdict line, then main() returns and start.S resets the
 * board.
 *
 * Each kernel repeats its work a fixed number of times (the table near the
 * end).  -DQUICK divides every count by KBENCH_QUICK_DIV (rounding up): a
 * functional test that stays short even on a slow emulator.  -DKBENCH_COUNT
 * (MIPS only) appends each kernel's CP0 Count difference to its line, to see
 * where the time goes (README.md).  No floating point; division is limited
 * to a few modulo operations.
 */
#include <stdint.h>
#include "uart.h"

#define KBENCH_QUICK_DIV 128u
#ifdef QUICK
# define REPS(n) (((n) + KBENCH_QUICK_DIV - 1u) / KBENCH_QUICK_DIV)
#else
# define REPS(n) (n)
#endif

/* Hide a value from the optimiser so that nothing is computed at build time. */
static uint32_t opaque(uint32_t v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}

static uint32_t rotl32(uint32_t v, unsigned n)
{
    return (v << (n & 31u)) | (v >> ((32u - n) & 31u));
}

/* Order-dependent mixing of a stream of words into one result. */
static uint32_t mix(uint32_t h, uint32_t v)
{
    return rotl32(h ^ v, 7) * 0x9e3779b1u + 0x7f4a7c15u;
}

/* xorshift32 */
static uint32_t rng_state;

static void rng_seed(uint32_t s)
{
    rng_state = s ? s : 0x2545f491u;
}

static uint32_t rng_next(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* ------------------------------------------------------------------ */
/* Checksums over a 64 KiB pseudo-random buffer                        */

#define BUF_SIZE 65536u
static uint8_t buf[BUF_SIZE];

static void fill_buffer(uint32_t seed)
{
    rng_seed(seed);
    for (uint32_t i = 0; i < BUF_SIZE; i += 4) {
        uint32_t r = rng_next();
        buf[i] = (uint8_t)r;
        buf[i + 1] = (uint8_t)(r >> 8);
        buf[i + 2] = (uint8_t)(r >> 16);
        buf[i + 3] = (uint8_t)(r >> 24);
    }
}

static uint32_t crc_table[256];

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint32_t n)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

static uint32_t bench_crc32(uint32_t reps)
{
    static const uint8_t check[] = "123456789";
    crc32_init();
    /* The standard check value; a wrong table shows up in the result. */
    uint32_t h = crc32_update(0, check, 9) ^ 0xcbf43926u;
    uint32_t crc = 0;
    for (uint32_t r = 0; r < reps; r++) {
        buf[r & (BUF_SIZE - 1)] ^= (uint8_t)r;
        crc = crc32_update(crc, buf, BUF_SIZE);
    }
    return mix(h, crc);
}

#define ADLER_MOD  65521u
#define ADLER_NMAX 5552u

static uint32_t adler32_update(uint32_t adler, const uint8_t *p, uint32_t n)
{
    uint32_t a = adler & 0xffffu, b = adler >> 16;
    while (n) {
        uint32_t chunk = n < ADLER_NMAX ? n : ADLER_NMAX;
        n -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return (b << 16) | a;
}

static uint32_t bench_adler32(uint32_t reps)
{
    uint32_t h = 0;
    for (uint32_t r = 0; r < reps; r++) {
        buf[(r * 7919u) & (BUF_SIZE - 1)] += (uint8_t)(r | 1u);
        h = mix(h, adler32_update(1, buf, BUF_SIZE));
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* Sorting                                                              */

#define QSORT_N 8192
#define ISORT_N 512
#define INSERTION_CUTOFF 16
static uint32_t sort_a[QSORT_N];

static void insertion_sort(uint32_t *a, int lo, int hi)
{
    for (int i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap_u32(uint32_t *a, int i, int j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Hoare partitioning around a median of three; recurses into the smaller
 * side (bounded stack), small ranges go to insertion sort. */
static void quick_sort(uint32_t *a, int lo, int hi)
{
    while (hi - lo > INSERTION_CUTOFF) {
        int mid = lo + ((hi - lo) >> 1);
        if (a[mid] < a[lo])
            swap_u32(a, mid, lo);
        if (a[hi] < a[lo])
            swap_u32(a, hi, lo);
        if (a[hi] < a[mid])
            swap_u32(a, hi, mid);
        uint32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                swap_u32(a, i, j);
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quick_sort(a, lo, j);
            lo = i;
        } else {
            quick_sort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

/* Hash of a sorted array; any out-of-order pair spoils it. */
static uint32_t sorted_hash(const uint32_t *a, int n)
{
    uint32_t h = 0, unsorted = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && a[i - 1] > a[i])
            unsorted++;
        h = mix(h, a[i]);
    }
    return mix(h, unsorted);
}

static uint32_t bench_qsort(uint32_t reps)
{
    uint32_t h = 0;
    rng_seed(0x5eed0001u);
    for (uint32_t r = 0; r < reps; r++) {
        /* Alternate full-range keys with keys full of duplicates. */
        uint32_t mask = (r & 1u) ? 0x3ffu : 0xffffffffu;
        for (int i = 0; i < QSORT_N; i++)
            sort_a[i] = rng_next() & mask;
        quick_sort(sort_a, 0, QSORT_N - 1);
        h = mix(h, sorted_hash(sort_a, QSORT_N));
    }
    return h;
}

static uint32_t bench_isort(uint32_t reps)
{
    uint32_t h = 0;
    rng_seed(0x5eed0002u);
    for (uint32_t r = 0; r < reps; r++) {
        for (int i = 0; i < ISORT_N; i++)
            sort_a[i] = rng_next() >> (r & 15u);
        insertion_sort(sort_a, 0, ISORT_N - 1);
        h = mix(h, sorted_hash(sort_a, ISORT_N));
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* Recursion                                                            */

static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t bench_fib(uint32_t reps)
{
    uint32_t h = 0;
    for (uint32_t r = 0; r < reps; r++)
        h = mix(h, fib(opaque(20u + (r & 3u))));
    return h;
}

static uint32_t bench_ackermann(uint32_t reps)
{
    uint32_t h = 0;
    for (uint32_t r = 0; r < reps; r++) {
        h = mix(h, ackermann(opaque(2), opaque(100u + (r & 63u))));
        h = mix(h, ackermann(opaque(3), opaque(4u + (r & 1u))));
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* Strings                                                              */

#define TEXT_LEN 8192u
static char text[TEXT_LEN + 32];
static char work[TEXT_LEN + 32];

static const char *const dictionary[16] = {
    "kseg", "malta", "mips", "emulator", "cache", "tlb", "branch", "delay",
    "slot", "interrupt", "uart", "boot", "flash", "kernel", "exception", "register",
};

static uint32_t str_len(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (uint32_t)(p - s);
}

static char *str_copy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++) != '\0')
        ;
    return dst;
}

static int str_cmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)(unsigned char)*a - (int)(unsigned char)*b;
}

/* Occurrences of pat in s (naive search, overlapping matches count). */
static uint32_t str_count(const char *s, const char *pat)
{
    uint32_t n = 0;
    for (; *s; s++) {
        const char *a = s, *b = pat;
        while (*b && *a == *b) {
            a++;
            b++;
        }
        if (!*b)
            n++;
    }
    return n;
}

static void reverse_words(char *s)
{
    while (*s) {
        while (*s == ' ')
            s++;
        char *end = s;
        while (*end && *end != ' ')
            end++;
        for (char *a = s, *b = end - 1; a < b; a++, b--) {
            char t = *a;
            *a = *b;
            *b = t;
        }
        s = end;
    }
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 0x811c9dc5u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x01000193u;
    return h;
}

/* Unsigned to decimal text; returns the length. */
static uint32_t utoa10(uint32_t v, char *out)
{
    char tmp[10];
    uint32_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    for (uint32_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

static uint32_t atou10(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10u + (uint32_t)(*s++ - '0');
    return v;
}

static void make_text(void)
{
    uint32_t len = 0;
    rng_seed(0x5eed0003u);
    while (len < TEXT_LEN - 16u) {
        const char *w = dictionary[rng_next() >> 28];
        while (*w)
            text[len++] = *w++;
        text[len++] = ' ';
    }
    text[len] = '\0';
}

static uint32_t bench_strings(uint32_t reps)
{
    static const char *const patterns[4] = { "gesk", "atlam", "e", "ot" };
    char num[12];
    uint32_t h = 0;

    make_text();
    for (uint32_t r = 0; r < reps; r++) {
        str_copy(work, text);
        reverse_words(work);
        /* Capitalise a different subset of letters every round. */
        for (uint32_t i = r % 3u; work[i]; i += 3u)
            if (work[i] >= 'a' && work[i] <= 'z')
                work[i] = (char)(work[i] - 'a' + 'A');
        for (int p = 0; p < 4; p++)
            h = mix(h, str_count(work, patterns[p]));
        h = mix(h, fnv1a(work));
        h = mix(h, (uint32_t)str_cmp(work, text));
        h = mix(h, str_len(work));
        rng_seed(0x5eed0004u + r);
        for (int i = 0; i < 64; i++) {
            uint32_t v = rng_next() >> (i & 31);
            uint32_t n = utoa10(v, num);
            h = mix(h, n + (atou10(num) == v ? 0u : 0x80000000u));
        }
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* Bytecode interpreter: a stack machine with a switch dispatch loop   */

enum {
    OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND,
    OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ,
    OP_DUP, OP_POP, OP_INC,
};

#define VM_CODE_MAX 256
#define VM_STACK 32
#define VM_LOCALS 8

static uint32_t vm_code[VM_CODE_MAX];
static uint32_t vm_len;

static void vm_emit(uint32_t w)
{
    vm_code[vm_len++] = w;
}

static void vm_emit2(uint32_t op, uint32_t arg)
{
    vm_emit(op);
    vm_emit(arg);
}

/* Emit a jump whose target is patched later; returns the operand slot. */
static uint32_t vm_emit_jump(uint32_t op)
{
    vm_emit2(op, 0);
    return vm_len - 1;
}

static uint32_t vm_run(const uint32_t *code, uint32_t *locals)
{
    uint32_t stack[VM_STACK];
    uint32_t sp = 0, pc = 0;

    for (;;) {
        uint32_t a, b;
        switch (code[pc++]) {
        case OP_HALT:
            return sp ? stack[sp - 1] : 0;
        case OP_PUSH:
            stack[sp++] = code[pc++];
            break;
        case OP_LOAD:
            stack[sp++] = locals[code[pc++]];
            break;
        case OP_STORE:
            locals[code[pc++]] = stack[--sp];
            break;
#define BINOP(op, expr)          \
        case op:                 \
            b = stack[--sp];     \
            a = stack[sp - 1];   \
            stack[sp - 1] = (expr); \
            break;
        BINOP(OP_ADD, a + b)
        BINOP(OP_SUB, a - b)
        BINOP(OP_MUL, a * b)
        BINOP(OP_AND, a & b)
        BINOP(OP_OR, a | b)
        BINOP(OP_XOR, a ^ b)
        BINOP(OP_SHL, a << (b & 31u))
        BINOP(OP_SHR, a >> (b & 31u))
        BINOP(OP_LT, a < b)
        BINOP(OP_EQ, a == b)
#undef BINOP
        case OP_JMP:
            pc = code[pc];
            break;
        case OP_JZ:
            pc = stack[--sp] == 0 ? code[pc] : pc + 1;
            break;
        case OP_JNZ:
            pc = stack[--sp] != 0 ? code[pc] : pc + 1;
            break;
        case OP_DUP:
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case OP_POP:
            sp--;
            break;
        case OP_INC:
            stack[sp - 1]++;
            break;
        default:
            return 0xdeadbeefu;
        }
    }
}

/* Locals of the Collatz program. */
enum { L_N, L_X, L_STEPS, L_LIMIT, L_HASH };

/* for (n = 1; n < limit; n++)
 *     for (x = n; x != 1; steps++) {
 *         hash = hash * 31 + x;
 *         x = (x & 1) ? 3 * x + 1 : x >> 1;
 *     }
 * return hash ^ steps;
 */
static void vm_build_collatz(void)
{
    vm_len = 0;
    vm_emit2(OP_PUSH, 1);
    vm_emit2(OP_STORE, L_N);
    uint32_t loop_n = vm_len;
    vm_emit2(OP_LOAD, L_N);
    vm_emit2(OP_STORE, L_X);
    uint32_t loop_x = vm_len;
    vm_emit2(OP_LOAD, L_X);
    vm_emit2(OP_PUSH, 1);
    vm_emit(OP_EQ);
    uint32_t to_next_n = vm_emit_jump(OP_JNZ);
    vm_emit2(OP_LOAD, L_STEPS);
    vm_emit(OP_INC);
    vm_emit2(OP_STORE, L_STEPS);
    vm_emit2(OP_LOAD, L_HASH);
    vm_emit2(OP_PUSH, 31);
    vm_emit(OP_MUL);
    vm_emit2(OP_LOAD, L_X);
    vm_emit(OP_ADD);
    vm_emit2(OP_STORE, L_HASH);
    vm_emit2(OP_LOAD, L_X);
    vm_emit2(OP_PUSH, 1);
    vm_emit(OP_AND);
    uint32_t to_even = vm_emit_jump(OP_JZ);
    vm_emit2(OP_LOAD, L_X);
    vm_emit(OP_DUP);
    vm_emit2(OP_PUSH, 1);
    vm_emit(OP_SHL);
    vm_emit(OP_ADD);
    vm_emit(OP_INC);
    vm_emit2(OP_STORE, L_X);
    vm_emit2(OP_JMP, loop_x);
    vm_code[to_even] = vm_len;
    vm_emit2(OP_LOAD, L_X);
    vm_emit2(OP_PUSH, 1);
    vm_emit(OP_SHR);
    vm_emit2(OP_STORE, L_X);
    vm_emit2(OP_JMP, loop_x);
    vm_code[to_next_n] = vm_len;
    vm_emit2(OP_LOAD, L_N);
    vm_emit(OP_INC);
    vm_emit(OP_DUP);
    vm_emit2(OP_STORE, L_N);
    vm_emit2(OP_LOAD, L_LIMIT);
    vm_emit(OP_LT);
    vm_emit2(OP_JNZ, loop_n);
    vm_emit2(OP_LOAD, L_HASH);
    vm_emit2(OP_LOAD, L_STEPS);
    vm_emit(OP_XOR);
    vm_emit(OP_HALT);
}

static uint32_t bench_vm(uint32_t reps)
{
    uint32_t h = 0;
    vm_build_collatz();
    for (uint32_t r = 0; r < reps; r++) {
        uint32_t locals[VM_LOCALS] = { 0 };
        locals[L_LIMIT] = opaque(300u + 7u * (r & 63u));
        locals[L_HASH] = r;
        h = mix(h, vm_run(vm_code, locals));
        h = mix(h, locals[L_STEPS]);
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* Sieve of Eratosthenes and integer matrix product                    */

#define SIEVE_N 65536u
static uint8_t composite[SIEVE_N];

static uint32_t bench_sieve(uint32_t reps)
{
    uint32_t h = 0;
    for (uint32_t r = 0; r < reps; r++) {
        uint32_t limit = SIEVE_N - (r & 255u);
        uint32_t count = 0, sum = 0;
        for (uint32_t i = 0; i < limit; i++)
            composite[i] = 0;
        for (uint32_t i = 2; i < limit; i++) {
            if (composite[i])
                continue;
            count++;
            sum += i;
            for (uint32_t j = i * i; j < limit; j += i)
                composite[j] = 1;
        }
        h = mix(h, count);
        h = mix(h, sum);
    }
    return h;
}

#define MAT_N 48
static uint32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static uint32_t bench_matmul(uint32_t reps)
{
    uint32_t h = 0;
    rng_seed(0x5eed0005u);
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            mat_a[i][j] = rng_next() & 0xffffu;
            mat_b[i][j] = rng_next() & 0xffffu;
        }
    for (uint32_t r = 0; r < reps; r++) {
        for (int i = 0; i < MAT_N; i++)
            for (int j = 0; j < MAT_N; j++) {
                uint32_t s = 0;
                for (int k = 0; k < MAT_N; k++)
                    s += mat_a[i][k] * mat_b[k][j];
                mat_c[i][j] = s;
            }
        /* Feed the product back so that every round differs. */
        for (int i = 0; i < MAT_N; i++)
            for (int j = 0; j < MAT_N; j++)
                mat_a[i][j] = (mat_c[i][j] >> 8) & 0xffffu;
        h = mix(h, mat_c[r % MAT_N][(r * 5u) % MAT_N]);
    }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            h = mix(h, mat_c[i][j]);
    return h;
}

/* ------------------------------------------------------------------ */

struct kernel {
    const char *name;
    uint32_t (*run)(uint32_t reps);
    uint32_t reps;
};

/* Balanced so that every kernel takes about the same time on QEMU. */
static const struct kernel kernels[] = {
    { "crc32",     bench_crc32,     REPS(1152u) },
    { "adler32",   bench_adler32,   REPS(3072u) },
    { "qsort",     bench_qsort,     REPS(384u) },
    { "isort",     bench_isort,     REPS(1536u) },
    { "fib",       bench_fib,       REPS(960u) },
    { "ackermann", bench_ackermann, REPS(2880u) },
    { "strings",   bench_strings,   REPS(1440u) },
    { "vm",        bench_vm,        REPS(48u) },
    { "sieve",     bench_sieve,     REPS(576u) },
    { "matmul",    bench_matmul,    REPS(896u) },
};
#define NKERNELS (sizeof(kernels) / sizeof(kernels[0]))

/* Results of the reference run.  If a kernel or a count changes, record the
 * new values printed by the host build (see README.md). */
#ifndef QUICK
static const uint32_t expected[NKERNELS] = {
    0xdeab9569u, 0x06d87a02u, 0xd5dcbfacu, 0x02bb300au, 0x6f33290cu,
    0x39880ee3u, 0xc51948fau, 0x38edb076u, 0x5325a710u, 0xddaa7ce1u,
};
#else
static const uint32_t expected[NKERNELS] = {
    0xf2a9077eu, 0xddc23545u, 0x3ff86909u, 0x7289738au, 0x7b7bb391u,
    0xdd800e59u, 0x2540536fu, 0xa526eda1u, 0xda632159u, 0xdaf6c6beu,
};
#endif

int main(void)
{
    uint32_t failures = 0;

#ifdef QUICK
    uart_puts("kbench: integer kernels (quick)\n");
#else
    uart_puts("kbench: integer kernels\n");
#endif

    fill_buffer(0x5eed0000u);
    for (uint32_t k = 0; k < NKERNELS; k++) {
        const struct kernel *kn = &kernels[k];
#if defined(KBENCH_COUNT) && defined(__mips__)
        uint32_t t0 = cp0_read_count();
#endif
        uint32_t result = kn->run(opaque(kn->reps));
#if defined(KBENCH_COUNT) && defined(__mips__)
        uint32_t t1 = cp0_read_count();
#endif
        uart_puts(kn->name);
        for (uint32_t pad = str_len(kn->name); pad < 11; pad++)
            uart_putc(' ');
        uart_puts("0x");
        uart_puthex(result);
        if (result == expected[k]) {
            uart_puts(" ok");
        } else {
            uart_puts(" MISMATCH, expected 0x");
            uart_puthex(expected[k]);
            failures++;
        }
#if defined(KBENCH_COUNT) && defined(__mips__)
        uart_puts(" count=");
        uart_putdec(t1 - t0);
#endif
        uart_putc('\n');
    }

    if (failures) {
        uart_puts("kbench: FAIL, ");
        uart_putdec(failures);
        uart_puts(" wrong results\n");
    } else {
        uart_puts("kbench: PASS\n");
    }
    return failures ? 1 : 0;
}
