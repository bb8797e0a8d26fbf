"""What one load-and-faults run is asked to do, and the environment its processes run in.

As with the benchmark (`bench.config`), the command runs under the developer's settings and the
run itself — database, gunicorn, the students — in a child process under the production
settings: DEBUG off, a generated SECRET_KEY, the run's own DATABASE_URL and STATIC_ROOT.
"""

import dataclasses
import json
import secrets
from dataclasses import dataclass

from bench.config import CONFIG_VARIABLE as BENCH_CONFIG_VARIABLE
from bench.config import BenchConfig

CONFIG_VARIABLE = "LOADFAULTS_CONFIG"
FAULT_CHOICES = ("none", "worker", "connections", "postgres", "all")
# When each kind of fault strikes, as a share of the run's duration: the same moment whether a
# fault runs alone or with the others, and far enough apart that their windows do not overlap.
FAULT_AT = {"worker": 0.25, "connections": 0.5, "postgres": 0.75}
FAULTS_OF = {
    "none": (),
    "worker": ("worker",),
    "connections": ("connections",),
    "postgres": ("postgres",),
    "all": ("worker", "connections", "postgres"),
}
QUICK_STUDENTS = 8
QUICK_DURATION = 10


@dataclass(frozen=True)
class LoadFaultsConfig:
    database_url: str
    static_root: str
    students: int = 32
    duration: int = 60
    faults: str = "none"
    seed: int = 1
    json_path: str = ""
    secret_key: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(50))

    def fault_plan(self) -> list[tuple[float, str]]:
        """(second of the run, kind) for each fault, in order."""
        return sorted(
            (round(self.duration * FAULT_AT[kind], 1), kind) for kind in FAULTS_OF[self.faults]
        )

    def environment(self) -> dict[str, str]:
        """The benchmark's production environment (gunicorn on 127.0.0.1, no TLS proxy), with
        this run's configuration instead of the benchmark's."""
        bench = BenchConfig(
            database_url=self.database_url,
            static_root=self.static_root,
            secret_key=self.secret_key,
        )
        variables = bench.environment()
        variables.pop(BENCH_CONFIG_VARIABLE, None)
        return {**variables, CONFIG_VARIABLE: self.to_json()}

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "LoadFaultsConfig":
        return cls(**json.loads(text))
