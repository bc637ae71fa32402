"""Requests no browser of ours would send: unknown paths, other methods, broken query strings, forged or
malformed callback requests. Each gets a clean French refusal or a harmless answer, never a 500 or a trace.

Every request goes through Flask's test client (nothing leaves the process); the module prints how many
were sent and how many got a 500.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import create_app
from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import FINANCING_CODES, PROGRAMMES, STATUS_CHOICES_KNOWN
from dashboard.endpoints import guard
from dashboard.model.state import parse_view
from dashboard.settings import Settings
from dashboard.web import components
from dashboard.web.context import build_context
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Ctl, Region
from tests.conftest import REAL_DATA
from tests.dash_requests import CALLBACK_URL, callback_body, find_callback, find_output, pattern_ids

REFUSALS = {400, 404, 405, 413, 415}
SHIPPED = build_context(load_dataset(REAL_DATA, Report()))
LAST_YEAR, DEFAULT_YEAR = (
    SHIPPED.lookups.years[1],
    SHIPPED.lookups.default_year,
)  # the period's end, the latest source's
FUZZ_EXAMPLES = 400  # per run of the callback fuzzer (two runs); each example is one request
SHAPELESS_EXAMPLES = 200


@pytest.fixture(scope="module")
def tally(request):
    counts: Counter = Counter()
    yield counts
    statuses = ", ".join(
        f"{status}: {counts[status]}" for status in sorted(k for k in counts if isinstance(k, int))
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        fuzzed = ", ".join(
            f"{key[5:]}: {n}"
            for key, n in sorted((k, v) for k, v in counts.items() if str(k).startswith("fuzz "))
        )
        print(
            f"\n[hostile requests] {counts['sent']} sent ({counts['fuzz']} from fuzzing), "
            f"{counts[500]} answered 500; statuses {statuses}; fuzzing alone {fuzzed}"
        )


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(data_dir=REAL_DATA))


@pytest.fixture(scope="module")
def send(app, tally):
    client = app.server.test_client()

    def send(method: str, url: str, *, fuzz: bool = False, **options):
        answer = client.open(url, method=method, **options)
        tally["sent"] += 1
        tally["fuzz"] += fuzz
        if fuzz:
            tally[f"fuzz {answer.status_code}"] += 1
        tally[answer.status_code] += 1
        text = answer.get_data(as_text=True)
        assert answer.status_code != 500, f"{method} {url}: 500"
        assert "Traceback" not in text and 'File "' not in text, f"{method} {url}: a trace"
        return answer

    return send


def post(send, body, **options):
    # data=, not json=: the test client sends json=None as no body at all
    return send("POST", CALLBACK_URL, data=json.dumps(body), content_type="application/json", **options)


def updates_nothing(answer) -> bool:
    """Dash's answer when every output is ``no_update``."""
    return answer.status_code == 204 or (answer.status_code == 200 and answer.get_json()["response"] == {})


# --- URLs that are not pages ---------------------------------------------------------------------------

NOT_PAGES = [
    "/_dash-component-suites/nope.js",
    "/_dash-component-suites/dash/nope.js",
    "/_dash-component-suites/dash/../../dash.py",
    "/_dash-component-suites/os/path.py",
    "/_dash-component-suites/dash/deps/react@18.v0_0_0m1.3.1.min.js.map.txt",
    "/geo/nope",
    "/geo/../app.py",
    "/geo/communes-region-000000000000.geojson",
    "/assets/../app.py",
    "/assets/%2e%2e/dashboard/app.py",
    "/assets/..%2fdashboard%2fapp.py",
    "/assets/nope.css",
    "/assets/vendor/../../dashboard/app.py",
    "/.git/config",
    "/.env",
    "/healthz/x",
    "/commune/%00",
    "/commune/02691/../../etc/passwd",
    "/commune/" + "9" * 5000,
    "/%ff",
    "/_dash-layout/x",
    "/_dash-update-component",
    "/_reload-hash",
    "/static/app.py",
    "/wp-login.php",
    "/index.php?x=<script>",
]


