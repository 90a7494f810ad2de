"""The instrument file: YAML, checked node by node so every error names its line.

Format (documented with an example in docs/evaluation/README.md)::

    code: PKUBE                 # instrument code
    version: 1                  # a whole number; change it when the questions change
    title: Evaluasi model pendampingan KUBE
    option_sets:                # optional: named option lists that items can refer to
      ya_tidak:
        - {code: ya, label: Ya, favourable: true}
        - {code: tidak, label: Tidak, favourable: false}
    aspects:
      - code: A1
        title: Rekrutmen calon pendamping
        items:
          - code: A1.1
            text: Apakah rekrutmen diumumkan terbuka?
            kind: binary        # binary | categorical | likert
            options: ya_tidak   # a list of options, or the name of an option set
          - code: A1.2
            text: ...
            kind: likert
            ordered: true       # optional; true for likert by default
            options:
              - {code: "1", label: Sangat tidak setuju, favourable: false, score: 1}
              - ...

``favourable`` accepts true/false (also yes/no, ya/tidak); ``favorable`` is accepted too.
YAML anchors and aliases work as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pendamping.evaluation.engine.model import KINDS, Aspect, Instrument, Item, Option
from pendamping.evaluation.engine.validate import instrument_errors, item_errors

__all__ = ["InputError", "instrument_to_yaml", "load_instrument", "parse_instrument"]

_TRUE = ("true", "yes", "ya", "y", "1")
_FALSE = ("false", "no", "tidak", "n", "0")


class InputError(ValueError):
    """Bad input, with where it is: ``file``, ``row`` (1-based line), ``column`` (a header or a key)."""

    def __init__(
        self, message: str, *, file: str | None = None, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.row, self.column, self.reason = file, row, column, message
        where = ", ".join(
            part
            for part in (file or "", f"line {row}" if row is not None else "", f"column '{column}'" if column else "")
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class _Doc:
    """Helpers that read YAML nodes and raise :class:`InputError` at the node's line."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.option_sets: dict[str, tuple[Option, ...]] = {}

    def fail(self, node: yaml.Node, message: str, key: str | None = None) -> InputError:
        return InputError(message, file=self.name, row=node.start_mark.line + 1, column=key)

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of 'key: value' lines")
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            key = "favourable" if key == "favorable" else key
            if key not in allowed:
                raise self.fail(key_node, f"unknown key '{key}' in {what} (expected: {', '.join(allowed)})", key)
            if key in out:
                raise self.fail(key_node, f"key '{key}' appears twice in {what}", key)
            out[key] = value
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list ('- ...' lines)")
        return list(node.value)

    def text(
        self, fields: dict[str, yaml.Node], key: str, where: yaml.Node, what: str, default: str | None = None
    ) -> str:
        node = fields.get(key)
        if node is None:
            if default is not None:
                return default
            raise self.fail(where, f"{what} needs '{key}'", key)
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null" or not str(node.value).strip():
            raise self.fail(node, f"'{key}' of {what} must be a non-empty text", key)
        return str(node.value).strip()

    def flag(self, fields: dict[str, yaml.Node], key: str, default: bool | None, where: yaml.Node) -> bool:
        node = fields.get(key)
        if node is None:
            if default is None:
                raise self.fail(where, f"an option needs '{key}' (true or false)", key)
            return default
        value = str(node.value).strip().casefold() if isinstance(node, yaml.ScalarNode) else ""
        if value in _TRUE or value in _FALSE:
            return value in _TRUE
        raise self.fail(node, f"'{key}' must be true or false, got '{node.value}'", key)

    def number(self, fields: dict[str, yaml.Node], key: str) -> float | None:
        node = fields.get(key)
        if node is None or node.tag == "tag:yaml.org,2002:null":
            return None
        try:
            return float(str(node.value))
        except ValueError:
            raise self.fail(node, f"'{key}' must be a number, got '{node.value}'", key) from None

    def option(self, node: yaml.Node) -> Option:
        fields = self.mapping(node, "an option", ("code", "label", "favourable", "score"))
        code = self.text(fields, "code", node, "an option")
        return Option(code, self.text(fields, "label", node, "an option", default=code),
                      self.flag(fields, "favourable", None, node), self.number(fields, "score"))  # fmt: skip

    def options(self, node: yaml.Node, item: str) -> tuple[Option, ...]:
        if isinstance(node, yaml.ScalarNode):
            if node.value not in self.option_sets:
                known = ", ".join(self.option_sets) or "none defined"
                raise self.fail(node, f"item '{item}': unknown option set '{node.value}' (option_sets: {known})")
            return self.option_sets[node.value]
        return tuple(self.option(n) for n in self.sequence(node, f"the options of item '{item}'"))

    def item(self, node: yaml.Node) -> Item:
        fields = self.mapping(node, "an item", ("code", "text", "kind", "ordered", "options"))
        code = self.text(fields, "code", node, "an item")
        kind = self.text(fields, "kind", node, f"item '{code}'").casefold()
        if kind not in KINDS:
            raise self.fail(fields["kind"], f"item '{code}': kind must be one of {', '.join(KINDS)}, got '{kind}'")
        if "options" not in fields:
            raise self.fail(node, f"item '{code}' needs 'options'", "options")
        text = self.text(fields, "text", node, f"item '{code}'", default=code)
        ordered = self.flag(fields, "ordered", kind == "likert", node)
        item = Item(code, text, kind, self.options(fields["options"], code), ordered)
        errors = item_errors(item, f"item '{code}'")
        if errors:
            raise self.fail(node, "; ".join(errors))
        return item

    def aspect(self, node: yaml.Node, seen: dict[str, int]) -> Aspect:
        fields = self.mapping(node, "an aspect", ("code", "title", "items"))
        code = self.text(fields, "code", node, "an aspect")
        if "items" not in fields:
            raise self.fail(node, f"aspect '{code}' needs 'items'", "items")
        items = []
        for item_node in self.sequence(fields["items"], f"the items of aspect '{code}'"):
            item = self.item(item_node)
            if item.code in seen:
                raise self.fail(item_node, f"item code '{item.code}' is already used on line {seen[item.code]}")
            seen[item.code] = item_node.start_mark.line + 1
            items.append(item)
        return Aspect(code, self.text(fields, "title", node, f"aspect '{code}'", default=code), tuple(items))


