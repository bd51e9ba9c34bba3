"""WeasyPrint may read only the project's static files: a planted file:// link,
an image on a local port, http:, data: and path tricks are all refused, and text
from a learner's record is escaped, never run as markup."""

import socket
import subprocess
import threading
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from reports.pdf import PDF_BASE_URL, StaticOnlyFetcher, html_to_pdf


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def pdf_links(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "links.pdf"
    path.write_bytes(pdf)
    uris = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


class Listener:
    """A TCP port on localhost that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.sendall(b"HTTP/1.0 302 Found\r\nLocation: file:///etc/passwd\r\n\r\n")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.css"
    path.write_text("body::after { content: 'SECRET-FILE-CONTENT'; }")
    path_txt = tmp_path / "secret.txt"
    path_txt.write_text("SECRET-FILE-CONTENT")
    return path


def test_the_listener_does_record_a_connection(listener):
    # Proves the port test below can fail: a plain connection is counted.
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    for _ in range(20):
        if listener.connections:
            break
        threading.Event().wait(0.05)
    assert listener.connections == 1


def test_planted_file_and_local_port_and_data_urls_are_refused(tmp_path, listener, secret_file):
    html = f"""<html><head>
      <link rel="stylesheet" href="file://{secret_file}">
      <link rel="stylesheet" href="http://127.0.0.1:{listener.port}/style.css">
      <style>@import url("file://{secret_file}");
        p {{ background: url("http://127.0.0.1:{listener.port}/bg.png"); }}</style>
    </head><body>
      <p>Visible text</p>
      <img src="http://127.0.0.1:{listener.port}/pixel.png" alt="">
      <img src="https://127.0.0.1:{listener.port}/pixel.png" alt="">
      <img src="file:///etc/passwd" alt="">
      <img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E" alt="">
      <img src="{PDF_BASE_URL}static/../../../../etc/passwd" alt="">
      <img src="{PDF_BASE_URL}static/%2e%2e/%2e%2e/etc/passwd" alt="">
      <img src="{PDF_BASE_URL}etc/passwd" alt="">
      <iframe src="file:///etc/passwd"></iframe>
      <object data="file://{secret_file}"></object>
    </body></html>"""
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)

    text = pdf_text(pdf, tmp_path)
    assert "Visible text" in text
    assert "SECRET-FILE-CONTENT" not in text
    assert "root:" not in text
    assert listener.connections == 0
    assert fetcher.served == []
    refused = " ".join(fetcher.refused)
    assert f"file://{secret_file}" in refused
    assert f"127.0.0.1:{listener.port}" in refused
    assert "file:///etc/passwd" in refused
    assert "data:image/svg+xml" in refused
    assert "etc/passwd" in refused


def test_the_fetcher_serves_the_projects_static_files_only():
    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch(f"{PDF_BASE_URL}static/pdf/report.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    for url in (
        f"{PDF_BASE_URL}static/pdf/nothing-here.css",
        f"{PDF_BASE_URL}static/pdf/report.css?x=1",
        f"{PDF_BASE_URL}static//etc/passwd",
        f"{PDF_BASE_URL}static/pdf/../../manage.py",
        f"{PDF_BASE_URL}manage.py",
        "https://example.com/static/pdf/report.css",
        "http://pdf-assets.learner-journey.invalid/static/pdf/report.css",
        "file:///static/pdf/report.css",
        "ftp://pdf-assets.learner-journey.invalid/static/pdf/report.css",
    ):
        with pytest.raises(ValueError, match="Only the project's static files"):
            fetcher.fetch(url)


@pytest.mark.django_db
def test_markup_in_a_learners_fields_is_escaped_and_fetches_nothing(
    tmp_path, learner, listener, secret_file
):
    from reports.progress_report import learner_progress_context

    learner.first_name = f'<img src="http://127.0.0.1:{listener.port}/x.png">Jamie'
    learner.last_name = f'<a href="file://{secret_file}">Doyle</a>'
    learner.preferred_name = "<b>J</b>"
    learner.save()
    html = render_to_string("reports/pdf/learner_progress.html", learner_progress_context(learner))
    assert "&lt;img src=" in html
    assert '<a href="file://' not in html

    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    text = pdf_text(pdf, tmp_path)
    assert listener.connections == 0
    assert fetcher.refused == []  # nothing but the stylesheet was even asked for
    assert fetcher.served == [f"{PDF_BASE_URL}static/pdf/report.css"]
    assert pdf_links(pdf, tmp_path) == []
    # The markup is printed as text, literally.
    flat = " ".join(text.split())
    assert f'<img src="http://127.0.0.1:{listener.port}/x.png">Jamie' in flat
    assert "<b>J</b>" in flat
