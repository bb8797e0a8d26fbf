"""`pk__one_of=<subquery>`: membership in a subquery's rows, written for each database's planner.

SQLite reads `id IN (SELECT … UNION ALL …)` from the subquery's rows. PostgreSQL misjudges such a
subquery's size and scanned every annotation, joining each before it looked at the few it
needed (seconds for a paragraph's notes at 100,000 annotations); `id = ANY(ARRAY(SELECT …))`
makes it run the subquery once and fetch the rows it names by their key.
"""

from django.db.models import Lookup


class OneOf(Lookup):
    lookup_name = "one_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]
