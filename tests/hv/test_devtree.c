/* The hypervisor's device tree parser (roms/hv/devtree.c), on the host.
 *
 * A realistic configuration and its lookups; every error with the line it must name; the
 * limits of the tree at and one past their constants; then robustness: every prefix of the
 * configuration and many mutated and random texts, each in a heap buffer of exactly its
 * length, so under ASan (the unit suite runs in build-asan too) a read one byte past the
 * text fails the test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devtree.h"

static const char config[] =
    "/* Device configurations of the guests.\n"                          /* 1 */
    " * A comment of two lines. */\n"                                    /* 2 */
    "// Guests without a configuration of their own.\n"                 /* 3 */
    "default {\n"                                                        /* 4 */
    "    serial@180003f8 {\n"                                            /* 5 */
    "        compatible = \"ns16550\";\n"                                /* 6 */
    "        size = <0x8>;\n"                                            /* 7 */
    "        interrupts = <2>;          // the guest's Cause.IP line\n"  /* 8 */
    "    };\n"                                                           /* 9 */
    "};\n"                                                               /* 10 */
    "\n"                                                                 /* 11 */
    "net {\n"                                                            /* 12 */
    "    serial@180003f8 {\n"                                            /* 13 */
    "        compatible = \"ns16550\";\n"                                /* 14 */
    "        size = <0x8>;\n"                                            /* 15 */
    "        interrupts = <2>;\n"                                        /* 16 */
    "    };\n"                                                           /* 17 */
    "    ethernet@18000300 { compatible = \"ne2000\"; size = <0x20>; interrupts = <3>; };\n"
    "    flash@1e000000 {\n"                                             /* 19 */
    "        compatible = \"cfi-flash\";\n"                              /* 20 */
    "        size = <0x400000>;\n"                                       /* 21 */
    "        interrupts = <4>;\n"                                        /* 22 */
    "        partition = <0x200000 0x80000>;   /* offset, length */\n"   /* 23 */
    "        read-only;\n"                                               /* 24 */
    "    };\n"                                                           /* 25 */
    "};\n";                                                              /* 26 */

/* The tree is ~11 KiB: one per test, off the stack. */
static devtree_t tree;

static bool parse(const char *text)
{
    return devtree_parse(&tree, text, strlen(text));
}

/* The child of `node` named `name` (the first, in source order), -1 if none. */
static int child(const devtree_t *t, int node, const char *name)
{
    for (int i = t->nodes[node].first_child; i >= 0; i = t->nodes[i].next_sibling)
        if (devtree_str_eq(t->nodes[i].name, name))
            return i;
    return -1;
}

static void test_config_structure(void **state)
{
    (void)state;
    assert_true(parse(config));
    assert_string_equal(tree.error, "");
    assert_int_equal(tree.nnodes, 6);
    assert_int_equal(tree.nprops, 14);

    int def = devtree_top(&tree, "default");
    int net = devtree_top(&tree, "net");
    assert_int_equal(def, tree.first_top);
    assert_int_equal(tree.nodes[def].next_sibling, net);
    assert_int_equal(tree.nodes[net].next_sibling, -1);
    assert_int_equal(tree.nodes[def].parent, -1);
    assert_false(tree.nodes[def].has_unit);
    assert_int_equal(tree.nodes[def].line, 4);
    assert_int_equal(tree.nodes[net].line, 12);
    assert_int_equal(tree.nodes[def].first_prop, -1);

    /* Children in source order, with their unit addresses and lines. */
    static const struct { const char *name; uint32_t unit, line; } net_children[] = {
        { "serial", 0x180003f8, 13 }, { "ethernet", 0x18000300, 18 },
        { "flash", 0x1e000000, 19 },
    };
    int n = tree.nodes[net].first_child;
    for (size_t i = 0; i < 3; i++, n = tree.nodes[n].next_sibling) {
        assert_true(n >= 0);
        assert_true(devtree_str_eq(tree.nodes[n].name, net_children[i].name));
        assert_true(tree.nodes[n].has_unit);
        assert_int_equal(tree.nodes[n].unit, net_children[i].unit);
        assert_int_equal(tree.nodes[n].line, net_children[i].line);
        assert_int_equal(tree.nodes[n].parent, net);
        assert_int_equal(tree.nodes[n].first_child, -1);
    }
    assert_int_equal(n, -1);

    /* Properties in source order too. */
    int flash = child(&tree, net, "flash");
    static const char *const flash_keys[] = {
        "compatible", "size", "interrupts", "partition", "read-only",
    };
    int p = tree.nodes[flash].first_prop;
    for (size_t i = 0; i < 5; i++, p = tree.props[p].next) {
        assert_true(p >= 0);
        assert_true(devtree_str_eq(tree.props[p].key, flash_keys[i]));
    }
    assert_int_equal(p, -1);
}

