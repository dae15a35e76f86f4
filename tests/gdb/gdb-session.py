#!/usr/bin/env python3
"""Real gdb against real kseg: scripted gdb-multiarch sessions (issue 3).

Each case starts `kseg -bios IMAGE [-S] -gdb tcp::PORT -no-reboot -serial null -serial null
-serial file:OUT` on a free port, debugs it with `gdb-multiarch -nx -batch -x SCRIPT ELF`
(or, for the 'raw' case, with a small client speaking the remote protocol itself), then
checks gdb's output, kseg's exit status and the program's console output. Every check is
reported; the case fails if any does.

    gdb-session.py --case NAME --kseg build/kseg --gdb gdb-multiarch \\
        --hello-elf build/tests/baremetal/hello.elf --hello-bin ... --hello-expected ... \\
        --prog-elf build/tests/gdb/gdbprog.elf --prog-bin ... --prog-src tests/gdb/gdbprog.c \\
        --forever-elf ... --forever-bin ... --workdir DIR

Cases (meson registers one test per case, suite 'gdb'):
  hello        reset vector to C on the bare-metal hello (no DWARF): registers, stepi,
               x/i, single steps over branches and a breakpoint in a delay slot (through
               the stub's own 's' and Z0, as gdb itself moves breakpoints out of delay
               slots and steps MIPS in software), break main, watch, monitor, detach.
  source       gdbprog with DWARF: source-line breakpoints, watch/rwatch/awatch with
               values, hbreak, bt, finish, next, stepping into an exception (the vector).
  timer        Ctrl-C through gdb (SIGINT -> 0x03), and no storm of timer interrupts
               after a two-second stop: in the ~0.5 s (measured) the guest then runs, its
               1 ms ticks must follow host time, not catch up the stop's 2000 (with a
               -d int log cross-check).
  attach       gdb attaches to a kseg that is already running (no -S): the machine must
               stop when gdb connects, as gdb assumes (and QEMU does).
  exit         `continue` until the program ends: gdb must be told the inferior exited
               (a W packet), not lose the connection.
  console      -gdb ...,console=on: the guest's output reaches gdb; monitor reset, trace,
               an unknown monitor command; `kill` ends kseg.
  options      -gdb argument errors (bad port, address, option, a port in use, an empty
               argument): a message and an error exit, never a crash.
  raw          a Python client: Ctrl-C as a raw 0x03, stop really stops time, malformed
               packets answered on a real TCP connection, then a disconnect in the middle
               of a packet, after which kseg runs the program to its end.
"""

import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import time


class Case:
    """Checks and what to show when they fail."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.logs = []

    def check(self, what, ok, detail=''):
        status = 'ok  ' if ok else 'FAIL'
        detail = ' | '.join(line for line in str(detail).splitlines() if line.strip())
        print(f'{status} {what}' + (f'   [{detail}]' if detail and not ok else ''))
        if not ok:
            self.failures.append(what)
        return ok

    def expect(self, what, text, pattern, flags=re.M):
        m = re.search(pattern, text, flags)
        self.check(what, m is not None, f'no match for /{pattern}/')
        return m

    def show(self, title, text):
        self.logs.append((title, text))


# ---- kseg ----------------------------------------------------------------------------

def port_is_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(('127.0.0.1', port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def listening(port):
    """True when something listens on 127.0.0.1:port (Linux /proc/net/tcp)."""
    try:
        with open('/proc/net/tcp') as f:
            lines = f.readlines()[1:]
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) > 3 and fields[3] == '0A' and fields[1].endswith(':%04X' % port):
            return True
    return False


class Kseg:
    """kseg with a gdb port, on the first free port from one derived from our PID."""

    instances = []                    # killed at the end if still running

    def __init__(self, args, image, workdir, stopped=True, gdb_options='', extra=()):
        self.out_path = os.path.join(workdir, 'serial.out')
        self.err_path = os.path.join(workdir, 'kseg.err')
        for attempt in range(20):
            port = 20000 + (os.getpid() * 31 + attempt * 977) % 40000
            if not port_is_free(port):
                continue
            cmd = [args.kseg, '-bios', image] + (['-S'] if stopped else []) + \
                  ['-gdb', f'tcp::{port}{gdb_options}', '-no-reboot',
                   '-serial', 'null', '-serial', 'null', '-serial', 'file:' + self.out_path] + list(extra)
            self.cmd = cmd
            self.err = open(self.err_path, 'w')
            self.proc = subprocess.Popen(cmd, stdout=self.err, stderr=subprocess.STDOUT)
            Kseg.instances.append(self)
            self.port = port
            deadline = time.time() + 10
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                state = listening(port)
                if state is None:          # no /proc: give it a moment
                    time.sleep(0.3)
                    return
                if state:
                    return
                time.sleep(0.01)
            if self.proc.poll() is None:   # not listening after 10 s
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError(f'kseg does not listen: {" ".join(cmd)}\n{self.errors()}')
            if 'cannot listen' not in self.errors():
                return                     # it ran and ended by itself: wait() tells how
            self.err.close()               # the port was taken after all: another one
        raise RuntimeError('no free port for kseg')

    def wait(self, timeout=30):
        """kseg's exit status, or None if it had to be killed."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            status = None
        self.err.close()
        return status

    def output(self):
        try:
            with open(self.out_path, 'rb') as f:
                return f.read().decode('latin-1').replace('\r', '')
        except OSError:
            return ''

    def errors(self):
        try:
            return open(self.err_path).read()
        except OSError:
            return ''


