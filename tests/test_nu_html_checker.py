"""The Nu HTML Checker (vnu.jar, the W3C validator's engine) finds no error on any page type.

The checker comes from the npm package vnu-jar (`make vnu`) and runs on Java (Debian's
default-jre-headless). Without them this is skipped, except where REQUIRE_VNU=1 (CI).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_html_validity import PAGES

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = Path(
    os.environ.get("VNU_JAR") or REPO / "var/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)
MORE_PAGES = ["/api/", "/agreements/?sort=-signed&page=1", "/search/?q=%3Cscript%3E"]


def checker():
    java = shutil.which("java")
    missing = None if java else "no java (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        missing = f"no vnu.jar at {VNU_JAR} (make vnu)"
    if missing:
        if os.environ.get("REQUIRE_VNU") == "1":
            pytest.fail(f"REQUIRE_VNU=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    return [java, "-Xss4m", "-jar", str(VNU_JAR)]


def test_every_page_type_has_no_nu_checker_error(client, curated, tmp_path, settings):
    command = checker()
    files = {}
    for number, url in enumerate(PAGES + MORE_PAGES):
        response = client.get(url)
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(response.content)
        files[path.name] = url
    bad_host = client.get("/", headers={"host": "evil.example.net"})
    assert bad_host.status_code == 400
    (tmp_path / "bad-host.html").write_bytes(bad_host.content)
    files["bad-host.html"] = "400 page"

    result = subprocess.run(
        [
            *command,
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *(str(tmp_path / name) for name in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files[Path(m['url']).name]} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
