/* The debugger's view of the machine: gdb_target_ops over the Malta board and its CPU,
 * and the run control the main loop asks for (stopped, stepping, running).
 *
 * Register numbers are gdb's for MIPS: 0-31 GPRs, 32 Status, 33 LO, 34 HI, 35 BadVAddr,
 * 36 Cause, 37 PC, 38-71 the FPU, which the 24Kc lacks (sent as unavailable).
 *
 * While stopped, the CPU does not run, so virtual time (the instruction count) stands
 * still: a long stop cannot produce a storm of timer interrupts afterwards. Single steps
 * run with interrupts held off, as QEMU's gdbstub does by default, so `stepi` goes to the
 * next instruction of the program rather than into the timer handler. */
#include "frontend/debugger.h"

#include <string.h>

#include "cpu/trace.h"
#include "frontend/gdbstub.h"
#include "frontend/log.h"

enum { REG_STATUS = 32, REG_LO, REG_HI, REG_BADVADDR, REG_CAUSE, REG_PC, REG_FIR = 71, REG_COUNT };

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "  <architecture>mips:isa32r2</architecture>\n"
    "  <feature name=\"org.gnu.gdb.mips.cpu\">\n"
#define R(n) "    <reg name=\"r" #n "\" bitsize=\"32\" regnum=\"" #n "\"/>\n"
    R(0) R(1) R(2) R(3) R(4) R(5) R(6) R(7) R(8) R(9) R(10) R(11) R(12) R(13) R(14) R(15)
    R(16) R(17) R(18) R(19) R(20) R(21) R(22) R(23) R(24) R(25) R(26) R(27) R(28) R(29)
    R(30) R(31)
#undef R
    "    <reg name=\"lo\" bitsize=\"32\" regnum=\"33\"/>\n"
    "    <reg name=\"hi\" bitsize=\"32\" regnum=\"34\"/>\n"
    "    <reg name=\"pc\" bitsize=\"32\" regnum=\"37\"/>\n"
    "  </feature>\n"
    "  <feature name=\"org.gnu.gdb.mips.cp0\">\n"
    "    <reg name=\"status\" bitsize=\"32\" regnum=\"32\"/>\n"
    "    <reg name=\"badvaddr\" bitsize=\"32\" regnum=\"35\"/>\n"
    "    <reg name=\"cause\" bitsize=\"32\" regnum=\"36\"/>\n"
    "  </feature>\n"
    /* gdb's MIPS architecture insists on an FPU feature. The 24Kc has no FPU: the registers
     * are described, and always sent as unavailable. */
    "  <feature name=\"org.gnu.gdb.mips.fpu\">\n"
#define F(n, r) "    <reg name=\"f" #n "\" bitsize=\"32\" type=\"ieee_single\" regnum=\"" #r "\"/>\n"
    F(0, 38) F(1, 39) F(2, 40) F(3, 41) F(4, 42) F(5, 43) F(6, 44) F(7, 45) F(8, 46) F(9, 47)
    F(10, 48) F(11, 49) F(12, 50) F(13, 51) F(14, 52) F(15, 53) F(16, 54) F(17, 55)
    F(18, 56) F(19, 57) F(20, 58) F(21, 59) F(22, 60) F(23, 61) F(24, 62) F(25, 63)
    F(26, 64) F(27, 65) F(28, 66) F(29, 67) F(30, 68) F(31, 69)
#undef F
    "    <reg name=\"fcsr\" bitsize=\"32\" group=\"float\" regnum=\"70\"/>\n"
    "    <reg name=\"fir\" bitsize=\"32\" group=\"float\" regnum=\"71\"/>\n"
    "  </feature>\n"
    "</target>\n";

struct debugger {
    malta_t *m;
    gdb_stub_t *stub;
    enum { DBG_RUNNING, DBG_STOPPED, DBG_STEPPING } state;
};

static cpu_t *cpu_of(debugger_t *d) { return &d->m->cpu; }

/* ---- Target operations --------------------------------------------------------------- */

