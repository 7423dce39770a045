"""Run a Textual program in a pseudo-terminal and time its frames exactly.

The harness answers Textual's synchronized-output query (``CSI ? 2026 $ p``)
so every frame ends with ``CSI ? 2026 l``; it feeds all output to a `pyte`
screen and, at each frame end, can test what the screen shows. Peak RSS comes
from `os.wait4` when the program exits.
"""

from __future__ import annotations

import fcntl
import math
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyte

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_ANSWER = b"\x1b[?2026;2$y"
FRAME_END = b"\x1b[?2026l"


@dataclass
class Terminal:
    """A program running in a pty of a fixed size, with a virtual screen."""

    pid: int
    fd: int
    width: int
    height: int
    started: float
    screen: pyte.Screen = field(init=False)
    stream: pyte.ByteStream = field(init=False)
    frames: int = 0
    _unparsed: bytes = b""
    """Output read but not yet parsed: the start of a frame whose end has not come."""

    def __post_init__(self) -> None:
        self.screen = pyte.Screen(self.width, self.height)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        """What the screen shows now."""
        return "\n".join(self.screen.display)

    def wait_frame(self, done: Callable[[str], bool], timeout: float = 30.0) -> float:
        """Read output until a frame ends with `done(screen text)` true; return
        the time that frame's end arrived (perf_counter).

        Nothing is parsed until a frame's end has arrived: `pyte` is slow, and
        parsing the start of a large frame while its end waits in the
        program (a pty passes 4 KiB at a time) would add the parsing to the
        program's time."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            chunks = self._read_waiting(0.05)
            ends: list[tuple[int, float]] = []  # (offset just past a frame end, arrival)
            for chunk, arrived in chunks:
                start = max(0, len(self._unparsed) - len(FRAME_END) + 1)
                self._unparsed += chunk
                at = self._unparsed.find(FRAME_END, start)
                while at >= 0:
                    ends.append((at + len(FRAME_END), arrived))
                    at = self._unparsed.find(FRAME_END, at + len(FRAME_END))
            data, fed = self._unparsed, 0
            for end, arrived in ends:
                self.stream.feed(data[fed:end])
                fed = end
                self.frames += 1
                if done(self.text()):
                    self._unparsed = data[fed:]
                    return arrived
            self._unparsed = data[fed:]
        raise TimeoutError("no matching frame; screen was:\n" + self.text())

    def _read_waiting(self, wait: float) -> list[tuple[bytes, float]]:
        """What the program has written: the first chunk waited for up to
        `wait` seconds, then all that is already there, each with the time it
        was read. Answers the synchronized-output query on the way."""
        chunks: list[tuple[bytes, float]] = []
        while True:
            ready, _, _ = select.select([self.fd], [], [], 0 if chunks else wait)
            if not ready:
                return chunks
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                if chunks:
                    return chunks
                raise RuntimeError("program exited:\n" + self.text()) from None
            if SYNC_QUERY in chunk:
                os.write(self.fd, SYNC_ANSWER)
            chunks.append((chunk, time.perf_counter()))

    def drain(self, quiet: float = 0.15) -> None:
        """Read until the program has been quiet for `quiet` seconds."""
        last = time.perf_counter()
        while time.perf_counter() - last < quiet:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                try:
                    data = os.read(self.fd, 1 << 16)
                except OSError:
                    return
                if SYNC_QUERY in data:
                    os.write(self.fd, SYNC_ANSWER)
                self.stream.feed(self._unparsed + data)
                self._unparsed = b""
                last = time.perf_counter()
        self.stream.feed(self._unparsed)
        self._unparsed = b""

    def press(self, keys: str) -> float:
        """Send keys; return the time they were sent."""
        sent = time.perf_counter()
        os.write(self.fd, keys.encode())
        return sent

    def key_latency(self, keys: str, done: Callable[[str], bool] | None = None) -> float:
        """Seconds from sending `keys` to the first frame end (that satisfies `done`)."""
        self.drain()
        sent = self.press(keys)
        return self.wait_frame(done or (lambda _text: True)) - sent

    def quit(self, keys: str = "q", timeout: float = 10.0) -> int:
        """Ask the program to quit; return its peak RSS in KiB.

        The peak is the program's own (VmHWM, which exec resets), read just
        before it is asked to quit. Not `wait4`'s ru_maxrss: that also counts
        the pages the child shared with this (forked) benchmark process before
        its exec, so it grew with whatever the bench had loaded before (an
        in-process import of 10,000 rows made a 88 MiB board read 108 MiB)."""
        self.drain(0.05)
        peak = _vm_hwm_kib(self.pid)
        os.write(self.fd, keys.encode())
        deadline = time.time() + timeout
        while time.time() < deadline:
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return peak or int(usage.ru_maxrss)
            self.drain(0.05)
        os.kill(self.pid, signal.SIGKILL)
        _, _, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return peak or int(usage.ru_maxrss)


def _vm_hwm_kib(pid: int) -> int | None:
    """The process's peak resident set since its exec (Linux), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def spawn(argv: list[str], env: dict[str, str], size: tuple[int, int] = (160, 50)) -> Terminal:
    """Start `argv` in a new pty of `size` (columns, rows)."""
    width, height = size
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: set the size first, then become the program
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        os.execvpe(argv[0], argv, {**env, "TERM": "xterm-256color", "COLUMNS": str(width),
                                    "LINES": str(height)})  # fmt: skip
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
    return Terminal(pid, fd, width, height, started)


HEADER = re.compile(r"(\S.*?)\s{2}(\d+)(?:/(\d+))?\s*$")


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank: the value 95 % of the others do not exceed)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def type_filter(term: Terminal, word: str) -> tuple[list[float], list[float]]:
    """Open the board's filter (`/`) and type `word` one key at a time. For each
    key: seconds to the frame whose filter field shows the text typed so far,
    and to the frame whose board is filtered by it (its title says "filter:
    <text>"; that includes the filter's pause for more typing). Closed again
    with escape."""
    term.key_latency("/", lambda text: "Filter by" in text)
    echo, filtered = [], []
    for end in range(1, len(word) + 1):
        typed = word[:end]
        term.drain()
        sent = term.press(word[end - 1])
        echo.append(term.wait_frame(lambda text, t=typed: _field_shows(text, t)) - sent)
        title = f"filter: {typed}"
        filtered.append(term.wait_frame(lambda text, t=title: t in text.split("\n", 1)[0]) - sent)
    term.key_latency("\x1b", lambda text: "filter:" not in text.split("\n", 1)[0])
    return echo, filtered


def _field_shows(text: str, typed: str) -> bool:
    """Whether the filter field (a bordered line near the top) shows `typed`."""
    return any(line.strip(" ▊▎").rstrip() == typed for line in text.splitlines()[1:4])


def column_counts(text: str) -> list[int]:
    """The open-deal count of each column, read from the board's header row."""
    lines = text.splitlines()
    if len(lines) < 2:
        return []
    counts = []
    for cell in lines[1].split("▕"):
        match = HEADER.match(cell.strip())
        if match:
            counts.append(int(match.group(2)))
    return counts
