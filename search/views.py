"""The search page."""

from functools import cached_property

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.reader_cache import per_reader
from edition.selectors import editions_stamp
from search import selectors
from search.forms import SearchForm

PAGE_SIZE = 20
RESULTS_MAX = 1000  # 50 pages; a query finding more is better narrowed than paged through


class CountedPaginator(Paginator):
    """Pages of the ranked results over a count made by its own, cheaper query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


@per_reader(lambda request: editions_stamp(), with_csrf=True)
def search(request: HttpRequest) -> HttpResponse:
    """Results for `?q=` and the filters, best first, 20 a page. A query with nothing to look for
    is explained on the page; a bad filter is a form error. Both answer 200."""
    form = SearchForm(request.GET or None, user=request.user)
    context = {"form": form, "query": None}
    if form.is_bound and form.is_valid():
        query = form.parsed_query()
        context["query"] = query
        if query.is_runnable:
            filters = form.filters()
            found = selectors.search_count(request.user, query, filters, limit=RESULTS_MAX + 1)
            paginator = CountedPaginator(
                selectors.search_entries(request.user, query, filters),
                PAGE_SIZE,
                count=min(found, RESULTS_MAX),
            )
            page = paginator.get_page(request.GET.get("page"))
            context |= {
                "page_obj": page,
                "page_range": list(
                    paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                ),
                "results": selectors.search_results(page.object_list, query),
                "more_than_shown": found > RESULTS_MAX,
            }
    return render(request, "search/search.html", context)
