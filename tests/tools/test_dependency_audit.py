"""The dependency audit tells "audited, nothing found", "vulnerabilities found" and "not audited" apart."""

import json
import sys

import pytest

from tools import dependency_audit
from tools.dependency_audit import CLEAN, FAILED, UNREACHABLE, VULNERABLE, classify

OWN = {"name": "strategie-austausch", "skip_reason": "distribution marked as editable"}


def _report(*dependencies) -> str:
    return json.dumps({"dependencies": [*dependencies, OWN], "fixes": []})


def _audited(name, version="1.0", vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


def _not_found(name):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)"}


def test_classify_audited_without_findings_is_clean():
    outcome = classify(returncode=0, stdout=_report(_audited("django"), _audited("celery")), stderr="")

    assert (outcome.status, outcome.audited, outcome.skipped, outcome.exit_code()) == (CLEAN, 2, [], 0)
    assert outcome.message() == "pip-audit: 2 packages audited, no known vulnerabilities."


def test_classify_a_vulnerability_fails_and_names_the_fix():
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["5.2.20"], "aliases": ["CVE-2026-1"], "description": "…"}
    stdout = _report(_audited("django", "5.2.19", [vuln]), _audited("celery"))

    outcome = classify(returncode=1, stdout=stdout, stderr="Found 1 known vulnerability in 1 package")

    assert (outcome.status, outcome.exit_code(), outcome.exit_code(require=True)) == (VULNERABLE, 1, 1)
    assert outcome.findings == ["  django 5.2.19: GHSA-xxxx (fixed in: 5.2.20)"]


def test_classify_every_package_skipped_offline_is_not_audited_and_warns_without_failing():
    outcome = classify(returncode=0, stdout=_report(_not_found("django"), _not_found("celery")), stderr="")

    assert (outcome.status, outcome.exit_code(), outcome.exit_code(require=True)) == (UNREACHABLE, 0, 1)
    assert outcome.message().startswith("WARNING: dependency audit did NOT run – nothing was audited.")
    assert "all 2 packages were skipped" in outcome.message()


def test_classify_connection_error_without_report_is_not_audited():
    stderr = (
        "Traceback (most recent call last):\n  ...\n"
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded"
    )

    outcome = classify(returncode=1, stdout="", stderr=stderr)

    assert (outcome.status, outcome.exit_code()) == (UNREACHABLE, 0)
    assert outcome.error.startswith("requests.exceptions.ConnectionError")
    assert "nothing was audited" in outcome.message()


def test_classify_other_crash_fails():
    outcome = classify(returncode=2, stdout="", stderr="pip-audit: error: unrecognized arguments: --frobnicate")

    assert (outcome.status, outcome.exit_code()) == (FAILED, 2)
    assert outcome.message() == "pip-audit failed: pip-audit: error: unrecognized arguments: --frobnicate"


def test_classify_some_skipped_is_clean_and_lists_them():
    outcome = classify(returncode=0, stdout=_report(_audited("django"), _not_found("private-lib")), stderr="")

    assert (outcome.status, outcome.skipped) == (CLEAN, ["private-lib"])
    assert outcome.message() == "pip-audit: 1 package audited, no known vulnerabilities. Not audited (1): private-lib."


@pytest.mark.parametrize(
    ("stdout", "require", "code", "stream", "text"),
    [
        (_report(_audited("django")), False, 0, "out", "1 package audited"),
        (_report(_not_found("django")), False, 0, "err", "did NOT run"),
        (_report(_not_found("django")), True, 1, "err", "did NOT run"),
    ],
)
def test_main_exit_code_and_where_it_prints(monkeypatch, capsys, stdout, require, code, stream, text):
    # A stand-in for pip-audit that prints a given report: no network involved.
    monkeypatch.setattr(dependency_audit, "PIP_AUDIT", [sys.executable, "-c", f"print({stdout!r})"])

    result = dependency_audit.main(["--require"] if require else [])

    captured = capsys.readouterr()
    assert result == code
    assert text in (captured.out if stream == "out" else captured.err)
