"""English is the source language: every English entry translates to its own msgid."""

import sys

import polib

path = sys.argv[1] if len(sys.argv) > 1 else "locale/en/LC_MESSAGES/django.po"
catalogue = polib.pofile(path)
for entry in catalogue:
    if entry.msgid_plural:
        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
    else:
        entry.msgstr = entry.msgid
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
catalogue.save()
