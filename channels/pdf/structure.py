"""PDF/UA finishing touches WeasyPrint 70 leaves out, done on the finished file with pikepdf.

- Running header and footer: WeasyPrint marks their content with MCIDs whose structure
  elements it keeps out of the tree (its tags.py: artifacts in the tree need PDF 2.0), so a
  checker sees tagged content that belongs to no element (Matterhorn 01-001).  They become
  ``/Artifact`` marked content of type ``/Pagination`` and leave the parent tree.
- Table header cells get ``/Scope`` (Matterhorn 15-003); WeasyPrint already gives data
  cells ``/Headers`` naming the header cells' ``/ID``.
- Link annotations get the Print flag, so print and screen show the same links, and each
  hangs on its ``/Link`` element (WeasyPrint hangs a link's inner boxes on theirs).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf

ARTIFACT = pikepdf.Name.Artifact
_BDC = pikepdf.Operator("BDC")
_HIDDEN, _PRINT, _NO_VIEW = 2, 4, 32  # annotation flags (ISO 32000-1 12.5.3)


def finish(pdf: bytes) -> bytes:
    """``pdf`` with margin content as artifacts and table header scopes (unchanged if untagged)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        tree = set(_elements(root))
        entries = _parent_tree(root)
        for page in document.pages:
            _artifact_orphans(document, page, entries, tree)
            _printable_links(page)
            _links_in_link_elements(entries, page)
        _write_parent_tree(root, entries)
        for element in tree:
            _scope(document.get_object(element))
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
        return out.getvalue()


def _printable_links(page: pikepdf.Page) -> None:
    """Link annotations with the Print flag (WeasyPrint sets none): a printed or printed-to-
    PDF copy keeps them, and readers treat print and screen alike (ISO 14289-1 7.18.1)."""
    for annotation in page.obj.get("/Annots", []):
        if annotation.get("/Subtype") == "/Link":
            annotation.F = (int(annotation.get("/F", 0)) | _PRINT) & ~(_HIDDEN | _NO_VIEW)


def _links_in_link_elements(entries: dict[int, Any], page: pikepdf.Page) -> None:
    """Each link annotation under its ``/Link`` element (Matterhorn 28-011).  WeasyPrint
    hangs the annotation of a link's inner box (a ``<span>``, a ``<wbr>``) on that box's
    element; it moves to the nearest ``/Link`` above, and an element left empty goes."""
    for annotation in page.obj.get("/Annots", []):
        key = int(annotation.get("/StructParent", -1))
        element = entries.get(key)
        link = element
        while isinstance(link, pikepdf.Dictionary) and link.get("/S") != "/Link":
            link = link.get("/P")
        if element is None or link is None or link is element:
            continue
        _move_object_reference(annotation, element, link)
        entries[key] = link


def _move_object_reference(annotation: Any, element: Any, link: Any) -> None:
    element.K = pikepdf.Array([kid for kid in _kids(element) if not _refers(kid, annotation)])
    link.K = pikepdf.Array([*_kids(link), pikepdf.Dictionary(
        Type=pikepdf.Name.OBJR, Obj=annotation)])
    while element.objgen != link.objgen and not _kids(element):  # emptied: out of the tree
        parent = element.P
        parent.K = pikepdf.Array([kid for kid in _kids(parent) if not (
            isinstance(kid, pikepdf.Dictionary) and kid.is_indirect
            and kid.objgen == element.objgen)])
        element = parent


def _refers(kid: Any, annotation: Any) -> bool:
    return (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
            and kid.get("/Obj") is not None and kid.Obj.objgen == annotation.objgen)


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    return [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _parent_tree(root: Any) -> dict[int, Any]:
    """The parent tree as key -> entry (a page's MCID array, or an annotation's element),
    for the flat ``/Nums`` tree WeasyPrint writes."""
    tree = root.get("/ParentTree")
    nums = tree.get("/Nums", pikepdf.Array()) if tree is not None else pikepdf.Array()
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _write_parent_tree(root: Any, entries: dict[int, Any]) -> None:
    if "/ParentTree" in root:
        root.ParentTree.Nums = pikepdf.Array(
            [item for key in sorted(entries) for item in (key, entries[key])])


def _elements(node: pikepdf.Object) -> Iterator[tuple[int, int]]:
    """The object ids of every structure element reachable from ``node`` through ``/K``."""
    for kid in _kids(node):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            if kid.is_indirect:
                yield kid.objgen
            yield from _elements(kid)


def _artifact_orphans(document: pikepdf.Pdf, page: pikepdf.Page, tree_entries: dict[int, Any],
                      tree: set[tuple[int, int]]) -> None:
    key = page.obj.get("/StructParents")
    entries = tree_entries.get(int(key)) if key is not None else None
    if entries is None:
        return
    orphans = {mcid for mcid, element in enumerate(entries)
               if isinstance(element, pikepdf.Dictionary) and element.objgen not in tree}
    if not orphans:
        return
    instructions = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = list(instruction.operands), instruction.operator
        if operator == _BDC and _mcid(operands) in orphans:
            operands = [ARTIFACT, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
        instructions.append((operands, operator))
    page.Contents = document.make_stream(pikepdf.unparse_content_stream(instructions))
    for mcid in orphans:
        entries[mcid] = pikepdf.Object.parse(b"null")


def _mcid(operands: list) -> int | None:  # type: ignore[type-arg]
    properties = operands[1] if len(operands) > 1 else None
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None


def _scope(element: pikepdf.Object) -> None:
    """``/Scope /Column`` on a header-row cell, ``/Row`` on one that opens a body row."""
    if element.get("/S") != "/TH":
        return
    attributes = element.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary):
        attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
        element.A = attributes
    row = element.get("/P")
    section = row.get("/P") if row is not None else None
    in_body = section is not None and section.get("/S") in ("/TBody", "/Table")
    first = row is not None and _first_kid(row) == element.objgen
    attributes.Scope = pikepdf.Name.Row if in_body and first else pikepdf.Name.Column


def _first_kid(row: pikepdf.Object) -> tuple[int, int] | None:
    kids = row.get("/K")
    first = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else kids
    return first.objgen if isinstance(first, pikepdf.Dictionary) else None
