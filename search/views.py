"""The search page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search import selectors
from search.forms import SearchForm

PAGE_SIZE = 20


def search(request: HttpRequest) -> HttpResponse:
    """Results for `?q=` and the filters, best first, 20 a page. A query with nothing to look for
    is explained on the page; a bad filter is a form error. Both answer 200."""
    form = SearchForm(request.GET or None, user=request.user)
    context = {"form": form, "query": None}
    if form.is_bound and form.is_valid():
        query = form.parsed_query()
        context["query"] = query
        if query.is_runnable:
            entries = selectors.search_entries(request.user, query, form.filters())
            paginator = Paginator(entries, PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            context |= {
                "page_obj": page,
                "page_range": list(
                    paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                ),
                "results": selectors.with_snippets(page.object_list, query),
            }
    return render(request, "search/search.html", context)
