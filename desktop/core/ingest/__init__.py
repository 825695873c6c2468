"""Readers that turn a user's files into Documents, one module per format."""

import sys

# PyMuPDF 2.0 imports two packages it depends on whenever they can be imported:
# pymupdf_layout, which loads an ONNX page-layout model, and pymupdf4llm, which loads ONNX
# Runtime for its OCR. Arquivo calls neither (no `find_tables`, `get_layout` or
# `to_markdown`). Marking them absent before PyMuPDF is first imported skips that load in
# every process that reads a PDF (time and memory: docs/measurements.md#pdf_reader_start)
# and makes the source tree read PDFs as the package does, which leaves both out.
if "pymupdf" not in sys.modules:
    for _unused in ("pymupdf.layout", "pymupdf4llm"):
        sys.modules.setdefault(_unused, None)  # type: ignore[arg-type]

from desktop.core.ingest.registry import SUPPORTED_SUFFIXES, read_document

__all__ = ["SUPPORTED_SUFFIXES", "read_document"]
