"""Small instruments and answer sets for the engine's tests."""

from __future__ import annotations

from pendamping.evaluation.engine.model import Answer, Aspect, Instrument, Item, Option

YES_NO = (Option("ya", "Ya", True), Option("tidak", "Tidak", False))
LIKERT5 = tuple(Option(str(k), f"L{k}", k >= 4, float(k)) for k in range(1, 6))
CATEGORIES = (Option("a", "A", True), Option("b", "B", False), Option("c", "C", False))


def yes_no_instrument(n_items: int = 1, code: str = "A1") -> Instrument:
    """One aspect of ``n_items`` yes/no items named I1, I2, ..."""
    items = tuple(Item(f"I{k}", f"Item {k}", "binary", YES_NO) for k in range(1, n_items + 1))
    return Instrument("T", 1, "Test", (Aspect(code, "Aspect one", items),))


def likert_instrument() -> Instrument:
    """One aspect of one 5-point Likert item L (scores 1..5, favourable 4 and 5)."""
    return Instrument("T", 1, "Test", (Aspect("A1", "Likert", (Item("L", "Likert", "likert", LIKERT5, True),)),))


def mixed_instrument() -> Instrument:
    """Three aspects: yes/no + Likert items, a single categorical item, a single yes/no item."""
    return Instrument(
        "M",
        2,
        "Mixed",
        (
            Aspect("A1", "Mixed", (Item("y1", "y1", "binary", YES_NO), Item("l1", "l1", "likert", LIKERT5, True))),
            Aspect("A2", "Categorical", (Item("c1", "c1", "categorical", CATEGORIES),)),
            Aspect("A3", "Single", (Item("s1", "s1", "binary", YES_NO),)),
        ),
    )


def answers(arm: str, wave: str, item: str, values: list[str], prefix: str | None = None) -> list[Answer]:
    """One answer per respondent (named <prefix><k>) for one item and wave."""
    prefix = prefix if prefix is not None else arm[0].upper()
    return [Answer(f"{prefix}{k}", arm, wave, item, v) for k, v in enumerate(values, start=1)]
