/* The management terminal's line editor and command parser (termline.h). */
#include "termline.h"

void termline_init(termline_t *l)
{
    l->len = 0;
    l->buf[0] = '\0';
}

bool termline_key(termline_t *l, int c, termline_echo_t echo, void *ctx)
{
    bool after_cr = l->after_cr;
    l->after_cr = c == '\r';
    if (c == '\n' && after_cr)
        return false;
    if (c == '\r' || c == '\n') {
        echo(ctx, "\n", 1);
        l->buf[l->len] = '\0';
        return true;
    }
    if (c == 0x7F || c == '\b') {
        if (l->len) {
            l->len--;
            echo(ctx, "\b \b", 3);
        }
    } else if (c == 0x15) {
        for (; l->len; l->len--)
            echo(ctx, "\b \b", 3);
    } else if (c >= ' ' && c < 0x7F && l->len < TERMLINE_MAX) {
        char ch = (char)c;
        l->buf[l->len++] = ch;
        echo(ctx, &ch, 1);
    }
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

term_cmd_t term_parse(const char *line)
{
    term_cmd_t cmd = { .word = "" };
    const char *p = line;
    while (is_space(*p))
        p++;
    size_t n = 0;
    for (; *p && !is_space(*p); p++) {
        if (n + 1 < sizeof(cmd.word))
            cmd.word[n] = *p;
        n++;
    }
    if (n + 1 > sizeof(cmd.word))
        cmd.word[0] = '?';              /* too long: no command has this name */
    else
        cmd.word[n] = '\0';
    while (is_space(*p))
        p++;
    if (!*p)
        return cmd;
    cmd.has_arg = true;
    cmd.arg_ok = true;
    uint64_t v = 0;
    size_t digits = 0;
    for (; *p && !is_space(*p); p++, digits++) {
        if (*p < '0' || *p > '9' || v > 0xFFFFFFFFu / 10u) {
            cmd.arg_ok = false;
            continue;
        }
        v = v * 10u + (uint64_t)(*p - '0');
        if (v > 0xFFFFFFFFu)
            cmd.arg_ok = false;
    }
    cmd.arg_ok = cmd.arg_ok && digits > 0;
    cmd.arg = cmd.arg_ok ? (uint32_t)v : 0;
    while (is_space(*p))
        p++;
    cmd.extra = *p != '\0';
    return cmd;
}
