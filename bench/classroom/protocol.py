"""What the classroom's runner and its Locust process agree on; nothing here imports Locust or
Django, so both sides (and the tests) can import it."""

PLAN_VARIABLE = "BENCH_CLASSROOM_PLAN"  # path of the plan's JSON (see `plan`)
RECORDS_VARIABLE = "BENCH_CLASSROOM_RECORDS"  # where Locust writes the records when it quits
SPAWNED_MARK = "CLASSROOM-SPAWNED"  # printed by Locust once every student has arrived

# Request types, as the records and the report name them.
EDITION, THREADS, THREADS_LIVE, API_LIST = "edition", "threads", "threads_live", "api_list"
NOTE, REPLY, SEARCH, LIVE = "note", "reply", "search", "live"
