from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SingleWindowConfig(AppConfig):
    name = "singlewindow"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # psycopg keeps a statement's conversion (its %s placeholders found and numbered) only for statements of
        # at most 50 parameters: a drain's or a recorder's `IN` of 64 padded ids (singlewindow/prepared.py) was
        # parsed again on every run, 4 % of the worker's CPU under load. Prepared statements are one SQL a shape,
        # a handful a process: keep them all. (A private constant: a psycopg without it is left as it is.)
        from psycopg import _queries  # noqa: PLC2701

        from .prepared import MAX_LIST

        if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", MAX_LIST) < MAX_LIST:
            _queries.MAX_CACHED_STATEMENT_PARAMS = MAX_LIST
