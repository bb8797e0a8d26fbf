"""What one benchmark run is asked to do, and the environment its processes run in.

The command (`manage.py bench`) runs under the developer's settings; everything that touches the
benchmark database — building it, counting queries, gunicorn — runs in child processes whose
environment is `BenchConfig.environment()`: the production settings module, DEBUG off, a
generated SECRET_KEY, the benchmark's DATABASE_URL and a temporary STATIC_ROOT.
"""

import dataclasses
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.data import Sizes

CONFIG_VARIABLE = "BENCH_CONFIG"
DEFAULT_SQLITE = Path(tempfile.gettempdir()) / "edition-bench" / "bench.sqlite3"
HOST = "127.0.0.1"
WORKERS = 2


@dataclass(frozen=True)
class BenchConfig:
    database_url: str
    static_root: str
    sizes: Sizes = Sizes()
    duration: int = 10
    concurrency: int = 8
    instances: int = 1
    cache_url: str = ""
    reuse: bool = False
    json_path: str = ""
    classroom: bool = False  # the classroom scenario (bench.classroom) instead of wrk's
    students: int = 300
    capacity: bool = False
    secret_key: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(50))

    @property
    def warmup(self) -> int:
        """Seconds of load before each measured run, not counted."""
        return max(1, min(2, self.duration // 4))

    def environment(self) -> dict[str, str]:
        """Production settings, reachable over plain HTTP on 127.0.0.1 only."""
        variables = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "DEBUG": "0",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": "",
            "SECURE_SSL_REDIRECT": "0",  # no TLS proxy in front; see config/settings.py
            "STATIC_ROOT": self.static_root,
            "CACHE_URL": self.cache_url,
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            CONFIG_VARIABLE: self.to_json(),
        }
        return {**os.environ, **variables}

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "BenchConfig":
        values = json.loads(text)
        return cls(**{**values, "sizes": Sizes(**values["sizes"])})
