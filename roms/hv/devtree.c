/* The guests' device tree parser (devtree.h).
 *
 * Design note. One pass over the text, no recursion: `open` holds the nodes whose '{' has
 * been read and whose "};" has not, so nesting is bounded by DEVTREE_MAX_DEPTH without
 * using the hypervisor's small stack. Children and properties are appended at the tail
 * of their lists (the parser remembers each open node's last child and last property), so
 * the tree keeps the source order: vdev.c creates a guest's devices in the order the
 * configuration lists them.
 *
 * The text is read through `pos < end` only: it comes from the image (guests.dts) and is
 * not NUL-terminated, and a truncated or corrupt text must give an error, never a read past
 * its end. Strings have no escapes: a string is the bytes between its quotes, on one line,
 * because the tree points into the source and never copies or rewrites it.
 *
 * Every failure goes through fail(), which writes "line N: ..." and empties the tree, so a
 * caller that ignores the result still sees no half-built configuration. */
#include "devtree.h"

/* The parser's cursor and the nodes still open. */
typedef struct parser {
    devtree_t *t;
    const char *pos, *end;
    uint32_t line;
    uint32_t depth;                             /* nodes open */
    int16_t open[DEVTREE_MAX_DEPTH];            /* the open nodes, outermost first */
    int16_t last_child[DEVTREE_MAX_DEPTH + 1];  /* per depth; [0]: the last top-level node */
    int16_t last_prop[DEVTREE_MAX_DEPTH];
} parser_t;

/* ---- The error message, built without a C library printf. */

typedef struct message {
    char *buf;
    size_t len, cap;                /* cap counts the NUL */
} message_t;

static void message_char(message_t *m, char c)
{
    if (m->len + 1 < m->cap)
        m->buf[m->len++] = c;
    m->buf[m->len] = '\0';
}

static void message_text(message_t *m, const char *s)
{
    for (; *s; s++)
        message_char(m, *s);
}

static void message_u32(message_t *m, uint32_t v)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        message_char(m, digits[--n]);
}

/* A name from the source, cut short so the message still fits the line number and the
 * words around it. */
#define MESSAGE_NAME_MAX 24

static void message_name(message_t *m, devtree_str_t s)
{
    message_char(m, '\'');
    for (uint32_t i = 0; i < s.len && i < MESSAGE_NAME_MAX; i++)
        message_char(m, s.s[i]);
    if (s.len > MESSAGE_NAME_MAX)
        message_text(m, "...");
    message_char(m, '\'');
}

static void clear_tree(devtree_t *t)
{
    t->nnodes = 0;
    t->nprops = 0;
    t->first_top = -1;
}

/* Starts the error message for `line` and empties the tree; the caller adds the rest. */
static message_t fail_at(parser_t *p, uint32_t line)
{
    message_t m = { p->t->error, 0, sizeof(p->t->error) };
    clear_tree(p->t);
    message_text(&m, "line ");
    message_u32(&m, line);
    message_text(&m, ": ");
    return m;
}

static bool fail(parser_t *p, uint32_t line, const char *what)
{
    message_t m = fail_at(p, line);
    message_text(&m, what);
    return false;
}

/* "what N)": a limit of the tree, named from its constant so the message cannot go stale. */
static bool fail_limit(parser_t *p, uint32_t line, const char *what, uint32_t limit)
{
    message_t m = fail_at(p, line);
    message_text(&m, what);
    message_u32(&m, limit);
    message_char(&m, ')');
    return false;
}

static bool fail_named(parser_t *p, uint32_t line, const char *what, devtree_str_t name)
{
    message_t m = fail_at(p, line);
    message_text(&m, what);
    message_char(&m, ' ');
    message_name(&m, name);
    return false;
}

/* ---- Characters. */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           c == ',' || c == '.' || c == '_' || c == '+' || c == '-';
}

static bool at_end(const parser_t *p)
{
    return p->pos >= p->end;
}

static bool next_is(const parser_t *p, char c)
{
    return p->pos < p->end && *p->pos == c;
}

