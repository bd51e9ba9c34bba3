"""Lengths of time in words people use."""


def duration_words(seconds: int) -> str:
    """3 days, 24 hours, 90 minutes: whole days when it divides, else hours, else minutes."""

    def unit(n: int, name: str) -> str:
        return f"{n} {name}" if n == 1 else f"{n} {name}s"

    if seconds >= 86400 and seconds % 86400 == 0:
        return unit(seconds // 86400, "day")
    if seconds >= 3600 and seconds % 3600 == 0:
        return unit(seconds // 3600, "hour")
    return unit(max(1, round(seconds / 60)), "minute")
