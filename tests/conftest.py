"""Shared fixtures: small sites written to tmp_path, and the bundled sample archive."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.config import load_config
from sitegen.report import BufferReporter

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "seeds"


def post(
    title: str = "标题", date: str = "2022-04-08 10:00:00", body: str = "正文。", **meta
) -> str:
    """Text of a front-matter post; extra keyword arguments become YAML lines."""
    lines = [f"title: '{title}'", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


@pytest.fixture
def make_site(tmp_path):
    """Write a site: make_site({'a.md': text, ...}, config='timezone: ...')."""

    def make(files: dict[str, str | bytes], config: str = "") -> Path:
        site = tmp_path / "site"
        (site / "content").mkdir(parents=True, exist_ok=True)
        (site / "site.yml").write_text(
            "title: 测试站\ntimezone: Asia/Shanghai\n" + textwrap.dedent(config), encoding="utf-8"
        )
        for name, text in files.items():
            path = site / "content" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return site

    return make


@pytest.fixture
def build_site():
    """Build a site folder; return (result, reporter, output dir)."""

    def run(site: Path, **overrides):
        config = load_config(site, **overrides)
        reporter = BufferReporter()
        result = build(config, reporter)
        return result, reporter, config.output_dir

    return run


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The bundled sample archive, built once per test session."""
    out = tmp_path_factory.mktemp("sample") / "output"
    result = build(load_config(REPO, out), BufferReporter())
    assert result.ok, result.failures
    return out
