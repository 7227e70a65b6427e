"""Reading turns numpy's huge-page requests off only where the kernel stalls on them, only while it
runs, and always puts the setting back (numpy's own switch, observed through numpy)."""
from __future__ import annotations

import pytest

from mirrorgap.read import pages

pytestmark = pytest.mark.skipif(pages._set_madvise_hugepage is None, reason="numpy has no huge-page switch")


def numpy_asks_for_huge_pages() -> bool:
    before = pages._set_madvise_hugepage(True)
    pages._set_madvise_hugepage(before)
    return before


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """Pretend the kernel's THP defrag setting is the given one."""
    def set_defrag(text: str | None):
        path = tmp_path / "defrag"
        if text is not None:
            path.write_text(text)
        monkeypatch.setattr(pages, "DEFRAG", path)
    return set_defrag


@pytest.fixture(autouse=True)
def huge_pages_on():
    before = pages._set_madvise_hugepage(True)
    yield
    pages._set_madvise_hugepage(before)


@pytest.mark.parametrize("defrag", ["always defer defer+madvise [madvise] never\n",
                                    "[always] defer defer+madvise madvise never\n"])
def test_off_while_reading_where_the_kernel_compacts_then_back(kernel, defrag):
    kernel(defrag)
    seen = []
    pages.small_pages(lambda: seen.append(numpy_asks_for_huge_pages()))()
    assert seen == [False] and numpy_asks_for_huge_pages()


@pytest.mark.parametrize("defrag", ["always defer defer+madvise madvise [never]\n",
                                    "always [defer] defer+madvise madvise never\n", None])
def test_untouched_where_huge_pages_do_not_stall(kernel, defrag):
    kernel(defrag)
    seen = []
    pages.small_pages(lambda: seen.append(numpy_asks_for_huge_pages()))()
    assert seen == [True]


def test_back_after_an_error_and_after_nested_calls(kernel):
    kernel("always defer defer+madvise [madvise] never\n")
    seen = []

    @pages.small_pages
    def inner():
        seen.append(numpy_asks_for_huge_pages())
        raise ValueError("bad file")

    @pages.small_pages
    def outer():
        with pytest.raises(ValueError):
            inner()
        seen.append(numpy_asks_for_huge_pages())  # still off: the outer call is not done

    outer()
    assert seen == [False, False] and numpy_asks_for_huge_pages()


def test_a_setting_made_before_is_kept(kernel):
    kernel("always defer defer+madvise [madvise] never\n")
    pages._set_madvise_hugepage(False)  # e.g. NUMPY_MADVISE_HUGEPAGE=0
    pages.small_pages(lambda: None)()
    assert not numpy_asks_for_huge_pages()
