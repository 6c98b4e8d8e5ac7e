"""Spreadsheet output shared by every export: formula-safe cells and streaming CSV/XLSX sinks.

Exports (questionnaire answers, the voice pool, …) write rows into a sink and take its bytes;
every cell goes through safe_cell so text starting with = + - @ (half or full width), TAB or CR
cannot run as a formula in Excel or WPS.
"""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(v):
    """Text starting like a formula is prefixed with '."""
    return "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v


def xlsx_cell(v):
    """safe_cell, with the control characters XLSX cannot hold replaced by U+FFFD."""
    if isinstance(v, str):
        return safe_cell(ILLEGAL_XLSX.sub("\ufffd", v))
    return v


class CsvSink:
    """UTF-8 CSV with a BOM, so Excel opens Chinese text correctly."""

    def __init__(self):
        self.buf = io.StringIO()
        self.buf.write("\ufeff")
        self.writer = csv.writer(self.buf)

    def add(self, row):
        self.writer.writerow([safe_cell(v) for v in row])

    def data(self) -> bytes:
        return self.buf.getvalue().encode("utf-8")


class XlsxSink:
    """A write-only workbook with one sheet."""

    def __init__(self, sheet: str):
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet(sheet)

    def add(self, row):
        self.ws.append([xlsx_cell(v) for v in row])

    def data(self) -> bytes:
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def sink(fmt: str, sheet: str):
    return CsvSink() if fmt == "csv" else XlsxSink(sheet)
