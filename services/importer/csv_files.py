"""Reading an uploaded CSV as Zou does: sniffed dialect, header row, blank lines skipped,
each row with the file line it came from."""

import csv
import io


class CsvError(Exception):
    pass


def rows(raw: bytes) -> list[tuple[int, dict]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("The file is not UTF-8 encoded.") from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192])
        dialect.doublequote = True
    except csv.Error as exc:
        raise CsvError(str(exc)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    out = []
    try:
        for row in reader:
            if not any(isinstance(v, str) and v.strip() for v in row.values()):
                continue
            out.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    except csv.Error as exc:
        raise CsvError(str(exc)) from None
    return out
