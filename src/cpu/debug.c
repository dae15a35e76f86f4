/* Breakpoints and watchpoints for the debugger.
 *
 * Breakpoints match the virtual PC in the debug run loop before an instruction starts, so
 * they survive TLB changes and self-modifying code (memory is never patched). Watchpoints
 * work through the software TLB: a watched page never gets a fast-path entry, so its
 * accesses reach the slow path, which calls cpu_check_watchpoints after the access; the
 * loop then stops after the instruction, as gdb expects. */
#include "cpu/cpu.h"

static void debug_changed(cpu_t *cpu)
{
    cpu->debug_active = cpu->dbg.breakpoint_count > 0 || cpu->dbg.watchpoint_count > 0;
    cpu_flush_translations(cpu);   /* watched pages must leave the software TLB */
    cpu_exit_loop(cpu);            /* and the loop must switch to the debug one */
}

bool cpu_breakpoint_insert(cpu_t *cpu, uint32_t pc)
{
    cpu_debug_t *g = &cpu->dbg;
    for (int i = 0; i < g->breakpoint_count; i++)
        if (g->breakpoints[i] == pc)
            return true;
    if (g->breakpoint_count == CPU_MAX_BREAKPOINTS)
        return false;
    g->breakpoints[g->breakpoint_count++] = pc;
    debug_changed(cpu);
    return true;
}

bool cpu_breakpoint_remove(cpu_t *cpu, uint32_t pc)
{
    cpu_debug_t *g = &cpu->dbg;
    for (int i = 0; i < g->breakpoint_count; i++)
        if (g->breakpoints[i] == pc) {
            g->breakpoints[i] = g->breakpoints[--g->breakpoint_count];
            debug_changed(cpu);
            return true;
        }
    return false;
}

bool cpu_watchpoint_insert(cpu_t *cpu, uint32_t addr, uint32_t len, enum cpu_watch_kind kind)
{
    cpu_debug_t *g = &cpu->dbg;
    if (g->watchpoint_count == CPU_MAX_WATCHPOINTS || len == 0)
        return false;
    g->watchpoints[g->watchpoint_count].addr = addr;
    g->watchpoints[g->watchpoint_count].len = len;
    g->watchpoints[g->watchpoint_count].kind = kind;
    g->watchpoint_count++;
    debug_changed(cpu);
    return true;
}

bool cpu_watchpoint_remove(cpu_t *cpu, uint32_t addr, uint32_t len, enum cpu_watch_kind kind)
{
    cpu_debug_t *g = &cpu->dbg;
    for (int i = 0; i < g->watchpoint_count; i++)
        if (g->watchpoints[i].addr == addr && g->watchpoints[i].len == len &&
            g->watchpoints[i].kind == kind) {
            g->watchpoints[i] = g->watchpoints[--g->watchpoint_count];
            debug_changed(cpu);
            return true;
        }
    return false;
}

void cpu_debug_clear(cpu_t *cpu)
{
    cpu->dbg.breakpoint_count = 0;
    cpu->dbg.watchpoint_count = 0;
    cpu->dbg.stop = STOP_NONE;
    debug_changed(cpu);
}

bool cpu_page_watched(const cpu_t *cpu, uint32_t vpage)
{
    const cpu_debug_t *g = &cpu->dbg;
    for (int i = 0; i < g->watchpoint_count; i++) {
        uint32_t first = g->watchpoints[i].addr & ~0xFFFu;
        uint32_t last = (g->watchpoints[i].addr + g->watchpoints[i].len - 1) & ~0xFFFu;
        if (vpage >= first && vpage <= last)
            return true;
    }
    return false;
}

void cpu_check_watchpoints(cpu_t *cpu, uint32_t vaddr, unsigned size, bool write)
{
    cpu_debug_t *g = &cpu->dbg;
    for (int i = 0; i < g->watchpoint_count; i++) {
        uint32_t a = g->watchpoints[i].addr, len = g->watchpoints[i].len;
        enum cpu_watch_kind kind = g->watchpoints[i].kind;
        if (vaddr + size <= a || vaddr >= a + len)
            continue;
        if ((kind == WATCH_WRITE && !write) || (kind == WATCH_READ && write))
            continue;
        g->stop = STOP_WATCHPOINT;
        g->stop_addr = a > vaddr ? a : vaddr;
        g->stop_kind = kind;
        cpu_exit_loop(cpu);
        return;
    }
}