def run_gdb(args, case, kseg, elf, script, workdir, timeout=90):
    """Runs a gdb batch script; returns its output (with the script's @@ markers) and the
    tail of it for messages. stderr is merged into stdout: in batch mode gdb prints the
    target's output ('O' packets, monitor replies) and warnings there, and it flushes
    stdout before writing to stderr, so the order is kept."""
    path = os.path.join(workdir, 'session.gdb')
    header = ('set pagination off\nset confirm off\nset width 0\nset height 0\n'
              'set tcp connect-timeout 20\n'
              f'target remote 127.0.0.1:{kseg.port}\n')
    with open(path, 'w') as f:
        f.write(header + script)
    try:
        p = subprocess.run([args.gdb, '-nx', '-batch', '-x', path, elf], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, stdin=subprocess.DEVNULL)
        out = p.stdout.decode('latin-1')
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('latin-1') + '\n(gdb timed out)\n'
        case.check('gdb finishes within its time', False)
    case.show('gdb script', header + script)
    case.show('gdb output', out)
    case.show('kseg stderr', kseg.errors())
    return out, out[-400:]


def sections(out):
    """The output after each `echo @@ NAME` marker, by name."""
    parts = re.split(r'^@@ (\S+)\n', out, flags=re.M)
    result = {'': parts[0]}
    for i in range(1, len(parts) - 1, 2):
        result[parts[i]] = parts[i + 1]
    return result


def values(text):
    return [int(v, 0) for v in re.findall(r'^\$\d+ = (?:\([^)]*\) )?(-?0x[0-9a-f]+|-?\d+)', text, re.M)]


def marker_line(path, marker):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if f'gdb: {marker}' in line:
                return n
    raise RuntimeError(f'no "gdb: {marker}" line in {path}')


def elf_symbols(path):
    """Symbol name -> value, from an ELF32 little-endian file's .symtab."""
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF' or data[4] != 1 or data[5] != 1:
        raise RuntimeError(f'{path}: not an ELF32 little-endian file')
    shoff, = struct.unpack_from('<I', data, 0x20)
    shentsize, shnum = struct.unpack_from('<HH', data, 0x2e)
    secs = [struct.unpack_from('<IIIIIIIIII', data, shoff + i * shentsize) for i in range(shnum)]
    syms = {}
    for sec in secs:
        if sec[1] != 2:                  # SHT_SYMTAB
            continue
        strtab = secs[sec[6]]
        for off in range(sec[4], sec[4] + sec[5], 16):
            name_off, val = struct.unpack_from('<II', data, off)
            start = strtab[4] + name_off
            name = data[start:data.index(b'\0', start)].decode()
            if name:
                syms[name] = val
    return syms


def check_exit(case, kseg, expect_status=0, timeout=30):
    status = kseg.wait(timeout)
    case.check(f'kseg exits with status {expect_status}', status == expect_status,
               f'status {status}; stderr: {kseg.errors().strip()[-300:]}')
    return status


# ---- Cases ---------------------------------------------------------------------------

