"""Mentoring's printable notice (师徒结对名单, ``notice.pdf``) and the print titles of
``pairs.xlsx``: every pair with its subject and the two schools."""

from __future__ import annotations

from pathlib import Path

from assignments.core.i18n import tr, use_lang
from assignments.core.notice import Notice, write_notice_pdf
from assignments.core.printsetup import PrintOptions
from assignments.mentoring.data import MentoringData
from assignments.mentoring.solution import MentorSolution

__all__ = ["NOTICE", "mentoring_notice", "print_options", "write_notice"]

#: The notice's file name in the output folder.
NOTICE = "notice.pdf"


def _organisation(data: MentoringData) -> str | None:
    """The bureau's name, when the input gives one (an ``organisation`` pairing parameter)."""
    value = getattr(data.policy, "organisation", None)
    return str(value) if value else None


def print_options(data: MentoringData, *, lang: str = "zh") -> PrintOptions:
    """Page header of ``pairs.xlsx``: the bureau and 师徒结对名单."""
    return PrintOptions(title=tr("Mentor pairs", lang=lang),
                        organisation=_organisation(data), lang=lang)


def mentoring_notice(data: MentoringData, sol: MentorSolution, *, lang: str = "zh") -> Notice:
    """师徒结对名单: one row per pair (subject, mentor and school, mentee and school, a note
    for pairs across schools and pairs fixed by the input), sorted by the mentor's school,
    subject, mentor;
    the unpaired mandatory mentees counted after the table."""
    with use_lang(lang):
        return _notice(data, sol, lang)


def _notice(data: MentoringData, sol: MentorSolution, lang: str) -> Notice:
    school = data.school
    teacher = data.teacher

    def school_label(sid: str) -> str:
        return school[sid].label if sid in school else sid

    pairs = []
    for p in sol.pairs:
        m, e = teacher[p.mentor], teacher[p.mentee]
        subject = "、".join(sorted(set(m.subjects) & set(e.subjects)) or e.subjects)
        note = []
        if m.school != e.school:
            note.append(tr("across schools"))
        if p.forced:
            note.append(tr("fixed by input"))
        pairs.append((school_label(m.school), subject, m.label, e.label,
                      school_label(e.school), tr(", ").join(note)))
    pairs.sort()
    rows = [[str(i), sub, mentor, mschool, mentee, eschool, note]
            for i, (mschool, sub, mentor, mentee, eschool, note) in enumerate(pairs, start=1)]
    unpaired = [t for t in sol.unpaired if t in teacher and data.is_mandatory(teacher[t])]
    intro = [tr("The mentor pairs are as follows ({n} pairs).", n=len(rows)),
             tr("Each pair signs a pairing agreement; mentor and mentee observe each other's "
                "lessons as required, and the schools keep the records.")]
    closing = ([tr("{n} teacher(s) who must be paired have no mentor yet; the reasons are in "
                   "the unpaired sheet of pairs.xlsx.", n=len(unpaired))] if unpaired else [])
    columns = [tr("No."), tr("Subject"), tr("Mentor"), tr("Mentor's school"), tr("Mentee"),
               tr("Mentee's school"), tr("Note")]
    return Notice(title=tr("Mentor pairs"), columns=columns, rows=rows,
                  intro=intro, closing=closing, organisation=_organisation(data),
                  widths=[0.6, 1.1, 1.2, 1.8, 1.2, 1.8, 1.2], lang=lang)


def write_notice(path: Path, data: MentoringData, sol: MentorSolution, *,
                 lang: str = "zh") -> Path:
    """Write :func:`mentoring_notice` as a PDF to ``path``."""
    return write_notice_pdf(path, mentoring_notice(data, sol, lang=lang))
