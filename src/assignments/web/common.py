"""What the model pages (:mod:`assignments.web.app`) and the roster operations section
(:mod:`assignments.web.roster_ops`) share: the upload limit, status words, the issue table's
columns and the row preview (here, so that neither page module imports the other)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assignments.core.i18n import tr

__all__ = ["MAX_UPLOAD_MB", "_issue_columns", "_row_of", "_status_text"]

MAX_UPLOAD_MB = 20
"""The largest file the upload accepts (MB)."""

def _status_text(status: str, lang: str) -> str:
    return {"optimal": tr("optimal (proven best)", lang=lang),
            "feasible": tr("feasible (not proven best)", lang=lang),
            "infeasible": tr("infeasible: no plan satisfies every rule", lang=lang),
            "unknown": tr("no plan found within the time limit", lang=lang),
            "invalid": tr("invalid model (a bug: please report it)", lang=lang)}.get(status,
                                                                                    status)


def _issue_columns(lang: str) -> list[dict[str, Any]]:
    return [{"name": k, "label": label, "field": k, "align": "left"}
            for k, label in (("sheet", tr("Sheet", lang=lang)), ("row", tr("Row", lang=lang)),
                             ("column", tr("Column", lang=lang)),
                             ("record", tr("Record", lang=lang)),
                             ("message", tr("Message", lang=lang)))]


def _row_of(workbook: Path, sheet: str, row: int) -> list[tuple[str, str]]:
    """The cells of one row of an uploaded workbook or CSV folder (header → value), for the
    issue dialog: read by the shared reader (its size limits; every row and column there is,
    whatever the sheet's ``<dimension>`` claims), the header being the sheet's first non-empty
    row as the models read it.

    Raises
    ------
    InputError
        The file is too large or unreadable (located).
    """
    from assignments.core.io import _clean, _raw_sheets

    raw = _raw_sheets(workbook)
    name = next((n for n in raw if n == sheet or sheet.startswith(n)
                 or n.startswith(sheet.split(" ")[0])), None)
    if name is None or row < 1:
        return []
    header: list[Any] | None = None
    for i, cells in enumerate(raw[name].rows, start=1):
        if header is None and any(_clean(v) is not None for v in cells):
            header = list(cells)
        if i == row:
            values = list(cells)
            break
    else:
        return []
    header = header or []
    return [(str(h) if h is not None else "", "" if v is None else str(v))
            for h, v in zip(header, values, strict=False)]