def case_hello(args, case, workdir):
    kseg = Kseg(args, args.hello_bin, workdir)
    script = r'''
echo @@ reset\n
p/x $pc
p/x $sr
p/x $cause
info registers
x/4i $pc
echo @@ stepi-branch\n
stepi
p/x $pc
echo @@ stepi-startup\n
x/4i $pc
stepi
p/x $pc
stepi
p/x $pc
stepi
p/x $pc
p/x $t0
p/x $sr
echo @@ stub-step-branch\n
break *0xbfc00538
continue
delete
p/x $pc
maint packet s
maint flush register-cache
p/x $pc
echo @@ delay-slot\n
maint packet Z0,bfc00550,4
maint packet vCont;c
maint flush register-cache
p/x $pc
p/x $t1
maint packet s
maint flush register-cache
p/x $pc
maint packet vCont;c
maint flush register-cache
p/x $pc
p/x $t1
maint packet z0,bfc00550,4
echo @@ gdb-delay-slot\n
break *0xbfc00550
continue
p/x $pc
delete
echo @@ main\n
break main
continue
p/x $pc
echo @@ watch\n
watch *(unsigned int *)&counters
continue
delete
p/x *(unsigned int *)&counters
echo @@ monitor-help\n
monitor help
echo @@ monitor-tlb\n
monitor tlb
echo @@ monitor-cp0\n
monitor cp0
echo @@ regs-main\n
info registers sr cause pc
echo @@ detach\n
detach
echo @@ end\n
'''
    out, err = run_gdb(args, case, kseg, args.hello_elf, script, workdir)
    s = sections(out)
    get = lambda name: s.get(name, '')

    # Stopped at the reset vector, BEV|ERL in Status.
    r = get('reset')
    v = values(r)
    case.check('stopped at reset: pc = 0xbfc00000', v[:1] == [0xbfc00000], f'values {v[:3]}')
    case.check('$sr at reset = 0x00400004 (BEV|ERL)', v[1:2] == [0x00400004], f'values {v[:3]}')
    case.check('$cause is readable', len(v) >= 3)
    m = case.expect('info registers: status, lo, hi, badvaddr, cause, pc row', r,
                    r'status\s+lo\s+hi\s+badvaddr\s+cause\s+pc\s*\n\s*(\S+)\s+\S+\s+\S+\s+\S+\s+(\S+)\s+(\S+)')
    if m:
        case.check('info registers: status 00400004 and pc bfc00000',
                   m.group(1) == '00400004' and m.group(3) == 'bfc00000', m.group(0))
        case.check('info registers: cause agrees with $cause',
                   len(v) >= 3 and int(m.group(2), 16) == v[2], m.group(0))
    case.expect('info registers: all 32 GPRs named', r, r'R24\s+\S+(\s+\S+){7}\s*$')
    case.expect('x/4i at reset: b reset_main', r, r'0xbfc00000 <_reset>:\s+b\s+0xbfc00500 <reset_main>')
    case.expect('x/4i at reset: its delay slot is a nop', r, r'0xbfc00004 <_reset\+4>:\s+nop')

    # gdb's stepi over the first branch lands after its delay slot.
    case.check('stepi over "b reset_main" lands at 0xbfc00500 (after the delay slot)',
               values(get('stepi-branch'))[:1] == [0xbfc00500], get('stepi-branch').strip())
    r = get('stepi-startup')
    case.expect('x/4i at reset_main: lui t0,0x40', r, r'=> 0xbfc00500 <reset_main>:\s+lui\s+t0,0x40')
    case.expect('x/4i: mtc0 t0,c0_status', r, r'0xbfc00504 <reset_main\+4>:\s+mtc0\s+t0,c0_status')
    case.expect('x/4i: mtc0 zero,c0_cause', r, r'0xbfc00508 <reset_main\+8>:\s+mtc0\s+zero,c0_cause')
    case.expect('x/4i: mfc0 t0,c0_config', r, r'0xbfc0050c <reset_main\+12>:\s+mfc0\s+t0,c0_config')
    v = values(r)
    case.check('stepi x3 through the start-up code: pcs 504, 508, 50c',
               v[:3] == [0xbfc00504, 0xbfc00508, 0xbfc0050c], f'{[hex(x) for x in v[:3]]}')
    case.check('after "lui t0,0x40": t0 = 0x400000', v[3:4] == [0x400000], f'{v[3:4]}')
    case.check('after "mtc0 t0,c0_status": Status = 0x400000 (ERL cleared)', v[4:5] == [0x400000],
               f'{[hex(x) for x in v[4:5]]}')

    # The stub's own single step ('s') over a branch not taken: after the delay slot.
    r = get('stub-step-branch')
    v = values(r)
    case.check("stub 's' over 'beq' (not taken) at 0xbfc00538 lands at 0xbfc00540",
               v[:2] == [0xbfc00538, 0xbfc00540], f'{[hex(x) for x in v[:2]]}')
    case.expect("stub 's' answers with a stop reply", r, r'received: "T05')

    # A breakpoint in a delay slot, set with a raw Z0 (gdb would move it to the branch).
    r = get('delay-slot')
    v = values(r)
    case.expect('Z0 in the delay slot accepted', r, r'received: "OK"')
    case.expect('breakpoint in the delay slot hit: T05swbreak', r, r'received: "T05swbreak:;thread:1;"')
    case.check('stopped on the delay slot instruction (pc 0xbfc00550) in the first iteration',
               v[:2] == [0xbfc00550, 0x80100004], f'{[hex(x) for x in v[:2]]}')
    case.check("'s' from the delay slot goes to the branch target 0xbfc00540",
               v[2:3] == [0xbfc00540], f'{[hex(x) for x in v[2:3]]}')
    case.check('continuing hits the delay-slot breakpoint again, next iteration',
               v[3:5] == [0xbfc00550, 0x80100008], f'{[hex(x) for x in v[3:5]]}')
    r = get('gdb-delay-slot')
    case.check('gdb moves its own delay-slot breakpoint to the branch, which is hit',
               values(r)[:1] == [0xbfc0054c], r.strip()[-200:])

    # C code.
    r = get('main')
    # gdb may place it after main's first instruction: its prologue analysis reads main in
    # RAM, which the start-up code is still copying there when the breakpoint is set.
    case.expect('break main + continue stops in main', r, r'Breakpoint \d+, 0x801000[0-9a-f]{2} in main \(\)')
    case.check('pc in main (0x80100000..)', values(r)[:1] in ([0x80100000], [0x80100004], [0x80100008]),
               r.strip())
    r = get('watch')
    case.expect('watchpoint set (hardware)', r, r'[Ww]atchpoint \d+: \*\(unsigned int \*\)&counters')
    case.expect('watchpoint triggers with old and new values', r,
                r'Old value = 286331153\s*\nNew value = 303174162')
    case.check('the watched word is 0x12121212 afterwards', values(r)[-1:] == [0x12121212])

    r = get('monitor-help')
    for cmd in ('tlb', 'cp0', 'reset', 'trace on', 'help'):
        case.expect(f'monitor help lists "{cmd}"', r, r'^\s+' + re.escape(cmd) + r'\s')
    r = get('monitor-tlb')
    case.expect('monitor tlb: header', r, r'TLB \(16 entries\)')
    case.check('monitor tlb: 16 entries', len(re.findall(r'^\s*\d+\s+[0-9a-f]{8}\s', r, re.M)) == 16,
               r[:300])
    r = get('monitor-cp0')
    case.expect('monitor cp0: Status = 00400000 in main', r, r'Status\s+00400000')
    case.expect('monitor cp0: PRId of a 24Kc', r, r'PRId\s+00019300')
    case.expect('monitor cp0: Cause, EPC, Count, Compare, EBase, Config', r,
                r'(?s)Count.*Compare.*Cause.*EPC.*EBase.*Config')
    r = get('regs-main')
    case.expect('info registers sr in main: 0x400000', r, r'^sr\s+0x400000\b')
    case.expect('detach', get('detach'), r'Inferior 1 .* detached')
    case.check('gdb ran the whole script', 'end' in s, err.strip()[-300:])

    check_exit(case, kseg)
    expected = open(args.hello_expected).read()
    output = kseg.output()
    case.check("after detach the program runs to its end: the serial output is hello's",
               output == expected, f'got {output[-200:]!r}')


