"""The Belgian national register number (rijksregisternummer / numéro de registre national):
``YYMMDD`` birth date, a 3-digit serial (odd for men, even for women) and a 2-digit check
``97 - (n mod 97)``, where ``n`` is the first nine digits, with a ``2`` in front for people born in
2000 or later."""

from __future__ import annotations

from datetime import date


def check_digits(birth: date, serial: int) -> int:
    base = int(f"{birth:%y%m%d}{serial:03d}")
    if birth.year >= 2000:
        base += 2_000_000_000
    return 97 - base % 97


def national_number(birth: date, serial: int) -> str:
    if not 1 <= serial <= 998:
        raise ValueError("the serial of a national number is 001 to 998")
    return f"{birth:%y%m%d}{serial:03d}{check_digits(birth, serial):02d}"


def parse_national_number(text: str) -> tuple[date, int] | None:
    """Birth date and serial of a well-formed number (checksum verified), else ``None``."""
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) != 11 or len(digits) != len(text.replace(".", "").replace("-", "")):
        return None
    yy, mm, dd, serial, check = (
        int(digits[0:2]),
        int(digits[2:4]),
        int(digits[4:6]),
        int(digits[6:9]),
        int(digits[9:]),
    )
    for century in (1900, 2000):
        try:
            birth = date(century + yy, mm, dd)
        except ValueError:
            return None
        if 1 <= serial <= 998 and check_digits(birth, serial) == check:
            return birth, serial
    return None