@pytest.mark.parametrize("url", NOT_PAGES)
def test_a_url_that_is_not_a_page_is_a_french_404(send, url: str) -> None:
    answer = send("GET", url)
    assert answer.status_code == 404
    text = answer.get_data(as_text=True)
    assert 'lang="fr"' in text or answer.get_json()["erreur"] == "Page introuvable"
    assert "x=<script>" not in text  # nothing echoed


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/commune/02691",
        "/healthz",
        "/assets/style.css",
        "/geo/nope",
        "/_dash-layout",
        "/_dash-update-component",
    ],
)
@pytest.mark.parametrize("method", ["PUT", "DELETE", "TRACE", "PATCH", "PROPFIND", "CONNECT"])
def test_other_methods_are_a_405_that_says_what_is_allowed(send, url: str, method: str) -> None:
    answer = send(method, url)
    assert answer.status_code == 405
    assert "Allow" in answer.headers
    assert "TRACE" not in answer.headers["Allow"]


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_are_harmless(send, method: str) -> None:
    assert send(method, "/").status_code == (200 if method == "HEAD" else 204)


@pytest.mark.parametrize("url", ["/healthz", "/assets/style.css", "/_dash-update-component", "/"])
def test_options_says_which_methods_a_url_takes(send, url: str) -> None:
    answer = send("OPTIONS", url)
    assert answer.status_code == 204 and "GET" in answer.headers["Allow"]
    assert ("POST" in answer.headers["Allow"]) == (url == "/_dash-update-component")
    assert "Content-Security-Policy" in answer.headers


def test_a_refused_callback_request_is_logged_on_one_line_without_its_body(send, caplog) -> None:
    secret = "corps-" + "x" * 50
    with caplog.at_level("WARNING", logger="dashboard.endpoints.guard"):
        answer = post(send, {"output": secret, "outputs": [], "inputs": [], "changedPropIds": []})
    assert answer.status_code == 400
    [record] = [r for r in caplog.records if r.name == "dashboard.endpoints.guard"]
    line = record.getMessage()
    assert line.startswith("callback request refused (400): mise à jour inconnue; from ")
    assert secret not in line and "\n" not in line


# --- Query strings ----------------------------------------------------------------------------------------

QUERIES = [
    ("?annee=99999", 2026, "Année « 99999 » hors de la période 2018–2026 : 2026 affichée."),
    ("?annee=abc", 2026, "Année « abc » illisible : 2026 affichée."),
    ("?annee=%C2%B2", 2026, "Année « ² » illisible : 2026 affichée."),  # a digit for isdigit(), not for int()
    ("?annee=-3", 2026, "Année « -3 » illisible : 2026 affichée."),
    ("?dep=99", 2026, "Département inconnu ignoré : « 99 »."),
    ("?%zz", 2026, "Adresse mal encodée : un « % » n'y est pas suivi de deux chiffres hexadécimaux."),
    ("?" + "dep=60&" * 400, 2026, "Adresse trop longue : filtres ignorés."),
    ("?" + "a=1&" * 400, 2026, "Adresse illisible : filtres ignorés."),
    ("?annee=2020&annee=2021", 2020, None),  # the first one counts
    ("?dep=60&dep=60&dep=02", 2026, None),
    ("?utm_source=lettre", 2026, None),  # unknown keys: ignored silently (shared links carry them)
]


@pytest.mark.parametrize("query, year, notice", QUERIES)
def test_a_malformed_query_falls_back_to_defaults_with_a_notice(
    query: str, year: int, notice: str | None
) -> None:
    view = parse_view(
        query, years=(2018, 2026), vocabularies=vocabularies({"02", "60"}, {"02691"}), filters=FILTERS
    )
    assert view.year == year
    assert (notice in view.notices) if notice else view.notices == ()


def test_repeated_filters_are_kept_once() -> None:
    view = parse_view(
        "?dep=60&dep=60&dep=02",
        years=(2018, 2026),
        vocabularies=vocabularies({"02", "60"}, set()),
        filters=FILTERS,
    )
    assert view.of("departements") == ("60", "02")


