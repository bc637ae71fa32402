"""Search with the keyboard, an operation found by its residence, a former code's notice: in Chromium."""

from __future__ import annotations

from tests.browser.conftest import wait_for_idle, wait_for_location, wait_for_map


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.innerText")


def test_arrow_keys_move_through_the_results_and_enter_opens_one(server, page):
    page.page.goto(server.url + "/")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    page.page.fill("#shell-search", "st quentin")
    page.page.wait_for_selector("#shell-search-results a:has-text('Saint-Quentin')")
    links = page.page.locator("#shell-search-results a")
    assert links.count() >= 2
    page.page.keyboard.press("ArrowDown")
    assert focused(page.page).startswith("Saint-Quentin")
    page.page.keyboard.press("ArrowDown")
    assert focused(page.page) == links.nth(1).inner_text()
    page.page.keyboard.press("ArrowUp")
    page.page.keyboard.press("ArrowUp")
    assert focused(page.page) == "shell-search"
    page.page.keyboard.press("ArrowDown")
    page.page.keyboard.press("Enter")
    wait_for_location(page.page, r"/commune/02691")
    page.page.wait_for_selector("h1:has-text('Saint-Quentin')")
    assert page.errors == []


def test_an_operation_found_by_its_residence_opens_its_page_then_its_commune_at_its_sheet(server, page):
    page.page.goto(server.url + "/")
    wait_for_idle(page.page)
    page.page.fill("#shell-search", "square acary")
    page.page.click("#shell-search-results a:has-text('Résidence Square Acary')")
    wait_for_location(page.page, r"/operation/compiegne-rue-d-amiens$")
    page.page.click(".operation-page .subtitle a:has-text('Compiègne')")
    wait_for_location(page.page, r"/commune/60159#op-compiegne-rue-d-amiens$")
    page.page.wait_for_selector("#op-compiegne-rue-d-amiens.op-target")
    assert page.page.evaluate(
        "() => { const box = document.getElementById('op-compiegne-rue-d-amiens').getBoundingClientRect();"
        " return box.top < window.innerHeight && box.bottom > 0; }"
    )


def test_a_former_code_lands_on_today_s_commune_with_its_notice(server, page):
    page.page.goto(server.url + "/commune/62549")
    assert page.page.url.startswith(server.url + "/commune/62447")
    page.page.wait_for_selector("h1:has-text('Hesdin-la-Forêt')")
    notice = page.page.locator("#redirect-notice")
    assert notice.inner_text() == "Marconne fait partie de Hesdin-la-Forêt depuis le 1er janvier 2025."
    page.page.click("text=← Retour à la carte")
    wait_for_location(page.page, r"127.0.0.1:[0-9]+/(\?.*)?$")  # the region (the view's query travels)
    page.page.wait_for_selector("#redirect-notice", state="detached")
    assert page.errors == []
