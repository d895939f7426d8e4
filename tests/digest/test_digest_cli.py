"""`python -m bot digest`: a digest from a JSONL file, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

STORIES = json.loads((Path(__file__).with_name("stories.json")).read_text(encoding="utf-8"))


def test_digest_from_jsonl_merges_the_same_story(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "articles.jsonl"
    rows = [{"title": a["title"], "text": a["text"],
             "source_url": f"https://t.me/chan{i}/{i + 10}"}
            for i, a in enumerate(STORIES["articles"]) if a["story"] in ("belgium", "drones")]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["digest", "--jsonl", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n• ") == 2 and "(2 источника: " in out and "@chan0" in out
    assert "3 articles -> 2 stories" in err


@pytest.mark.parametrize("content, message", [("", "no articles"), ("{oops", "error: "),
                                              ('{"title": "x"}', "non-empty \\\"text\\\"")])
def test_bad_jsonl_is_refused_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["digest", "--jsonl", str(path)]) == 2
    assert message.replace("\\", "") in capsys.readouterr().err