static void test_config_lookups(void **state)
{
    (void)state;
    assert_true(parse(config));
    int def = devtree_top(&tree, "default");
    int net = devtree_top(&tree, "net");
    assert_int_equal(devtree_top(&tree, "rtos"), -1);
    assert_int_equal(devtree_top(&tree, "ne"), -1);     /* a prefix is not the name */
    assert_int_equal(devtree_top(&tree, "nett"), -1);
    assert_int_equal(devtree_top(&tree, "serial"), -1); /* not top-level */

    int serial = child(&tree, def, "serial");
    assert_true(devtree_string_is(&tree, serial, "compatible", "ns16550"));
    assert_false(devtree_string_is(&tree, serial, "compatible", "ns1655"));
    assert_false(devtree_string_is(&tree, serial, "size", "8"));   /* cells, not a string */
    assert_int_equal(devtree_u32(&tree, serial, "size", 0), 8);
    assert_int_equal(devtree_u32(&tree, serial, "interrupts", 0), 2);
    assert_int_equal(devtree_u32(&tree, serial, "missing", 77), 77);
    assert_int_equal(devtree_u32(&tree, serial, "compatible", 77), 77);

    int eth = child(&tree, net, "ethernet");
    assert_true(devtree_string_is(&tree, eth, "compatible", "ne2000"));
    assert_int_equal(devtree_u32(&tree, eth, "size", 0), 0x20);
    assert_int_equal(devtree_u32(&tree, eth, "interrupts", 0), 3);

    int flash = child(&tree, net, "flash");
    assert_true(devtree_string_is(&tree, flash, "compatible", "cfi-flash"));
    assert_int_equal(devtree_u32(&tree, flash, "size", 0), 0x400000);
    assert_int_equal(devtree_u32(&tree, flash, "interrupts", 0), 4);
    const devtree_prop_t *part = devtree_prop(&tree, flash, "partition");
    assert_non_null(part);
    assert_int_equal(part->kind, DEVTREE_CELLS);
    assert_int_equal(part->ncells, 2);
    assert_int_equal(part->cells[0], 0x200000);
    assert_int_equal(part->cells[1], 0x80000);
    assert_int_equal(devtree_u32(&tree, flash, "partition", 0), 0x200000);

    /* Strings point into the source, without the quotes. */
    const devtree_prop_t *compat = devtree_prop(&tree, flash, "compatible");
    assert_int_equal(compat->kind, DEVTREE_STRING);
    assert_int_equal(compat->string.len, 9);
    assert_true(compat->string.s > config && compat->string.s < config + sizeof(config));
    assert_memory_equal(compat->string.s, "cfi-flash\"", 10);

    /* Properties of one node only; bad node numbers find nothing. */
    assert_null(devtree_prop(&tree, net, "size"));
    assert_null(devtree_prop(&tree, -1, "size"));
    assert_null(devtree_prop(&tree, (int)tree.nnodes, "size"));
    assert_int_equal(devtree_u32(&tree, 999, "size", 5), 5);
    assert_false(devtree_string_is(&tree, -3, "compatible", "ns16550"));
}

static void test_flags(void **state)
{
    (void)state;
    assert_true(parse("g { dev@0 { uplink; read-only ; size = <1>; }; };"));
    int dev = child(&tree, devtree_top(&tree, "g"), "dev");
    assert_true(tree.nodes[dev].has_unit);
    assert_int_equal(tree.nodes[dev].unit, 0);
    const devtree_prop_t *flag = devtree_prop(&tree, dev, "read-only");
    assert_non_null(flag);
    assert_int_equal(flag->kind, DEVTREE_FLAG);
    assert_int_equal(flag->ncells, 0);
    assert_int_equal(devtree_prop(&tree, dev, "uplink")->kind, DEVTREE_FLAG);
    /* A flag has no value: u32 and string lookups give their defaults. */
    assert_int_equal(devtree_u32(&tree, dev, "uplink", 9), 9);
    assert_false(devtree_string_is(&tree, dev, "uplink", ""));
}