def case_source(args, case, workdir):
    kseg = Kseg(args, args.prog_bin, workdir)
    first = marker_line(args.prog_src, 'first write')
    second = marker_line(args.prog_src, 'second write')
    cp_line = marker_line(args.prog_src, 'checkpoint')
    script = f'''
echo @@ line-break\\n
break gdbprog.c:{first}
continue
echo @@ watch\\n
watch watched
continue
continue
delete
echo @@ syscall\\n
break *gdbprog_syscall_insn
continue
delete
p/x $pc
maint packet s
maint flush register-cache
info symbol $pc
p/x $cause & 0x7c
p/x $sr & 2
p/x $pc
echo @@ vector-stepi\\n
stepi
info symbol $pc
echo @@ hbreak\\n
hbreak checkpoint
continue
bt
echo @@ finish\\n
finish
delete
echo @@ rwatch\\n
rwatch max_ticks
continue
delete
echo @@ awatch\\n
awatch checkpoints
continue
delete
echo @@ next\\n
next
echo @@ info-line\\n
info line gdbprog.c:{first}
echo @@ print\\n
p watched
p/x watched
p syscalls
ptype max_ticks
echo @@ cp0\\n
monitor cp0
p/x (unsigned int)&gdbprog_ebase
echo @@ detach\\n
set var max_ticks = 1
detach
echo @@ end\\n
'''
    out, err = run_gdb(args, case, kseg, args.prog_elf, script, workdir)
    s = sections(out)
    get = lambda name: s.get(name, '')
    case.expect(f'break at a source line (gdbprog.c:{first}) is hit', get('line-break'),
                rf'Breakpoint 1, main \(\) at \S*gdbprog\.c:{first}')
    r = get('watch')
    case.expect('watch on a C variable is a hardware watchpoint', r, r'Hardware watchpoint \d+: watched')
    case.expect('first write: old 0, new 0x1234', r, r'Old value = 0\s*\nNew value = 4660')
    case.expect('stops after the store, on the next line', r, rf'main \(\) at \S*gdbprog\.c:{second}')
    case.expect('second write: old 0x1234, new 0x09c0d53f', r, r'Old value = 4660\s*\nNew value = 163632447')

    r = get('syscall')
    v = values(r)
    case.check('at the SYSCALL instruction', len(v) >= 1)
    case.expect("stub 's' on SYSCALL: a stop reply", r, r'received: "T05')
    case.expect('stepping into an exception lands on the vector', r, r'gdbprog_general_vector in section')
    case.check('Cause.ExcCode = Sys (8), Status.EXL set', v[1:3] == [0x20, 2], f'{v[1:3]}')
    case.check('pc = EBase + 0x180', len(v) >= 4 and v[3] & 0xfff == 0x180, f'{[hex(x) for x in v]}')
    case.expect('stepi in the handler', get('vector-stepi'), r'gdbprog_general_vector \+ 4 in section')

    r = get('hbreak')
    case.expect('hbreak is a hardware-assisted breakpoint', r, r'Hardware assisted breakpoint \d+ at')
    case.expect('hbreak hit, with the argument', r, rf'checkpoint \(n=10\) at \S*gdbprog\.c:{cp_line}')
    case.expect('bt shows main as the caller', r, r'#1 +0x[0-9a-f]+ in main \(\) at \S*gdbprog\.c:\d+')
    case.expect('finish returns to main', get('finish'), r'main \(\) at \S*gdbprog\.c:\d+')
    case.expect('rwatch: reading max_ticks stops, value 40', get('rwatch'),
                r'Hardware read watchpoint \d+: max_ticks\s*\n\s*Value = 40')
    case.expect('awatch: the next access (a write) with old and new values', get('awatch'),
                r'Hardware access \(read/write\) watchpoint \d+: checkpoints\s*\n\s*Old value = 10\s*\nNew value = 20')
    case.expect('next steps a source line', get('next'), r'^\d+\s')
    case.expect('info line', get('info-line'), rf'Line {first} of "\S*gdbprog\.c" starts at address 0x')
    r = get('print')
    case.check('print variables: watched, syscalls', values(r)[:3] == [163632447, 0x09c0d53f, 1], f'{values(r)}')
    case.expect('ptype', r, r'type = volatile (uint32_t|unsigned int)')
    r = get('cp0')
    m = re.search(r'EBase\s+([0-9a-f]{8})', r)
    case.check('monitor cp0: EBase is the program\'s vectors',
               m is not None and values(r)[-1:] == [int(m.group(1), 16)], r[-300:])
    case.expect('monitor cp0: Status has IM7 and IE', r, r'Status\s+00008001')
    case.expect('detach', get('detach'), r'Inferior 1 .* detached')
    case.check('gdb ran the whole script', 'end' in s, err.strip()[-300:])
    check_exit(case, kseg)
    o = kseg.output()
    for line in ('gdbprog: start', 'watched: 0x09c0d53f', 'syscalls: 1', 'late ticks: 0', 'gdbprog: done'):
        case.check(f'program output: "{line}"', line + '\n' in o, o[-300:])


