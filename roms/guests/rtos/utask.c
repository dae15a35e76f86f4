/* User tasks: a code page and a data page (stack at its top) at kuseg USER_BASE, mapped
 * through the guest TLB with the task's ASID (a wired TLBWI slot, or TLBWR), run in guest
 * user mode. The kernel reaches a task's memory through its own pages (the guest kernel's
 * view of the low 2 GB is kseg0, not the task's kuseg). */
#include "rtos.h"

#define LO(gpa, flags)  ((((gpa) >> 12) << 6) | (flags))
#define LO_V            2u
#define LO_D            4u
#define LO_C3           (3u << 3)
#define INDEX_P         0x80000000u

static uint32_t gpa(const void *p)
{
    return (uint32_t)(uintptr_t)p;      /* kseg0 real = GPA */
}

void k_tlb_map(const utask_t *u)
{
    MTC0(C0_PAGEMASK, 0);
    MTC0(C0_ENTRYHI, USER_BASE | u->asid);
    MTC0(C0_ENTRYLO0, LO(gpa(u->code), LO_C3 | LO_V));              /* read-only code */
    MTC0(C0_ENTRYLO1, LO(gpa(u->data), LO_C3 | LO_D | LO_V));
    if (u->tlb_index >= 0) {
        MTC0(C0_INDEX, (uint32_t)u->tlb_index);
        __asm__ volatile("tlbwi; ehb" ::: "memory");
    } else {
        __asm__ volatile("tlbwr; ehb" ::: "memory");
    }
    MTC0(C0_ENTRYHI, rtos_cur->asid);
}

/* Drops the task's entry: an invalid pair at a kseg0 VPN2, which never matches. */
void k_tlb_unmap(const utask_t *u)
{
    MTC0(C0_ENTRYHI, USER_BASE | u->asid);
    __asm__ volatile("tlbp; ehb" ::: "memory");
    uint32_t index = MFC0(C0_INDEX);
    if (!(index & INDEX_P)) {
        MTC0(C0_ENTRYHI, 0x80000000u + (index << 13));
        MTC0(C0_ENTRYLO0, 0);
        MTC0(C0_ENTRYLO1, 0);
        __asm__ volatile("tlbwi; ehb" ::: "memory");
    }
    MTC0(C0_ENTRYHI, rtos_cur->asid);
}

void utask_release(thread_t *t)
{
    k_tlb_unmap(t->user);
}

/* A user buffer [uva, uva + len) inside the task's own pages: its kernel pointer. */
bool user_range(thread_t *t, uint32_t uva, uint32_t len, const char **kptr)
{
    if (len > 0x1000u)
        return false;
    if (uva >= USER_BASE && uva - USER_BASE <= 0x1000u - len)
        *kptr = (const char *)t->user->code + (uva - USER_BASE);
    else if (uva >= USER_DATA && uva - USER_DATA <= 0x1000u - len)
        *kptr = (const char *)t->user->data + (uva - USER_DATA);
    else
        return false;
    return true;
}
