"""A run in a child process: `python -m <module>` in the environment prepared for it, with
its output relayed line by line.

`manage.py bench` and `manage.py loadfaults` both run this way, so they work from any settings
while the run itself uses the production ones.
"""

import signal
import subprocess
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import CommandError


def run_module(
    module: str,
    *,
    environment: dict[str, str],
    write: Callable[[str], None],
    interrupted: str,
) -> int:
    """The child's exit code. Ctrl-C reaches it too (same process group) and we wait while it
    stops gunicorn, then raise CommandError(interrupted); SIGTERM is passed on to it."""
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate())
    try:
        for line in child.stdout:
            write(line.rstrip("\n"))
        return child.wait()
    except KeyboardInterrupt:
        child.wait()
        raise CommandError(interrupted) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