def case_timer(args, case, workdir):
    log = os.path.join(workdir, 'int.log')
    kseg = Kseg(args, args.prog_bin, workdir, extra=['-d', 'int', '-D', log])
    script = r'''
echo @@ first-stop\n
break checkpoint
continue
delete
p ticks
echo @@ long-stop\n
shell sleep 2
p ticks
set var $t0 = ticks
set var max_ticks = 0
echo @@ interrupt\n
shell echo "@T $(date +%s%N)"
shell (sleep 0.5; kill -INT $PPID) &
continue
shell echo "@T $(date +%s%N)"
p ticks - $t0
p late_ticks
echo @@ stopped\n
p ticks
shell sleep 0.5
p ticks
p/x $pc
echo @@ detach\n
set var max_ticks = ticks + 20
p max_ticks
detach
echo @@ end\n
'''
    out, err = run_gdb(args, case, kseg, args.prog_elf, script, workdir)
    s = sections(out)
    get = lambda name: s.get(name, '')
    case.check('stopped at the 10th tick', values(get('first-stop'))[:1] == [10], get('first-stop')[-200:])
    case.check('no tick while stopped for 2 s', values(get('long-stop'))[:1] == [10], get('long-stop'))
    r = get('interrupt')
    case.expect('Ctrl-C (SIGINT to gdb) stops the running machine', r,
                r'Program received signal SIGINT, Interrupt')
    v = values(r)
    delta = v[0] if v else None
    # 1 ms ticks in a guest that sleeps in WAIT: the guest's time follows the host's, so the
    # ticks while it ran are about the milliseconds the host saw (the window measured around
    # 'continue' is a bit longer). If the two seconds of the stop were caught up afterwards,
    # there would be 2000 more, in a burst.
    stamps = [int(t) for t in re.findall(r'^@T (\d+)$', r, re.M)]
    window_ms = (stamps[1] - stamps[0]) / 1e6 if len(stamps) == 2 else None
    case.check('the host time of the run is known', window_ms is not None, r[:300])
    if window_ms is not None:
        case.check(f'ticks while running {window_ms:.0f} ms after a 2 s stop: not a storm '
                   f'(fewer than {window_ms:.0f} + 1000)', delta is not None and delta < window_ms + 1000,
                   f'{delta} ticks')
        case.check(f'ticks while running {window_ms:.0f} ms: the timer runs (more than a tenth)',
                   delta is not None and delta > window_ms / 10, f'{delta} ticks')
    case.check('no late tick (Count did not jump)', v[1:2] == [0], f'{v[1:2]}')
    v = values(get('stopped'))
    case.check('stopped after Ctrl-C: no tick in 0.5 s', len(v) >= 2 and v[0] == v[1], f'{v[:2]}')
    v = values(get('detach'))
    target = v[0] if v else None
    case.expect('detach', get('detach'), r'Inferior 1 .* detached')
    case.check('gdb ran the whole script', 'end' in s, err.strip()[-300:])
    check_exit(case, kseg)
    o = kseg.output()
    m = re.search(r'^ticks: (\d+)$', o, re.M)
    ticks = int(m.group(1)) if m else None
    case.check('the program ends after the ticks gdb asked for', ticks is not None and ticks == target,
               f'ticks {ticks}, max_ticks {target}')
    case.check('program output: "late ticks: 0"', 'late ticks: 0\n' in o, o[-200:])
    case.check('program output: done', 'gdbprog: done\n' in o, o[-200:])
    try:
        int_log = open(log).read()
    except OSError:
        int_log = ''
    n_int = len(re.findall(r'\(Int\)', int_log))
    case.check('-d int logged one interrupt per tick the program counted', ticks is not None and n_int == ticks,
               f'{n_int} interrupts logged, {ticks} ticks')
    case.show('int log (head)', '\n'.join(int_log.splitlines()[:5]))


