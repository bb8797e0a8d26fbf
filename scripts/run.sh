#!/usr/bin/env bash
# Set up everything and run the edition on SQLite at http://127.0.0.1:8000/ (development server).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh requirements.txt
export DEBUG="${DEBUG:-1}"
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py import_edition
.venv/bin/python manage.py load_demo   # demo readers, a course and annotations; skipped once loaded
.venv/bin/python manage.py search_reindex   # the search index, also for a database made before search
echo "== The edition: http://127.0.0.1:8000/erz-2023/"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
