"""The kwestie's photo: made small, turned upright, stripped of where and with what it was taken."""

import io
from pathlib import Path

import pytest
from PIL import Image

from participation import audit, photo
from participation.build import build
from participation.issues import read_issue

from .conftest import AZC
from .test_beheer import post
from .test_kwestie_text import coordinator, form_fields, kwestie_file  # noqa: F401 (fixture)

GPS = 0x8825  # EXIF's GPS block
ORIENTATION = 0x0112


def phone_photo(width=4000, height=3000, orientation=1):
    """A JPEG as a phone makes it: big, with GPS coordinates, a camera model and an orientation."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "Telefoon van Anna"  # camera model
    exif[ORIENTATION] = orientation
    exif[GPS] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 29.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=60)
    return out.getvalue()


def test_prepare_strips_metadata_and_scales_down():
    data = photo.prepare(phone_photo())
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == photo.MAX_SIDE
        assert image.size == (1600, 1200)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Telefoon van Anna" not in data


def test_prepare_turns_the_photo_upright_as_the_camera_meant():
    data = photo.prepare(phone_photo(400, 300, orientation=6))  # 6: rotate 90° to view
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (300, 400)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"GIF89a" + b"\0" * 20])
def test_prepare_refuses_what_is_not_a_photo(data):
    with pytest.raises(photo.PhotoError):
        photo.prepare(data)


def test_prepare_refuses_a_gif_and_a_giant_before_decoding():
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(photo.PhotoError, match="JPG, PNG of WebP"):
        photo.prepare(gif.getvalue())
    giant = io.BytesIO()
    Image.new("1", (8000, 7000)).save(giant, "PNG")  # 56 megapixel, a few KB compressed
    with pytest.raises(photo.PhotoError, match="te groot"):
        photo.prepare(giant.getvalue())


def upload(client, data, alt="Café De Zwaan aan de Vlietkade"):
    return post(client, f"/beheer/{AZC}/foto", {"photo": (io.BytesIO(data), "IMG_2041.jpg"), "alt": alt})


def test_a_photo_upload_is_stored_shown_and_removed(client, settings, coordinator, db):  # noqa: F811
    big = phone_photo()
    assert len(big) > 64 * 1024  # more than any other form may send
    response = upload(client, big)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/beheer/{AZC}/tekst#foto")
    path = kwestie_file(settings, AZC)
    text = path.read_text(encoding="utf-8")
    assert "Image: foto.jpg\nImage_alt: Café De Zwaan aan de Vlietkade\n" in text
    stored = path.parent / "foto.jpg"
    assert b"Telefoon van Anna" not in stored.read_bytes()
    assert audit.entries(db, limit=1)[0]["action"] == "photo"

    # The text form does not send the photo's lines: saving it keeps them.
    before = path.read_bytes()
    fields = form_fields(client.get(f"/beheer/{AZC}/tekst").get_data(as_text=True))
    assert post(client, f"/beheer/{AZC}/tekst", {**fields, "action": "save"}).status_code == 303
    assert path.read_bytes() == before

    build(settings)
    output = Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC
    assert (output / "foto.jpg").read_bytes() == stored.read_bytes()
    page = (output / "index.html").read_text(encoding="utf-8")
    assert f'<img src="/kwesties/{AZC}/foto.jpg" alt="Café De Zwaan aan de Vlietkade">' in page

    assert post(client, f"/beheer/{AZC}/foto/weg").status_code == 303
    assert "Image" not in path.read_text(encoding="utf-8") and not stored.exists()
    build(settings)
    assert not (output / "foto.jpg").exists()
    assert "<img" not in (output / "index.html").read_text(encoding="utf-8")


def test_a_photo_without_alt_text_or_not_a_photo_is_refused_and_nothing_stored(client, settings, coordinator):  # noqa: F811
    response = upload(client, phone_photo(400, 300), alt="")
    assert response.status_code == 400
    assert 'href="#foto-alt">Wat staat er op de foto' in response.get_data(as_text=True)
    response = upload(client, b"%PDF-1.4 not a photo")
    assert response.status_code == 400
    assert 'href="#foto-photo">Foto: Dit bestand is geen foto' in response.get_data(as_text=True)
    assert not (kwestie_file(settings, AZC).parent / "foto.jpg").exists()
    assert "Image" not in kwestie_file(settings, AZC).read_text(encoding="utf-8")


def test_only_the_photo_route_takes_a_large_request(client, coordinator):  # noqa: F811
    response = post(client, f"/beheer/{AZC}/tekst", {"body": "x" * 100_000, "action": "save"})
    assert response.status_code == 413


def test_a_hand_written_image_line_needs_alt_text_and_the_file(settings):
    path = kwestie_file(settings, AZC)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Phase: open\n", "Phase: open\nImage: foto.jpg\n"), encoding="utf-8")
    with pytest.raises(ValueError, match="Image moet een foto"):
        read_issue(path, settings)
    (path.parent / "foto.jpg").write_bytes(photo.prepare(phone_photo(40, 30)))
    with pytest.raises(ValueError, match="Image_alt ontbreekt"):
        read_issue(path, settings)
