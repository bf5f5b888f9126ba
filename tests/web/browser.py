"""A real browser for the phone pages: Debian's chromium driven by its chromedriver through selenium,
headless, with a phone's viewport (360×780) and touch. Also used by packaging/phone_screenshots.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("WARRANTY_DESK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("WARRANTY_DESK_CHROMEDRIVER", "/usr/bin/chromedriver")
PHONE = {"width": 360, "height": 780, "deviceScaleFactor": 1, "mobile": True}
USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; 23078RKD5C Build/UP1A.231005.007) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")
# Chrome DevTools' "Slow 3G" preset: 400 kbit/s with 400 ms × 5 of latency per request, and the
# classic slow-3G profile of web performance budgets (WebPageTest "3G Slow"): 400 kbit/s, 400 ms RTT
SLOW_3G_DEVTOOLS = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1000 / 8 * 0.8,
                    "uploadThroughput": 500 * 1000 / 8 * 0.8}
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8}
ONLINE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


class Phone:
    """One headless chromium with a phone's screen; `network(...)` throttles or cuts its network."""

    def __init__(self):
        os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium look for a driver on the network
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="wd-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument("--lang=zh-CN")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # chromedriver's own phone emulation: the viewport, touch and a phone's user agent
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": PHONE["width"], "height": PHONE["height"], "pixelRatio": PHONE["deviceScaleFactor"],
                              "touch": True},
            "userAgent": USER_AGENT})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(60)
        self.cdp("Network.enable", {})

    def cdp(self, command: str, args: dict):
        return self.driver.execute_cdp_cmd(command, args)

    def network(self, conditions: dict) -> None:
        self.cdp("Network.emulateNetworkConditions", conditions)

    def forget_site_data(self, origin: str) -> None:
        """A fresh phone: no cookies, no stored drafts or outbox for `origin`."""
        self.driver.delete_all_cookies()
        self.cdp("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
