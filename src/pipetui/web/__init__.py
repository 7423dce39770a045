"""`pipetui serve`: the TUI in a browser, safely.

An aiohttp server (the server process) that hands each browser session its own
pipetui app, run in a child process under Textual's web driver, and relays the
terminal stream over a websocket. Everything between the browser and the app
goes through `pipetui.web.guard` first: Host and Origin allow-lists, the
per-start secret token and its cookie, and the session cap.

Only `pipetui.commands.serve` imports this package, and nothing here imports the
TUI at module level: the app runs in the child (`pipetui.web.child`).
"""
