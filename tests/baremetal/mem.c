/* kseg bare-metal runtime: the four memory functions that GCC may call even in
 * freestanding code (struct copies, zeroed arrays, loops it recognises).
 * Simple byte loops: speed does not matter here.  The optimize attribute keeps
 * GCC from turning these very loops back into calls to themselves. */
#include <stddef.h>
#include <stdint.h>

#define NO_LOOP_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

NO_LOOP_PATTERNS void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

NO_LOOP_PATTERNS void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

NO_LOOP_PATTERNS void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

NO_LOOP_PATTERNS int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return (int)*p - (int)*q;
    return 0;
}
