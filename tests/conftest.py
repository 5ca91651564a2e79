"""Fixtures shared by the test modules: one Chromium for the session (Playwright's sync API allows only
one running instance, so the desk tests must not each import the fixture)."""

from tests.desk import chromium
