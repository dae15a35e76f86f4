/* The management terminal (design note: term.c). */
#ifndef HV_TERM_H
#define HV_TERM_H

/* Starts the terminal's hypercore thread ("term"); from then on the board console's keys
 * are the terminal's (or an attached guest's). */
void term_start(void);
/* Around a guest's line printed by vcons.c (any context, interrupts masked): the prompt
 * line the terminal shows, if any, is ended first and drawn again after it, with what has
 * been typed so far, so guests' lines never land in the middle of a command. */
void term_output_begin(void);
void term_output_end(void);
/* The main thread's last stop when the terminal runs: only `halt` ends the board. */
void term_wait(void) __attribute__((noreturn));

#endif
