"""The card for town-hall sites in its 600×400 frame: where its figures are more than the frame's height
(Saint-Quentin and Compiègne in a projection year: every figure says its year, the states a caveat), they
scroll in their row, the row says « ▾ suite : faire défiler » while there is more below (Playwright's
headless Chromium draws no scrollbar, nor do overlay scrollbars until one scrolls), and a person scrolling
reads every part, each clear of that band; the sources, the licence and the link stay in the frame."""

from __future__ import annotations

import pytest

from tests.browser.conftest import french_page

pytestmark = pytest.mark.browser

PARTS = ".body > .figures > .kf, .body > .statuses, .body > .subtitle"
# Each part's text and whether it lies whole inside what the row shows, less the band of « suite ».
SEEN = """(parts) => {
  const body = document.querySelector('.body').getBoundingClientRect();
  const more = document.querySelector('.more');
  const band = getComputedStyle(more).display === 'none' ? 0 : more.getBoundingClientRect().height;
  return [...document.querySelectorAll(parts)].filter(e => e.getBoundingClientRect().height > 0)
    .map(e => { const r = e.getBoundingClientRect();
                return [e.innerText, r.top >= body.top - 0.5 && r.bottom <= body.bottom - band + 0.5]; });
}"""


def more_shown(page) -> bool:
    return page.locator(".more").is_visible()


@pytest.mark.parametrize("code", ["02691", "60159"])
def test_a_card_longer_than_its_frame_says_there_is_more_and_scrolls_to_every_part(server, browser, code):
    context, page = french_page(browser, 600, 400)
    try:
        page.goto(f"{server.url}/integration/commune/{code}?annee=2027")
        body = page.locator(".body")
        assert body.evaluate("(e) => e.scrollHeight > e.clientHeight")  # the case to check
        assert more_shown(page) and page.locator(".more").inner_text() == "▾ suite : faire défiler"
        more, box = page.locator(".more").bounding_box(), body.bounding_box()
        assert more is not None and box is not None
        assert box["y"] <= more["y"] and more["y"] + more["height"] <= box["y"] + box["height"] + 0.5
        for part in ("footer span", "footer a"):
            found = page.locator(part).bounding_box()
            assert found is not None and found["y"] + found["height"] <= 400, part
        # a person scrolls the figures with the wheel: every part is read whole at some point
        seen: dict[str, bool] = {}
        page.mouse.move(box["x"] + 40, box["y"] + 40)
        while True:
            for text, whole in page.evaluate(SEEN, PARTS):
                seen[text] = seen.get(text, False) or whole
            if body.evaluate("(e) => e.scrollTop + e.clientHeight >= e.scrollHeight - 1"):
                break
            top = body.evaluate("(e) => e.scrollTop")
            page.mouse.wheel(0, 60)
            page.wait_for_function("(top) => document.querySelector('.body').scrollTop > top", arg=top)
        assert seen and all(seen.values()), [text for text, whole in seen.items() if not whole]
        assert "Après 2025, date de la dernière source" in " ".join(seen)
        assert not more_shown(page)  # at the end: nothing more below
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(600, 400), (340, 600)])
def test_a_card_that_fits_says_nothing_of_more(server, browser, width, height):
    context, page = french_page(browser, width, height)
    try:
        page.goto(f"{server.url}/integration/commune/02691?annee=2025")
        assert page.locator(".kf").count() >= 4
        assert not more_shown(page)
    finally:
        context.close()
