"""One browser session: its own app in a child process, and the relay between
the child's Textual web-driver stream and the browser's websocket.

The protocol is Textual's web driver's (as textual-serve speaks it): the child
prints `__GANGLION__`, then writes packets of one type byte (D: terminal
output, M: JSON meta, P: packed binary), a 4-byte big-endian length and the
payload; it reads the same framing on stdin (D: keys and mouse, M: resize,
focus, blur, quit, deliver_chunk_request).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipetui.web.config import TOKEN_ENV

PRELUDE = b"__GANGLION__\n"
STOP_GRACE = 3.0
"""Seconds an app gets to quit after being asked, before it is terminated
(and as long again before it is killed)."""
STDERR_KEEP = 16_384


def child_environment(
    extra: Mapping[str, str], width: int, height: int, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The child's environment: the server's, less the serve token (the app
    has no use for it), plus `extra` (the database location) and what
    Textual's web driver needs."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k != TOKEN_ENV}
    env.update(extra)
    env.update(
        {
            "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
            "TEXTUAL_FPS": "60",
            "TEXTUAL_COLOR_SYSTEM": "truecolor",
            "TERM_PROGRAM": "textual",
            "COLUMNS": str(width),
            "ROWS": str(height),
        }
    )
    return env


def packet(kind: bytes, payload: bytes) -> bytes:
    """One framed packet for the child's stdin."""
    return kind + len(payload).to_bytes(4, "big") + payload


@dataclass
class Delivery:
    """A file the app offers for download (Textual's `deliver_*`), streamed
    chunk by chunk from the child when the browser asks for it."""

    session: AppSession
    key: str
    file_name: str
    mime_type: str
    encoding: str
    inline: bool
    chunks: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)


