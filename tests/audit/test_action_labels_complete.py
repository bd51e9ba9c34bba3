"""Every audit action the code writes has plain words (issue 17 item 7): the
audit trail and a subject access copy never show a raw action name. The crawl in
tests/test_plain_words.py sees only the actions the standing world happens to
write; this reads every action name written in the project's code."""

import re
from pathlib import Path

from audit.actions import OTHER_ACTIONS, Action, action_label

ROOT = Path(__file__).resolve().parents[2]
ACTION_NAME = re.compile(r"""\baction\s*=\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def _action_names_in_code() -> dict[str, str]:
    """Action names in every app (a folder with apps.py) and the project package."""
    packages = [path.parent for path in ROOT.glob("*/apps.py")] + [ROOT / "code4000"]
    names = {}
    for package in packages:
        for path in package.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for name in ACTION_NAME.findall(path.read_text()):
                names.setdefault(name, str(path.relative_to(ROOT)))
    return names


def test_the_code_writes_audit_actions():
    # The search itself works: it finds actions written as plain strings.
    assert "privacy.subject_access" in _action_names_in_code()


def test_every_action_written_in_the_code_has_plain_words():
    known = set(Action.values) | set(OTHER_ACTIONS)
    missing = {name: where for name, where in _action_names_in_code().items() if name not in known}
    assert missing == {}, f"Add these actions to audit/actions.py OTHER_ACTIONS: {missing}"
    assert all(action_label(name) != name for name in _action_names_in_code())