def vocabularies(departements: set[str], communes: set[str]) -> dict[str, set[str] | tuple[str, ...]]:
    return {
        "departements": departements,
        "communes": communes,
        "programmes": PROGRAMMES,
        "statuses": STATUS_CHOICES_KNOWN,
        "codes": FINANCING_CODES,
    }


@pytest.mark.parametrize("query, notice", [(q, n) for q, _, n in QUERIES if n])
def test_the_page_shows_the_notice_of_a_malformed_query(app, send, query: str, notice: str) -> None:
    # The address sets the controls on a navigation of the browser (assets/slide.js sends it).
    body = callback_body(
        app,
        find_output(app, "ctl-year.value...ctl-departement"),
        {"shell-nav.data": {"search": query, "n": 1}},
        changed=["shell-nav.data"],
    )
    answer = post(send, body)
    assert answer.status_code == 200
    expected = notice.replace("2026 affichée", f"{DEFAULT_YEAR} affichée").replace("2026", str(LAST_YEAR))
    assert expected in json.dumps(answer.get_json(), ensure_ascii=False)


# --- Forged callback requests ------------------------------------------------------------------------


def sync(app, **values):
    return callback_body(app, find_output(app, "_pages_location.search"), values, changed=["ctl-year.value"])


def region(app, **values):
    return callback_body(
        app, find_output(app, "region-figures.children"), {"region-ready.data": True, **values}
    )


def response_of(answer) -> dict:
    return answer.get_json()["response"]


@pytest.mark.parametrize(
    "year, shown",
    [(99999, LAST_YEAR), (-5, 2018), (10**100, LAST_YEAR), (2021.7, 2021), (None, LAST_YEAR), (2021, 2021)],
)
def test_an_out_of_range_year_is_clamped(app, send, year, shown: int) -> None:
    answer = post(send, sync(app, **{"ctl-year.value": year}))
    assert answer.status_code == 200
    assert response_of(answer)["_pages_location"]["search"] == f"?annee={shown}"  # the address says it
    assert post(send, region(app, **{"ctl-year.value": year})).status_code == 200


def test_unknown_codes_are_dropped_and_known_ones_kept(app, send) -> None:
    answer = post(
        send,
        sync(
            app,
            **{
                "ctl-year.value": 2021,
                "ctl-departement.value": ["99", "60", "60"],
                "ctl-commune.value": "62041",
                "ctl-programme.value": ["<b>x</b>"],
                "ctl-status.value": [],
                "ctl-code.value": ["PLS", "XYZ"] + ["PLS"] * 2000,
            },
        ),
    )
    assert answer.status_code == 200
    shown = response_of(answer)  # the address keeps the known codes only (and the panels read no other)
    assert shown["_pages_location"]["search"] == "?annee=2021&dep=60&commune=62041&financement=PLS"


@pytest.mark.parametrize(
    "key, value",
    [
        ("ctl-year.value", "2021"),
        ("ctl-year.value", [2021]),
        ("ctl-year.value", {"a": 1}),
        ("ctl-year.value", True),
        ("ctl-departement.value", [{"x": 1}]),
        ("ctl-departement.value", 60),
        ("ctl-departement.value", [["60"]]),
        ("_pages_location.search", ["?annee=2021"]),
        ("_pages_location.search", 3),
        ("ctl-reset.n_clicks", -1),
        ("shell-present.n_clicks", "1"),
        ("shell-exit-present.n_clicks", 1.5),
    ],
)
def test_a_value_of_the_wrong_type_is_a_400(app, send, key: str, value) -> None:
    if (
        key == "ctl-reset.n_clicks"
    ):  # Réinitialiser sets the controls, in the callback that follows navigations
        body = callback_body(app, find_callback(app, key), {key: value}, changed=[key])
    else:
        body = sync(app, **{key: value})
    answer = post(send, body)
    assert answer.status_code == 400
    assert answer.get_json()["erreur"] == "Requête invalide"
    assert "refusée" in answer.get_json()["detail"]


