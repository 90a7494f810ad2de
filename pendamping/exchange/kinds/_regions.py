"""The villages of the region table, indexed once per import: by code (dotted or plain digits) and by name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pendamping.exchange.kinds.base import RowInvalid
from pendamping.regions.models import Region


def _norm(name: str) -> str:
    # "KAB. MALANG", "Kabupaten Malang" and "malang" name one regency; "KOTA MALANG" stays a different one.
    text = re.sub(r"^\s*(kabupaten|kab\.?)\s+", "", str(name).lower())
    return re.sub(r"[^a-z0-9]", "", text)


def dotted(code: Any) -> str:
    """ "3578011001", 3578011001 or "35.78.01.1001" -> "35.78.01.1001"; anything else is returned trimmed."""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    text = str(code).strip()
    if re.fullmatch(r"[0-9]{10}", text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text


@dataclass
class Villages:
    by_code: dict[str, str] = field(default_factory=dict)  # village code -> regency code
    by_name: dict[str, list[str]] = field(default_factory=dict)  # normalised name -> village codes
    names: dict[str, str] = field(default_factory=dict)  # any region code -> its name

    @classmethod
    def load(cls) -> Villages:
        index = cls()
        for code, name, level in Region.objects.values_list("code", "name", "level"):
            index.names[code] = name
            if level == Region.Level.VILLAGE:
                index.by_code[code] = code[:5]
                index.by_name.setdefault(_norm(name), []).append(code)
        return index

    def find(self, *, code: Any, name: Any, district: Any, regency: Any) -> str:
        """The village a row means, by code, or by name narrowed by kecamatan/regency names; RowInvalid if none
        or several fit."""
        if str(code or "").strip():
            village = dotted(code)
            if village not in self.by_code:
                raise RowInvalid.one("desa_code", _("Unknown village (desa/kelurahan) code: %(code)s") % {"code": code})
            return village
        if not str(name or "").strip():
            raise RowInvalid.one("desa_code", _("Give the village code (KODE DESA) or the village name (NAMA DESA)."))
        return self._by_name(name, district, regency)

    def _by_name(self, name: Any, district: Any, regency: Any) -> str:
        found = self.by_name.get(_norm(name), [])
        for parent, width in ((district, 8), (regency, 5)):
            if str(parent or "").strip():
                found = [c for c in found if _norm(self.names.get(c[:width], "")) == _norm(parent)]
        if len(found) == 1:
            return found[0]
        if not found:
            raise RowInvalid.one("desa_name", _("No village named %(name)s in the region table.") % {"name": name})
        raise RowInvalid.one(
            "desa_name",
            _("%(n)d villages are named %(name)s; add the KECAMATAN column or use KODE DESA.")
            % {"n": len(found), "name": name},
        )