/* Skips blanks, newlines and comments. False (with the error set) on a comment that is
 * never closed. */
static bool skip_blank(parser_t *p)
{
    while (p->pos < p->end) {
        char c = *p->pos;
        if (c == '\n') {
            p->line++;
            p->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            p->pos++;
        } else if (c == '/' && p->end - p->pos >= 2 && p->pos[1] == '/') {
            while (p->pos < p->end && *p->pos != '\n')
                p->pos++;
        } else if (c == '/' && p->end - p->pos >= 2 && p->pos[1] == '*') {
            uint32_t opened = p->line;
            p->pos += 2;
            for (;;) {
                if (p->end - p->pos < 2) {
                    p->pos = p->end;
                    return fail(p, opened, "comment not closed");
                }
                if (p->pos[0] == '*' && p->pos[1] == '/')
                    break;
                if (*p->pos == '\n')
                    p->line++;
                p->pos++;
            }
            p->pos += 2;
        } else {
            break;
        }
    }
    return true;
}

static bool unexpected(parser_t *p)
{
    static const char hex[] = "0123456789abcdef";
    message_t m = fail_at(p, p->line);
    unsigned char c = (unsigned char)*p->pos;
    message_text(&m, "unexpected ");
    if (c > ' ' && c < 0x7F) {
        message_char(&m, '\'');
        message_char(&m, (char)c);
        message_char(&m, '\'');
    } else {
        message_text(&m, "byte 0x");
        message_char(&m, hex[c >> 4]);
        message_char(&m, hex[c & 15]);
    }
    return false;
}

/* ---- Tokens. */

static devtree_str_t read_name(parser_t *p)
{
    devtree_str_t s = { p->pos, 0 };
    while (p->pos < p->end && is_name_char(*p->pos))
        p->pos++;
    s.len = (uint32_t)(p->pos - s.s);
    return s;
}

/* A cell: decimal, or hex after 0x. The number must end at a blank, a comment or '>':
 * "12ab" is a mistake, not 12 followed by something. */
static bool read_number(parser_t *p, uint32_t *out)
{
    uint32_t v = 0;
    bool any = false;
    if (p->end - p->pos >= 2 && p->pos[0] == '0' && (p->pos[1] == 'x' || p->pos[1] == 'X')) {
        p->pos += 2;
        for (; p->pos < p->end && hex_value(*p->pos) >= 0; p->pos++, any = true) {
            if (v > 0x0FFFFFFFu)
                return fail(p, p->line, "number does not fit 32 bits");
            v = v << 4 | (uint32_t)hex_value(*p->pos);
        }
    } else {
        for (; p->pos < p->end && is_digit(*p->pos); p->pos++, any = true) {
            uint32_t d = (uint32_t)(*p->pos - '0');
            if (v > (UINT32_MAX - d) / 10)
                return fail(p, p->line, "number does not fit 32 bits");
            v = v * 10 + d;
        }
    }
    if (!any || (p->pos < p->end && is_name_char(*p->pos)))
        return fail(p, p->line, "bad number");
    *out = v;
    return true;
}

/* The unit address after '@': plain hex, as in a DTS node name (no 0x). */
static bool read_unit(parser_t *p, uint32_t *out)
{
    uint32_t v = 0;
    bool any = false;
    for (; p->pos < p->end && hex_value(*p->pos) >= 0; p->pos++, any = true) {
        if (v > 0x0FFFFFFFu)
            return fail(p, p->line, "unit address does not fit 32 bits");
        v = v << 4 | (uint32_t)hex_value(*p->pos);
    }
    if (!any || (p->pos < p->end && is_name_char(*p->pos)))
        return fail(p, p->line, "bad unit address (hex digits after '@')");
    *out = v;
    return true;
}

static bool read_string(parser_t *p, devtree_str_t *out)
{
    uint32_t line = p->line;
    const char *start = ++p->pos;
    while (p->pos < p->end && *p->pos != '"' && *p->pos != '\n')
        p->pos++;
    if (!next_is(p, '"'))
        return fail(p, line, "string not closed (a string ends on its own line)");
    out->s = start;
    out->len = (uint32_t)(p->pos - start);
    p->pos++;
    return true;
}