def test_the_page_route_takes_any_path_and_search(app, send) -> None:
    output = find_output(app, "_pages_content.children")
    for pathname, search in [
        ("/commune/" + "9" * 10_000, ""),
        ("//evil.example", "//evil.example"),
        ("/commune/02691", "?annee=%C2%B2"),
        ("/", None),
        ("/commune/62041", "\ud800"),
    ]:
        answer = post(
            send,
            callback_body(
                app, output, {"_pages_location.pathname": pathname, "_pages_location.search": search}
            ),
        )
        assert answer.status_code == 200
        assert '"//evil' not in answer.get_data(as_text=True)  # the back link stays on this site
    for pathname in (["/"], None):  # the browser always sends a path; Dash Pages' router needs one
        assert (
            post(send, callback_body(app, output, {"_pages_location.pathname": pathname})).status_code == 400
        )


def test_a_forged_sort_is_ignored(app, send) -> None:
    table = find_output(app, "region-table.children")
    for sort in ({"column": ["x"], "descending": "yes"}, {"column": "__class__"}, {}, None):
        assert (
            post(
                send, callback_body(app, table, {"region-ready.data": True, "region-sort.data": sort})
            ).status_code
            == 200
        )
    assert post(send, callback_body(app, table, {"region-sort.data": "commune"})).status_code == 400
    sort = find_output(app, "region-sort.data")
    body = callback_body(app, sort, {"region-sort.data": "x"})
    assert post(send, body).status_code == 400
    # A click on a sort button that is not in the page: its id is not among the inputs.
    body = callback_body(
        app,
        sort,
        {"region-sort.data": {"column": "commune"}},
        changed=['{"column":"__class__","type":"region-sort-button"}.n_clicks'],
    )
    assert post(send, body).status_code == 400
    # The same button forged into the inputs too: nothing to sort by, no update (204).
    body = callback_body(
        app,
        sort,
        {"region-sort.data": {"column": "commune"}},
        changed=['{"column":"zzz","type":"region-sort-button"}.n_clicks'],
    )
    body["inputs"][0].append(
        {"id": {"column": "zzz", "type": Region.SORT_BUTTON}, "property": "n_clicks", "value": 1}
    )
    assert updates_nothing(post(send, body))


@pytest.mark.parametrize(
    "click, outcome",
    [
        ({"points": "x"}, None),
        ({"points": [{"customdata": "62041"}]}, "/commune/62041"),
        ({"points": [["62041"]]}, None),
        ({"points": [{"customdata": [{"a": 1}]}]}, None),
        ([], 400),
        ("62041", 400),
        (None, None),
    ],
)
def test_a_forged_map_click_opens_at_most_a_commune_page(app, send, click, outcome) -> None:
    answer = post(
        send,
        callback_body(
            app,
            find_callback(app, "region-map.clickData"),
            {"region-map.clickData": click},
            changed=["region-map.clickData"],
        ),
    )
    if outcome == 400:
        assert answer.status_code == 400
    elif outcome is None:
        assert updates_nothing(answer)
    else:
        assert response_of(answer)["_pages_location"]["pathname"] == outcome


@pytest.mark.parametrize(
    "code, outcome", [("99999", "nothing"), ("62041", "panels"), (["62041"], 400), (None, "nothing")]
)
def test_the_commune_panels_answer_only_for_a_known_commune(app, send, code, outcome) -> None:
    answer = post(
        send, callback_body(app, find_output(app, "commune-figures.children"), {"commune-ready.data": code})
    )
    if outcome == 400:
        assert answer.status_code == 400
    elif outcome == "nothing":
        assert updates_nothing(answer)
    else:
        assert "commune-map" in response_of(answer)


