/* The system call numbers user programs (user.S) use: rtos.h's, checked in syscall.c. */
#ifndef RTOS_USYS_H
#define RTOS_USYS_H
#define USYS_YIELD      1
#define USYS_EXIT       2
#define USYS_SLEEP      3
#define USYS_WRITE      6
#define USYS_TICKS      12
#endif
