"""Import files read lazily, with the file's own line numbers."""

from __future__ import annotations

import os
import random
import uuid
from pathlib import Path

from jiaodui_records.adapters.import_files import (
    chunks,
    is_plain,
    physical_lines,
    range_blocks,
    read_head,
    read_range,
    read_rows,
)
from jiaodui_records.jobs import _orphans


def test_csv_rows_keep_their_line_numbers_and_skip_what_is_done(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("\ufeffInstitution_Code,name\nA,x\n\nB\nC,z\n", encoding="utf-8")
    rows = list(read_rows(path, "csv"))
    assert [(r.line, r.fields) for r in rows] == [
        (2, {"institution_code": "A", "name": "x"}),
        (4, None),
        (5, {"institution_code": "C", "name": "z"}),
    ]
    assert [r.line for r in read_rows(path, "csv", after_line=4)] == [5]
    head = read_head(path, "csv")
    assert head.columns == ["institution_code", "name"] and head.first_institution == "A"


def test_ndjson_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(b'{"institution_code": "A", "duration_years": 4, "x": null}\n[1]\n{bad\n')
    rows = list(read_rows(path, "ndjson"))
    assert rows[0].fields == {"institution_code": "A", "duration_years": "4", "x": ""}
    assert [r.line for r in rows if r.fields is None] == [2, 3]


def test_only_old_bodies_of_no_import_are_orphans(tmp_path: Path) -> None:
    old, kept, young = (tmp_path / f"{uuid.uuid4()}.csv" for _ in range(3))
    for path in (old, kept, young):
        path.write_text("x")
    for path in (old, kept):
        os.utime(path, (1, 1))
    (tmp_path / "notes.txt").write_text("not an import")
    assert _orphans(tmp_path, {uuid.UUID(kept.stem)}) == [old]


def test_chunks_are_whole_lines_of_at_most_the_batch(tmp_path: Path) -> None:
    rng = random.Random(16)
    path = tmp_path / "a.csv"
    for _ in range(200):
        pieces = ["x", "y,z", '"', "\\.", "\\", ".", "\r", "é"]
        lines = [
            "".join(rng.choices(pieces, k=rng.randrange(12))) for _ in range(rng.randrange(50))
        ]
        data = rng.choice(["\n", "\r\n", "\r"]).join(lines) + rng.choice(["", "\n", "\r\n"])
        path.write_bytes(data.encode())
        data_bytes = data.encode()
        for size in (1, 2, 3, 7, 100):
            found = list(
                chunks(path, offset=0, base_line=0, max_lines=size, block=rng.choice([1, 2, 5, 64]))
            )
            read = [read_range(path, c.start, c.end) for c in found]
            assert b"".join(read) == data_bytes
            assert all(r.count(b"\n") == size for r in read[:-1])
            assert [c.lines for c in found] == [physical_lines(r) for r in read]
            assert [c.plain for c in found] == [is_plain(r) for r in read]
            assert [c.base_line for c in found] == [
                sum(c.lines for c in found[:i]) for i in range(len(found))
            ]
            assert [c.start for c in found[1:]] == [c.end for c in found[:-1]]


async def test_a_range_is_read_in_blocks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(bytes(range(256)) * 5)
    blocks = [b async for b in range_blocks(path, 3, 1000, block=100)]
    assert max(map(len, blocks)) == 100 and b"".join(blocks) == read_range(path, 3, 1000)
