from pipetui.domain.money import Money
from pipetui.services import deals
from ui_helpers import make_app, settle

async def test_probe_notify(workspace):
    for t in ["Eve [/]", "[@click=app.quit]x[/]", "[b]bold[/b]"]:
        deals.add_deal(workspace.db, title=t, value=Money(100, "USD"), stage="Proposal")
    async with make_app(workspace).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        s = pilot.app.screen
        s.columns[5].deal_list.focus()
        await pilot.pause()
        print([c.title for c in s.columns[5].deal_list._cards.values()])
        s.columns[5].deal_list.go_to(2)
        await pilot.press("w")
        await settle(pilot)
        await pilot.pause(0.5)
        print("notes", [(n.message, n.markup) for n in pilot.app._notifications])
        print(pilot.app.return_code, pilot.app.screen_stack)

async def test_probe_palette(workspace):
    for t in ["Eve [/]", "[@click=app.quit]x[/]"]:
        deals.add_deal(workspace.db, title=t, value=Money(100, "USD"), stage="Proposal")
    async with make_app(workspace).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "click":
            await pilot.press(ch)
        await pilot.pause(1.0)
        await settle(pilot)
        from textual.command import CommandPalette, CommandList
        pal = pilot.app.screen
        print(type(pal))
        ol = pal.query_one(CommandList)
        for i in range(ol.option_count):
            print(repr(ol.get_option_at_index(i).prompt))
        print(pilot.app.return_code)
