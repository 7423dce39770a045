"""The aiohttp server of `pipetui serve`: the page, static files, the
websocket that runs one app per session, and downloads.

Every request passes `pipetui.web.guard` first; then the websocket route
enforces the session cap before it upgrades, so a refused request starts
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable
from urllib.parse import quote

from aiohttp import WSMsgType, web

from pipetui.web.config import ServeConfig
from pipetui.web.guard import SECURITY_HEADERS, make_guard, refuse
from pipetui.web.page import index_html, static_file
from pipetui.web.session import AppSession, Delivery, child_environment, clamp

CHUNK_SIZE = 64 * 1024
CHUNK_TIMEOUT = 10.0
WS_MAX_MESSAGE = 1 << 20


def _stderr_log(line: str) -> None:
    sys.stderr.write(f"pipetui serve: {line}\n")
    sys.stderr.flush()


class PipetuiServer:
    """The routes and the live sessions of one `pipetui serve`."""

    def __init__(self, config: ServeConfig, log: Callable[[str], None] = _stderr_log) -> None:
        self.config = config
        self.log = log
        self.sessions: set[AppSession] = set()
        self.deliveries: dict[str, Delivery] = {}
        self.started = 0
        """How many apps this server has started (tests check nothing starts)."""

    def application(self) -> web.Application:
        """The aiohttp application, the guard ahead of every route."""
        app = web.Application(middlewares=[make_guard(self.config)])
        app.router.add_get("/", self.page)
        app.router.add_get("/ws", self.websocket)
        app.router.add_get("/static/{name:.+}", self.static)
        app.router.add_get("/download/{key}", self.download)
        app.router.add_get("/favicon.ico", self.no_icon)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def page(self, request: web.Request) -> web.Response:
        """The page that loads the terminal (any other query is dropped)."""
        if request.query_string:
            return web.Response(status=303, headers={"Location": "/"})
        return web.Response(text=index_html(self.config.title), content_type="text/html")

    async def no_icon(self, request: web.Request) -> web.Response:
        """No icon, and no 404 in the browser's console for it."""
        return web.Response(status=204)

    async def static(self, request: web.Request) -> web.Response:
        """One file of the fixed list; anything else is 404, never a listing."""
        found = static_file(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound(text="not found\n")
        data, content_type = found
        return web.Response(body=data, content_type=content_type)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One browser session: refused past the cap, else its own app,
        relayed until either side ends or the session goes idle."""
        if len(self.sessions) >= self.config.max_sessions:
            return refuse(
                503, f"busy: {self.config.max_sessions} sessions are open; close one and reload"
            )
        websocket = web.WebSocketResponse(heartbeat=30, max_msg_size=WS_MAX_MESSAGE)
        width = clamp(_int(request.query.get("width"), 80))
        height = clamp(_int(request.query.get("height"), 24))
        session = AppSession(
            self.config.app_argv,
            child_environment(self.config.app_env, width, height),
            send_bytes=websocket.send_bytes,
            send_text=websocket.send_str,
            deliveries=self.deliveries,
            idle_timeout=self.config.idle_timeout,
            log=self.log,
        )
        self.sessions.add(session)  # (before any await: the cap holds under a burst)
        try:
            await websocket.prepare(request)
            await session.start()
            self.started += 1
            self.log(f"session opened ({len(self.sessions)} of {self.config.max_sessions})")
            await self._run(websocket, session)
        finally:
            await session.stop()
            self.sessions.discard(session)
            if not websocket.closed:
                await websocket.close()
            self.log(f"session closed ({len(self.sessions)} open)")
        return websocket

    async def _run(self, websocket: web.WebSocketResponse, session: AppSession) -> None:
        """Relay both ways until the browser leaves, the app ends or the
        session is idle, whichever comes first."""

        async def from_browser() -> None:
            async for message in websocket:
                if message.type == WSMsgType.TEXT:
                    answer = await session.on_browser_message(message.data)
                    if answer is not None:
                        await websocket.send_str(answer)

        tasks = {
            asyncio.create_task(from_browser()): "browser",
            asyncio.create_task(session.relay()): "app",
            asyncio.create_task(session.wait_idle()): "idle",
        }
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if any(tasks[task] == "idle" for task in done):
            self.log("session closed after being idle")
            await websocket.close(code=4000, message=b"idle")

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivered, streamed from its child in chunks."""
        delivery = self.deliveries.get(request.match_info["key"])
        if delivery is None:
            raise web.HTTPNotFound(text="no such download\n")
        response = web.StreamResponse()
        response.headers.update(SECURITY_HEADERS)
        charset = f"; charset={delivery.encoding}" if delivery.encoding else ""
        response.headers["Content-Type"] = delivery.mime_type + charset
        disposition = "inline" if delivery.inline else "attachment"
        response.headers["Content-Disposition"] = (
            f"{disposition}; filename*=UTF-8''{quote(delivery.file_name, safe='')}"
        )
        await response.prepare(request)
        try:
            while True:
                asked = await delivery.session.send_meta(
                    {"type": "deliver_chunk_request", "key": delivery.key, "size": CHUNK_SIZE}
                )
                if not asked:
                    break
                try:
                    chunk = await asyncio.wait_for(delivery.chunks.get(), CHUNK_TIMEOUT)
                except TimeoutError:
                    break
                if not chunk:
                    break
                await response.write(chunk)
        finally:
            self.deliveries.pop(delivery.key, None)
        await response.write_eof()
        return response

    async def _on_shutdown(self, app: web.Application) -> None:
        for session in list(self.sessions):
            await session.stop()


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


async def serve(
    config: ServeConfig,
    *,
    ready: Callable[[], None] | None = None,
    stop: asyncio.Event | None = None,
    server: PipetuiServer | None = None,
    handle_signals: bool = True,
) -> None:
    """Serve until `stop` is set (or SIGINT/SIGTERM, with `handle_signals`);
    then stop every app. `ready` is called once the port is listening."""
    server = server or PipetuiServer(config)
    runner = web.AppRunner(server.application(), access_log=None, handle_signals=False)
    await runner.setup()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        for sig in signals:
            loop.add_signal_handler(sig, stop.set)
        if ready is not None:
            ready()
        await stop.wait()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await runner.cleanup()
