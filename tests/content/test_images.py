"""Article images: the PDF embeds them, the page publishes a copy, the newsletter links it."""

from __future__ import annotations

import shutil

import pypdfium2 as pdfium
import pytest
from conftest import SEED, SOURCE, prepare_file, render_args, run_cli, snapshot
from PIL import Image

from channels.content.article import load_article
from channels.errors import InputError
from channels.pipeline.steps import render_channel


def test_an_image_reaches_every_html_channel_and_the_pdf(tmp_path, settings, project):
    Image.new("RGB", (300, 120), "#2f7f6f").save(tmp_path / "calm lake.png")
    article = tmp_path / "with-image.md"
    article.write_text(SEED.read_text().replace(
        "## In summary", "![A calm lake at dawn](calm%20lake.png)\n\n## In summary", 1))
    prepared = prepare_file(article, settings, project)

    web = render_channel(prepared, "web")
    assert web.file("calm-lake.png") == (tmp_path / "calm lake.png").read_bytes()
    assert b'<img src="calm-lake.png" alt="A calm lake at dawn"' in web.file("index.html")

    email = render_channel(prepared, "email")
    absolute = f'src="{prepared.article.url}calm-lake.png"'.encode()
    assert absolute in email.file("newsletter.html")

    pdf = pdfium.PdfDocument(render_channel(prepared, "pdf").file("handout.pdf"))
    kinds = {obj.type for i in range(len(pdf)) for obj in pdf[i].get_objects()}
    assert pdfium.raw.FPDF_PAGEOBJ_IMAGE in kinds


def test_an_image_cannot_take_the_name_of_a_checked_output(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    Image.new("RGB", (40, 20), "#ffffff").save(source / "share.png")
    (source / "gut-brain-axis.md").write_text(SEED.read_text().replace(
        "## In summary", "![A card](share.png)\n\n## In summary", 1))
    out = tmp_path / "output"
    result = run_cli(*render_args(out, source / "gut-brain-axis.md", source_dir=source))
    assert result.code == 1
    assert "two outputs are both named 'share.png' (rename the article's file)" in result.err
    assert snapshot(out) == {}


def test_a_non_image_file_is_refused_as_an_image(tmp_path, settings):
    (tmp_path / "newsletter.eml").write_text("From: x\n\nno disclaimer")
    article = tmp_path / "a.md"
    article.write_text(SEED.read_text().replace(
        "## In summary", "![x](newsletter.eml)\n\n## In summary", 1))
    with pytest.raises(InputError) as refused:
        load_article(article, settings.site, settings.policy)
    assert "'newsletter.eml' is not an image file" in str(refused.value)
