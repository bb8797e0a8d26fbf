"""JSON from outside (the JSON API, the W3C protocol, import files) parsed once, strictly.

Python's `json` accepts what no part of the site can use and what fails far from the parser:
nesting deep enough to exhaust the stack, NaN and Infinity, integers of thousands of digits
(past Python's integer-string limit, or past any database column), the NUL character
(PostgreSQL cannot store it in text, and a lookup with it fails) and lone surrogates
(`"\\ud800"`, which no UTF-8 encoder, Markdown renderer or database driver takes). Each is
refused here with the JSON path of the value, so that every reader of the result may take its
strings and numbers as storable.
"""

import json
import math
import re

MAX_DEPTH = 32  # an import file's annotation sits 9 levels deep at most
INTEGER_MAX_DIGITS = 19  # a 64-bit integer; no field holds more
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class JsonInputError(ValueError):
    """The input is not JSON the site takes: `field` is the JSON path of the problem;
    `malformed` when it is not JSON at all (`message` then says where it breaks)."""

    def __init__(self, field: str, message: str, *, malformed: bool = False):
        self.field, self.message, self.malformed = field, message, malformed
        super().__init__(f"{field}: {message}")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > INTEGER_MAX_DIGITS:
        raise JsonInputError(
            "request", f"a number of {len(digits)} digits; at most {INTEGER_MAX_DIGITS} are taken"
        )
    return int(digits)


def _real(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonInputError("request", f"the number {text[:40]} is out of range")
    return value


def _constant(name: str):
    raise JsonInputError("request", f"{name} is not a JSON value")


def json_parse(data: bytes | str) -> object:
    """The parsed value, or JsonInputError (malformed JSON included, with its position)."""
    try:
        value = json.loads(data, parse_int=_integer, parse_float=_real, parse_constant=_constant)
    except RecursionError as exc:
        raise JsonInputError("request", f"nested more than {MAX_DEPTH} levels deep") from exc
    except JsonInputError:
        raise
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte {exc.start + 1} is not)"
        raise JsonInputError("request", message, malformed=True) from exc
    except json.JSONDecodeError as exc:
        message = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise JsonInputError("request", message, malformed=True) from exc
    except ValueError as exc:
        raise JsonInputError("request", str(exc), malformed=True) from exc
    _check(value)
    return value


def _check(value: object) -> None:
    """Every string (keys too) storable and the nesting bounded, walked without recursion."""
    pending = [(value, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value, path)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise JsonInputError(path or "request", f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, list):
            pending += [(item, f"{path}[{n}]", depth + 1) for n, item in enumerate(value)]
            continue
        for key, item in value.items():
            member = f"{path}.{key}" if path else key
            _check_text(key, path or "request")
            pending.append((item, member, depth + 1))


def _check_text(text: str, path: str) -> None:
    found = UNSTORABLE.search(text)
    if found is None:
        return
    if found[0] == "\x00":
        raise JsonInputError(path or "request", "may not contain the NUL character (U+0000)")
    raise JsonInputError(
        path or "request",
        f"holds a lone surrogate (U+{ord(found[0]):04X}), which is not a character; "
        "send text as UTF-8 or escape characters as \\u pairs",
    )
