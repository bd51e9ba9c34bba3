"""Drives the production shape over HTTP, as a browser behind one TLS proxy would
(X-Forwarded-Proto: https, X-Forwarded-For, the public Host): signs a director in
with the password and the second factor, asks for a partner report, waits for a
worker to make it, downloads it from each web process, checks the PDF carries
its stylesheet, and checks /healthz on each. Used by scripts/production_check.sh.

    python scripts/production_drive.py HOST EMAIL PASSWORD TOTP_HEX_KEY PRISON_ID URL1 URL2 OUTDIR
"""

from __future__ import annotations

import binascii
import http.client
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django_otp.oath import TOTP


class Browser:
    """Cookies by hand: the production cookies are Secure and __Host-, which a
    cookie jar would not send over the plain HTTP behind the proxy."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, form: dict | None = None):
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            "User-Agent": "production-check",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{self.host}{path}"
            headers["Origin"] = f"https://{self.host}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), data

    def csrf(self, html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        check(match is not None, "a CSRF token on the page")
        return match.group(1).decode()


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def main() -> None:
    host, email, password, key_hex, prison_id, web1, web2, outdir = sys.argv[1:9]
    out = Path(outdir)
    browser = Browser(host)

    for web in (web1, web2):
        status, _, body = browser.request(web, "GET", "/healthz")
        health = json.loads(body)
        check(
            status == 200 and health["database"] == health["broker"] == "ok",
            f"/healthz on {web}: {health}",
        )

    status, headers, _ = Browser(host).request(web1, "GET", "/reports/partner/")
    check(
        status == 302 and "/accounts/sign-in/" in headers.get("Location", ""),
        "signed out: sent to sign in",
    )
    status, _, page = browser.request(web1, "GET", "/accounts/sign-in/")
    check(status == 200, "the sign-in page")
    status, headers, _ = browser.request(
        web1,
        "POST",
        "/accounts/sign-in/",
        {"csrfmiddlewaretoken": browser.csrf(page), "username": email, "password": password},
    )
    check(
        status == 302 and "two-factor" in headers.get("Location", ""),
        "password accepted, second factor asked",
    )
    status, _, page = browser.request(web1, "GET", "/accounts/two-factor/")
    totp = TOTP(binascii.unhexlify(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time()
    status, headers, _ = browser.request(
        web2,  # the session lives in PostgreSQL: either web process carries on
        "POST",
        "/accounts/two-factor/",
        {"csrfmiddlewaretoken": browser.csrf(page), "code": f"{totp.token():06d}"},
    )
    check(
        status == 302 and "two-factor" not in headers.get("Location", ""), "second factor accepted"
    )
    check(any(name.startswith("__Host-") for name in browser.cookies), "__Host- secure cookies")

    # Two reports asked for at once, so each of the two workers (one task at a time)
    # is likely to make one; each downloads from either web process.
    run_paths = []
    for partner in ("dcms", "moj"):
        status, _, page = browser.request(web2, "GET", "/reports/partner/")
        check(status == 200, "the partner reports page")
        status, headers, _ = browser.request(
            web2,
            "POST",
            "/reports/partner/",
            {
                "csrfmiddlewaretoken": browser.csrf(page),
                "partner": partner,
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "prisons": [prison_id],
            },
        )
        location = headers.get("Location", "")
        match = re.search(r"/reports/partner/(\d+)/", location)
        check(status == 302 and match is not None, f"{partner} report asked for ({location})")
        run_paths.append(match.group(0))

    for run_path in run_paths:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, _, page = browser.request(web1, "GET", run_path)
            if b"Download the PDF" in page or b"could not be made" in page:
                break
            time.sleep(1)
        check(b"Download the PDF" in page, f"a worker made the report {run_path}")
        pdfs = []
        for n, web in enumerate((web1, web2), start=1):
            status, headers, pdf = browser.request(web, "GET", run_path + "download")
            check(status == 200 and pdf.startswith(b"%PDF"), f"it downloads from web process {n}")
            pdfs.append(pdf)
        check(pdfs[0] == pdfs[1], "both web processes serve the same stored report")
        path = out / "report.pdf"
        path.write_bytes(pdfs[0])
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        fonts = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        check(
            "Page 1 of" in text and "Liberation-Sans" in fonts,
            "the PDF has its stylesheet (footer and font)",
        )


if __name__ == "__main__":
    main()
