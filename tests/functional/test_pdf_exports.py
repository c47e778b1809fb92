"""The PDFs (orders, attendees, sessions, speakers), opened by independent readers (pypdf for the
text, pdftoppm for a rendered page when installed) and searched for what they must show."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from chalicelib.exports.formats import pdf_table, table_pdf
from tests.functional.export_helpers import HOSTILE, export_file, read_task, run_worker, start_export, task_url_of

pytestmark = pytest.mark.usefixtures("export_queue")

NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# One name per script the fonts cover; Arabic and Hebrew are shaped and set right to left, Devanagari
# and Thai have their marks placed by shaping; emoji come from the emoji font.
NAMES = ["Zoë Ünal", "Иван Петров", "Γιώργος Παπαδόπουλος", "山田 太郎", "김민준", "محمد", "مرحبا بالعالم",
         "שלום עולם", "नमस्ते दुनिया", "สวัสดี ครับ", "🎉 Party 😀"]  # fmt: skip


def pages_of(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data), strict=True)
    return [page.extract_text() for page in reader.pages]


def text_of(data: bytes) -> str:
    return "\n".join(pages_of(data))


@pytest.fixture
def event(factory):
    return factory.event(identifier="summit", name="Summit 2026 — 東京", timezone="Asia/Singapore",
                         starts_at=datetime(2026, 6, 1, 1, tzinfo=UTC), ends_at=datetime(2026, 6, 3, 10, tzinfo=UTC))  # fmt: skip


@pytest.fixture
def token(factory, event):
    return factory.token(factory.staff(event))


def export(client: Any, stack: Any, token: str, event: Any, path: str) -> bytes:
    return export_file(client, stack, token, event.identifier, path)


def test_orders_pdf_is_a_printable_table_with_title_block_names_and_page_numbers(client, stack, factory, event, token):
    ticket = factory.ticket(event)
    for number, name in enumerate(NAMES):
        first, _, last = name.partition(" ")
        buyer = factory.user(first_name=first, last_name=last, email=f"buyer{number}@example.com")
        factory.order(event, identifier=f"S-{number}", user_id=buyer.id, amount=Decimal("10"), paid_via="stripe",
                      created_at=NOON_UTC, tickets=[(ticket, 2)])  # fmt: skip

    data = export(client, stack, token, event, "orders/pdf")

    assert data.startswith(b"%PDF-")
    text = text_of(data)
    assert "Summit 2026 — 東京" in text and "Orders" in text
    assert "2026-06-01 09:00 to 2026-06-03 18:00 (Asia/Singapore)" in text
    assert "2026-03-01 20:00" in text  # the order's date, in the event's zone
    for number, name in enumerate(NAMES):
        assert name in text, name
        assert f"S-{number}" in text and f"buyer{number}@example.com" in text
    assert "Page 1 of 1" in text


def test_orders_pdf_ends_with_the_totals_by_status(client, stack, factory, event, token):
    factory.order(event, status="completed", amount=Decimal("10.5"), tickets=[(factory.ticket(event), 3)])
    factory.order(event, status="completed", amount=Decimal("20"))
    factory.order(event, status="pending", amount=None)
    factory.order(event, status="deleted", amount=Decimal("1000"))

    text = text_of(export(client, stack, token, event, "orders/pdf"))

    totals = text[text.index("Totals by status") :]
    assert re.search(r"completed\s*2\s*3\s*30\.50", totals)
    assert re.search(r"pending\s*1\s*0\s*0\.00", totals)
    assert re.search(r"all orders\s*3\s*3\s*30\.50", totals)
    assert "1000" not in text


def test_attendees_pdf_lists_every_holder_and_counts_them_by_ticket(client, stack, factory, event, token):
    ticket = factory.ticket(event, name="Early bird", price=Decimal("49"))
    buyer = factory.user(first_name="Mario", last_name="Behling", email="mario@example.com")
    order = factory.order(event, identifier="A-1", user_id=buyer.id, created_at=NOON_UTC)
    for name in NAMES:
        first, _, last = name.partition(" ")
        factory.holder(order, ticket, firstname=first, lastname=last, email=None)
    factory.holder(factory.order(event, status="deleted"), ticket, firstname="Deleted", lastname="Order")

    text = text_of(export(client, stack, token, event, "attendees/pdf"))

    assert "Summit 2026 — 東京" in text and "Attendees" in text
    for name in NAMES:
        assert name in text, name
    assert "Mario Behling" in text and "49.00" in text and "Deleted" not in text
    holders = text[text.index("Holders by ticket") :]
    count = len(NAMES)
    assert re.search(rf"Early bird\s*{count}", holders) and re.search(rf"all tickets\s*{count}", holders)


def test_pdfs_show_hostile_text_as_plain_text(client, stack, factory, event, token):
    order = factory.order(event, identifier="=h-1", created_at=NOON_UTC)
    for (first, last, email, _, _), _ in HOSTILE:
        factory.holder(order, None, firstname=first, lastname=last, email=email)
    factory.holder(order, None, firstname="Bell\x07Escape\x1b", lastname="{nb} (paren) \\", email="rlo\u202eevil@x.com")

    data = export(client, stack, token, event, "attendees/pdf")

    text = text_of(data)
    for expected in ["Smith, John The \"Boss\"", "Line Break", "Carriage Return", "=cmd|' /C calc'!A0 +SUM(A1)",
                     "-1 Zoë 東京", "=1+1 =2", "%0A@example.com", "=h-1", "BellEscape {nb} (paren) \\",
                     "rloevil@x.com"]:  # fmt: skip
        assert expected in text, expected
    assert "'=" not in text  # a PDF is no spreadsheet: nothing to defuse, nothing prefixed


def test_long_tables_break_into_pages_with_headings_and_page_numbers(client, stack, factory, event, token):
    order = factory.order(event, identifier="BIG", created_at=NOON_UTC)
    for number in range(120):
        factory.holder(order, None, firstname="Holder", lastname=f"N{number:03d}")

    pages = pages_of(export(client, stack, token, event, "attendees/pdf"))

    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert "Order#" in page and "Holder" in page
        assert f"Page {number} of 3" in page
    assert all(f"Holder N{number:03d}" in "".join(pages) for number in range(120))


def test_text_too_wide_for_its_column_is_cut_with_an_ellipsis(client, stack, factory, event, token):
    order = factory.order(event, identifier="W-1", created_at=NOON_UTC)
    factory.holder(order, None, firstname="Bartholomew" * 8, lastname="X")

    text = text_of(export(client, stack, token, event, "attendees/pdf"))

    assert "BartholomewBartholomew" in text and pdf_table.ELLIPSIS in text
    assert "Bartholomew" * 8 not in text


def test_pdf_task_names_the_file_and_its_type(client, stack, event, token):
    task_url = task_url_of(start_export(client, token, event.identifier, "orders/pdf"))
    run_worker(client, stack)

    result = read_task(client, token, task_url)["result"]

    assert result["file_name"] == "summit-orders.pdf" and result["content_type"] == "application/pdf"
    assert result["row_count"] == 0


def test_pdf_longer_than_its_limit_fails_with_a_reason(client, stack, factory, event, token, monkeypatch):
    monkeypatch.setattr(table_pdf, "MAX_ROWS", 2)
    for _ in range(3):
        factory.order(event)
    task_url = task_url_of(start_export(client, token, event.identifier, "orders/pdf"))

    run_worker(client, stack)

    task = read_task(client, token, task_url)
    assert task["state"] == "FAILURE"
    assert (
        task["result"]["error"]
        == "This PDF would have 3 rows; it is made for at most 2. Please export the XLSX or CSV."
    )


def test_every_script_and_emoji_is_printed_whole_and_long_text_ends_in_an_ellipsis(client, stack, factory, event,
                                                                                    token):  # fmt: skip
    order = factory.order(event, identifier="S-1", created_at=NOON_UTC)
    for name in NAMES:
        factory.holder(order, None, firstname=name, lastname="")
    factory.holder(order, None, firstname="مرحبا " * 12, lastname="Long")
    factory.holder(order, None, firstname="🎉" * 40, lastname="Emoji")
    factory.holder(order, None, firstname="Linear B \U00010000", lastname="Box")

    text = text_of(export(client, stack, token, event, "attendees/pdf"))

    for name in NAMES:
        assert name in text, name  # "مرحبا" keeps its first letters: it once printed as "حبا"
    cut = [line for line in text.splitlines() if pdf_table.ELLIPSIS in line]
    assert any("مرحبا مرحبا مرحبا" in line for line in cut) and "مرحبا " * 12 not in text
    assert any("🎉🎉🎉" in line for line in cut) and "🎉" * 40 not in text
    assert "Linear B \u25a1" in text  # a character no font has: a white square, not nothing


@pytest.fixture
def programme(factory, event):
    track = factory.track(event, name="Main track")
    ada = factory.speaker(event, name="محمد علي", email="ada@example.com", organisation="山田 Labs", position="CTO 🎉",
                          short_biography="<p>Builds <em>engines</em> &amp; more</p>")  # fmt: skip
    grace = factory.speaker(event, name="Grace 😀 Hopper", email="grace@example.com")
    factory.session(event, title="مرحبا بالعالم", speakers=(ada, grace), state="accepted", track_id=track.id,
                    starts_at=NOON_UTC, ends_at=NOON_UTC.replace(hour=13))  # fmt: skip
    factory.session(event, title="Deleted talk", speakers=(ada,), state="accepted", deleted_at=NOON_UTC)
    return ada, grace


def test_sessions_pdf_lists_open_events_columns(client, stack, event, token, programme):
    text = text_of(export(client, stack, token, event, "sessions/pdf"))

    assert "Sessions" in text and "Deleted talk" not in text
    for heading in ("Title", "State", "Speakers", "Track", "Created At"):
        assert heading in text, heading
    assert "مرحبا بالعالم" in text and "accepted" in text and "Main track" in text
    assert "2026-03-01 20:00" in text  # starts at noon UTC: 20:00 in Singapore


def test_speakers_pdf_lists_open_events_columns_with_plain_biographies(client, stack, event, token, programme):
    text = text_of(export(client, stack, token, event, "speakers/pdf"))

    assert "Speakers" in text
    for expected in ("Name", "Short Biography", "محمد علي", "Grace 😀 Hopper", "山田 Labs", "CTO 🎉",
                     "Builds engines & more"):  # fmt: skip
        assert expected in text, expected
    assert "<em>" not in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("path", ["orders/pdf", "attendees/pdf", "sessions/pdf", "speakers/pdf"])
def test_every_pdf_renders_a_page(client, stack, factory, event, token, programme, path, tmp_path):
    ticket = factory.ticket(event, name="محمد 🎉")
    factory.holder(factory.order(event, identifier="R-1", tickets=[(ticket, 1)]), ticket, firstname="山田")
    (tmp_path / "export.pdf").write_bytes(export(client, stack, token, event, path))

    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(tmp_path / "export.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip

    [page] = tmp_path.glob("page*.png")
    with Image.open(page) as image:
        gray = image.convert("L")
        assert gray.size[0] > gray.size[1]  # landscape A4
        assert gray.getextrema()[0] < 100  # something is drawn in black


def test_orders_and_attendees_pdfs_take_the_csvs_status_option(client, stack, factory, event, token):
    factory.order(event, identifier="P-1", status="pending", created_at=NOON_UTC)
    factory.order(event, identifier="C-1", status="completed", created_at=NOON_UTC)

    text = text_of(export_file(client, stack, token, event.identifier, "orders/pdf", "status=pending"))

    assert "P-1" in text and "C-1" not in text
