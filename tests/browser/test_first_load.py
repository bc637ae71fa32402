"""A first visit draws the page the HTML carries (endpoints/prerender.page_layout, assets/firstscreen.js):
Dash Pages' router is not asked for it; it still draws every page reached by a link, back or forward, and
the pages the HTML does not carry (the slide, unknown addresses)."""

from __future__ import annotations

import json

import pytest

from dashboard.web.ids import Html, Shell
from tests.browser.conftest import wait_for_idle, wait_for_location, wait_for_map

ROUTER_OUTPUT = f"{Shell.PAGE}.children"  # the router's output: the page, in Dash Pages' container
OPERATION = "/operation/soissons-rue-saint-christophe"


def router_requests(page, outputs: list[str] | None = None) -> list[str]:
    """Watches ``page``: the callback requests whose output is the page (Dash Pages' router), by address;
    and every callback's output in ``outputs``."""
    asked: list[str] = []

    def sent(request) -> None:
        if request.method == "POST" and "/_dash-update-component" in request.url:
            body = json.loads(request.post_data or "{}")
            if outputs is not None:
                outputs.append(body.get("output", ""))
            if ROUTER_OUTPUT in body.get("output", ""):
                asked.append(next(i.get("value") for i in body["inputs"] if i["property"] == "pathname"))

    page.on("request", sent)
    return asked


LIVE_TITLE = f"#{Html.ENTRY_POINT} #{Shell.PAGE} .page-title"  # the live page's, not the written screen's


def shown_title(page) -> str:
    page.wait_for_selector(LIVE_TITLE)
    wait_for_idle(page)
    return page.locator(LIVE_TITLE).first.inner_text()


def wait_for_title(page, title: str) -> None:
    """Until the live page is the one titled ``title`` (the page before stays until the router answers)."""
    page.wait_for_selector(f"{LIVE_TITLE}:has-text({json.dumps(title, ensure_ascii=False)})")
    wait_for_idle(page)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Opérations publiées"),
        ("/?annee=2020&dep=60", "Oise"),
        ("/commune/60159", "Compiègne"),
        (OPERATION, "Résidence de la Croix d'Or"),
    ],
)
def test_a_first_visit_draws_the_page_of_the_address_without_asking_the_router(server, page, path, title):
    outputs: list[str] = []
    asked = router_requests(page.page, outputs)
    page.page.goto(server.url + path)
    assert title in shown_title(page.page)
    if path.startswith("/commune"):
        wait_for_map(page.page, "commune-map")
    elif path.startswith("/?") or path == "/":
        wait_for_map(page.page)
    assert asked == []
    # The controls came showing the address's view: the page drawn for it is not drawn again.
    assert not [output for output in outputs if "map.figure" in output or "-table.children" in output]
    year = page.page.locator("#ctl-year [role=slider]").get_attribute("aria-valuenow")
    assert year == ("2020" if "annee=2020" in path else "2025")
    assert page.page.locator("#first-screen, #first-page").count() == 0  # both used, and gone
    assert page.page.evaluate("document.title") == page.page.title() and page.page.title()
    assert not page.errors


def test_links_back_and_forward_are_still_drawn_by_the_router(server, page):
    p = page.page
    asked = router_requests(p)
    p.goto(server.url + "/commune/60159")
    assert shown_title(p) == "Compiègne"
    p.locator(f"#{Html.ENTRY_POINT} .back-link").first.click()  # « ← Retour à la carte »: a Dash Pages link
    wait_for_location(p, r"/$")
    wait_for_title(p, "Opérations publiées")
    wait_for_map(p)
    p.go_back()
    wait_for_location(p, r"/commune/60159$")
    wait_for_title(p, "Compiègne")
    wait_for_map(p, "commune-map")
    p.go_forward()
    wait_for_location(p, r"/$")
    wait_for_title(p, "Opérations publiées")
    assert asked == ["/", "/commune/60159", "/"]
    assert not page.errors


@pytest.mark.parametrize(
    ("path", "title"), [("/?presentation=1", "Opérations publiées"), ("/nulle-part", "Page introuvable")]
)
def test_pages_the_html_does_not_carry_are_drawn_by_the_router(server, page, path, title):
    asked = router_requests(page.page)
    page.page.goto(server.url + path)
    assert title in shown_title(page.page)
    assert asked == [path.split("?")[0]]