def case_attach(args, case, workdir):
    kseg = Kseg(args, args.forever_bin, workdir, stopped=False)
    time.sleep(0.3)                        # let it run: ticks pile up
    script = r'''
echo @@ attached\n
p ticks
shell sleep 0.5
p ticks
echo @@ detach\n
set var max_ticks = ticks + 5
detach
echo @@ end\n
'''
    out, err = run_gdb(args, case, kseg, args.forever_elf, script, workdir)
    s = sections(out)
    v = values(s.get('attached', ''))
    case.check('the machine was running before gdb attached', len(v) >= 1 and v[0] > 0, f'{v}')
    case.check('attaching stops the machine: no tick while gdb holds it (0.5 s)',
               len(v) >= 2 and v[0] == v[1], f'ticks {v[:2]}')
    case.expect('detach', s.get('detach', ''), r'Inferior 1 .* detached')
    case.check('gdb ran the whole script', 'end' in s, err.strip()[-300:])
    check_exit(case, kseg)
    case.check('program output: done', 'gdbprog: done\n' in kseg.output(), kseg.output()[-200:])


def case_exit(args, case, workdir):
    kseg = Kseg(args, args.hello_bin, workdir)
    script = r'''
echo @@ run\n
continue
echo @@ end\n
'''
    out, err = run_gdb(args, case, kseg, args.hello_elf, script, workdir)
    s = sections(out)
    case.check('gdb is told the program exited ("exited normally"), not "connection closed"',
               re.search(r'exited normally|exited with code', out) is not None,
               out.strip()[-300:])
    case.check('gdb ran the whole script', 'end' in s, err.strip()[-300:])
    check_exit(case, kseg)
    case.check("the serial output is hello's", kseg.output() == open(args.hello_expected).read(),
               kseg.output()[-200:])


def case_console(args, case, workdir):
    log = os.path.join(workdir, 'trace.log')
    kseg = Kseg(args, args.hello_bin, workdir, gdb_options=',console=on', extra=['-D', log])
    script = r'''
echo @@ run\n
break _soft_reset
continue
delete
p/x $pc
echo @@ reset\n
monitor reset
maint flush register-cache
p/x $pc
p/x $sr
echo @@ trace\n
monitor trace on
stepi
stepi
monitor trace off
p/x $pc
echo @@ unknown\n
monitor frobnicate
echo @@ kill\n
kill
echo @@ end\n
'''
    out, err = run_gdb(args, case, kseg, args.hello_elf, script, workdir)
    s = sections(out)
    get = lambda name: s.get(name, '')
    expected = open(args.hello_expected).read()
    run = get('run').replace('\r', '')
    missing = [line for line in expected.splitlines() if line not in run]
    case.check('console=on: the program\'s output reaches gdb', not missing, f'missing {missing[:3]}')
    case.expect('stopped at _soft_reset after main returned', run, r'Breakpoint \d+, 0xbfc005a4 in _soft_reset')
    r = get('reset')
    case.expect('monitor reset says so', r, r'machine reset')
    case.check('after monitor reset: pc = 0xbfc00000, Status = BEV|ERL',
               values(r)[:2] == [0xbfc00000, 0x00400004], f'{[hex(x) for x in values(r)[:2]]}')
    r = get('trace')
    case.expect('monitor trace on', r, r'tracing')
    case.check('two stepi after reset: pc 0xbfc00504', values(r)[-1:] == [0xbfc00504], r[-200:])
    case.expect('monitor with an unknown command answers with help', get('unknown'),
                r"unknown monitor command 'frobnicate'")
    case.expect('kill', get('kill'), r'Inferior 1 .* killed')
    case.check('gdb ran the whole script', 'end' in s, err.strip()[-300:])
    check_exit(case, kseg)
    try:
        trace = open(log).read()
    except OSError:
        trace = ''
    case.check('monitor trace on: the executed instructions are in the -D log',
               '0xbfc00500' in trace, trace[:300])
    case.check('the serial output: hello once (killed after the reset)', kseg.output() == expected,
               kseg.output()[-200:])


