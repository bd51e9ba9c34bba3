"""Password rules beyond Django's own validators, as the NCSC advises: no
password may contain the service's or the organisation's name, or the person's
own names or parts of their email address. Django's validators (wired in
settings.AUTH_PASSWORD_VALIDATORS) check the length, similarity, the list of
common passwords and all-digit passwords.

Passwords are compared after folding case, dropping everything but letters and
digits and undoing the usual letter-for-digit swaps, so "C0de-4000" and
"Learner Journey" are caught as surely as "code4000" and "learnerjourney".
"""

import re

from django.core.exceptions import ValidationError

# The service, the organisation, and how people shorten them.
SERVICE_WORDS = ("learnerjourney", "code4000", "codefourthousand")
# Parts of an email address that say nothing about the person.
EMAIL_NOISE = frozenset({"com", "org", "net", "gov", "co", "uk", "mail", "email"})
MIN_PERSONAL_PART = 4

_LEET = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)


def _folded(text: str) -> set[str]:
    """The text in lower case with only letters and digits, as typed and with
    digits read as the letters they stand for."""
    lowered = text.lower()
    plain = re.sub(r"[^0-9a-z]", "", lowered)
    unleet = re.sub(r"[^a-z]", "", lowered.translate(_LEET))
    return {plain, unleet}


def _contains_any(password: str, words) -> bool:
    forms = _folded(password)
    for word in words:
        for word_form in _folded(word):
            if len(word_form) >= MIN_PERSONAL_PART and any(word_form in f for f in forms):
                return True
    return False


def personal_words(user) -> list[str]:
    """The person's names, their whole email address and its parts."""
    words: list[str] = []
    full_name = getattr(user, "full_name", "") or ""
    words.extend(part for part in re.split(r"[\s.\-']+", full_name) if part)
    email = (getattr(user, "email", "") or "").lower()
    if email:
        local, _, domain = email.partition("@")
        words.append(local)
        words.extend(re.split(r"[._+\-]+", local))
        words.extend(part for part in re.split(r"[.]+", domain) if part not in EMAIL_NOISE)
        words.extend(re.split(r"[.\-]+", domain))
    return [w for w in words if w and w not in EMAIL_NOISE]


class ServiceNameValidator:
    """Refuses passwords containing "Learner Journey" or "Code4000"."""

    message = "Your password must not contain the name of the service or of Code4000"

    def validate(self, password: str, user=None) -> None:
        if _contains_any(password, SERVICE_WORDS):
            raise ValidationError(self.message, code="password_has_service_name")

    def get_help_text(self) -> str:
        return "Your password must not contain the name of the service or of Code4000."


class PersonalWordsValidator:
    """Refuses passwords containing the person's names or parts of their email."""

    message = "Your password must not contain your name or email address, or parts of them"

    def validate(self, password: str, user=None) -> None:
        if user is not None and _contains_any(password, personal_words(user)):
            raise ValidationError(self.message, code="password_has_personal_words")

    def get_help_text(self) -> str:
        return "Your password must not contain your name or email address."


KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def _is_keyboard_run(text: str) -> bool:
    """Letters typed along a keyboard row (or the alphabet), row after row."""
    if len(text) < 8:
        return False
    runs = "".join(KEYBOARD_ROWS)
    position = 0
    while position < len(text):
        best = 0
        for start in range(len(runs)):
            length = 0
            while (
                start + length < len(runs)
                and position + length < len(text)
                and runs[start + length] == text[position + length]
            ):
                length += 1
            best = max(best, length)
        if best < 3:
            return False
        position += best
    return True


def _repeats(text: str) -> str | None:
    """The unit a text repeats ("abcabcabc" -> "abc"), if it is a repetition."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


class CommonPasswordVariantsValidator:
    """Refuses the common variants that Django's list of 20,000 common passwords
    misses: a common password with digits and symbols around it
    ("Password2026!"), one typed twice ("passwordpassword"), a repeated unit,
    and keyboard runs ("qwertyuiopasdf")."""

    message = "Your password is too easy to guess: it is a common password, or a pattern or repeat"

    def __init__(self) -> None:
        from django.contrib.auth.password_validation import CommonPasswordValidator

        self.common = CommonPasswordValidator().passwords

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower().strip()
        letters = re.sub(r"[^a-z]", "", lowered)
        alnum = re.sub(r"[^0-9a-z]", "", lowered)
        units = {_repeats(letters), _repeats(alnum)}
        candidates = {letters, alnum} | {unit for unit in units if unit}
        if any(text in self.common for text in candidates if text):
            raise ValidationError(self.message, code="password_too_common")
        if _repeats(alnum) is not None and len(set(alnum)) <= 4:
            raise ValidationError(self.message, code="password_too_common")
        if _is_keyboard_run(alnum):
            raise ValidationError(self.message, code="password_too_common")

    def get_help_text(self) -> str:
        return "Your password must not be a common password, a pattern or a repeat."