static bool read_reg(void *t, int regno, uint32_t *value)
{
    cpu_t *cpu = cpu_of(t);
    if (regno >= 0 && regno < 32) { *value = cpu->gpr[regno]; return true; }
    switch (regno) {
    case REG_STATUS: *value = cpu->cp0.status; return true;
    case REG_LO: *value = cpu->lo; return true;
    case REG_HI: *value = cpu->hi; return true;
    case REG_BADVADDR: *value = cpu->cp0.badvaddr; return true;
    case REG_CAUSE: *value = cp0_read(cpu, 13, 0); return true;
    case REG_PC: *value = cpu->pc; return true;
    default: return false;
    }
}

static bool write_reg(void *t, int regno, uint32_t value)
{
    cpu_t *cpu = cpu_of(t);
    if (regno > 0 && regno < 32) { cpu->gpr[regno] = value; return true; }
    switch (regno) {
    case 0: return value == 0;
    case REG_STATUS: cp0_write(cpu, 12, 0, value); return true;
    case REG_LO: cpu->lo = value; return true;
    case REG_HI: cpu->hi = value; return true;
    case REG_BADVADDR: cpu->cp0.badvaddr = value; return true;
    case REG_CAUSE: cp0_write(cpu, 13, 0, value); return true;
    case REG_PC:
        /* A new PC leaves any delay slot behind. */
        cpu->pc = value;
        cpu->ctl = CTL_NONE;
        cpu->in_delay_slot = false;
        cpu->code_vpage = CODE_VPAGE_NONE;
        return true;
    default: return false;
    }
}

static bool read_mem(void *t, uint32_t addr, uint8_t *buf, uint32_t len)
{
    return cpu_debug_read(cpu_of(t), addr, buf, len);
}

static bool write_mem(void *t, uint32_t addr, const uint8_t *buf, uint32_t len)
{
    return cpu_debug_write(cpu_of(t), addr, buf, len);
}

static void resume(void *t, bool step)
{
    debugger_t *d = t;
    cpu_t *cpu = cpu_of(d);
    /* Leaving a breakpoint: its instruction runs first. */
    cpu->dbg.resume_over_breakpoint = false;
    for (int i = 0; i < cpu->dbg.breakpoint_count; i++)
        if (cpu->dbg.breakpoints[i] == cpu->pc)
            cpu->dbg.resume_over_breakpoint = true;
    cpu->dbg.stop = STOP_NONE;
    d->state = step ? DBG_STEPPING : DBG_RUNNING;
}

static void report(debugger_t *d, const gdb_stop_t *stop)
{
    d->state = DBG_STOPPED;
    gdb_stub_report_stop(d->stub, stop);
}

static void interrupt(void *t)
{
    debugger_t *d = t;
    if (d->state != DBG_STOPPED) {
        gdb_stop_t stop = { .reason = GDB_STOP_SIGNAL, .signal = 2 };
        report(d, &stop);
    }
}

static enum cpu_watch_kind watch_kind(enum gdb_point type)
{
    return type == GDB_WATCH_WRITE ? WATCH_WRITE : type == GDB_WATCH_READ ? WATCH_READ : WATCH_ACCESS;
}

static bool insert_point(void *t, enum gdb_point type, uint32_t addr, uint32_t kind)
{
    cpu_t *cpu = cpu_of(t);
    if (type == GDB_SW_BREAK || type == GDB_HW_BREAK)
        return cpu_breakpoint_insert(cpu, addr);
    return cpu_watchpoint_insert(cpu, addr, kind, watch_kind(type));
}

static bool remove_point(void *t, enum gdb_point type, uint32_t addr, uint32_t kind)
{
    cpu_t *cpu = cpu_of(t);
    if (type == GDB_SW_BREAK || type == GDB_HW_BREAK)
        return cpu_breakpoint_remove(cpu, addr);
    return cpu_watchpoint_remove(cpu, addr, kind, watch_kind(type));
}