def malformed_bodies(app) -> list[tuple[str, object]]:
    good = region(app, **{"ctl-year.value": 2021})  # a callback that declares no state
    cases: list[tuple[str, object]] = [
        ("list", []),
        ("string", "x"),
        ("number", 1),
        ("null", None),
        ("empty", {}),
    ]
    for key in ("output", "outputs", "inputs"):  # no changedPropIds: Dash reads it as [], harmless
        cases.append((f"without {key}", {k: v for k, v in good.items() if k != key}))
    cases += [
        ("unknown output", {**good, "output": "nope.children"}),
        ("output of another callback", {**good, "output": find_output(app, "region-table.children")}),
        ("one input short", {**good, "inputs": good["inputs"][:-1]}),
        ("an input renamed", {**good, "inputs": [{**good["inputs"][0], "id": "other"}, *good["inputs"][1:]]}),
        (
            "an input's property renamed",
            {**good, "inputs": [{**good["inputs"][0], "property": "href"}, *good["inputs"][1:]]},
        ),
        ("inputs as a dict", {**good, "inputs": {"a": 1}}),
        ("outputs as a string", {**good, "outputs": "_pages_location.search"}),
        ("changed ids not a list", {**good, "changedPropIds": "ctl-year.value"}),
        ("changed id not an input", {**good, "changedPropIds": ["_pages_content.children"]}),
        ("changed id broken pattern", {**good, "changedPropIds": ['{"column":.n_clicks']}),
        ("deep nesting", {**good, "extra": json.loads("[" * 200 + "]" * 200)}),
        ("too many values", {**good, "extra": list(range(guard.MAX_NODES))}),
        (
            "state where none is declared",
            {**good, "state": [{"id": "_pages_location", "property": "search"}]},
        ),
        ("a clientside callback", callback_body(app, find_output(app, "live-built.data"))),
    ]
    table = callback_body(app, find_output(app, "region-table.children"), {"region-ready.data": True})
    cases.append(("declared state missing", {k: v for k, v in table.items() if k != "state"}))
    sort = callback_body(app, find_output(app, "region-sort.data"), {"region-sort.data": {}})
    sort["inputs"][0] = sort["inputs"][0] * (guard.MAX_ITEMS // len(sort["inputs"][0]) + 1)
    cases.append(("pattern matching thousands", sort))
    sort = callback_body(app, find_output(app, "region-sort.data"), {"region-sort.data": {}})
    sort["inputs"][0][0] = {"id": {"column": "commune", "type": ["x"]}, "property": "n_clicks", "value": 1}
    cases.append(("pattern id of another type", sort))
    return cases


def test_a_malformed_callback_request_is_a_short_400(app, send) -> None:
    for name, body in malformed_bodies(app):
        answer = post(send, body)
        assert answer.status_code == 400, name
        assert set(answer.get_json()) == {"erreur", "detail"}, name
        assert len(answer.get_data()) < 300, name


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ("nope", "application/json", 400),
        ('{"output": NaN}', "application/json", 400),
        ('{"output": "x", "n": 1e400}', "application/json", 400),
        ("[" * 100_000, "application/json", 400),  # Python's parser gives up: RecursionError
        ('{"n": ' + "9" * 5000 + "}", "application/json", 400),  # over Python's int digits limit
        (b"\xff\xfe", "application/json", 400),
        ('{"output": "x"}', "text/plain", 415),
        ("output=x", "application/x-www-form-urlencoded", 415),
        ('{"output": "x"}', None, 415),
        ("x" * (300 * 1024), "application/json", 413),
    ],
)
def test_a_body_that_is_not_a_small_json_object_is_refused(send, data, content_type, status: int) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = send("POST", CALLBACK_URL, data=data, headers=headers)
    assert answer.status_code == status
    assert answer.get_json()["erreur"]


def test_the_live_poll_takes_only_its_own_types(app, send) -> None:
    poll = find_output(app, "live-banner.children")
    assert (
        post(
            send, callback_body(app, poll, {"live-poll.n_intervals": 3, "live-latest.data": {"x": [1]}})
        ).status_code
        == 200
    )
    for values in ({"live-poll.n_intervals": -1}, {"live-poll.n_intervals": "1"}, {"live-latest.data": "v"}):
        assert post(send, callback_body(app, poll, values)).status_code == 400


# --- Fuzzing -----------------------------------------------------------------------------------------

