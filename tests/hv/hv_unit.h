/* What the hypervisor's host tests share: running a golden table, and writing guest TLB
 * entries the way a guest does. Include after <cmocka.h>. */
#ifndef KSEG_TESTS_HV_UNIT_H
#define KSEG_TESTS_HV_UNIT_H

#include <stdlib.h>

#include "gtlb.h"

/* Writes one guest TLB entry as the guest would: MTC0 Index, PageMask, EntryHi, EntryLo0/1,
 * then TLBWI, which must succeed. */
static inline void gtlb_put(gtlb_t *t, uint32_t index, uint32_t pagemask, uint32_t entryhi,
                            uint32_t lo0, uint32_t lo1)
{
    gtlb_write_index(t, index);
    t->pagemask = gtlb_pagemask(pagemask);
    t->entryhi = entryhi;
    t->entrylo0 = lo0;
    t->entrylo1 = lo1;
    assert_int_equal(gtlb_tlbwi(t, NULL), GTLB_WRITTEN);
}

/* Runs a golden table as cmocka tests, one test per row, named after the row, then a few
 * ordinary tests. Each row struct starts with `const char *name`; the row is the test's
 * initial state. */
static inline int run_golden_group(const char *group, const void *rows, size_t n_rows,
                                   size_t row_size, CMUnitTestFunction run_row,
                                   const struct CMUnitTest *extra, size_t n_extra)
{
    struct CMUnitTest *tests = calloc(n_rows + n_extra, sizeof(*tests));
    if (!tests)
        abort();
    for (size_t i = 0; i < n_rows; i++) {
        const void *row = (const char *)rows + i * row_size;
        tests[i] = (struct CMUnitTest){ .name = *(const char *const *)row,
                                        .test_func = run_row,
                                        .initial_state = (void *)row };
    }
    for (size_t i = 0; i < n_extra; i++)
        tests[n_rows + i] = extra[i];
    int failed = _cmocka_run_group_tests(group, tests, n_rows + n_extra, NULL, NULL);
    free(tests);
    return failed;
}

#define GOLDEN_GROUP(group, rows, run_row, extra) \
    run_golden_group(group, rows, sizeof(rows) / sizeof((rows)[0]), sizeof((rows)[0]), \
                     run_row, extra, sizeof(extra) / sizeof((extra)[0]))

#endif
