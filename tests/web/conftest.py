"""Fixtures of the phone service's tests: a field office, the service on 127.0.0.1, a real browser."""

from __future__ import annotations

import logging
import os

import pytest
from browser import Phone, available
from phone_fixtures import field_office

from benchmarks.phone_load import free_port
from warranty_desk.web.server import PhoneServer, ServeOptions

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the desktop's ticket window beside the browser


@pytest.fixture(scope="session")
def phone():
    """One headless chromium for the session (it takes seconds to start)."""
    if not available():
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver must be installed (.ci/run installs them)")
        pytest.skip("chromium / chromedriver not installed")
    browser = Phone()
    yield browser
    browser.quit()


@pytest.fixture
def live(db, caplog):
    """The field office, served on 127.0.0.1 by the same server the desktop starts (its request log
    is kept: a failing test shows which requests reached the server)."""
    caplog.set_level(logging.INFO, logger="warranty_desk.web.access")
    office = field_office()
    server = PhoneServer(ServeOptions("127.0.0.1", free_port()))
    server.start()
    office["server"] = server
    office["url"] = server.url
    yield office
    server.stop()


@pytest.fixture
def fresh_phone(phone, live):
    """The browser as a phone that has never seen the service, back online."""
    from browser import ONLINE

    phone.network(ONLINE)
    phone.driver.get(live["url"] + "/health")
    phone.forget_site_data(live["url"])
    yield phone
    phone.network(ONLINE)