KNOWN = [
    "2021",
    "99999",
    "60",
    "99",
    "02691",
    "62041",
    "livrée",
    "ACV",
    "hors ACV",
    "PLS",
    "LU",
    "commune",
    "?annee=2021&dep=60",
    "?annee=%C2%B2",
    "/commune/62041",
    "/commune/99999",
    "",
    "?",
    "//x.example",
    "\ud800",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "NaN",
    "%zz",
    "a" * 3000,
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(KNOWN),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(
            st.sampled_from(["points", "customdata", "column", "descending", "x"]) | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=25,
)
# Mostly values of the right type (forged, out of range), so that most requests reach the callbacks.
control_values = st.one_of(
    st.lists(st.sampled_from(KNOWN), max_size=80),
    st.integers(2000, 2040),
    st.none(),
    st.sampled_from(KNOWN),
    values,
)


@st.composite
def forged_requests(draw, app):
    output = draw(st.sampled_from(sorted(app.callback_map)))
    spec = app.callback_map[output]
    plain = [
        f"{dep['id']}.{dep['property']}"
        for dep in spec["inputs"] + spec["state"]
        if not dep["id"].startswith("{")
    ]
    chosen = {key: draw(control_values) for key in plain if draw(st.booleans())}
    inputs = [f"{dep['id']}.{dep['property']}" for dep in spec["inputs"] if not dep["id"].startswith("{")]
    for dep in spec["inputs"]:
        if dep["id"].startswith("{"):
            inputs += [
                f"{json.dumps(i, sort_keys=True, separators=(',', ':'))}.{dep['property']}"
                for i in pattern_ids(dep["id"])
            ]
    changed = draw(st.lists(st.sampled_from(inputs), max_size=2, unique=True)) if inputs else []
    body = callback_body(app, output, chosen, changed=changed)
    for entry in body["inputs"]:
        if isinstance(entry, list):
            for item in entry:
                if draw(st.booleans()):
                    item["value"] = draw(values)
    mutation = draw(st.sampled_from(["none"] * 12 + ["drop", "replace", "extra", "id"]))
    key = draw(st.sampled_from(sorted(body)))
    if mutation == "id" and body["inputs"]:  # one input's id (or a pattern-matched one's) replaced
        entry = draw(st.sampled_from(body["inputs"]))
        target = draw(st.sampled_from(entry)) if isinstance(entry, list) and entry else entry
        if isinstance(target, dict):
            target["id"] = draw(
                st.one_of(
                    values,
                    st.fixed_dictionaries(
                        {"column": values, "type": st.one_of(values, st.just(Region.SORT_BUTTON))}
                    ),
                )
            )
    elif mutation == "drop":
        body.pop(key)
    elif mutation == "replace":
        body[key] = draw(values)
    elif mutation == "extra":
        body[draw(st.text(max_size=10))] = draw(values)
    return body


def fuzz_settings(examples: int) -> settings:
    # Derandomized: the same examples on every run, so a failure found once is found again.
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


@pytest.mark.slow  # a property test: a thousand forged requests
@pytest.mark.parametrize("checks", ["types checked", "shape only"])
def test_fuzzed_callback_requests_never_get_a_500(app, send, monkeypatch, checks: str) -> None:
    if checks == "shape only":  # wrong types reach the callbacks: they must cope on their own
        monkeypatch.setattr(guard, "BY_PROPERTY", {})
        monkeypatch.setattr(guard, "BY_COMPONENT", {})

    @fuzz_settings(FUZZ_EXAMPLES)
    @given(body=forged_requests(app))
    def run(body):
        answer = post(send, body, fuzz=True)
        assert answer.status_code in REFUSALS | {200, 204}

    run()


@pytest.mark.slow  # a property test
@fuzz_settings(SHAPELESS_EXAMPLES)
@given(body=st.one_of(values, st.binary(max_size=500)))
def test_fuzzed_bodies_of_any_shape_are_refused(send, body) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body)
    options = {"data": data, "content_type": "application/json"}
    answer = send("POST", CALLBACK_URL, fuzz=True, **options)
    assert answer.status_code == 400


def test_sort_columns_the_fuzzer_draws_are_the_table_s(app) -> None:
    assert {
        i["column"] for i in pattern_ids(f'{{"column":["ALL"],"type":"{Region.SORT_BUTTON}"}}')
    } == components.SORTABLE
    assert Ctl.YEAR == "ctl-year"  # the keys above name these ids
