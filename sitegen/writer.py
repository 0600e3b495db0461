"""The single write point of a build.

Everything goes into a staging folder next to the output; only a build that
finished is swapped in, so a crash leaves the previous output untouched.
Paths are checked segment by segment, two sources may not claim one file,
and a file whose bytes did not change is hard-linked from the previous
output, so its modification time stays put for rsync and deploys.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sitegen.errors import BuildFailed, OutputPathError

MARKER = ".sitegen-output"
_BAD_SEGMENTS = {"", ".", ".."}


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    output, site_dir = output.resolve(), site_dir.resolve()
    protected = {
        "the site folder": site_dir,
        "content/": site_dir / "content",
        "themes/": site_dir / "themes",
        "the current folder": Path.cwd().resolve(),
        "your home folder": Path.home().resolve(),
    }
    if output == Path(output.anchor):
        raise OutputPathError(
            "refusing to use / as the output folder",
            output,
            hint="pass --output pointing to a folder of its own",
        )
    for name, path in protected.items():
        if output == path or path.is_relative_to(output):
            raise OutputPathError(
                f"refusing to build into {output}: it is or contains {name}",
                output,
                hint="choose a dedicated folder such as output/",
            )
    for name in ("content/", "themes/"):
        if output.is_relative_to(protected[name]):
            raise OutputPathError(
                f"refusing to build inside {name}",
                output,
                hint="choose a folder outside content/ and themes/",
            )
    if output.exists():
        if not output.is_dir():
            raise OutputPathError(
                "the output path is a file", output, hint="remove it or pick another"
            )
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise OutputPathError(
                "the output folder has files sitegen did not write",
                output,
                hint="empty it yourself or choose another --output; sitegen replaces it",
            )


def safe_relpath(rel: str) -> str:
    """Validate a site-relative file path; raise if it could leave the output."""
    if "\\" in rel or "\x00" in rel or rel.startswith("/"):
        raise BuildFailed(f"unsafe output path {rel!r}")
    parts = rel.split("/")
    if any(p in _BAD_SEGMENTS for p in parts):
        raise BuildFailed(f"unsafe output path {rel!r}")
    return rel


class Writer:
    """Stage files, then swap the staging folder in with `commit`."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.staging = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.claims: dict[str, str] = {}
        self.written = 0
        self.unchanged = 0
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        (self.staging / MARKER).write_text("built by sitegen; replaced on every build\n")

    def claim(self, rel: str, origin: str) -> Path | None:
        """Reserve `rel` for `origin`; None (and no write) if another source has it."""
        rel = safe_relpath(rel)
        key = rel.casefold()
        if key in self.claims:
            return None
        self.claims[key] = origin
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def owner(self, rel: str) -> str:
        return self.claims.get(rel.casefold(), "")

    def write(self, rel: str, data: bytes, origin: str) -> bool:
        target = self.claim(rel, origin)
        if target is None:
            return False
        previous = self.output / rel
        try:
            if previous.stat().st_size == len(data) and previous.read_bytes() == data:
                os.link(previous, target)
                self.unchanged += 1
                return True
        except OSError:
            pass
        target.write_bytes(data)
        self.written += 1
        return True

    def copy(self, rel: str, source: Path, origin: str) -> bool:
        target = self.claim(rel, origin)
        if target is None:
            return False
        previous = self.output / rel
        try:
            before, now = previous.stat(), source.stat()
            if before.st_size == now.st_size and before.st_mtime == now.st_mtime:
                os.link(previous, target)
                self.unchanged += 1
                return True
        except OSError:
            pass
        shutil.copy2(source, target)
        self.written += 1
        return True

    def commit(self) -> None:
        """Swap the finished staging folder in for the output."""
        old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
        if self.output.exists():
            self.output.rename(old)
        self.staging.rename(self.output)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
