#!/usr/bin/env python3
"""Checks a thirdside data release as an analyst would load it, with the standard
library only: every CSV parses with Python's csv module; every column is in the data
dictionary (data/README.md) and every value has the dictionary's type (NA for missing);
the workbook opens as a zip of sheets, one per CSV, with the same number of rows.

Usage: scripts/check-data.py reports/data
"""
import csv, re, sys, zipfile, pathlib, datetime
import xml.etree.ElementTree as ET

def fail(msg):
    print(f"check-data: {msg}", file=sys.stderr)
    sys.exit(1)

data = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "reports/data")
readme = (data / "README.md").read_text(encoding="utf-8")
tables = {}
current = None
for line in readme.splitlines():
    m = re.match(r"^## `([a-z]+\.csv)`", line)
    if m:
        current = tables.setdefault(m.group(1), {})
        continue
    m = re.match(r"^\| `([a-z_]+)` \| ([a-z]+) \|", line)
    if m and current is not None:
        current[m.group(1)] = m.group(2)

csvs = sorted(p.name for p in data.glob("*.csv"))
if sorted(tables) != csvs:
    fail(f"the dictionary describes {sorted(tables)}, the release has {csvs}")

def typed(kind, value):
    if value == "NA":
        return True
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "number":
        try:
            float(value)
            return True
        except ValueError:
            return False
    if kind == "boolean":
        return value in ("true", "false")
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
            return True
        except ValueError:
            return False
    return kind == "string"

rows = {}
for name in csvs:
    with open(data / name, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = tables[name]
        missing = [c for c in header if c not in columns]
        if missing:
            fail(f"{name}: columns {missing} are not in the dictionary")
        extra = [c for c in columns if c not in header]
        if extra:
            fail(f"{name}: the dictionary names {extra}, which the file lacks")
        n = 0
        for line, record in enumerate(reader, start=2):
            n += 1
            if len(record) != len(header):
                fail(f"{name}:{line}: {len(record)} fields, the header has {len(header)}")
            for column, value in zip(header, record):
                if value == "":
                    fail(f"{name}:{line}: `{column}` is empty (missing values are NA)")
                if not typed(columns[column], value):
                    fail(f"{name}:{line}: `{column}` = {value!r} is not a {columns[column]}")
        rows[name] = n

book = zipfile.ZipFile(data / "thirdside.xlsx")
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
workbook = ET.fromstring(book.read("xl/workbook.xml"))
sheets = [s.get("name") for s in workbook.find("m:sheets", ns)]
# One sheet per table, in the dictionary's order.
expected = [name[:-4] for name in tables]
if sheets != expected:
    fail(f"the workbook's sheets are {sheets}, expected {expected}")
for n, sheet in enumerate(sheets, start=1):
    xml = ET.fromstring(book.read(f"xl/worksheets/sheet{n}.xml"))
    count = len(xml.find("m:sheetData", ns).findall("m:row", ns))
    if count != rows[sheet + ".csv"] + 1:
        fail(f"sheet {sheet} has {count} rows, {sheet}.csv has {rows[sheet + '.csv'] + 1}")
print(f"check-data: {len(csvs)} tables, {sum(rows.values())} rows, workbook of {len(sheets)} sheets: ok")
