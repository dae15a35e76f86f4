/* What every guest of roms/hv shares: the guest address map as code sees it, its devices,
 * and CP0 access from C.
 *
 * A guest is linked at REAL addresses (its kseg0 window at real 0x00000000, kseg1 at real
 * 0x20000000); its CP0 registers (EPC, EBase, BadVAddr, EntryHi) hold ARCHITECTURAL ones,
 * so a code address written to CP0 is ARCH(real). roms/hv/vcpu.c explains the ABI. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#define ARCH(p)         ((uint32_t)(uintptr_t)(p) + 0x80000000u)

/* The virtual 16550 at arch 0xB80003F8 and the FPGA's software reset at arch 0xBF000500
 * (writing 0x42 ends the guest), through the kseg1 window. */
#define UART            ((volatile uint8_t *)0x380003F8u)
#define UART_LSR_THRE   0x20u
#define FPGA_SOFTRES    ((volatile uint32_t *)0x3F000500u)
#define SOFTRES_GORESET 0x42u

/* MFC0(C0_STATUS): the (number, select) pairs below expand to two arguments first. The
 * write is a compiler barrier: what the guest stored before it (vectors, page tables) is
 * in memory when the hypervisor emulates it. */
#define MFC0(regsel) MFC0_(regsel)
#define MTC0(regsel, v) MTC0_(regsel, v)
#define MFC0_(reg, sel) ({ uint32_t v_; \
    __asm__ volatile("mfc0 %0, $%1, %2" : "=r"(v_) : "i"(reg), "i"(sel)); v_; })
#define MTC0_(reg, sel, v) \
    __asm__ volatile("mtc0 %z0, $%1, %2; ehb" : : "Jr"((uint32_t)(v)), "i"(reg), "i"(sel) \
                     : "memory")

#define C0_INDEX        0, 0
#define C0_ENTRYLO0     2, 0
#define C0_ENTRYLO1     3, 0
#define C0_USERLOCAL    4, 2
#define C0_PAGEMASK     5, 0
#define C0_WIRED        6, 0
#define C0_BADVADDR     8, 0
#define C0_COUNT        9, 0
#define C0_ENTRYHI      10, 0
#define C0_COMPARE      11, 0
#define C0_STATUS       12, 0
#define C0_INTCTL       12, 1
#define C0_CAUSE        13, 0
#define C0_EPC          14, 0
#define C0_PRID         15, 0
#define C0_EBASE        15, 1
#define C0_CONFIG       16, 0
#define C0_CONFIG1      16, 1

#define ST_IE           0x00000001u
#define ST_EXL          0x00000002u
#define ST_ERL          0x00000004u
#define ST_IM7          0x00008000u
#define ST_BEV          0x00400000u
#define CAUSE_IP7       0x00008000u
#define CAUSE_BD        0x80000000u
#define EXCCODE(c)      (((c) >> 2) & 31u)

/* Sets Compare `counts` ahead of Count and returns the value written. The write is checked
 * and made again if Count had already reached it: a Compare behind Count matches only
 * after Count wraps, 27 s later. On QEMU, whose Count follows the host's clock, the host
 * can stop this CPU between the read of Count and the write for longer than a short
 * interval (a loaded machine, a hypervisor exit on the way); on kseg it cannot happen. */
static inline uint32_t compare_in(uint32_t counts)
{
    for (;;) {
        uint32_t now = MFC0(C0_COUNT);
        MTC0(C0_COMPARE, now + counts);
        if (MFC0(C0_COUNT) - now < counts)
            return now + counts;
    }
}

#endif
