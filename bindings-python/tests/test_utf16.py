"""UTF-16 positions on Python findings (as the Node and WebAssembly findings carry
them): computed by the core from the scanned text, kept through pickling."""

import pickle

import pytest

import stockade

# Accents (2 UTF-8 bytes, 1 UTF-16 unit) and emoji (4 bytes, 2 units) before and on
# the lines of the findings.
TEXT = (
    "# d\u00e9j\u00e0 vu \U0001f600\n"
    "FROM node:latest\n"
    "MAINTAINER \u00c9milie \U0001f680 <e@example.com>\n"
    "USER root\n"
    "RUN echo \U0001f600\U0001f600 && curl http://x | sh\n"
)

needs_dockerfile_rules = pytest.mark.skipif(
    not any(r.pack == "dockerfile" for r in stockade.rules()),
    reason="no Dockerfile rules in this build",
)


def utf16_of(text: str, byte_offset: int) -> tuple[int, int]:
    """(1-based UTF-16 column, 0-based UTF-16 offset) of a UTF-8 byte offset."""
    before = text.encode("utf-8")[:byte_offset].decode("utf-8")
    line_start = before.rfind("\n") + 1
    units = lambda s: len(s.encode("utf-16-le")) // 2  # noqa: E731
    return units(before[line_start:]) + 1, units(before)


def check(text: str, position: stockade.Position) -> None:
    assert (position.utf16_column, position.utf16_offset) == utf16_of(text, position.offset)


@needs_dockerfile_rules
def test_findings_carry_utf16_positions():
    report = stockade.scan(TEXT, path="Dockerfile")
    assert {"DF0001", "DF0005", "DF0011"} <= {f.rule for f in report}
    for f in report:
        check(TEXT, f.start)
        check(TEXT, f.end)
    # Past the emoji, UTF-16 and code point columns differ.
    run = next(f for f in report if f.rule == "DF0011")
    assert run.start.line == 5
    assert run.end.utf16_column > run.end.column
    units = TEXT.encode("utf-16-le")
    a, b = run.start.utf16_offset, run.end.utf16_offset
    assert units[2 * a : 2 * b].decode("utf-16-le") == TEXT.encode()[run.start.offset : run.end.offset].decode()
    assert "utf16_column=" in repr(run.start)


@needs_dockerfile_rules
def test_fix_edits_carry_utf16_positions():
    report = stockade.scan(TEXT, path="Dockerfile")
    fixed = [f for f in report if f.fix]
    assert fixed, "MAINTAINER has a fix"
    for f in fixed:
        for edit in f.fix["edits"]:
            for end in ("start", "end"):
                p = edit[end]
                assert (p["utf16_column"], p["utf16_offset"]) == utf16_of(TEXT, p["offset"])


@needs_dockerfile_rules
def test_utf16_positions_survive_dicts_json_and_pickling():
    report = stockade.scan(TEXT, path="Dockerfile")
    f = report.findings[0]
    as_dict = f.to_dict()
    assert as_dict["start"]["utf16_offset"] == f.start.utf16_offset
    assert report.to_dict()["findings"][0]["end"]["utf16_column"] == f.end.utf16_column
    again = pickle.loads(pickle.dumps(f))
    assert again == f and again.start == f.start and again.end.utf16_offset == f.end.utf16_offset
    copy = pickle.loads(pickle.dumps(report))
    assert [g.start for g in copy] == [g.start for g in report]
    assert stockade.Finding.from_json(f.to_json()).start.utf16_column == f.start.utf16_column


@needs_dockerfile_rules
def test_every_door_positions_in_utf16(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(TEXT, encoding="utf-8")
    engine = stockade.Engine()
    expected = [(f.rule, f.start, f.end) for f in engine.scan(TEXT, path=str(path))]
    for report in (
        engine.scan_files([path]),
        engine.scan_texts([(str(path), TEXT)]),
    ):
        assert [(f.rule, f.start, f.end) for f in report] == expected
        assert all(f.start.utf16_offset is not None for f in report)


def test_positions_without_text_have_no_utf16():
    # A finding rebuilt from JSON without UTF-16 places has none.
    report = stockade.scan("FROM node:latest\n", path="Dockerfile")
    if not report.findings:
        pytest.skip("no Dockerfile rules in this build")
    data = report.findings[0].to_dict()
    for end in ("start", "end"):
        del data[end]["utf16_column"], data[end]["utf16_offset"]
    import json

    bare = stockade.Finding.from_json(json.dumps(data))
    assert bare.start.utf16_column is None and bare.start.utf16_offset is None
    assert bare.start.line == report.findings[0].start.line
