"""Pagination shared by every list: pages found on ids, totals from rollups when known."""

import re
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property

# ASCII digits only; nine are more pages than any list has.
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


class CountedPaginator(Paginator):
    """A paginator told its total, so it need not COUNT rows the rollups already counted.

    Knowing the total, it reads a page of the second half backwards from the end: an OFFSET
    walks every row it skips, so the last pages then cost what the first ones do. The
    queryset must be ordered (on a unique last key, as all lists here are).
    """

    def __init__(self, object_list: Any, per_page: int, total: int, **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.total = total

    @cached_property
    def count(self) -> int:
        return self.total

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count - top:
            return super().page(number)
        ordered: QuerySet = self.object_list  # type: ignore[assignment]
        backwards = ordered.reverse()[self.count - top : self.count - bottom]
        return self._get_page(list(backwards)[::-1], number, self)  # type: ignore[attr-defined]


class RankedPaginator(Paginator):
    """A paginator for an ordering that reads every row it orders, as a search's ranking does:
    the page and the total come from one query (`COUNT(*) OVER ()`) instead of a COUNT and a
    page that would each find and rank all the rows. The object list is a queryset of ids."""

    def get_page(self, number: Any) -> Page:
        if number is None or number == "":
            number = 1
        elif not (isinstance(number, str) and PAGE_NUMBER.fullmatch(number)) or int(number) < 1:
            return super().get_page(number)  # a bad number: counted, and the nearest page
        number = int(number)
        bottom = (number - 1) * self.per_page
        ids: QuerySet = self.object_list  # type: ignore[assignment]
        rows = list(
            ids.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = rows[0][1]
        elif number == 1:
            self.__dict__["count"] = 0
        else:  # past the end: counted, and the last page read the usual way
            return super().get_page(number)
        return self._get_page([pk for pk, _ in rows], number, self)  # type: ignore[attr-defined]


def paginate(
    object_list: Any,
    page_number: Any,
    per_page: int,
    total: int | None = None,
    of_what: str = "this list",
    ranked: bool = False,
) -> Page:
    """The page `page_number` (any value: a bad one gives the nearest page, and `page.problem`
    says so) of `object_list`; `total`, when known, saves the COUNT query, as does `ranked`
    (RankedPaginator) for a queryset whose ordering reads every row."""
    paginator: Paginator
    if ranked:
        paginator = RankedPaginator(object_list, per_page)
    elif total is None:
        paginator = Paginator(object_list, per_page)
    else:
        paginator = CountedPaginator(object_list, per_page, total)
    page = paginator.get_page(page_number)
    page.problem = page_problem(page_number, page.number, of_what)  # type: ignore[attr-defined]
    return page


def page_problem(asked: Any, shown: int, of_what: str = "this list") -> str:
    """What a viewer who asked for a page that is not there is told (pagination.html)."""
    if asked is None or asked == "" or asked == shown:
        return ""
    asked = str(asked)
    if PAGE_NUMBER.fullmatch(asked) and int(asked) == shown:
        return ""
    quoted = asked if len(asked) <= 20 else f"{asked[:20]}…"
    return f"There is no page “{quoted}” in {of_what}; this is page {shown}."


def load_page(page: Page, queryset: QuerySet) -> Page:
    """`page`, a page of ids, with the objects of `queryset` that have those ids instead: only
    the page's own objects are loaded, with what the queryset selects. The ids were found by
    the list's filters, so `queryset` need not repeat them."""
    ids = list(page.object_list)
    loaded = queryset.in_bulk(ids)
    page.object_list = [loaded[pk] for pk in ids]
    return page


def paginate_by_id(
    queryset: QuerySet,
    page_number: Any,
    per_page: int,
    total: int | None = None,
    *,
    ranked: bool = False,
    load: QuerySet | None = None,
) -> Page:
    """A page of model objects, as `paginate`, found on their ids alone: a deep page then
    skips index entries rather than joined rows. `load` (by default `queryset`) loads the
    page's objects, for a queryset whose filters cost too much to run again."""
    ids = queryset.values_list("pk", flat=True)
    page = paginate(ids, page_number, per_page, total, ranked=ranked)
    return load_page(page, queryset if load is None else load)
