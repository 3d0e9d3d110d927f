"""Papers for agenda items: an uploaded file (checked by type, size and content, its SHA-256
kept) or a note of where a paper is held. Replacing the file keeps the earlier version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from saferhub.core.audit import audit_record
from saferhub.core.checks import check_text
from saferhub.core.errors import ValidationProblem
from saferhub.governance.models import AgendaItem, Paper
from saferhub.governance.services.common import item_where

PAPER_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
_ZIP_BASED = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}
PAPER_MAX_BYTES = 25 * 1024 * 1024


@dataclass
class _CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def _check_upload(upload: UploadedFile, *, where: str) -> _CheckedUpload:
    raw_name = PurePath(str(upload.name or "")).name
    name = get_valid_filename(raw_name) if raw_name else ""
    suffix = PurePath(name).suffix.lower()

    def refuse(message: str) -> ValidationProblem:
        return ValidationProblem(message, where=where, field="file")

    if suffix not in PAPER_EXTENSIONS:
        raise refuse(
            f"{raw_name or 'the file'} is not a paper type we accept; use one of: "
            + ", ".join(sorted(PAPER_EXTENSIONS))
        )
    size = int(upload.size or 0)
    if size == 0:
        raise refuse(f"{name} is empty")
    limit = min(PAPER_MAX_BYTES, int(getattr(settings, "SAFERHUB_MAX_UPLOAD_BYTES", PAPER_MAX_BYTES)))
    if size > limit:
        raise refuse(f"{name} is {size:,} bytes; papers can be up to {limit:,} bytes")
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = bytes(chunk[:8])
        digest.update(chunk)
    upload.seek(0)
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise refuse(f"{name} does not look like a PDF")
    if suffix in _ZIP_BASED and not head.startswith(b"PK\x03\x04"):
        raise refuse(f"{name} does not look like a {suffix[1:].upper()} document")
    if suffix in {".csv", ".txt"} and b"\x00" in head:
        raise refuse(f"{name} is not a text file")
    return _CheckedUpload(name=name, content_type=PAPER_EXTENSIONS[suffix], size=size, sha256=digest.hexdigest())


def _store(paper: Paper, checked: _CheckedUpload, upload: UploadedFile) -> None:
    paper.original_name = checked.name
    paper.content_type = checked.content_type
    paper.size = checked.size
    paper.sha256 = checked.sha256
    paper.file.save(checked.name, upload, save=False)


def paper_add(
    *, item: AgendaItem, title: str, file: UploadedFile | None = None, note: str = "", actor: Any = None
) -> Paper:
    """Attach a paper to an agenda item: an uploaded file (checked by type, size and content), or a
    record of a paper held elsewhere (``note`` says where)."""
    where = f"{item_where(item)}, paper"
    title = check_text(title, field="title", where=where, max_length=300, required=True)
    note = check_text(note, field="note", where=where, max_length=300)
    checked = _check_upload(file, where=where) if file is not None else None
    if checked is None and not note:
        raise ValidationProblem(
            "choose a file to upload, or say where the paper is held", where=where, field="file", code="required"
        )
    with transaction.atomic():
        paper = Paper(item=item, title=title, note=note, uploaded_by=actor if getattr(actor, "pk", None) else None)
        if checked is not None and file is not None:
            _store(paper, checked, file)
        paper.save()
        audit_record(actor=actor, action="governance.paper.add", obj=paper, sha256=paper.sha256)
    return paper


def paper_replace(*, paper: Paper, file: UploadedFile, actor: Any = None) -> Paper:
    """Replace a paper's file with a new version. The earlier file stays in storage and in the
    paper's history, so earlier versions can still be read."""
    where = f"{item_where(paper.item)}, paper {paper.title!r}"
    checked = _check_upload(file, where=where)
    with transaction.atomic():
        _store(paper, checked, file)
        paper.uploaded_by = actor if getattr(actor, "pk", None) else None
        paper.save()
        audit_record(actor=actor, action="governance.paper.replace", obj=paper, sha256=checked.sha256)
    return paper
