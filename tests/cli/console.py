#!/usr/bin/env python3
"""The -nographic console on a real terminal (a pty): the guest gets raw keys, Ctrl-A h lists
the escape keys, Ctrl-A x quits with status 0, and the terminal's settings come back.

usage: console.py KSEG"""
import os
import pty
import select
import sys
import termios
import time


def read_until(fd, pattern, timeout):
    data = b""
    end = time.time() + timeout
    while pattern not in data and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def main():
    kseg = sys.argv[1]
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execv(kseg, [kseg, "-nographic"])
    failures = []

    def check(ok, what, detail=b""):
        if not ok:
            failures.append("%s: %r" % (what, detail[-300:]))

    out = read_until(master, b"kseg> ", 30)
    check(b"kseg> " in out, "the boot ROM's prompt on the terminal", out)
    os.write(master, b"help\r")
    out = read_until(master, b"kseg> ", 10)
    check(b"printenv" in out, "typed input reaches the guest (help lists printenv)", out)
    os.write(master, b"\x01h")
    out = read_until(master, b"C-a C-a", 10)
    check(b"C-a x" in out and b"C-a h" in out, "Ctrl-A h prints the escape keys", out)
    os.write(master, b"\x01x")
    status = None
    end = time.time() + 10
    while time.time() < end:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        read_until(master, b"\0", 0.2)
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    check(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
          "Ctrl-A x ends kseg with status 0", str(status).encode())
    after = termios.tcgetattr(slave)
    check(before == after, "the terminal settings are restored on exit")
    for f in failures:
        print("FAIL " + f)
    passed = 5 - len(failures)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


sys.exit(main())
