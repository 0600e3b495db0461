import errno
import os
from pathlib import Path

import pytest

from sitegen import portable
from sitegen import writer as writer_module
from sitegen.errors import BuildFailed, OutputPathError
from sitegen.writer import OutputLock, Writer, check_output_dir, safe_relpath


@pytest.mark.parametrize("where", [".", "content", "themes", "..", "/", "content/out"])
def test_refused_output_paths(tmp_path, where, monkeypatch):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "themes").mkdir()
    monkeypatch.chdir(site)
    target = site / where if where != "/" else tmp_path.anchor
    with pytest.raises(OutputPathError):
        check_output_dir(__import__("pathlib").Path(target), site)


def test_a_folder_with_foreign_files_is_refused(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(OutputPathError, match="did not write"):
        check_output_dir(out, site)
    check_output_dir(tmp_path / "new-output", site)


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "a\\..\\x", "a//b", "a/./b"])
def test_unsafe_relative_paths(rel):
    with pytest.raises(BuildFailed):
        safe_relpath(rel)


def test_staged_until_commit_and_unchanged_files_keep_their_mtime(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    first.write("a/index.html", b"one", "t")
    first.write("b.txt", b"bee", "t")
    assert not (out / "a").exists()
    first.commit()
    assert (out / "a/index.html").read_bytes() == b"one"
    mtime = (out / "b.txt").stat().st_mtime_ns
    second = Writer(out)
    second.write("a/index.html", b"two", "t")
    second.write("b.txt", b"bee", "t")
    assert (out / "a/index.html").read_bytes() == b"one"
    second.commit()
    assert (out / "a/index.html").read_bytes() == b"two"
    assert (out / "b.txt").stat().st_mtime_ns == mtime
    assert (second.written, second.unchanged) == (1, 1)


@pytest.mark.parametrize(
    ("parts", "changed"),
    [
        ([b"line 1\n", b"line 2\n"], False),  # the same bytes, in other pieces
        ([b"line 1\n", b"line 3\n"], True),
        ([b"line 1\n"], True),  # shorter
        ([b"line 1\n", b"line 2\n", b"line 3\n"], True),  # longer
    ],
)
def test_a_file_written_in_parts_is_compared_as_it_is_written(tmp_path, parts, changed):
    out = tmp_path / "output"
    first = Writer(out)
    first.write_parts("data/all.jsonl", iter([b"line 1\nli", b"ne 2\n"]), "t")
    first.commit()
    assert (out / "data/all.jsonl").read_bytes() == b"line 1\nline 2\n"
    mtime = (out / "data/all.jsonl").stat().st_mtime_ns
    second = Writer(out)
    second.write_parts("data/all.jsonl", iter(parts), "t")
    second.commit()
    assert (out / "data/all.jsonl").read_bytes() == b"".join(parts)
    assert ((out / "data/all.jsonl").stat().st_mtime_ns != mtime) == changed
    assert (second.written, second.unchanged) == ((1, 0) if changed else (0, 1))


def test_two_sources_cannot_claim_one_file(tmp_path):
    writer = Writer(tmp_path / "output")
    assert writer.write("x/index.html", b"1", "first")
    assert not writer.write("X/index.html", b"2", "second")
    assert writer.owner("x/index.html") == "first"
    writer.abort()
    assert not any(tmp_path.iterdir())


def test_stale_files_are_removed_and_others_left_alone(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    first.write("old/index.html", b"old", "t")
    first.write("keep.txt", b"k", "t")
    files = first.commit()
    second = Writer(out, previous=files)
    second.keep("keep.txt", "t")
    second.write("new/index.html", b"new", "t")
    second.commit()
    assert not (out / "old").exists()
    assert (out / "keep.txt").read_bytes() == b"k"
    assert (out / "new/index.html").read_bytes() == b"new"


def test_a_folder_can_replace_a_file_and_a_file_a_folder(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    first.write("x", b"file", "t")
    first.write("y/index.html", b"page", "t")
    files = first.commit()
    second = Writer(out, previous=files)
    second.write("x/index.html", b"now a page", "t")
    second.write("y", b"now a file", "t")
    second.commit()
    assert (out / "x/index.html").read_bytes() == b"now a page"
    assert (out / "y").read_bytes() == b"now a file"


def test_a_file_and_a_folder_of_one_name_cannot_both_be_claimed(tmp_path):
    writer = Writer(tmp_path / "output")
    assert writer.write("tags/index.html", b"page", "the tags page")
    assert not writer.write("Tags", b"a file", "content/Tags")
    assert writer.owner("Tags") == "files in a folder of that name"
    assert writer.write("about", b"a file", "content/about")
    assert not writer.write("about/index.html", b"page", "a page")
    assert writer.owner("about/index.html") == "content/about"
    assert not writer.write(".sitegen/state.pickle", b"x", "content/.sitegen/state.pickle")
    assert not writer.write(".SiteGen", b"x", "content/.SiteGen")  # a file over our folder
    writer.commit()
    assert (tmp_path / "output/tags/index.html").read_bytes() == b"page"
    assert (tmp_path / "output/about").read_bytes() == b"a file"


def test_a_first_build_is_staged_as_a_tree_and_moved_in_whole(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    assert first.fresh
    first.write("2020/01/post/index.html", b"post", "t")
    first.write("index.html", b"home", "t")
    assert not (out / "2020").exists() and not (out / "index.html").exists()
    assert first.commit() == {"2020/01/post/index.html", "index.html"}
    assert (out / "2020/01/post/index.html").read_bytes() == b"post"
    assert sorted(p.name for p in out.iterdir()) == [".sitegen", "2020", "index.html"]
    second = Writer(out)
    assert not second.fresh
    second.abort()


def test_re_rendered_pages_keep_one_spare_each_and_never_write_through_a_link(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    files = [f"p{i}/index.html" for i in range(20)]
    for rel in files:
        first.write(rel, b"old " * 1000, "t")
    previous = first.commit()
    backup = tmp_path / "backup.html"
    os.link(out / "p7/index.html", backup)  # as `cp -al` or rsync --link-dest would
    for round in range(3):
        writer = Writer(out, previous=previous)
        for rel in files[: 20 - round]:
            writer.write(rel, f"new {round} ".encode() * (900 + round), "t")
        previous = writer.commit()
        assert (out / "p7/index.html").read_bytes() == f"new {round} ".encode() * (900 + round)
        assert backup.read_bytes() == b"old " * 1000
    assert not (out / "p19").exists()
    # Swapped in place, each replaced page leaves its old file as a spare; removed
    # pages lose theirs. Where files cannot be swapped, a replaced page's file is freed.
    spares = 18 if portable.exchange_available() else 0
    assert len(list((out / ".sitegen/pool").iterdir())) == spares
    Writer(out, previous=previous, keep_pool=False).abort()
    assert not any((out / ".sitegen/pool").iterdir())


def test_a_page_rewritten_over_a_longer_or_shorter_spare_holds_exactly_its_new_bytes(tmp_path):
    """A spare is overwritten in place: none of its old bytes may survive, and
    none of the new ones may be lost, at any length."""
    out = tmp_path / "output"
    first = Writer(out)
    first.write("index.html", b"A" * 10_000, "t")
    previous = first.commit()
    for n, size in enumerate([9_000, 4_097, 13_000, 1, 4_096, 8_193, 20_000, 3]):
        writer = Writer(out, previous=previous)
        page = bytes(range(256)) * (size // 256) + bytes([n + 1]) * (size % 256)
        writer.write("index.html", page, "t")
        previous = writer.commit()
        assert (out / "index.html").read_bytes() == page


def test_a_second_build_into_the_same_output_is_refused_while_one_runs(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    with pytest.raises(BuildFailed, match="another sitegen build"):
        Writer(out)
    first.write("index.html", b"home", "t")
    first.commit()
    Writer(out, previous={"index.html"}).abort()
    assert (out / "index.html").read_bytes() == b"home"


def built_once(tmp_path):
    """An output holding one page, the files its build made, and a file outside it."""
    out = tmp_path / "output"
    first = Writer(out)
    first.write("index.html", b"home", "t")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    return out, first.commit(), outside


def rebuilt(out, previous, data):
    writer = Writer(out, previous=previous)
    writer.write("index.html", data, "t")
    writer.commit()
    assert (out / "index.html").read_bytes() == data
    assert not (out / "index.html").is_symlink()


def test_a_symlink_planted_in_the_pool_is_replaced_not_written_through(tmp_path):
    out, previous, outside = built_once(tmp_path)
    peek = Writer(out, previous=previous)
    slot = Path(peek._target("index.html"))
    peek.abort()
    slot.unlink(missing_ok=True)
    slot.symlink_to(outside)
    rebuilt(out, previous, b"new home")
    assert outside.read_bytes() == b"keep me"


def test_a_symlink_planted_in_the_output_is_replaced_by_the_page_and_its_target_kept(tmp_path):
    out, previous, outside = built_once(tmp_path)
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside)
    rebuilt(out, previous, b"new home")
    rebuilt(out, previous, b"newer home")  # writes the pool slot the link was swapped into
    assert outside.read_bytes() == b"keep me"


def test_a_killed_first_builds_half_moved_staging_is_cleared_by_the_next(tmp_path):
    out = tmp_path / "output"
    first = Writer(out)
    first.write("a/index.html", b"a", "t")
    first.write("b/index.html", b"b", "t")
    staging = out / ".sitegen" / "staging"
    (staging / "a").rename(out / "a")  # the commit got this far when the build was killed
    first._unlock()
    second = Writer(out)
    assert not second.fresh and not staging.exists()
    second.write("a/index.html", b"a", "t")
    second.write("b/index.html", b"b", "t")
    second.commit()
    assert (out / "b/index.html").read_bytes() == b"b"
    assert [p.name for p in (out / ".sitegen").iterdir() if p.name.startswith("staging")] == []


def test_a_writer_under_a_builds_lock_leaves_it_held_for_the_cache_save(tmp_path):
    """The build saves its cache after the commit; another build must not slip in between."""
    out = tmp_path / "output"
    with OutputLock(out) as lock:
        writer = Writer(out, lock=lock)
        writer.write("index.html", b"home", "t")
        writer.commit()
        with pytest.raises(BuildFailed, match="another sitegen build is writing"):
            OutputLock(out)
    Writer(out, previous={"index.html"}).abort()  # free again
    assert (out / "index.html").read_bytes() == b"home"


def test_a_first_build_that_fails_under_its_lock_leaves_no_output_folder(tmp_path):
    out = tmp_path / "output"
    with pytest.raises(RuntimeError), OutputLock(out):
        raise RuntimeError("a template failed")
    assert not out.exists()
    out.mkdir()
    with pytest.raises(RuntimeError), OutputLock(out):
        raise RuntimeError("a template failed")
    assert out.is_dir() and not any(out.iterdir()), "a folder the user made stays"


def test_a_full_disk_while_staging_names_the_file_and_leaves_the_site(tmp_path, monkeypatch):
    out, first = tmp_path / "output", Writer(tmp_path / "output")
    first.write("a/index.html", b"old", "t")
    previous = first.commit()
    writer = Writer(out, previous=previous)

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer_module.os, "write", full)
    with pytest.raises(BuildFailed) as failed:
        writer.write("a/index.html", b"new", "t")
    writer.abort()
    assert str(failed.value) == (
        f"{out.resolve()}/a/index.html: cannot write: No space left on device"
        " — free some space on that disk, or build to another --output, and build again"
    )
    assert (out / "a/index.html").read_bytes() == b"old"
