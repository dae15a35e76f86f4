/* The management terminal's pure parts (term.c): the line editor and the command parser.
 * Pure C on <stdint.h>/<stdbool.h>/<stddef.h>, tested on the host
 * (tests/hv/test_termline.c). */
#ifndef HV_TERMLINE_H
#define HV_TERMLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERMLINE_MAX    79              /* characters of a command line */

/* Where the editor's echo goes (the board console). */
typedef void (*termline_echo_t)(void *ctx, const char *s, size_t n);

typedef struct termline {
    size_t len;
    bool after_cr;              /* the last key was the CR that ended a line */
    char buf[TERMLINE_MAX + 1];         /* NUL-terminated when a line is complete */
} termline_t;

/* An empty line (after_cr is kept: it belongs to the keys, not to the line). */
void termline_init(termline_t *l);
/* One key, as the boot ROM's prompt edits: printable characters are added and echoed
 * (beyond TERMLINE_MAX ignored), backspace/DEL erases one ("\b \b"), ^U the whole line,
 * other control keys are ignored. CR or LF ends the line (echo "\n"): returns true, with
 * l->buf the line; the caller calls termline_init before the next. A LF right after the
 * CR that ended a line is swallowed (a terminal sending CR LF enters one line). */
bool termline_key(termline_t *l, int c, termline_echo_t echo, void *ctx);

/* A command line: a word and an optional decimal argument. */
typedef struct term_cmd {
    char word[12];              /* "" for an empty line; truncated words never match */
    bool has_arg;
    bool arg_ok;                /* the argument is a decimal number that fits */
    uint32_t arg;
    bool extra;                 /* something after the argument */
} term_cmd_t;

term_cmd_t term_parse(const char *line);

#endif
