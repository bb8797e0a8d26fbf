"""The classroom scenario (`manage.py bench --classroom`): N distinct signed-in students of the
benchmark's courses read and write at once against gunicorn as in production, each with an open
page polling the live channel, driven by Locust in a child process.

- `protocol`: the names the runner and the Locust process share.
- `plan`: who the students are (sessions made on the benchmark database) and what they may ask.
- `students`: the Locust file: one student's mix of requests, think time and live poller.
- `cpu`: CPU time of the gunicorn workers, the load generator and the database, from /proc.
- `measure`: what the students' records say: percentiles, errors, live delay, capacity.
- `report`: the text the run prints.
- `runner`: one run, inside the benchmark's environment.
"""