static void test_values(void **state)
{
    (void)state;
    assert_true(parse("g{n{a=<0xFFFFFFFF 4294967295 0 0X1f>;b=\"\";c=<>;d=<\t1\n/*x*/2//y\n>;"
                      "e=\"a b // not a comment\";f,g.h_i+j-k=\"ok\";};};"));
    int n = child(&tree, devtree_top(&tree, "g"), "n");
    const devtree_prop_t *a = devtree_prop(&tree, n, "a");
    assert_int_equal(a->ncells, 4);
    assert_int_equal(a->cells[0], 0xFFFFFFFFu);
    assert_int_equal(a->cells[1], 0xFFFFFFFFu);
    assert_int_equal(a->cells[2], 0);
    assert_int_equal(a->cells[3], 0x1f);
    assert_true(devtree_string_is(&tree, n, "b", ""));
    assert_int_equal(devtree_prop(&tree, n, "c")->ncells, 0);
    assert_int_equal(devtree_u32(&tree, n, "c", 6), 6);    /* empty cells: the default */
    assert_int_equal(devtree_prop(&tree, n, "d")->ncells, 2);
    assert_int_equal(devtree_prop(&tree, n, "d")->cells[1], 2);
    assert_true(devtree_string_is(&tree, n, "e", "a b // not a comment"));
    assert_true(devtree_string_is(&tree, n, "f,g.h_i+j-k", "ok"));
}

static void test_comments_and_empty(void **state)
{
    (void)state;
    assert_true(parse(""));
    assert_int_equal(tree.nnodes, 0);
    assert_int_equal(tree.first_top, -1);
    assert_true(parse("// only a comment"));
    assert_true(parse("/**/ /* a */ // b\n\r\n\t"));
    assert_int_equal(devtree_top(&tree, "a"), -1);
    assert_true(parse("a/*x*/{/*y*/b//z\n;}/**/;"));
    int a = devtree_top(&tree, "a");
    assert_int_equal(devtree_prop(&tree, a, "b")->kind, DEVTREE_FLAG);
    /* Empty nodes; the same name twice at the top: the first wins. */
    assert_true(parse("a {};\na { x; };"));
    assert_int_equal(tree.nnodes, 2);
    assert_int_equal(devtree_top(&tree, "a"), 0);
    assert_null(devtree_prop(&tree, 0, "x"));
}

static void test_depth_limit(void **state)
{
    (void)state;
    assert_true(parse("a { b { c { d { deepest; }; }; }; };"));
    int d = child(&tree, child(&tree, child(&tree, devtree_top(&tree, "a"), "b"), "c"), "d");
    assert_int_equal(devtree_prop(&tree, d, "deepest")->kind, DEVTREE_FLAG);
    assert_false(parse("a {\n b {\n  c {\n   d {\n    e { };\n   };\n  };\n };\n};"));
    assert_string_equal(tree.error, "line 5: nodes nested too deep (at most 4)");
    assert_int_equal(tree.nnodes, 0);
    assert_int_equal(tree.first_top, -1);
}

/* A text of one top-level node holding `count` lines made from `format` and their number
 * (first, first + 1, ...), then `extra` (may be ""): line 1 is "top {", the numbered lines
 * are lines 2.., `extra` the line after them. */
static const char *top_with_lines(char *text, size_t cap, const char *format, int first,
                                  int count, const char *extra)
{
    size_t used = (size_t)snprintf(text, cap, "top {\n");
    for (int i = first; i < first + count; i++) {
        used += (size_t)snprintf(text + used, cap - used, format, i, i);
        assert_true(used < cap);
    }
    used += (size_t)snprintf(text + used, cap - used, "%s};\n", extra);
    assert_true(used < cap);
    return text;
}