static void monitor_tlb(cpu_t *cpu, GString *out)
{
    g_string_append_printf(out, "TLB (16 entries), ASID %02x, Wired %u\n",
                           cpu->cp0.entryhi & 0xFF, cpu->cp0.wired);
    g_string_append(out, " #  VPN2     ASID PageMask G  EntryLo0 (PFN C D V)   EntryLo1 (PFN C D V)\n");
    for (int i = 0; i < TLB_ENTRIES; i++) {
        const tlb_entry_t *e = &cpu->tlb[i];
        g_string_append_printf(out, "%2d  %08x %02x   %08x %c ", i, e->entryhi & 0xFFFFE000u,
                               e->entryhi & 0xFF, e->pagemask, e->global ? 'G' : '-');
        for (int k = 0; k < 2; k++) {
            uint32_t lo = e->entrylo[k];
            g_string_append_printf(out, " %08x (%05x %u %c %c)", lo, (lo >> 6) & 0xFFFFF, (lo >> 3) & 7,
                                   lo & ENTRYLO_D ? 'D' : '-', lo & ENTRYLO_V ? 'V' : '-');
        }
        g_string_append_c(out, '\n');
    }
}

static void monitor_cp0(cpu_t *cpu, GString *out)
{
    static const struct { const char *name; unsigned reg, sel; } regs[] = {
        { "Index", 0, 0 }, { "Random", 1, 0 }, { "EntryLo0", 2, 0 }, { "EntryLo1", 3, 0 },
        { "Context", 4, 0 }, { "PageMask", 5, 0 }, { "Wired", 6, 0 }, { "HWREna", 7, 0 },
        { "BadVAddr", 8, 0 }, { "Count", 9, 0 }, { "EntryHi", 10, 0 }, { "Compare", 11, 0 },
        { "Status", 12, 0 }, { "IntCtl", 12, 1 }, { "Cause", 13, 0 }, { "EPC", 14, 0 },
        { "PRId", 15, 0 }, { "EBase", 15, 1 }, { "Config", 16, 0 }, { "Config1", 16, 1 },
        { "ErrorEPC", 30, 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++)
        g_string_append_printf(out, "%-9s %08x%s", regs[i].name, cp0_read(cpu, regs[i].reg, regs[i].sel),
                               i % 4 == 3 ? "\n" : "   ");
    g_string_append_c(out, '\n');
}

static void monitor(void *t, const char *cmd, GString *out)
{
    debugger_t *d = t;
    cpu_t *cpu = cpu_of(d);
    while (*cmd == ' ')
        cmd++;
    if (!strcmp(cmd, "tlb")) {
        monitor_tlb(cpu, out);
    } else if (!strcmp(cmd, "cp0")) {
        monitor_cp0(cpu, out);
    } else if (!strcmp(cmd, "reset")) {
        d->m->reset_requested = true;   /* the main loop resets the board before it runs */
        g_string_append(out, "machine reset; it starts at the reset vector\n");
    } else if (!strcmp(cmd, "trace on")) {
        log_mask |= LOG_EXEC | LOG_INT;
        g_string_append(out, "tracing executed instructions and exceptions to the -D log (stderr by default)\n");
    } else if (!strcmp(cmd, "trace off")) {
        log_mask &= ~(unsigned)(LOG_EXEC | LOG_INT);
        g_string_append(out, "tracing off\n");
    } else if (!strcmp(cmd, "help") || !*cmd) {
        g_string_append(out, "monitor commands:\n"
                        "  tlb        the 16 TLB entries\n"
                        "  cp0        the main CP0 registers\n"
                        "  reset      reset the machine (stays stopped at the reset vector)\n"
                        "  trace on   log every instruction and exception (-d exec,int)\n"
                        "  trace off  stop that\n"
                        "  help       this text\n");
    } else {
        g_string_append_printf(out, "unknown monitor command '%s' (try 'monitor help')\n", cmd);
    }
}

static void detach(void *t)
{
    debugger_t *d = t;
    cpu_debug_clear(cpu_of(d));
    d->state = DBG_RUNNING;
}

static void kill_target(void *t)
{
    debugger_t *d = t;
    d->m->power_off = true;
    d->m->exit_status = 0;
    d->state = DBG_RUNNING;
}

static const gdb_target_ops_t mips_target_ops = {
    .target_xml = target_xml,
    .reg_count = REG_COUNT,
    .pc_regno = REG_PC,
    .read_reg = read_reg,
    .write_reg = write_reg,
    .read_mem = read_mem,
    .write_mem = write_mem,
    .resume = resume,
    .interrupt = interrupt,
    .insert_point = insert_point,
    .remove_point = remove_point,
    .monitor = monitor,
    .detach = detach,
    .kill = kill_target,
};

/* ---- Run control --------------------------------------------------------------------- */

static void console_tap(void *opaque, const uint8_t *buf, size_t len)
{
    gdb_stub_console(opaque, buf, len);
}

debugger_t *debugger_new(malta_t *m, const char *spec, bool start_stopped, chardev_t *const *serials,
                         int nserials, char **error)
{
    debugger_t *d = g_new0(debugger_t, 1);
    d->m = m;
    d->stub = gdb_stub_new(&mips_target_ops, d);
    char **parts = g_strsplit(spec, ",", -1);
    bool ok = parts[0] != NULL;
    if (!ok)
        *error = g_strdup("-gdb: expected tcp::PORT or tcp:HOST:PORT");
    else
        ok = gdb_stub_listen(d->stub, parts[0], error);
    for (int i = 1; ok && parts[i]; i++) {
        if (!strcmp(parts[i], "console=on")) {
            gdb_stub_set_console(d->stub, true);
            for (int k = 0; k < nserials; k++)
                chardev_set_tap(serials[k], console_tap, d->stub);
        } else if (strcmp(parts[i], "console=off") && strcmp(parts[i], "server") &&
                   strcmp(parts[i], "nowait")) {
            *error = g_strdup_printf("-gdb: unknown option '%s'", parts[i]);
            ok = false;
        }
    }
    g_strfreev(parts);
    if (!ok) {
        debugger_free(d);
        return NULL;
    }
    d->state = start_stopped ? DBG_STOPPED : DBG_RUNNING;
    return d;
}

void debugger_free(debugger_t *d)
{
    if (!d)
        return;
    gdb_stub_free(d->stub);
    g_free(d);
}

int debugger_fd(const debugger_t *d) { return gdb_stub_fd(d->stub); }
void debugger_report_exit(debugger_t *d, int status) { gdb_stub_report_exit(d->stub, status); }
void debugger_service(debugger_t *d) { gdb_stub_service(d->stub); }
bool debugger_stopped(const debugger_t *d) { return d->state == DBG_STOPPED; }

/* What the CPU's debug state says about why it stopped, in gdb's terms. */
static gdb_stop_t stop_from_cpu(cpu_t *cpu, gdb_stop_t otherwise)
{
    if (cpu->dbg.stop == STOP_WATCHPOINT) {
        otherwise.reason = GDB_STOP_WATCH;
        otherwise.watch_addr = cpu->dbg.stop_addr;
        otherwise.watch_type = cpu->dbg.stop_kind == WATCH_WRITE ? GDB_WATCH_WRITE
                             : cpu->dbg.stop_kind == WATCH_READ ? GDB_WATCH_READ : GDB_WATCH_ACCESS;
    } else if (cpu->dbg.stop == STOP_BREAKPOINT) {
        otherwise.reason = GDB_STOP_SWBREAK;
    }
    cpu->dbg.stop = STOP_NONE;
    return otherwise;
}

bool debugger_run(debugger_t *d, uint64_t until)
{
    cpu_t *cpu = cpu_of(d);
    gdb_stop_t trap = { .reason = GDB_STOP_SIGNAL, .signal = 5 };
    if (d->state == DBG_STEPPING) {
        /* One instruction, and its delay slot when it was a branch: gdb expects a step over a
         * branch to land after the delay slot. */
        cpu->hold_interrupts = true;
        cpu->waiting = false;
        cpu_run(cpu, cpu->icount + 1);
        if (cpu->ctl == CTL_DELAY_SLOT && cpu->dbg.stop == STOP_NONE && !cpu->halted)
            cpu_run(cpu, cpu->icount + 1);
        cpu->hold_interrupts = false;
        cpu->dbg.resume_over_breakpoint = false;
        gdb_stop_t stop = stop_from_cpu(cpu, trap);
        report(d, &stop);
        return true;
    }
    cpu_run(cpu, until);
    if (cpu->dbg.stop == STOP_NONE)
        return false;
    gdb_stop_t stop = stop_from_cpu(cpu, trap);
    report(d, &stop);
    return true;
}
