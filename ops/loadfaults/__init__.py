"""Load and faults: simulated students write through gunicorn and PostgreSQL while a worker is
killed and the database restarted; afterwards the database must hold every write they were told
was saved (`manage.py loadfaults`, README "Load and faults").

`config` (what a run is asked), `data` (its database), `client` (a student's browser),
`students` (what they do), `ledger` (what they were told), `faults` (what goes wrong),
`verify` (the database against the ledger), `report` (the figures), `runner` (one run).
"""
