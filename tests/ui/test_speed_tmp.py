import time
from ui_helpers import make_app, settle
from test_board_forms import focus_card, SIZE

async def test_t(sales):
    T = time.perf_counter; C = time.process_time
    t = T(); c = C()
    def lap(what):
        nonlocal t, c
        print(f"{what:20} wall {T()-t:.2f} cpu {C()-c:.2f}"); t = T(); c = C()
    async with make_app(sales).run_test(size=SIZE) as pilot:
        lap("start")
        await settle(pilot); lap("settle")
        await focus_card(pilot, "Proposal", "Annual licence"); lap("focus")
        await pilot.press("e"); lap("press e")
        await settle(pilot); lap("settle")
        await pilot.press("escape"); lap("press esc")
        await settle(pilot); lap("settle")
        await pilot.press("e"); lap("press e")
        await settle(pilot); lap("settle")
        await pilot.press("escape"); lap("press esc")
        await settle(pilot); lap("settle")
    lap("exit")
