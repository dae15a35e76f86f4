"""Drive an emulator's serial console through a pseudo-terminal (standard library only).

Used by tests/linux/boot.py, tests/uboot/uboot.py and bench/linux-boot.sh.  The emulator runs
with -nographic and its stdin/stdout on the slave side of a pty, as on a person's terminal;
its stderr goes to a file.  Everything it prints is kept (carriage returns removed) so that
a failing check can show the end of the console.  Every wait has a timeout.
"""

import codecs
import os
import pty
import re
import select
import signal
import subprocess
import tempfile
import termios
import time

SKIP = 77

_live = []    # consoles whose emulator may still run


def _on_signal(signum, frame):
    """meson's timeout (SIGTERM) or ^C: never leave an emulator behind."""
    for con in list(_live):
        con.close()
    print("killed by signal %d" % signum, flush=True)
    os._exit(1)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


class ConsoleError(Exception):
    """A wait timed out, the emulator exited early or a check failed."""


class Console:
    def __init__(self, argv, log=None, pace=(16, 0.004)):
        """Start argv on a fresh pty.  pace = (bytes, seconds): send() writes that many bytes
        at a time with that pause in between, as a fast typist would (a UART without flow
        control may drop a paste)."""
        self.argv = list(argv)
        self.pace = pace
        self.log_path = log
        self.text = ""           # all console output so far, '\r' removed
        self.pos = 0             # expect() searches from here
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.master, self.slave = pty.openpty()
        # A terminal as a shell leaves it: the emulator must restore this on exit.
        self.termios_before = termios.tcgetattr(self.slave)
        self.stderr = tempfile.TemporaryFile()
        if log:
            with open(log, "w", encoding="utf-8") as f:
                f.write("$ %s\n" % " ".join(self.argv))
        self.start = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=self.slave, stdout=self.slave,
                                     stderr=self.stderr, start_new_session=True, close_fds=True)
        self.returncode = None
        _live.append(self)

    # -------------------------------------------------------------- output
    def _append(self, data):
        text = self._decoder.decode(data).replace("\r", "")
        self.text += text
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(text)

    def _read(self, timeout):
        """Read what is available within timeout seconds; False once the emulator has exited
        and nothing more is buffered."""
        r, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if r:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            if data:
                self._append(data)
                return True
        if self.proc.poll() is not None:
            self.returncode = self.proc.returncode
            # drain what is left
            while select.select([self.master], [], [], 0)[0]:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    break
                if not data:
                    break
                self._append(data)
            return False
        return True

    def expect(self, pattern, timeout, what=None):
        """Wait until pattern (a regular expression, re.M) matches the output after the
        previous match; return the match and continue after it."""
        rx = re.compile(pattern, re.M) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.text, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConsoleError("timed out after %gs waiting for %s" % (timeout, what or repr(rx.pattern)))
            if not self._read(min(left, 0.5)):
                m = rx.search(self.text, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise ConsoleError("the emulator exited with status %s while waiting for %s"
                                   % (self.returncode, what or repr(rx.pattern)))

    # -------------------------------------------------------------- input
    def send(self, text):
        data = text.encode()
        step, pause = self.pace
        for i in range(0, len(data), step):
            if self.proc.poll() is not None:
                raise ConsoleError("the emulator exited with status %s while input was sent"
                                   % self.proc.returncode)
            os.write(self.master, data[i:i + step])
            # keep reading meanwhile, so that the emulator never blocks on output
            self._read(pause)

    # -------------------------------------------------------------- end
    def wait_exit(self, timeout):
        """Wait for the emulator to exit (reading its output); its status, or None."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(min(0.2, max(0.0, deadline - time.monotonic())))
        if self.proc.poll() is None:
            return None
        self._read(0)
        self.returncode = self.proc.returncode
        return self.returncode

    def terminal_restored(self):
        """True when the pty's settings are back to what they were before the start."""
        return termios.tcgetattr(self.slave) == self.termios_before

    def close(self):
        if self in _live:
            _live.remove(self)
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def elapsed(self):
        return time.monotonic() - self.start

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def tail(self, lines=40):
        out = self.text.splitlines()[-lines:]
        s = "---- last %d lines of the console (%s) ----\n" % (len(out), os.path.basename(self.argv[0]))
        s += "\n".join(out) + "\n"
        err = self.stderr_text().splitlines()[-15:]
        if err:
            s += "---- end of the emulator's stderr ----\n" + "\n".join(err) + "\n"
        s += "---- end ----"
        return s


def default_images():
    d = os.environ.get("KSEG_IMAGES")
    if not d:
        d = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                         "kseg-images")
    return d


def inputs_missing(args, image_files):
    """The reason to skip when an image, the emulator or the QEMU to compare with is missing
    (printed), or None."""
    for f in image_files:
        if not os.path.isfile(os.path.join(args.images, f)):
            return "SKIP: no %s in %s (run scripts/get-images.sh)" % (f, args.images)
    if not args.binary or not os.access(args.binary, os.X_OK):
        return "SKIP: no emulator binary %r" % args.binary
    if args.compare_qemu is not None and not os.access(args.compare_qemu, os.X_OK):
        return "SKIP: no QEMU binary %r to compare with" % args.compare_qemu
    return None


def run_sessions(args, session_class):
    """Runs QEMU's session first when comparing, then the emulator's; returns the sessions
    and whether every run passed its own checks (failures show the console's end)."""
    sessions = []
    if args.compare_qemu:
        sessions.append(session_class(args, "qemu", args.compare_qemu))
    sessions.append(session_class(args, args.emulator, args.binary))
    ok = True
    for s in sessions:
        print("%s: %s" % (s.kind, " ".join(s.argv())), flush=True)
        if not s.run():
            ok = False
            print(s.con.tail(40))
            if args.log:
                print("the whole console: %s" % s.con.log_path)
    return sessions, ok
