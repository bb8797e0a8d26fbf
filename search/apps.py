from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from edition.signals import edition_imported
        from search.services import search_index_edition

        def index_imported_edition(sender, *, edition, **kwargs) -> None:
            search_index_edition(edition)

        edition_imported.connect(
            index_imported_edition, weak=False, dispatch_uid="search-indexes-imported-edition"
        )
