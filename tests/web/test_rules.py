"""The rules of `pipetui serve`, against a real server on a loopback port:
who gets the page and a session, who is refused, and that a refused request
starts no app."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest
from web_helpers import DB_URL, TOKEN, Served

from pipetui.web.page import STATIC_FILES

NO_COOKIES = aiohttp.DummyCookieJar


async def get(
    served: Served, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str, list[str]]:
    """Status, headers, body and Set-Cookie lines of one GET, no redirects
    followed, no cookie jar (the test says which cookie is sent)."""
    async with (
        aiohttp.ClientSession(cookie_jar=NO_COOKIES()) as client,
        client.get(served.base + path, headers=headers or {}, allow_redirects=False) as response,
    ):
        body = await response.text(errors="replace")
        return (
            response.status,
            dict(response.headers),
            body,
            response.headers.getall("Set-Cookie", []),
        )


async def ws_status(served: Served, headers: dict[str, str], origin: str | None) -> int:
    """The HTTP status a websocket upgrade is refused with (101 if accepted)."""
    async with aiohttp.ClientSession(cookie_jar=NO_COOKIES()) as client:
        try:
            socket = await client.ws_connect(
                served.base + "/ws?width=80&height=24", headers=headers, origin=origin
            )
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status
        assert (await socket.receive(timeout=10)).data == b"hello"  # (its app started)
        await socket.close()
        return 101


async def test_without_the_token_nothing_is_served_and_no_app_starts(start_server) -> None:
    served = await start_server()
    for path in ("/", "/static/textual.js", "/static/pipetui.js", "/download/k1"):
        status, _, body, cookies = await get(served, path)
        assert status == 401, path
        assert "not signed in" in body
        assert cookies == []
    assert await ws_status(served, {}, served.origin) == 401
    assert served.starts() == []
    assert served.server.started == 0


async def test_a_wrong_token_or_cookie_is_refused(start_server) -> None:
    served = await start_server()
    status, _, _, cookies = await get(served, "/?token=" + TOKEN[:-1] + "x")
    assert status == 403
    assert cookies == []
    wrong = {"Cookie": f"{served.config.cookie_name}={'0' * 64}"}
    assert (await get(served, "/", wrong))[0] == 403
    assert await ws_status(served, wrong, served.origin) == 403
    # A cookie made for another token (another start) does not open this one.
    other_port = {"Cookie": f"pipetui_serve_1={served.cookie['Cookie'].split('=', 1)[1]}"}
    assert (await get(served, "/", other_port))[0] == 401
    assert served.starts() == []


async def test_the_token_sets_a_strict_httponly_cookie_and_leaves_the_address(
    start_server,
) -> None:
    served = await start_server()
    status, headers, _, cookies = await get(served, f"/?token={TOKEN}")
    assert status == 303
    assert headers["Location"] == "/"
    assert len(cookies) == 1
    morsel = SimpleCookie(cookies[0])[served.config.cookie_name]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert not morsel["secure"]  # (plain http on loopback; Secure behind an https proxy)
    assert TOKEN not in cookies[0]  # the cookie is derived, not the token itself
    # With the cookie, the page.
    status, headers, body, _ = await get(served, "/", {"Cookie": f"{morsel.key}={morsel.value}"})
    assert status == 200
    assert 'id="terminal"' in body and "/static/textual.js" in body
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    # A link followed from another site signs in with a page that moves on by
    # itself (a Strict cookie is not sent after a redirect begun elsewhere).
    status, _, body, cookies = await get(
        served, f"/?token={TOKEN}", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    )
    assert status == 200 and 'http-equiv="refresh"' in body and len(cookies) == 1


async def test_behind_an_https_proxy_the_cookie_is_secure(start_server) -> None:
    served = await start_server(public_url="https://crm.example.com")
    _, _, _, cookies = await get(served, f"/?token={TOKEN}", {"Host": "crm.example.com"})
    assert SimpleCookie(cookies[0])[served.config.cookie_name]["secure"] is True
    proxied = {"Host": "crm.example.com", **served.cookie}
    assert (await get(served, "/", proxied))[0] == 200
    assert await ws_status(served, proxied, "http://crm.example.com") == 403  # not https
    assert await ws_status(served, proxied, "https://crm.example.com") == 101


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:{port}",  # DNS rebinding: a name that resolves here
        "127.0.0.1:{other}",
        "127.0.0.1",
        "",
    ],
)
async def test_a_foreign_host_is_refused_before_any_app_starts(start_server, host: str) -> None:
    served = await start_server()
    port = served.config.port
    headers = {**served.cookie, "Host": host.format(port=port, other=port + 1)}
    assert (await get(served, "/", headers))[0] == 403
    assert (await get(served, f"/?token={TOKEN}", headers))[0] == 403
    assert (await get(served, "/static/textual.js", headers))[0] == 403
    assert await ws_status(served, headers, served.origin) == 403
    assert served.starts() == []


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:{other}",  # a page served from another local port
        "http://attacker.example",
        "https://127.0.0.1:{port}",
        "null",
    ],
)
async def test_a_foreign_origin_is_refused_before_any_app_starts(start_server, origin: str) -> None:
    served = await start_server()
    port = served.config.port
    foreign = origin.format(port=port, other=port + 1)
    assert await ws_status(served, served.cookie, foreign) == 403
    assert (await get(served, "/", {**served.cookie, "Origin": foreign}))[0] == 403
    # The same cookie with the right Origin opens a session: the refusal was
    # the Origin's doing.
    assert served.starts() == []
    assert await ws_status(served, served.cookie, served.origin) == 101
    assert len(served.starts()) == 1


async def test_a_websocket_without_origin_or_from_another_site_is_refused(start_server) -> None:
    served = await start_server()
    assert await ws_status(served, served.cookie, None) == 403
    other_site = {**served.cookie, "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}
    assert (await get(served, "/static/textual.js", other_site))[0] == 403
    assert served.starts() == []


async def test_loopback_names_of_the_same_port_are_allowed(start_server) -> None:
    served = await start_server()
    port = served.config.port
    for host in (f"localhost:{port}", f"[::1]:{port}"):
        headers = {**served.cookie, "Host": host}
        assert (await get(served, "/", headers))[0] == 200
        assert await ws_status(served, headers, f"http://{host}") == 101


async def test_the_session_cap_refuses_one_more_and_frees_a_place_on_close(
    start_server,
) -> None:
    served = await start_server(max_sessions=2)
    async with aiohttp.ClientSession(cookie_jar=NO_COOKIES()) as client:
        url = served.base + "/ws?width=80&height=24"
        first = await client.ws_connect(url, headers=served.cookie, origin=served.origin)
        second = await client.ws_connect(url, headers=served.cookie, origin=served.origin)
        for socket in (first, second):
            assert (await socket.receive(timeout=10)).data == b"hello"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(url, headers=served.cookie, origin=served.origin)
        assert refused.value.status == 503
        assert len(served.starts()) == 2
        await first.close()
        for _ in range(100):
            if len(served.server.sessions) < 2:
                break
            await asyncio.sleep(0.05)
        third = await client.ws_connect(url, headers=served.cookie, origin=served.origin)
        assert (await third.receive(timeout=10)).data == b"hello"
        assert len(served.starts()) == 3
        await second.close()
        await third.close()


async def test_keys_reach_the_app_and_an_idle_session_is_closed(start_server) -> None:
    served = await start_server(idle_timeout=1.0)
    async with aiohttp.ClientSession(cookie_jar=NO_COOKIES()) as client:
        socket = await client.ws_connect(
            served.base + "/ws", headers=served.cookie, origin=served.origin
        )
        assert (await socket.receive(timeout=10)).data == b"hello"
        await socket.send_str('["stdin", "L"]')
        assert (await socket.receive(timeout=10)).data == b"echo:L"
        await socket.send_str("not json")  # dropped, not fatal
        await socket.send_str('["ping", "7"]')
        assert (await socket.receive(timeout=10)).data == '["pong", "7"]'
        started = asyncio.get_running_loop().time()
        closing = await socket.receive(timeout=10)
        waited = asyncio.get_running_loop().time() - started
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert closing.data == 4000  # idle
    assert 0.5 < waited < 5
    pid = served.starts()[0]["pid"]
    for _ in range(100):  # the app is gone too, not only the socket
        if not Path(f"/proc/{pid}").exists() or _zombie(pid):
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail(f"the idle session's app (pid {pid}) still runs")
    assert served.server.sessions == set()


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return True


async def test_the_app_is_started_without_a_shell_and_with_the_db_in_its_environment(
    start_server,
) -> None:
    served = await start_server()
    async with aiohttp.ClientSession(cookie_jar=NO_COOKIES()) as client:
        socket = await client.ws_connect(
            served.base + "/ws", headers=served.cookie, origin=served.origin
        )
        assert (await socket.receive(timeout=10)).data == b"hello"
        [start] = served.starts()
        cmdline = Path(f"/proc/{start['pid']}/cmdline").read_bytes().split(b"\0")
        await socket.close()
    # Exactly the argv list, run directly: its parent is this server, not a shell.
    assert start["argv"] == list(served.config.app_argv[1:])
    assert start["executable"] == sys.executable
    assert start["ppid"] == os.getpid()
    assert b"sh" not in [Path(part.decode()).name.encode() for part in cmdline if part]
    # The database travels in the environment; its password on no command line.
    assert start["env"]["PIPETUI_DB"] == DB_URL
    assert not any(b"s3cret-pw" in part for part in cmdline)
    assert start["env"]["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert start["env"]["PIPETUI_SERVE_TOKEN"] is None  # the secret stays in the server


async def test_no_directory_listing_and_nothing_outside_the_list(start_server) -> None:
    served = await start_server()
    for path in (
        "/static/",
        "/static/fonts/",
        "/static/js/",
        "/static/css",
        "/static/../server.py",
        "/static/%2e%2e/server.py",
        "/static/js/textual.js",  # (textual-serve's layout: not ours)
        "/download/",
        "/nothing",
    ):
        status, _, body, _ = await get(served, path, served.cookie)
        assert status == 404, path
        assert "Index of" not in body and "<a href" not in body
    for name in STATIC_FILES:
        status, _, _, _ = await get(served, f"/static/{name}", served.cookie)
        assert status == 200, name


async def test_the_page_and_its_assets_name_no_third_party_host(start_server) -> None:
    served = await start_server()
    _, _, page, _ = await get(served, "/", served.cookie)
    references = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert references and all(ref.startswith("/static/") for ref in references), references
    assert "://" not in page
    for name in ("pipetui.css", "xterm.css", "pipetui.js"):
        _, _, text, _ = await get(served, f"/static/{name}", served.cookie)
        code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # (licence comments name sites)
        urls = re.findall(r"url\(([^)]*)\)", code)
        assert all(url.strip("\"'").startswith("/static/") for url in urls), (name, urls)
        assert "@import" not in code and "://" not in code, name
    _, headers, script, _ = await get(served, "/static/textual.js", served.cookie)
    assert "fonts.googleapis" not in script and "fonts.gstatic" not in script
    # What the page may reach is this server only, whatever a script tries.
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "connect-src 'self'", "font-src 'self'"):
        assert directive in csp


async def test_downloads_need_the_cookie_and_come_from_the_session_app(start_server) -> None:
    served = await start_server()
    async with aiohttp.ClientSession(cookie_jar=NO_COOKIES()) as client:
        socket = await client.ws_connect(
            served.base + "/ws", headers=served.cookie, origin=served.origin
        )
        assert (await socket.receive(timeout=10)).data == b"hello"
        await socket.send_str('["stdin", "download"]')
        assert (await socket.receive(timeout=10)).data == '["deliver_file_start", "k1"]'
        assert (await get(served, "/download/k1"))[0] == 401
        foreign = {**served.cookie, "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors"}
        assert (await get(served, "/download/k1", foreign))[0] == 403
        status, headers, body, _ = await get(served, "/download/k1", served.cookie)
        await socket.close()
    assert status == 200
    assert body == "deal,value\nAcme,100\n" * 5000
    assert headers["Content-Disposition"] == "attachment; filename*=UTF-8''deals.csv"
    assert (await get(served, "/download/k1", served.cookie))[0] == 404  # delivered once
