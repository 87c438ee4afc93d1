"""A test-only client of the declarations spine: a kind of filing of its own ("sample"), registered the
way docs/EXTENDING.md says, to prove the extension points carry a new category from freeze to status
without a line of the spine changed. Installed by tests/settings.py only."""
