"""The German catalogue is complete, and the compiled .mo shipped beside it is current."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"


def test_german_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(CATALOGUE / "django.po"))

    assert not [entry.msgid for entry in po.untranslated_entries()]
    assert not [entry.msgid for entry in po.fuzzy_entries()]
    assert not po.metadata_is_fuzzy  # msgfmt would drop the header and its plural forms
    assert po.percent_translated() == 100


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is shipped (no gettext tools needed to run the site): it must be rebuilt with
    `manage.py compilemessages` whenever the .po changes."""
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))

    def pairs(catalogue) -> dict:
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr
            or {int(n): text for n, text in entry.msgstr_plural.items()}
            for entry in catalogue
            if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
        }

    assert pairs(mo) == pairs(po)
