"""Attendees CSV and the two PDFs: the real worker, on seeded events of 10,000 and 100,000 ticket
holders (one per order; names in several scripts, one in twenty Arabic).

Each export runs in a child process through the app's own SQS handler, warm, as the orders
benchmark runs it (``devtools.bench_orders``), and reports wall time and peak RSS (the whole
process). The attendees CSV and XLSX are compared with a bare COPY of the CSV's query (targets:
within 2x and 3x); the PDFs have no bare query to compare with (the layout is the work): their
time and memory per 10,000 rows are reported, and their peak RSS is held under 256 MB.
"""

from __future__ import annotations

from typing import Any

from devtools.bench_orders import copy_seconds, measure_export, seeded_event, with_copy

SIZES = (10_000, 100_000)
PDF_MEMORY_LIMIT_MB = 256


def run(services: Any) -> dict[str, Any]:
    from devtools.seed import SeedSpec

    figures: dict[str, Any] = {}
    for holders in SIZES:
        spec = SeedSpec(f"bench-attendees-{holders}", orders=holders, holders=holders, sessions=0, speakers=0)
        event_id, owner_id = seeded_event(spec)
        if holders == max(SIZES):
            copy = copy_seconds(event_id, "attendees/csv")
            for form in ("csv", "xlsx"):
                figures[f"attendees_{form}_{holders}"] = with_copy(
                    measure_export(event_id, owner_id, f"attendees/{form}"), copy
                )
        for name in ("orders/pdf", "attendees/pdf"):
            pdf = measure_export(event_id, owner_id, name)
            pdf["seconds_per_10000_rows"] = round(pdf["export_seconds"] * 10_000 / max(pdf["rows"], 1), 2)
            figures[f"{name.replace('/', '_')}_{holders}"] = pdf
    pdf_peaks = [size["worker_peak_rss_mb"] for name, size in figures.items() if "pdf" in name]
    figures["targets"] = {
        "attendees_csv_within_2x_of_copy": figures[f"attendees_csv_{max(SIZES)}"]["ratio_to_copy"] <= 2,
        "attendees_xlsx_within_3x_of_copy": figures[f"attendees_xlsx_{max(SIZES)}"]["ratio_to_copy"] <= 3,
        f"pdf_peak_rss_under_{PDF_MEMORY_LIMIT_MB}_mb": max(pdf_peaks) < PDF_MEMORY_LIMIT_MB,
    }
    return figures
