"""Reading uploaded CSV and XLSX files into tables of raw values (issue 6). `cells` turns the values into types."""

from pendamping.exchange.reading.base import FileProblem, Table, column_letter, normalise_header
from pendamping.exchange.reading.opening import open_table

__all__ = ["FileProblem", "Table", "column_letter", "normalise_header", "open_table"]
