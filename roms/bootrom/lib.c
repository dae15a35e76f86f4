/* The few C library functions the boot ROM needs. GCC may also call memcpy/memset itself
 * (structure copies), so these keep their standard names; the build turns off the
 * optimisation that would turn these very loops back into calls to themselves. */
#include "bootrom.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
        for (; n; n -= 4, d += 4, s += 4)
            *(uint32_t *)d = *(const uint32_t *)s;
        return dst;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    if ((((uintptr_t)d | n) & 3) == 0) {
        uint32_t w = (uint8_t)c * 0x01010101u;
        for (; n; n -= 4, d += 4)
            *(uint32_t *)d = w;
        return dst;
    }
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strlcpy_(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    if (size == 0)
        return dst;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
    return dst;
}

bool parse_u32(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return false;
        if (v > (0xFFFFFFFFu - d) / base)
            return false;                       /* does not fit in 32 bits */
        v = v * base + d;
    }
    *out = v;
    return true;
}

bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    if (alen == 0 || blen == 0)
        return false;
    /* 64-bit ends: a range may end exactly at 4 GiB. */
    return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

/* Bit by bit, with the reflected polynomial 0xEDB88320: slow (a 64 KiB environment takes a
 * few million instructions) but short enough to read. */
uint32_t crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}