static void test_node_limit(void **state)
{
    (void)state;
    static char text[4096];
    /* Exactly DEVTREE_MAX_NODES: one top-level node, the rest children, one per line. */
    assert_true(parse(top_with_lines(text, sizeof(text), "n@%x { }; // %d\n", 1,
                                     DEVTREE_MAX_NODES - 1, "")));
    assert_int_equal(tree.nnodes, DEVTREE_MAX_NODES);
    int last = tree.nodes[devtree_top(&tree, "top")].first_child;
    for (int i = 1; i < DEVTREE_MAX_NODES; i++, last = tree.nodes[last].next_sibling)
        assert_int_equal(tree.nodes[last].unit, (uint32_t)i);
    assert_int_equal(last, -1);

    /* One more: the error names its line. */
    assert_false(parse(top_with_lines(text, sizeof(text), "n@%x { }; // %d\n", 1,
                                      DEVTREE_MAX_NODES - 1, "extra { };\n")));
    assert_string_equal(tree.error, "line 65: too many nodes (at most 64)");
    assert_int_equal(tree.nnodes, 0);
}

static void test_prop_limit(void **state)
{
    (void)state;
    static char text[8192];
    assert_true(parse(top_with_lines(text, sizeof(text), "p%d = <%d>;\n", 0,
                                     DEVTREE_MAX_PROPS, "")));
    assert_int_equal(tree.nprops, DEVTREE_MAX_PROPS);
    assert_int_equal(devtree_u32(&tree, 0, "p191", 0), 191);

    assert_false(parse(top_with_lines(text, sizeof(text), "p%d = <%d>;\n", 0,
                                      DEVTREE_MAX_PROPS, "one_more;\n")));
    assert_string_equal(tree.error, "line 194: too many properties (at most 192)");
    assert_int_equal(tree.nprops, 0);
}

/* Each error with the line it must name; the tree is empty afterwards. */
static const struct error_row {
    const char *name, *text, *error;
} error_rows[] = {
    { "unterminated_string", "g {\n d { compatible = \"ns16550;\n };\n};",
      "line 2: string not closed (a string ends on its own line)" },
    { "unterminated_string_at_end", "g { d { s = \"abc", "line 1: string not closed "
      "(a string ends on its own line)" },
    { "missing_semicolon_prop", "g {\n d {\n  size = <8>\n  interrupts = <2>;\n };\n};",
      "line 3: missing ';' after property 'size'" },
    { "missing_semicolon_flag_at_end", "g { d { uplink", "line 1: missing ';' after "
      "property 'uplink'" },
    { "missing_semicolon_node", "g {\n d { }\n};", "line 2: missing ';' after '}'" },
    { "missing_semicolon_top", "g {\n}\n", "line 2: missing ';' after '}'" },
    { "missing_brace", "g {\n d {\n  x;\n };\n", "line 1: '}' missing for node 'g'" },
    { "missing_brace_inner", "g {\n\n d@10 {\n  x;\n", "line 3: '}' missing for node 'd'" },
    { "extra_brace", "g { };\n};", "line 2: '}' without an open node" },
    { "bad_number_letters", "g {\n\n n { size = <12ab>; };\n};", "line 3: bad number" },
    { "bad_number_empty_hex", "g { n { size = <0x>; }; };", "line 1: bad number" },
    { "bad_number_sign", "g { n { size = <-1>; }; };",
      "line 1: expected a number or '>' in <cells>" },
    { "number_too_large", "g { n { size = <4294967296>; }; };",
      "line 1: number does not fit 32 bits" },
    { "hex_too_large", "g { n { size = <0x100000000>; }; };",
      "line 1: number does not fit 32 bits" },
    { "unclosed_cells", "g {\n n { size = <1 2\n", "line 2: '<' not closed by '>'" },
    { "too_many_cells", "g {\n n {\n  reg = <1 2 3 4 5>;\n };\n};",
      "line 3: too many cells (at most 4)" },
    { "too_deep", "a{b{c{d{\ne{};};};};};", "line 2: nodes nested too deep (at most 4)" },
    { "bad_unit", "g { serial@xyz { }; };",
      "line 1: bad unit address (hex digits after '@')" },
    { "unit_with_0x", "g { serial@0x10 { }; };",
      "line 1: bad unit address (hex digits after '@')" },
    { "unit_too_large", "g { serial@123456789 { }; };",
      "line 1: unit address does not fit 32 bits" },
    { "unit_without_brace", "g {\n serial@10;\n};", "line 2: expected '{' after 'serial'" },
    { "top_level_property", "\nsize = <1>;", "line 2: expected '{' after top-level name "
      "'size'" },
    { "no_value", "g { n { size = ; }; };",
      "line 1: expected \"string\" or <cells> after 'size'" },
    { "junk_after_key", "g { n { size 8; }; };",
      "line 1: expected '=', ';' or '{' after 'size'" },
    { "duplicate_property", "g {\n n {\n  size = <1>;\n  size = <2>;\n };\n};",
      "line 4: property given twice: 'size'" },
    { "unclosed_comment", "g {\n /* never\n closed\n", "line 2: comment not closed" },
    { "unexpected_char", "g {\n n { };\n $\n};", "line 3: unexpected '$'" },
    { "unexpected_byte", "g { \x01 };", "line 1: unexpected byte 0x01" },
    { "long_name_cut", "g { a_very_long_property_name_indeed_longer_than_the_cut }; };",
      "line 1: missing ';' after property 'a_very_long_property_nam...'" },
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++) {
        const struct error_row *row = &error_rows[i];
        /* A good parse first, so "emptied" is checked against a tree that had nodes. */
        assert_true(parse(config));
        bool ok = parse(row->text);
        if (ok || strcmp(tree.error, row->error) != 0)
            fail_msg("%s: parse %s, error \"%s\", expected \"%s\"", row->name,
                     ok ? "succeeded" : "failed", tree.error, row->error);
        assert_int_equal(tree.nnodes, 0);
        assert_int_equal(tree.nprops, 0);
        assert_int_equal(tree.first_top, -1);
        assert_int_equal(devtree_top(&tree, "g"), -1);
    }
}

