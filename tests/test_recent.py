"""The bounded cache requests share (dashboard.model.recent): by entries, and by bytes when asked."""

from __future__ import annotations

import pytest

from dashboard.model.recent import Recent


def test_bounded_by_bytes_the_least_recent_go_first() -> None:
    recent = Recent(64, max_bytes=10, sizeof=len)
    for key in "abc":
        recent.get(key, lambda: "xxxx")  # 4 bytes each: the third pushes the first out
    assert recent.weight() == (2, 8)
    drawn: list[str] = []
    recent.get("a", lambda: drawn.append("a") or "xxxx")  # type: ignore[func-returns-value]
    assert drawn == ["a"]  # dropped, drawn again (and b, now the least recent, dropped for it)
    assert recent.weight() == (2, 8)
    recent.get("c", lambda: "never")  # kept: c becomes the most recent, a the least
    recent.get("d", lambda: "xxxx")
    assert recent.get("c", lambda: "drawn again") == "xxxx"
    assert recent.get("a", lambda: "drawn again") == "drawn again"


def test_bounded_by_bytes_the_number_of_entries_still_holds() -> None:
    recent = Recent(3, max_bytes=1_000, sizeof=len)
    for key in "abcde":
        recent.get(key, lambda: "x")
    assert recent.weight() == (3, 3)
    recent.get("c", lambda: "drawn again")
    assert recent.weight() == (3, 3)  # c was kept: nothing drawn, nothing dropped


def test_an_entry_heavier_than_the_whole_is_given_not_kept() -> None:
    recent = Recent(8, max_bytes=10, sizeof=len)
    recent.get("small", lambda: "xx")
    assert recent.get("big", lambda: "y" * 11) == "y" * 11
    assert recent.get("big", lambda: "z" * 11) == "z" * 11  # not kept: drawn again…
    assert recent.get("small", lambda: "drawn again") == "xx"  # …and nothing dropped for it
    assert recent.weight() == (1, 2)


def test_bounded_by_entries_only_weight_counts_entries() -> None:
    recent = Recent(2)
    for key in "abc":
        recent.get(key, lambda: "a long text")
    assert recent.weight() == (2, 2)


def test_bytes_and_sizeof_go_together() -> None:
    with pytest.raises(ValueError):
        Recent(4, max_bytes=10)
    with pytest.raises(ValueError):
        Recent(4, sizeof=len)


def test_a_written_page_weighs_its_texts_as_python_holds_them() -> None:
    from dashboard.app import FirstPage, first_page_bytes

    latin = FirstPage("é" * 1000, "a" * 1000)
    wide = FirstPage("’" * 1000, "a" * 1000)  # the apostrophe is beyond Latin-1: two bytes a character
    assert 2000 <= first_page_bytes(latin) < 2200
    assert 3000 <= first_page_bytes(wide) < 3200
    assert first_page_bytes(FirstPage()) < 200  # a page drawn live only: next to nothing
