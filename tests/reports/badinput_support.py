"""Shared checks for the bad-input tests of reports and review."""
import re

from tests.conftest import http_safe, load_badinput

ERROR_RE = re.compile(r'class="error"[^>]*>([^<]+)<')
FLASH_RE = re.compile(r'class="flash flash-error"[^>]*>([^<]+)<')


def strings() -> list[str]:
    return [s for s in load_badinput() if http_safe(s)]


def refused_in_chinese(resp, s, label) -> None:
    text = resp.get_data(as_text=True)
    errors = ERROR_RE.findall(text) + FLASH_RE.findall(text)
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors), f"{label} {s!r}: unclear refusal"


def check(resp, s, label, stored) -> bool:
    """302: stored() equals the input (surrounding white space trimmed); 422: a Chinese message."""
    assert resp.status_code in (302, 422), f"{label} {s!r}: HTTP {resp.status_code}"
    if resp.status_code == 422:
        refused_in_chinese(resp, s, label)
        return False
    assert stored() == s.strip(), f"{label} {s!r} not stored exactly"
    return True