/* The text is not NUL-terminated: a length that stops early is the end, whatever follows. */
static void test_length_not_nul(void **state)
{
    (void)state;
    static const char text[] = "g { s = \"abc\"; }; junk that is not parsed {";
    assert_true(devtree_parse(&tree, text, 17));
    assert_true(devtree_string_is(&tree, 0, "s", "abc"));
    assert_false(devtree_parse(&tree, text, 12));     /* g { s = "ab */
    assert_string_equal(tree.error, "line 1: string not closed (a string ends on its own line)");
    /* A NUL inside the text is a byte like any other, not the end. */
    static const char with_nul[] = "g { };\0h { };";
    assert_false(devtree_parse(&tree, with_nul, sizeof(with_nul) - 1));
    assert_string_equal(tree.error, "line 1: unexpected byte 0x00");
}

/* ---- Robustness. */

/* Reproducible pseudo-random numbers (xorshift32): a failure can be replayed. */
static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static bool within(const char *p, uint32_t len, const char *text, size_t text_len)
{
    return len == 0 || (p >= text && p + len <= text + text_len);
}

/* How many checked parses succeeded and failed: a mutation loop whose texts all fail (or
 * all pass) would exercise one path only. */
static unsigned parsed_ok, parsed_failed;

/* Parses a copy of `src` in a heap buffer of exactly `len` bytes and checks the result is
 * either a consistent tree or an emptied one with "line N: ...". */
