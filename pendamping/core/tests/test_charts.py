"""Charts as inline SVG (core/charts.py): escaped, one mark per value, a legend for several series, the baseline,
a table with the same numbers, and well-formed XML whatever the numbers."""

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from pendamping.core.chart_axis import nice_ticks
from pendamping.core.charts import Chart, Series

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = ("2024 T1", "2024 T2", "2024 T3", "2024 T4")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def parsed(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg()))


def of_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if element.get("class") == name]


def trend() -> Chart:
    return Chart(
        kind="line",
        title="Families above the line",
        categories=QUARTERS,
        series=(Series("Treatment", (10.0, 12.5, None, 18.0)), Series("Control", (10.0, 11.0, 12.0, 13.0))),
        unit="%",
        baseline=20.0,
        baseline_label="Baseline 20 %",
    )


def test_a_line_chart_has_a_square_per_value_a_legend_and_the_baseline() -> None:
    root = parsed(trend())
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.find(f"{SVG}title").text == "Families above the line"  # type: ignore[union-attr]
    assert len(of_class(root, "mark")) == 7  # the missing value has none
    assert [text.text for text in of_class(root, "legend") if text.tag == f"{SVG}text"] == ["Treatment", "Control"]
    assert len(of_class(root, "baseline")) == 1
    assert [text.text for text in of_class(root, "baseline-label")] == ["Baseline 20 %"]


def test_a_missing_value_breaks_the_line() -> None:
    lines = of_class(parsed(trend()), "line")
    assert sorted(len(line.get("points", "").split()) for line in lines) == [2, 4]  # Treatment broken at T3


def test_the_description_sums_the_chart_up() -> None:
    desc = parsed(trend()).find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "2 series over 4 categories" in desc
    assert "highest 18.0% (Treatment, 2024 T4)" in desc
    assert "lowest 10.0% (Treatment, 2024 T1)" in desc
    assert "reference line at 20% (Baseline 20 %)" in desc


def test_simple_bars_have_a_bar_per_value_no_legend_and_an_axis_from_zero() -> None:
    chart = Chart(
        kind="bars",
        title="Families",
        categories=("Kota Surabaya", "Kab. Malang"),
        series=(Series("Families", (120.0, None)),),
    )
    root = parsed(chart)
    assert len(of_class(root, "mark")) == 1
    assert of_class(root, "legend") == []
    ticks = [text.text for text in of_class(root, "tick")]
    assert ticks[0] == "0" and 4 <= len(ticks) <= 6


def test_stacked_bars_sit_on_one_another() -> None:
    chart = Chart(
        kind="bars",
        title="Income change",
        categories=("less", "same", "more"),
        series=(Series("Treatment", (5.0, 10.0, 20.0)), Series("Control", (8.0, 12.0, 6.0))),
    )
    root = parsed(chart)
    bars = of_class(root, "mark")
    assert len(bars) == 6
    first, second = bars[0], bars[1]  # the first category: Treatment at the bottom, Control on top
    assert float(second.get("y", 0)) + float(second.get("height", 0)) == pytest.approx(
        float(first.get("y", 0)), abs=0.11
    )
    assert len([element for element in of_class(root, "legend") if element.tag == f"{SVG}rect"]) == 2


def test_no_text_can_open_a_script() -> None:
    evil = "<script>alert(1)</script>"
    chart = Chart(
        kind="bars",
        title=evil,
        categories=(evil, "b"),
        series=(Series(evil, (1.0, 2.0)), Series("x", (1.0, None))),
        baseline=1.0,
        baseline_label=evil,
    )
    svg = str(chart.svg())
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    html = render_to_string("dashboards/_chart.html", {"chart": chart})
    assert "<script" not in html


def test_the_table_holds_the_numbers_as_given() -> None:
    header, rows = trend().table()
    assert header == ["", "Treatment", "Control"]
    assert rows == [
        ["2024 T1", "10.0%", "10.0%"],
        ["2024 T2", "12.5%", "11.0%"],
        ["2024 T3", "–", "12.0%"],
        ["2024 T4", "18.0%", "13.0%"],
    ]


def test_the_table_groups_rupiah_the_indonesian_way() -> None:
    chart = Chart(
        kind="bars",
        title="Income",
        categories=("a", "b"),
        series=(Series("Income", (1_500_000.0, 250_000.0)),),
        unit="Rp",
    )
    with translation.override("id"):
        assert chart.table()[1] == [["a", "Rp 1.500.000"], ["b", "Rp 250.000"]]
    assert chart.table()[1] == [["a", "Rp 1,500,000"], ["b", "Rp 250,000"]]


