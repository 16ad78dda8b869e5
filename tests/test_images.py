"""Article images: the PDF embeds them, the page publishes a copy, the newsletter links it."""

from __future__ import annotations

import pypdfium2 as pdfium
from conftest import SEED
from PIL import Image

from channels.build import prepare, render_channel


def test_an_image_reaches_every_html_channel_and_the_pdf(tmp_path, settings, project):
    Image.new("RGB", (300, 120), "#2f7f6f").save(tmp_path / "calm lake.png")
    article = tmp_path / "with-image.md"
    article.write_text(SEED.read_text().replace(
        "## In summary", "![A calm lake at dawn](calm%20lake.png)\n\n## In summary", 1))
    prepared = prepare(article, settings, project)

    web = render_channel(prepared, "web")
    assert web.file("calm-lake.png") == (tmp_path / "calm lake.png").read_bytes()
    assert b'<img src="calm-lake.png" alt="A calm lake at dawn"' in web.file("index.html")

    email = render_channel(prepared, "email")
    absolute = f'src="{prepared.article.url}calm-lake.png"'.encode()
    assert absolute in email.file("newsletter.html")

    pdf = pdfium.PdfDocument(render_channel(prepared, "pdf").file("handout.pdf"))
    kinds = {obj.type for i in range(len(pdf)) for obj in pdf[i].get_objects()}
    assert pdfium.raw.FPDF_PAGEOBJ_IMAGE in kinds