static void parse_checked(const char *src, size_t len)
{
    char *text = malloc(len ? len : 1);
    assert_non_null(text);
    memcpy(text, src, len);
    memset(&tree, 0xA5, sizeof(tree));      /* nothing of an old tree may leak through */
    if (!devtree_parse(&tree, text, len)) {
        parsed_failed++;
        assert_int_equal(tree.nnodes, 0);
        assert_int_equal(tree.nprops, 0);
        assert_int_equal(tree.first_top, -1);
        assert_memory_equal(tree.error, "line ", 5);
        assert_true(strlen(tree.error) < sizeof(tree.error));
        free(text);
        return;
    }
    parsed_ok++;
    assert_string_equal(tree.error, "");
    assert_true(tree.nnodes <= DEVTREE_MAX_NODES && tree.nprops <= DEVTREE_MAX_PROPS);
    assert_true(tree.first_top >= -1 && tree.first_top < (int)tree.nnodes);
    for (uint32_t i = 0; i < tree.nnodes; i++) {
        const devtree_node_t *n = &tree.nodes[i];
        assert_true(n->name.len > 0 && within(n->name.s, n->name.len, text, len));
        assert_true(n->parent >= -1 && n->parent < (int)i);
        assert_true(n->first_child == -1 ||
                    (n->first_child > (int)i && n->first_child < (int)tree.nnodes));
        assert_true(n->next_sibling == -1 ||
                    (n->next_sibling > (int)i && n->next_sibling < (int)tree.nnodes));
        assert_true(n->first_prop >= -1 && n->first_prop < (int)tree.nprops);
        for (int p = n->first_prop; p >= 0; p = tree.props[p].next) {
            const devtree_prop_t *prop = &tree.props[p];
            assert_true(prop->next == -1 || (prop->next > p && prop->next < (int)tree.nprops));
            assert_true(within(prop->key.s, prop->key.len, text, len));
            assert_true(prop->ncells <= DEVTREE_MAX_CELLS);
            if (prop->kind == DEVTREE_STRING)
                assert_true(within(prop->string.s, prop->string.len, text, len));
        }
    }
    /* The lookups walk the lists without leaving them. */
    for (int top = tree.first_top; top >= 0; top = tree.nodes[top].next_sibling) {
        (void)devtree_u32(&tree, top, "size", 0);
        for (int c = tree.nodes[top].first_child; c >= 0; c = tree.nodes[c].next_sibling)
            (void)devtree_string_is(&tree, c, "compatible", "ns16550");
    }
    free(text);
}

static void test_every_prefix(void **state)
{
    (void)state;
    size_t len = sizeof(config) - 1;
    for (size_t n = 0; n <= len; n++)
        parse_checked(config, n);
}

/* Pieces a mutation inserts: the syntax's own characters, so mutants get deep into it. */
static const char *const fragments[] = {
    "{", "}", ";", "};", "=", "\"", "<", ">", "@", "/*", "*/", "//", "\n", "0x", "@1f",
    "a {", "x = <1 2 3 4>;", "\"s\"", "<0xFFFFFFFF>", "\0", "\xff", " ",
};

static void test_mutations(void **state)
{
    (void)state;
    static char buf[2 * sizeof(config)];
    size_t base = sizeof(config) - 1;
    rng_state = 0x12345678u;
    parsed_ok = parsed_failed = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(buf, config, base);
        size_t len = base;
        int edits = 1 + (int)(rng() % 6);
        for (int e = 0; e < edits; e++) {
            size_t at = len ? rng() % len : 0;
            switch (rng() % 4) {
            case 0:                     /* overwrite a byte */
                if (len)
                    buf[at] = (char)rng();
                break;
            case 1:                     /* delete a run */
                if (len) {
                    size_t n = 1 + rng() % 8;
                    if (n > len - at)
                        n = len - at;
                    memmove(buf + at, buf + at + n, len - at - n);
                    len -= n;
                }
                break;
            case 2: {                   /* insert a fragment */
                const char *f = fragments[rng() % (sizeof(fragments) / sizeof(fragments[0]))];
                size_t n = f[0] ? strlen(f) : 1;
                if (len + n <= sizeof(buf)) {
                    memmove(buf + at + n, buf + at, len - at);
                    memcpy(buf + at, f, n);
                    len += n;
                }
                break;
            }
            default:                    /* truncate */
                len = at;
                break;
            }
        }
        parse_checked(buf, len);
    }
    print_message("mutations: %u parsed, %u refused\n", parsed_ok, parsed_failed);
    assert_true(parsed_ok >= 1000 && parsed_failed >= 1000);
}

static void test_random_bytes(void **state)
{
    (void)state;
    static char buf[256];
    static const char alphabet[] = "ab0x9@{};=\"<>/* \n";
    rng_state = 0x9E3779B9u;
    for (int round = 0; round < 5000; round++) {
        size_t len = rng() % sizeof(buf);
        /* Half fully random bytes, half from the syntax's alphabet. */
        for (size_t i = 0; i < len; i++)
            buf[i] = round & 1 ? (char)rng() : alphabet[rng() % (sizeof(alphabet) - 1)];
        parse_checked(buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_structure),
        cmocka_unit_test(test_config_lookups),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_comments_and_empty),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_node_limit),
        cmocka_unit_test(test_prop_limit),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_length_not_nul),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