def test_large_amounts_name_their_scale_on_the_axis() -> None:
    chart = Chart(kind="bars", title="Loans", categories=("a", "b"), series=(Series("Loans", (4.5e9, 2e9)),), unit="Rp")
    root = parsed(chart)
    assert [text.text for text in of_class(root, "unit")] == ["Rp (billion)"]
    assert "5" in [text.text for text in of_class(root, "tick")]


@pytest.mark.parametrize(
    "chart",
    [
        Chart(kind="line", title="Nothing yet", categories=(), series=()),
        Chart(kind="bars", title="Nothing yet", categories=("a", "b"), series=(Series("s", (None, None)),)),
    ],
)
def test_a_chart_without_data_says_so(chart: Chart) -> None:
    root = parsed(chart)
    assert [text.text for text in of_class(root, "empty")] == ["no data"]
    assert of_class(root, "mark") == []


def test_a_series_must_have_a_value_per_category() -> None:
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart(kind="line", title="t", categories=("a", "b", "c"), series=(Series("s", (1.0, 2.0)),))
    with pytest.raises(ValueError, match="kind"):
        Chart(kind="pie", title="t", categories=(), series=())


def test_a_long_list_of_categories_slants_and_thins_its_labels() -> None:
    names = tuple(f"Kabupaten Nomor {n}" for n in range(38))
    chart = Chart(
        kind="bars",
        title="Regencies",
        categories=names,
        series=(Series("Families", tuple(float(n) for n in range(38))),),
    )
    root = parsed(chart)
    labels = of_class(root, "category")
    assert 5 < len(labels) < 38 and all("rotate(-45" in label.get("transform", "") for label in labels)
    assert len(of_class(root, "mark")) == 38
    assert len(chart.table()[1]) == 38  # the table keeps every name


def test_text_stays_readable_on_a_phone() -> None:
    root = parsed(trend())
    width = float(root.get("viewBox", "").split()[2])
    sizes = [float(element.get("font-size", root.get("font-size", "0"))) for element in root.iter(f"{SVG}text")]
    assert min(sizes) * 360 / width >= 11


def test_the_template_shows_the_picture_and_the_numbers() -> None:
    html = render_to_string("dashboards/_chart.html", {"chart": trend()})
    assert '<figure class="chart">' in html and "<figcaption>Families above the line</figcaption>" in html
    assert "<summary>Numbers as a table</summary>" in html
    assert re.search(r'<th scope="row">2024 T3</th><td class="num">–</td><td class="num">12.0%</td>', html)


values = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def charts(draw: st.DrawFn) -> Chart:
    count = draw(st.integers(min_value=0, max_value=12))
    categories = tuple(draw(st.lists(st.text(max_size=30), min_size=count, max_size=count)))
    series = draw(
        st.lists(st.tuples(st.text(max_size=20), st.lists(values, min_size=count, max_size=count)), max_size=5)
    )
    return Chart(
        kind=draw(st.sampled_from(["line", "bars"])),
        title=draw(st.text(max_size=40)),
        categories=categories,
        series=tuple(Series(name, tuple(numbers)) for name, numbers in series),
        unit=draw(st.sampled_from(["", "%", "Rp"])),
        baseline=draw(values),
        baseline_label=draw(st.text(max_size=20)),
    )


@settings(max_examples=200, deadline=None)
@given(charts())
def test_any_finite_numbers_make_well_formed_svg(chart: Chart) -> None:
    svg = str(chart.svg())
    root = ET.fromstring(svg)
    for element in list(root)[2:]:  # past the title and the description
        for name in ("x", "y", "width", "height", "x1", "y1", "x2", "y2"):
            if name in element.attrib:
                assert math.isfinite(float(element.attrib[name])), (name, element.attrib)
    drawn = sum(v is not None for s in chart.series for v in s.values) if chart.categories else 0
    assert len(of_class(root, "mark")) == drawn
    assert len(chart.table()[1]) == len(chart.categories)


@given(st.floats(min_value=0, max_value=5000), st.floats(min_value=0, max_value=5000))
def test_ticks_are_four_to_six_round_numbers_around_zero_and_the_data(low_part: float, high: float) -> None:
    low = -low_part if low_part < high else 0.0
    ticks = nice_ticks(low, high)
    assert 4 <= len(ticks) <= 6
    assert float(ticks[0]) <= low and float(ticks[-1]) >= high
    steps = {ticks[i + 1] - ticks[i] for i in range(len(ticks) - 1)}
    assert len(steps) == 1
