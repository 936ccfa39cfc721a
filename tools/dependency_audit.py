"""The dependency audit of `make lint`, which says whether it ran.

pip-audit asks an advisory service (PyPI's JSON API by default, OSV with ``-s osv``) about every
installed distribution. Offline it either crashes on the connection or reports every package as
"could not be audited" – and still prints "No known vulnerabilities found" with exit code 0. This
wrapper runs it with JSON output and tells three outcomes apart:

- ``clean``: packages were audited and none has a known vulnerability (exit 0);
- ``vulnerable``: at least one has (exit 1, with the advisories and fixed versions);
- ``unreachable``: the service could not be asked, nothing was audited (a warning, exit 0 so that
  lint passes on an offline machine; exit 1 with ``--require``, as `make audit` does).

Any other failure of pip-audit fails (exit 2) with its last error line.

Usage: ``python -m tools.dependency_audit [--require] [pip-audit options, e.g. -s osv]``.
"""

import json
import subprocess
import sys
from dataclasses import dataclass, field

CLEAN, VULNERABLE, UNREACHABLE, FAILED = "clean", "vulnerable", "unreachable", "failed"

PIP_AUDIT = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off", "-f", "json"]

# What requests/urllib3 say when the advisory service cannot be reached.
NETWORK_ERRORS = (
    "ConnectionError",
    "ProxyError",
    "ConnectTimeout",
    "ReadTimeout",
    "Timeout",
    "SSLError",
    "Max retries exceeded",
    "Failed to establish a new connection",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Connection refused",
    "ServiceError",
)


@dataclass
class Outcome:
    status: str
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    error: str = ""

    def exit_code(self, *, require: bool = False) -> int:
        if self.status == VULNERABLE:
            return 1
        if self.status == FAILED:
            return 2
        if self.status == UNREACHABLE:
            return 1 if require else 0
        return 0

    def message(self) -> str:
        if self.status == VULNERABLE:
            return "\n".join([f"pip-audit: known vulnerabilities in {len(self.findings)} package(s):", *self.findings])
        if self.status == UNREACHABLE:
            reason = self.error or f"all {len(self.skipped)} packages were skipped as 'could not be audited'"
            return (
                "WARNING: dependency audit did NOT run – nothing was audited.\n"
                f"  pip-audit could not reach its advisory service: {reason}\n"
                "  Run `make audit` where the network allows it (see README, 'Dependency audit')."
            )
        if self.status == FAILED:
            return f"pip-audit failed: {self.error}"
        packages = "package" if self.audited == 1 else "packages"
        text = f"pip-audit: {self.audited} {packages} audited, no known vulnerabilities."
        if self.skipped:
            text += f" Not audited ({len(self.skipped)}): {', '.join(self.skipped)}."
        return text


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def classify(*, returncode: int, stdout: str, stderr: str) -> Outcome:
    """The outcome of one pip-audit run with ``-f json``, from its exit code and output alone."""
    try:
        report = json.loads(stdout)
        dependencies = report["dependencies"]
    except (ValueError, TypeError, KeyError):
        error = _last_line(stderr) or f"exit code {returncode} without a report"
        status = UNREACHABLE if any(marker in stderr for marker in NETWORK_ERRORS) else FAILED
        return Outcome(status=status, error=error)

    audited, skipped, findings = 0, [], []
    for dependency in dependencies:
        name = dependency.get("name", "?")
        reason = dependency.get("skip_reason")
        if reason is not None:
            if "editable" not in reason:  # our own package, skipped on purpose (--skip-editable)
                skipped.append(name)
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            findings.append(f"  {name} {dependency.get('version', '')}: {vuln.get('id', '?')} (fixed in: {fixes})")
    if findings:
        return Outcome(status=VULNERABLE, audited=audited, skipped=skipped, findings=findings)
    if audited == 0:
        return Outcome(status=UNREACHABLE, skipped=skipped)
    return Outcome(status=CLEAN, audited=audited, skipped=skipped)


def main(argv: list[str]) -> int:
    require = "--require" in argv
    extra = [arg for arg in argv if arg != "--require"]
    result = subprocess.run([*PIP_AUDIT, *extra], capture_output=True, text=True, check=False)  # noqa: S603
    outcome = classify(returncode=result.returncode, stdout=result.stdout, stderr=result.stderr)
    print(outcome.message(), file=sys.stderr if outcome.status != CLEAN else sys.stdout)
    return outcome.exit_code(require=require)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