static bool read_cells(parser_t *p, devtree_prop_t *prop)
{
    uint32_t line = p->line;
    p->pos++;
    for (;;) {
        if (!skip_blank(p))
            return false;
        if (at_end(p))
            return fail(p, line, "'<' not closed by '>'");
        if (*p->pos == '>')
            break;
        if (!is_digit(*p->pos))
            return fail(p, p->line, "expected a number or '>' in <cells>");
        if (prop->ncells == DEVTREE_MAX_CELLS)
            return fail_limit(p, p->line, "too many cells (at most ", DEVTREE_MAX_CELLS);
        if (!read_number(p, &prop->cells[prop->ncells]))
            return false;
        prop->ncells++;
    }
    p->pos++;
    return true;
}

/* ---- The tree. */

static int16_t current_node(const parser_t *p)
{
    return p->open[p->depth - 1];
}

static bool open_node(parser_t *p, devtree_str_t name, bool has_unit, uint32_t unit,
                      uint32_t line)
{
    devtree_t *t = p->t;
    if (p->depth == DEVTREE_MAX_DEPTH)
        return fail_limit(p, line, "nodes nested too deep (at most ", DEVTREE_MAX_DEPTH);
    if (t->nnodes == DEVTREE_MAX_NODES)
        return fail_limit(p, line, "too many nodes (at most ", DEVTREE_MAX_NODES);
    int16_t id = (int16_t)t->nnodes++;
    t->nodes[id] = (devtree_node_t){
        .name = name, .has_unit = has_unit, .unit = unit,
        .parent = p->depth ? current_node(p) : -1,
        .first_child = -1, .next_sibling = -1, .first_prop = -1, .line = line,
    };
    int16_t prev = p->last_child[p->depth];
    if (prev >= 0)
        t->nodes[prev].next_sibling = id;
    else if (p->depth)
        t->nodes[current_node(p)].first_child = id;
    else
        t->first_top = id;
    p->last_child[p->depth] = id;
    p->open[p->depth] = id;
    p->last_prop[p->depth] = -1;
    p->depth++;
    p->last_child[p->depth] = -1;
    return true;
}

static bool key_equal(devtree_str_t a, devtree_str_t b)
{
    if (a.len != b.len)
        return false;
    for (uint32_t i = 0; i < a.len; i++)
        if (a.s[i] != b.s[i])
            return false;
    return true;
}

/* Reads the rest of a property after its key ("= value;" or ";") and appends it to the
 * innermost open node. A key given twice in one node is refused: which one a lookup would
 * see is exactly the kind of surprise a configuration should not have. */
static bool add_prop(parser_t *p, devtree_str_t key, uint32_t line)
{
    devtree_t *t = p->t;
    int16_t node = current_node(p);
    for (int16_t i = t->nodes[node].first_prop; i >= 0; i = t->props[i].next)
        if (key_equal(t->props[i].key, key))
            return fail_named(p, line, "property given twice:", key);
    if (t->nprops == DEVTREE_MAX_PROPS)
        return fail_limit(p, line, "too many properties (at most ", DEVTREE_MAX_PROPS);
    devtree_prop_t prop = { .key = key, .kind = DEVTREE_FLAG, .next = -1 };
    if (next_is(p, '=')) {
        p->pos++;
        if (!skip_blank(p))
            return false;
        if (next_is(p, '"')) {
            prop.kind = DEVTREE_STRING;
            if (!read_string(p, &prop.string))
                return false;
        } else if (next_is(p, '<')) {
            prop.kind = DEVTREE_CELLS;
            if (!read_cells(p, &prop))
                return false;
        } else {
            return fail_named(p, p->line, "expected \"string\" or <cells> after", key);
        }
        if (!skip_blank(p))
            return false;
    }
    if (!next_is(p, ';'))
        return fail_named(p, line, "missing ';' after property", key);
    p->pos++;
    int16_t id = (int16_t)t->nprops++;
    t->props[id] = prop;
    int16_t prev = p->last_prop[p->depth - 1];
    if (prev >= 0)
        t->props[prev].next = id;
    else
        t->nodes[node].first_prop = id;
    p->last_prop[p->depth - 1] = id;
    return true;
}