class Client:
    """The remote protocol from the client's side, just enough for the raw case."""

    def __init__(self, port, timeout=10):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.create_connection(('127.0.0.1', port), timeout=timeout)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b''

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        data = self.sock.recv(65536)
        if not data:
            raise EOFError('the stub closed the connection')
        self.buf += data

    def read_ack(self, timeout=5):
        while not self.buf:
            self._fill(timeout)
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def read_packet(self, timeout=5):
        while True:
            start = self.buf.find(b'$')
            if start >= 0:
                end = self.buf.find(b'#', start)
                if end >= 0 and len(self.buf) >= end + 3:
                    body = self.buf[start + 1:end]
                    cs = int(self.buf[end + 1:end + 3], 16)
                    self.buf = self.buf[end + 3:]
                    if sum(body) % 256 != cs:
                        raise ValueError(f'bad checksum in reply {body!r}')
                    out = bytearray()
                    i = 0
                    while i < len(body):
                        if body[i] == 0x7d:
                            i += 1
                            out.append(body[i] ^ 0x20)
                        else:
                            out.append(body[i])
                        i += 1
                    self.sock.sendall(b'+')
                    return out.decode('latin-1')
            self._fill(timeout)

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, packet):
        data = packet.encode('latin-1')
        self.sock.sendall(b'$' + data + b'#%02x' % (sum(data) % 256))

    def transact(self, packet):
        self.send(packet)
        ack = self.read_ack()
        if ack != b'+':
            raise ValueError(f'{packet!r}: expected "+", got {ack!r}')
        return self.read_packet()


def case_raw(args, case, workdir):
    syms = elf_symbols(args.forever_elf)
    ticks, max_ticks = syms['ticks'], syms['max_ticks']
    kseg = Kseg(args, args.forever_bin, workdir)
    c = Client(kseg.port)
    c.send_raw(b'+')
    r = c.transact('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+')
    case.check('qSupported: PacketSize', re.search(r'PacketSize=[0-9a-f]+', r) is not None, r)
    case.check("'?' at start: stopped with SIGTRAP", c.transact('?').startswith('T05'))
    case.check("'g': 72 registers, FPU unavailable", (lambda g: len(g) == 72 * 8 and g[38 * 8:] ==
                                                      'x' * 34 * 8)(c.transact('g')))
    case.check("'p25' (pc) = bfc00000 little-endian", c.transact('p25') == '0000c0bf')

    def read_word(addr):
        reply = c.transact(f'm{addr:x},4')
        return int.from_bytes(bytes.fromhex(reply), 'little') if re.fullmatch('[0-9a-f]{8}', reply) else None

    # Run, then a raw Ctrl-C.
    c.send('c')
    case.check("'c' acked", c.read_ack() == b'+')
    time.sleep(0.4)
    c.send_raw(b'\x03')
    r = c.read_packet()
    case.check('raw 0x03 stops the machine: T02 (SIGINT)', r.startswith('T02'), r)
    t1 = read_word(ticks)
    time.sleep(0.4)
    t2 = read_word(ticks)
    case.check('the timer ticked while running', t1 is not None and t1 > 10, f'{t1}')
    case.check('no tick while stopped after Ctrl-C', t1 == t2, f'{t1} then {t2}')
    c.send_raw(b'\x03')
    case.check('0x03 while stopped does nothing (no stop reply)', c.transact('qAttached') == '1')

    # The stub on a real connection, with malformed input.
    c.send_raw(b'$m80000000,4#00')
    case.check("bad checksum: '-'", c.read_ack() == b'-')
    c.send_raw(b'$' + b'0' * 0x5000 + b'#00')
    case.check("packet longer than PacketSize: '-'", c.read_ack() == b'-')
    case.check('m at an unmapped address: E14', c.transact('m0,4') == 'E14')
    case.check('m with a huge length at an unmapped address: E14', c.transact('m0,ffffffff') == 'E14')
    r = c.transact('m80000000,ffffffff')
    case.check('m with a huge length in RAM: a partial answer within the packet size',
               re.fullmatch('[0-9a-f]+', r) is not None and 0 < len(r) <= 0x4000, f'{len(r)} chars')
    case.check('M with a huge length: an error', c.transact('M80000000,ffffffff:00').startswith('E'))
    case.check('m with garbage: an error', c.transact('mzz,4').startswith('E'))
    case.check('unknown packet: empty reply', c.transact('vMustReplyEmpty') == '')
    case.check('Z5 (unsupported type): empty reply', c.transact('Z5,80000000,4') == '')
    case.check('Z0 then z0: OK', c.transact('Z0,80100000,4') == 'OK' and c.transact('z0,80100000,4') == 'OK')
    case.check('ticks unchanged by all that', read_word(ticks) == t2)

    # Let the program end soon, then hang up in the middle of a packet: kseg detaches.
    target = (t2 or 0) + 5
    case.check('M writes max_ticks', c.transact(f'M{max_ticks:x},4:{target.to_bytes(4, "little").hex()}') == 'OK')
    c.send_raw(b'$m8010')
    c.sock.close()
    check_exit(case, kseg)
    o = kseg.output()
    m = re.search(r'^ticks: (\d+)$', o, re.M)
    case.check('after the disconnect the program ran to its end', 'gdbprog: done\n' in o and m is not None
               and int(m.group(1)) == target, o[-200:])


