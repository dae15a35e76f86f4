/* The guests' device configuration: a small tree in the spirit of a device tree source,
 * parsed once at start (vdev.c reads it). The text is built into the image
 * (roms/hv/guests.dts, through guests.S):
 *
 *     // one top-level node per configuration, named after the guest it is for
 *     // ("default" for guests without one of their own)
 *     net {
 *         serial@180003f8 {
 *             compatible = "ns16550";
 *             size = <0x8>;
 *             interrupts = <2>;          // the guest's Cause.IP line
 *         };
 *         ethernet@18000300 { compatible = "ne2000"; size = <0x20>; interrupts = <3>; };
 *     };
 *
 * Syntax: `name[@hex-unit] { properties and child nodes };`; a property is
 * `key = "string";`, `key = <n n ...>;` (cells: decimal or 0x hex, at most
 * DEVTREE_MAX_CELLS) or `key;` (a flag: no value). `//` and slash-star comments. Names and
 * keys are letters, digits and , . _ + - (names: also @ before the unit address).
 *
 * The parser is pure C, no allocation: nodes and properties live in the caller's
 * devtree_t, strings point into the source text (which must outlive it and is not
 * modified: a name or string is a pointer and a length). Errors name the line. */
#ifndef HV_DEVTREE_H
#define HV_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEVTREE_MAX_NODES   64
#define DEVTREE_MAX_PROPS   192
#define DEVTREE_MAX_CELLS   4
#define DEVTREE_MAX_DEPTH   4

/* A piece of the source text. */
typedef struct devtree_str {
    const char *s;
    uint32_t len;
} devtree_str_t;

typedef enum devtree_kind {
    DEVTREE_FLAG,       /* key; */
    DEVTREE_STRING,     /* key = "..."; */
    DEVTREE_CELLS,      /* key = <...>; */
} devtree_kind_t;

typedef struct devtree_prop {
    devtree_str_t key;
    devtree_kind_t kind;
    devtree_str_t string;
    uint32_t cells[DEVTREE_MAX_CELLS];
    uint32_t ncells;
    int16_t next;               /* the node's next property, -1: the last */
} devtree_prop_t;

typedef struct devtree_node {
    devtree_str_t name;         /* without the unit address */
    bool has_unit;
    uint32_t unit;              /* the hex after '@' */
    int16_t parent;             /* -1: a top-level node */
    int16_t first_child, next_sibling;    /* -1: none */
    int16_t first_prop;         /* -1: none */
    uint32_t line;              /* where it starts in the source (1-based) */
} devtree_node_t;

typedef struct devtree {
    devtree_node_t nodes[DEVTREE_MAX_NODES];
    devtree_prop_t props[DEVTREE_MAX_PROPS];
    uint32_t nnodes, nprops;
    int16_t first_top;          /* the first top-level node, -1: none */
    /* After a failed parse: "line N: what was wrong". */
    char error[96];
} devtree_t;

/* Parses `len` bytes of `text` into `t`. False on a syntax error or when the tree does not
 * fit (t->error says which and where); `t` is then empty. */
bool devtree_parse(devtree_t *t, const char *text, size_t len);

/* Lookups; -1 / NULL / false when absent. `name` is a NUL-terminated C string. */
int devtree_top(const devtree_t *t, const char *name);
const devtree_prop_t *devtree_prop(const devtree_t *t, int node, const char *key);
bool devtree_string_is(const devtree_t *t, int node, const char *key, const char *value);
/* The first cell of an integer property (`def` when absent or not cells). */
uint32_t devtree_u32(const devtree_t *t, int node, const char *key, uint32_t def);
/* True when a string or name equals NUL-terminated `s`. */
bool devtree_str_eq(devtree_str_t a, const char *s);

#endif
