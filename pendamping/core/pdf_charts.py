"""Charts in the PDF reports, drawn with fpdf2's own lines, rectangles and text from the same layout as the SVG on
the page (`chart_scene`): no SVG is parsed, so what fpdf2's SVG reader would drop (or mangle) cannot go missing."""

from __future__ import annotations

from fpdf import FPDF

from pendamping.core.chart_scene import Line, Mark, Polyline, Rect, Scene, Text

PT = 25.4 / 72  # mm in a point


class _Place:
    """From the scene's units to millimetres on the page."""

    def __init__(self, x: float, y: float, scale: float) -> None:
        self.x0, self.y0, self.scale = x, y, scale

    def x(self, value: float) -> float:
        return self.x0 + value * self.scale

    def y(self, value: float) -> float:
        return self.y0 + value * self.scale


def _stroke(pdf: FPDF, colour: str, width: float, dash: tuple[float, float] | None, place: _Place) -> None:
    pdf.set_draw_color(colour)
    pdf.set_line_width(width * place.scale)
    if dash:
        pdf.set_dash_pattern(dash[0] * place.scale, dash[1] * place.scale)
    else:
        pdf.set_dash_pattern()


def _rect(pdf: FPDF, mark: Rect, place: _Place) -> None:
    pdf.set_fill_color(mark.fill)
    if mark.stroke:
        _stroke(pdf, mark.stroke, 1.0, None, place)
    x, y, w, h = place.x(mark.x), place.y(mark.y), mark.w * place.scale, mark.h * place.scale
    pdf.rect(x, y, w, h, style="DF" if mark.stroke else "F")


def _text(pdf: FPDF, mark: Text, place: _Place) -> None:
    pdf.set_font(style="", size=mark.size * place.scale / PT)
    width = pdf.get_string_width(mark.text)
    x, y = place.x(mark.x), place.y(mark.y)
    left = x - {"start": 0.0, "middle": width / 2, "end": width}[mark.anchor]
    if mark.rotate:
        # SVG turns clockwise on a y-down canvas, fpdf2 counter-clockwise: the same turn has the opposite sign.
        with pdf.rotation(-mark.rotate, x, y):
            pdf.text(left, y, mark.text)
    else:
        pdf.text(left, y, mark.text)


def _draw(pdf: FPDF, mark: Mark, place: _Place) -> None:
    if isinstance(mark, Rect):
        _rect(pdf, mark, place)
    elif isinstance(mark, Line):
        _stroke(pdf, mark.colour, mark.width, mark.dash, place)
        pdf.line(place.x(mark.x1), place.y(mark.y1), place.x(mark.x2), place.y(mark.y2))
    elif isinstance(mark, Polyline):
        _stroke(pdf, mark.colour, mark.width, mark.dash, place)
        pdf.polyline([(place.x(x), place.y(y)) for x, y in mark.points], style="D")
    else:
        _text(pdf, mark, place)


def draw_scene(pdf: FPDF, drawing: Scene, x: float, y: float, scale: float) -> None:
    """Draw `drawing` with its top left corner at (x, y) mm, `scale` mm to the scene's unit."""
    place = _Place(x, y, scale)
    pdf.set_text_color(0)
    for mark in drawing.marks:
        _draw(pdf, mark, place)
    pdf.set_dash_pattern()