def case_options(args, case, workdir):
    """-gdb argument errors: a message and a failing exit, never a crash."""
    port = next(p for p in (20000 + (os.getpid() * 53 + i * 613) % 40000 for i in range(50))
                if port_is_free(p))
    base = [args.kseg, '-bios', args.hello_bin, '-no-reboot', '-serial', 'null', '-serial', 'null',
            '-serial', 'null']
    bad = [
        ('tcp::0', 'bad port'), ('tcp::70000', 'bad port'), ('tcp::12ab', 'bad port'),
        (f'tcp::{port},frob', "unknown option 'frob'"), (f'tcp:1.2.3.999:{port}', 'bad address'),
        (f'tcp:{port}', 'expected tcp::PORT'), ('', ''), (',', ''), (',console=on', ''),
    ]
    for spec, message in bad:
        try:
            p = subprocess.run(base + ['-gdb', spec], capture_output=True, timeout=20,
                               stdin=subprocess.DEVNULL)
            status, text = p.returncode, p.stderr.decode('latin-1')
        except subprocess.TimeoutExpired:
            status, text = None, '(timed out)'
        case.check(f'-gdb {spec!r}: an error exit (not a crash, not running)',
                   status is not None and 0 < status < 128, f'status {status}: {text.strip()[:200]}')
        case.check(f'-gdb {spec!r}: says what is wrong', 'kseg: -gdb' in text and message in text
                   and 'Sanitizer' not in text, text.strip()[:200])
    # A port that is taken.
    first = Kseg(args, args.hello_bin, workdir)
    p = subprocess.run(base + ['-gdb', f'tcp::{first.port}'], capture_output=True, timeout=20)
    text = p.stderr.decode('latin-1')
    case.check('-gdb on a port in use: "cannot listen" and an error exit',
               0 < p.returncode < 128 and 'cannot listen' in text, text.strip()[:200])
    # tcp:HOST:PORT, and QEMU's server,nowait accepted.
    c = Client(first.port)
    c.send_raw(b'+')
    case.check('the first kseg answers', c.transact('?').startswith('T05'))
    c.send('D')
    c.read_ack()
    case.check("'D': OK", c.read_packet() == 'OK')
    check_exit(case, first)
    second = Kseg(args, args.hello_bin, workdir, stopped=False, gdb_options=',server,nowait,console=off')
    check_exit(case, second)
    case.check('-gdb tcp::PORT,server,nowait,console=off: runs hello without a debugger',
               second.output() == open(args.hello_expected).read(), second.output()[-200:])


CASES = {
    'options': case_options,
    'hello': case_hello,
    'source': case_source,
    'timer': case_timer,
    'attach': case_attach,
    'exit': case_exit,
    'console': case_console,
    'raw': case_raw,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--case', required=True, choices=sorted(CASES))
    ap.add_argument('--kseg', required=True)
    ap.add_argument('--gdb', default='gdb-multiarch')
    for name in ('hello-elf', 'hello-bin', 'hello-expected', 'prog-elf', 'prog-bin', 'prog-src',
                 'forever-elf', 'forever-bin'):
        ap.add_argument('--' + name)
    ap.add_argument('--workdir', default='.')
    ap.add_argument('-v', '--verbose', action='store_true', help='show the logs even on success')
    args = ap.parse_args()
    workdir = os.path.join(args.workdir, 'gdb-' + args.case)
    os.makedirs(workdir, exist_ok=True)
    case = Case(args.case)
    try:
        CASES[args.case](args, case, workdir)
    except Exception as e:            # a broken session: report what there is
        case.check(f'the session ran ({type(e).__name__}: {e})', False)
    finally:
        for k in Kseg.instances:
            if k.proc.poll() is None:
                k.proc.kill()
                k.proc.wait()
    if case.failures or args.verbose:
        for title, text in case.logs:
            print(f'---- {title} ----\n{text.rstrip()}')
    if case.failures:
        print(f'{len(case.failures)} check(s) failed in case {args.case}:')
        for f in case.failures:
            print('  ' + f)
        return 1
    print(f'case {args.case}: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
