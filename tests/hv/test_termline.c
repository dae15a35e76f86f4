/* The management terminal's line editor and command parser (roms/hv/termline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "termline.h"

static char echoed[512];
static size_t n_echoed;

static void echo(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    assert_true(n_echoed + n < sizeof(echoed));
    memcpy(echoed + n_echoed, s, n);
    n_echoed += n;
    echoed[n_echoed] = '\0';
}

static termline_t l;

static int setup(void **state)
{
    (void)state;
    termline_init(&l);
    l.after_cr = false;
    n_echoed = 0;
    echoed[0] = '\0';
    return 0;
}

/* Types `keys`; returns how many lines they ended. */
static int type(const char *keys)
{
    int lines = 0;
    for (const char *k = keys; *k; k++)
        lines += termline_key(&l, (unsigned char)*k, echo, NULL);
    return lines;
}

static void test_plain_line(void **state)
{
    (void)state;
    assert_int_equal(type("guests\r"), 1);
    assert_string_equal(l.buf, "guests");
    assert_string_equal(echoed, "guests\n");
}

static void test_backspace_and_del(void **state)
{
    (void)state;
    assert_int_equal(type("pausx\b 1\x7f" "2"), 0);
    assert_int_equal(type("\n"), 1);
    assert_string_equal(l.buf, "paus 2");
    assert_string_equal(echoed, "pausx\b \b 1\b \b2\n");
    setup(NULL);
    assert_int_equal(type("\b\x7f" "a\r"), 1);       /* nothing to erase: no echo */
    assert_string_equal(echoed, "a\n");
}

static void test_kill_line(void **state)
{
    (void)state;
    type("abc\x15" "tlb 0\r");
    assert_string_equal(l.buf, "tlb 0");
    assert_string_equal(echoed, "abc\b \b\b \b\b \btlb 0\n");
}

static void test_crlf_is_one_line(void **state)
{
    (void)state;
    assert_int_equal(type("a\r"), 1);
    termline_init(&l);
    assert_int_equal(type("\n"), 0);                 /* the pair of that CR */
    assert_int_equal(type("\n"), 1);                 /* a second LF: an empty line */
    assert_string_equal(l.buf, "");
}

static void test_control_keys_and_length(void **state)
{
    (void)state;
    type("\x01\x1b" "x\t");
    assert_string_equal(echoed, "x");
    setup(NULL);
    for (int i = 0; i < TERMLINE_MAX + 10; i++)
        type("y");
    assert_int_equal(l.len, TERMLINE_MAX);
    assert_int_equal(type("\r"), 1);
    assert_int_equal(strlen(l.buf), TERMLINE_MAX);
}

static void test_parse(void **state)
{
    (void)state;
    term_cmd_t c = term_parse("  pause   12  ");
    assert_string_equal(c.word, "pause");
    assert_true(c.has_arg && c.arg_ok && !c.extra);
    assert_int_equal(c.arg, 12);
    c = term_parse("help");
    assert_string_equal(c.word, "help");
    assert_false(c.has_arg);
    c = term_parse("");
    assert_string_equal(c.word, "");
    c = term_parse("tlb x1");
    assert_true(c.has_arg && !c.arg_ok);
    c = term_parse("reset 1 2");
    assert_true(c.arg_ok && c.extra);
    c = term_parse("console 4294967295");
    assert_true(c.arg_ok);
    assert_int_equal(c.arg, 4294967295u);
    c = term_parse("console 4294967296");
    assert_false(c.arg_ok);
    c = term_parse("averyveryverylongword 1");
    assert_string_not_equal(c.word, "averyveryve");   /* truncated never matches */
    assert_int_equal(c.word[0], '?');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_plain_line, setup),
        cmocka_unit_test_setup(test_backspace_and_del, setup),
        cmocka_unit_test_setup(test_kill_line, setup),
        cmocka_unit_test_setup(test_crlf_is_one_line, setup),
        cmocka_unit_test_setup(test_control_keys_and_length, setup),
        cmocka_unit_test_setup(test_parse, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