/* After a '}': the ';' that ends the node. */
static bool close_node(parser_t *p)
{
    uint32_t line = p->line;
    if (!p->depth)
        return fail(p, line, "'}' without an open node");
    p->pos++;
    if (!skip_blank(p))
        return false;
    if (!next_is(p, ';'))
        return fail(p, line, "missing ';' after '}'");
    p->pos++;
    p->depth--;
    return true;
}

/* A name at the current position: a node ("name[@unit] {") or a property ("key ..."). */
static bool read_item(parser_t *p)
{
    uint32_t line = p->line;
    devtree_str_t name = read_name(p);
    bool has_unit = false;
    uint32_t unit = 0;
    if (next_is(p, '@')) {
        p->pos++;
        if (!read_unit(p, &unit))
            return false;
        has_unit = true;
    }
    if (!skip_blank(p))
        return false;
    if (next_is(p, '{')) {
        p->pos++;
        return open_node(p, name, has_unit, unit, line);
    }
    if (has_unit)
        return fail_named(p, line, "expected '{' after", name);
    if (!p->depth)
        return fail_named(p, line, "expected '{' after top-level name", name);
    /* "key }" or a text that ends after the key is a property missing its ';' (add_prop
     * says so); anything else after a key is not a property at all. */
    if (!next_is(p, '=') && !next_is(p, ';') && !next_is(p, '}') && !at_end(p))
        return fail_named(p, line, "expected '=', ';' or '{' after", name);
    return add_prop(p, name, line);
}

bool devtree_parse(devtree_t *t, const char *text, size_t len)
{
    parser_t p = { .t = t, .pos = text, .end = text + len, .line = 1 };
    clear_tree(t);
    t->error[0] = '\0';
    p.last_child[0] = -1;
    for (;;) {
        if (!skip_blank(&p))
            return false;
        if (at_end(&p))
            break;
        char c = *p.pos;
        if (c == '}') {
            if (!close_node(&p))
                return false;
        } else if (is_name_char(c)) {
            if (!read_item(&p))
                return false;
        } else {
            return unexpected(&p);
        }
    }
    if (p.depth) {
        const devtree_node_t n = t->nodes[current_node(&p)];
        return fail_named(&p, n.line, "'}' missing for node", n.name);
    }
    return true;
}

/* ---- Lookups. */

bool devtree_str_eq(devtree_str_t a, const char *s)
{
    for (uint32_t i = 0; i < a.len; i++)
        if (s[i] == '\0' || s[i] != a.s[i])
            return false;
    return s[a.len] == '\0';
}

int devtree_top(const devtree_t *t, const char *name)
{
    for (int i = t->first_top; i >= 0; i = t->nodes[i].next_sibling)
        if (devtree_str_eq(t->nodes[i].name, name))
            return i;
    return -1;
}

const devtree_prop_t *devtree_prop(const devtree_t *t, int node, const char *key)
{
    if (node < 0 || (uint32_t)node >= t->nnodes)
        return NULL;
    for (int i = t->nodes[node].first_prop; i >= 0; i = t->props[i].next)
        if (devtree_str_eq(t->props[i].key, key))
            return &t->props[i];
    return NULL;
}

bool devtree_string_is(const devtree_t *t, int node, const char *key, const char *value)
{
    const devtree_prop_t *prop = devtree_prop(t, node, key);
    return prop && prop->kind == DEVTREE_STRING && devtree_str_eq(prop->string, value);
}

uint32_t devtree_u32(const devtree_t *t, int node, const char *key, uint32_t def)
{
    const devtree_prop_t *prop = devtree_prop(t, node, key);
    if (!prop || prop->kind != DEVTREE_CELLS || !prop->ncells)
        return def;
    return prop->cells[0];
}
