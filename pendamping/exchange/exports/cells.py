"""Cell values as a spreadsheet must receive them: text that a spreadsheet would run as a formula is neutralised.

A cell that starts with `=`, `+`, `-` or `@` is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`,
`+62…`, `@SUM(1)`), and a leading tab or carriage return can hide one; the OWASP guidance on CSV injection is to
prefix such text with an apostrophe, which every spreadsheet shows as plain text. Numbers are not text: a negative
amount stays a number (the writers only pass strings through here)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """`=1+1` -> `'=1+1`; anything else unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
