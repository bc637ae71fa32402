"""Names beside symbols: none overlaps another name or a symbol, in the pixels of the map."""

from __future__ import annotations

import itertools

from dashboard.figures.labels import (
    CHAR_WIDTH,
    LINE_HEIGHT,
    Label,
    label_box,
    overlap,
    place_labels,
    projector,
)

BOUNDS = (1.3, 48.8, 4.3, 51.1)  # Hauts-de-France, roughly


def boxes(labels, positions, plot_px=(640, 560), font_px=13):
    project = projector(BOUNDS, plot_px)
    out = {}
    for label in labels:
        x, y = project(label.lon, label.lat)
        size = (len(label.text) * CHAR_WIDTH * font_px, LINE_HEIGHT * font_px)
        out[label.key] = label_box(x, y, label.size / 2, *size, positions[label.key])
    return out


def test_two_names_of_neighbouring_towns_go_to_opposite_sides():
    labels = [Label("lens", "Lens", 2.83, 50.43, 0), Label("lievin", "Liévin", 2.78, 50.42, 0)]
    positions = place_labels(labels, plot_px=(640, 560), font_px=13, bounds=BOUNDS)
    placed = boxes(labels, positions)
    assert overlap(placed["lens"], placed["lievin"]) == 0


def test_a_name_never_covers_another_symbol():
    labels = [
        Label("a", "Compiègne", 2.83, 49.42, 30),
        Label("b", "Senlis", 2.59, 49.21, 24),
        Label("c", "Beauvais", 2.08, 49.43, 12),
    ]
    positions = place_labels(labels, plot_px=(640, 560), font_px=13, bounds=BOUNDS)
    placed = boxes(labels, positions)
    project = projector(BOUNDS, (640, 560))
    for label, other in itertools.permutations(labels, 2):
        x, y = project(other.lon, other.lat)
        symbol = (x - other.size / 2, y - other.size / 2, x + other.size / 2, y + other.size / 2)
        assert overlap(placed[label.key], symbol) == 0
    for first, second in itertools.combinations(labels, 2):
        assert overlap(placed[first.key], placed[second.key]) == 0


def test_a_lone_name_goes_to_the_right_of_its_symbol():
    assert place_labels([Label("a", "Arras", 2.77, 50.29, 20)], plot_px=(640, 560), font_px=13) == {
        "a": "middle right"
    }


def test_an_optional_name_with_no_free_room_is_left_unwritten() -> None:
    crowded = [
        Label(f"c{n}", "Saint-Rémy-en-l'Eau", 2.5 + n * 0.01, 49.5, 20, optional=True) for n in range(6)
    ]
    positions = place_labels(crowded, plot_px=(640, 560), font_px=13, bounds=BOUNDS)
    assert positions["c0"] and "" in positions.values()  # the largest first; the rest would overprint
    kept = [Label(label.key, label.text, label.lon, label.lat, label.size) for label in crowded]
    assert "" not in place_labels(kept, plot_px=(640, 560), font_px=13, bounds=BOUNDS).values()
