"""Production configuration, checked in a separate process with DEBUG off as it would run."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!k2p-production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "edition.example.org,testserver",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def run(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


def production_env(tmp_path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return {
        **env,
        **PRODUCTION_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def test_check_deploy_has_no_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


CLIENT_SCRIPT = """
import re, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="edition.example.org")
page = client.get("/", secure=True)
assert page.status_code == 200, page.status_code
css = re.search(r'href="(/static/css/edition\\.[0-9a-f]{12}\\.css)"', page.content.decode()).group(1)
plain = client.get(css, secure=True)
gzipped = client.get(css, secure=True, HTTP_ACCEPT_ENCODING="gzip")
print(css, plain.status_code, plain.headers.get("Cache-Control"), gzipped.headers.get("Content-Encoding"),
      len(b"".join(plain.streaming_content)), len(b"".join(gzipped.streaming_content)), sep="|")
"""


def test_whitenoise_serves_hashed_compressed_static_files_with_debug_off(tmp_path):
    env = production_env(tmp_path)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        result = run(["manage.py", *command], env)
        assert result.returncode == 0, result.stderr
    assert list((tmp_path / "static" / "css").glob("edition.*.css.gz"))
    result = run(["-c", CLIENT_SCRIPT], env)
    assert result.returncode == 0, result.stderr
    css, status, cache, encoding, plain_size, gzip_size = result.stdout.strip().split("|")
    assert re.fullmatch(r"/static/css/edition\.[0-9a-f]{12}\.css", css)
    assert status == "200"
    assert "immutable" in cache and "max-age=315360000" in cache
    assert encoding == "gzip"
    assert int(gzip_size) < int(plain_size)


@pytest.mark.parametrize("command", [["makemigrations", "--check", "--dry-run"]])
def test_models_and_migrations_agree(tmp_path, command):
    result = run(["manage.py", *command], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