class AppSession:
    """The app of one websocket: started with an argv list (never a shell),
    stopped when the browser goes, the app quits, or nobody touched it for
    `idle_timeout` seconds."""

    def __init__(
        self,
        argv: tuple[str, ...],
        env: dict[str, str],
        *,
        send_bytes: Callable[[bytes], Awaitable[None]],
        send_text: Callable[[str], Awaitable[None]],
        deliveries: dict[str, Delivery],
        idle_timeout: float,
        log: Callable[[str], None],
    ) -> None:
        self.argv = argv
        self.env = env
        self._send_bytes = send_bytes
        self._send_text = send_text
        self._deliveries = deliveries
        self.idle_timeout = idle_timeout
        self._log = log
        self.process: asyncio.subprocess.Process | None = None
        self.last_input = time.monotonic()
        self._stderr = bytearray()
        self._stderr_task: asyncio.Task[None] | None = None
        self._write_lock = asyncio.Lock()

    async def start(self) -> None:
        """Spawn the app: argv run directly, in its own process group (so a
        ctrl+c in the server's terminal reaches the server, which stops it)."""
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
            start_new_session=True,
        )
        self._stderr_task = asyncio.create_task(self._read_stderr())

    async def relay(self) -> None:
        """Copy the app's output to the browser until the app ends."""
        process = self.process
        assert process is not None and process.stdout is not None
        stdout = process.stdout
        try:
            for _ in range(50):  # (a library may print a line or two first)
                line = await stdout.readline()
                if not line or line == PRELUDE:
                    break
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == b"D":
                    await self._send_bytes(payload)
                elif kind == b"M":
                    if not await self._on_meta(payload):
                        break
                elif kind == b"P":
                    await self._on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass

    async def _read_stderr(self) -> None:
        process = self.process
        assert process is not None and process.stderr is not None
        while data := await process.stderr.read(4096):
            self._stderr += data
            del self._stderr[:-STDERR_KEEP]

    async def _on_meta(self, payload: bytes) -> bool:
        """Act on a meta packet from the app; False when the app is done."""
        try:
            meta: dict[str, Any] = json.loads(payload)
        except ValueError:
            return True
        kind = meta.get("type")
        if kind == "exit":
            return False
        if kind == "open_url":
            url = str(meta.get("url", ""))
            if url.startswith(("https://", "http://")):  # never javascript: or data:
                await self._send_text(
                    json.dumps(["open_url", {"url": url, "new_tab": bool(meta.get("new_tab"))}])
                )
        elif kind == "deliver_file_start":
            key = str(meta.get("key", ""))
            if key and key.isascii() and key.replace("-", "").isalnum():
                self._deliveries[key] = Delivery(
                    self,
                    key,
                    file_name=os.path.basename(str(meta.get("path", "download"))) or "download",
                    mime_type=str(meta.get("mime_type") or "application/octet-stream"),
                    encoding=str(meta.get("encoding") or ""),
                    inline=meta.get("open_method") == "browser",
                )
                await self._send_text(json.dumps(["deliver_file_start", key]))
        return True

    async def _on_packed(self, payload: bytes) -> None:
        from textual_serve._binary_encode import load

        unpacked = load(payload)
        if isinstance(unpacked, list | tuple) and len(unpacked) == 3:
            kind, key, chunk = unpacked
            delivery = self._deliveries.get(str(key))
            if kind == "deliver_chunk" and delivery is not None and delivery.session is self:
                if isinstance(chunk, str):
                    chunk = chunk.encode(delivery.encoding or "utf-8")
                await delivery.chunks.put(bytes(chunk) if chunk else None)

    async def write(self, kind: bytes, payload: bytes) -> bool:
        """Send one packet to the app; False when it is gone."""
        process = self.process
        if process is None or process.stdin is None or process.returncode is not None:
            return False
        async with self._write_lock:
            try:
                process.stdin.write(packet(kind, payload))
                await process.stdin.drain()
            except (ConnectionError, RuntimeError):
                return False
        return True

    async def send_meta(self, meta: dict[str, object]) -> bool:
        """Send a meta packet (resize, focus, blur, quit, chunk requests)."""
        return await self.write(b"M", json.dumps(meta).encode())

    async def on_browser_message(self, text: str) -> str | None:
        """Pass on one message from textual.js; the answer to send back, if
        any. Malformed messages are dropped, not fatal."""
        try:
            envelope = json.loads(text)
        except ValueError:
            return None
        if not isinstance(envelope, list) or not envelope:
            return None
        kind = envelope[0]
        data = envelope[1] if len(envelope) > 1 else None
        if kind == "ping":
            return json.dumps(["pong", str(data)[:64]])
        self.last_input = time.monotonic()
        if kind == "stdin" and isinstance(data, str):
            await self.write(b"D", data.encode("utf-8", "surrogateescape"))
        elif kind == "resize" and isinstance(data, dict):
            width, height = data.get("width"), data.get("height")
            if isinstance(width, int) and isinstance(height, int):
                await self.send_meta(
                    {"type": "resize", "width": clamp(width), "height": clamp(height)}
                )
        elif kind in ("focus", "blur"):
            await self.send_meta({"type": kind})
        return None

    async def wait_idle(self) -> None:
        """Return once nobody has typed, clicked or resized for
        `idle_timeout` seconds (pings do not count: textual.js sends one
        on connect, a keep-alive would keep a forgotten tab forever)."""
        while True:
            left = self.last_input + self.idle_timeout - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(left)

    async def stop(self) -> None:
        """Ask the app to quit, then terminate, then kill: never left behind."""
        process = self.process
        if process is None:
            return
        for key in [k for k, d in self._deliveries.items() if d.session is self]:
            await self._deliveries.pop(key).chunks.put(None)
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            for then in (process.terminate, process.kill, None):
                try:
                    await asyncio.wait_for(process.wait(), timeout=STOP_GRACE)
                    break
                except TimeoutError:
                    if then is not None:
                        with contextlib.suppress(ProcessLookupError):
                            then()
        if self._stderr_task is not None:  # (the pipe closes with the process)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stderr_task, timeout=STOP_GRACE)
            self._stderr_task = None
        if process.returncode not in (0, None):
            tail = bytes(self._stderr).decode("utf-8", "replace").strip().splitlines()
            self._log(
                f"a session's app exited with status {process.returncode}"
                + (f": {tail[-1]}" if tail else "")
            )


def clamp(cells: int) -> int:
    """A terminal dimension from the browser, kept sane (1–1000 cells)."""
    return max(1, min(1000, cells))