def _root(doc: _Doc, root: yaml.Node) -> Instrument:
    top = doc.mapping(root, "the instrument", ("code", "version", "title", "option_sets", "aspects"))
    if "option_sets" in top:
        sets = doc.mapping(top["option_sets"], "option_sets", tuple(str(k.value) for k, _ in top["option_sets"].value))
        doc.option_sets = {name: tuple(doc.option(n) for n in doc.sequence(v, name)) for name, v in sets.items()}
    version_text = doc.text(top, "version", root, "the instrument")
    if not version_text.isdigit() or int(version_text) < 1:
        raise doc.fail(top["version"], f"'version' must be a whole number from 1, got '{version_text}'", "version")
    if "aspects" not in top:
        raise doc.fail(root, "the instrument needs 'aspects'", "aspects")
    seen_items: dict[str, int] = {}
    aspects: list[Aspect] = []
    for node in doc.sequence(top["aspects"], "'aspects'"):
        aspect = doc.aspect(node, seen_items)
        if any(a.code == aspect.code for a in aspects):
            raise doc.fail(node, f"aspect code '{aspect.code}' is used twice")
        aspects.append(aspect)
    code = doc.text(top, "code", root, "the instrument")
    return Instrument(code, int(version_text), doc.text(top, "title", root, "the instrument", default=code),
                      tuple(aspects))  # fmt: skip


def parse_instrument(text: str, *, name: str = "instrument.yaml") -> Instrument:
    """Build an instrument from YAML text; :class:`InputError` names the line of any problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"not valid YAML: {exc.problem or exc}", file=name, row=line) from exc
    if root is None:
        raise InputError("the file is empty", file=name)
    instrument = _root(_Doc(name), root)
    errors = instrument_errors(instrument)
    if errors:
        raise InputError("; ".join(errors), file=name)
    return instrument


def load_instrument(path: str | Path) -> Instrument:
    """Read an instrument from a YAML file."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", file=p.name) from exc
    return parse_instrument(text, name=p.name)


def instrument_to_yaml(instrument: Instrument) -> str:
    """The instrument in the file format above (so an instrument built elsewhere can be exported)."""
    data: dict[str, Any] = {
        "code": instrument.code,
        "version": instrument.version,
        "title": instrument.title,
        "aspects": [
            {"code": a.code, "title": a.title, "items": [
                {"code": i.code, "text": i.text, "kind": i.kind, "ordered": i.ordered, "options": [
                    {"code": o.code, "label": o.label, "favourable": o.favourable, "score": o.score}
                    for o in i.options
                ]} for i in a.items
            ]} for a in instrument.aspects
        ],
    }  # fmt: skip
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
