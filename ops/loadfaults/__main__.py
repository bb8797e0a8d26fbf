"""`python -m ops.loadfaults`: one run, in the environment `manage.py loadfaults` prepared.

Ctrl-C and SIGTERM end the run through its cleanup, which stops gunicorn.
"""

import os
import signal
import sys

import django


def main() -> None:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from ops.loadfaults.runner import run_from_environment

    sys.exit(run_from_environment())


if __name__ == "__main__":
    main()
