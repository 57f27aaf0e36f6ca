"""Render the first page of each shipped example's notice.pdf to docs/img/ (the README's images).

Usage: ``python scripts/render_notices.py OUT_ROSTER OUT_MENTORING OUT_FUNDING`` — the output
folders of ``assignments <model> solve instances/<model>/tiny.xlsx --out ...``. Needs pypdfium2
(``pip install -e ".[test]"``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]


def render(pdf_path: Path, png: Path, *, scale: float = 1.0) -> Path:
    """The first page of ``pdf_path`` as a small (256-colour) PNG."""
    page = pdfium.PdfDocument(pdf_path)[0]
    image = page.render(scale=scale).to_pil().convert("RGB").quantize(colors=64)
    png.parent.mkdir(parents=True, exist_ok=True)
    image.save(png, optimize=True)
    return png


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    for model, folder in zip(("roster", "mentoring", "funding"), argv, strict=True):
        out = render(Path(folder) / "notice.pdf", ROOT / "docs" / "img" / f"notice_{model}.png")
        print(f"{out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
