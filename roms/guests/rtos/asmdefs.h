/* What the assembly files share with rtos.h. */
#ifndef RTOS_ASMDEFS_H
#define RTOS_ASMDEFS_H
#define C0_BADVADDR     $8
#define C0_STATUS       $12
#define C0_CAUSE        $13
#define C0_EPC          $14
#define FRAME_HI        128
#define FRAME_LO        132
#define FRAME_EPC       136
#define FRAME_STATUS    140
#include "usys.h"
#endif
