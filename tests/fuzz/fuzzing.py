"""What the fuzz tests share: adversarial values, raw request encoding, and the checks.

Values are sent as raw bytes (`encode_pairs`), so that what a browser or a script could send
reaches Django: NUL bytes, lone surrogates (encoded as the invalid UTF-8 bytes they would be),
repeated keys where one value is expected, keys that are not fields at all.
"""

import os
from urllib.parse import quote_from_bytes

from django.utils.html import escape
from hypothesis import strategies as st

# Multiplies the per-test example counts (HYPOTHESIS_PROFILE=deep runs ten times as many).
SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else 1


def examples(n: int) -> int:
    return n * SCALE


NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t\x0b\x0c",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "2147483648",
    "9223372036854775808",
    "0x1A",
    "١٢٣",
    "²",
    "½",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "31/12/2026",
    "<script>alert(1)</script>",
    "'\"><img src=x onerror=alert(1)>",
    "{{ request }}{% debug %}",
    "%s%s%n %(name)s {0}",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202eevil",
    "🙂🙂🙂",
    "\ufeff",
    "İıßǅ",
    "a" * 5000,
    "é" * 3000,
    "\ud800",
    "x\udfffy",
    "|",
    "a|1",
    "\x00|1",
    "zz|" + "9" * 30,
    "|-1",
]

# Any character, surrogates and controls included.
ANY_CHAR = st.characters(codec=None, categories=None, exclude_categories=())


def nasty_text(max_size: int = 40):
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(ANY_CHAR, max_size=max_size),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


def values(*valid: str, max_size: int = 40):
    """A value for a field: one of its valid values (when given) or anything else."""
    if not valid:
        return nasty_text(max_size)
    return st.one_of(st.sampled_from(valid), nasty_text(max_size))


def params(fields: dict, *, max_size: int = 8):
    """A list of (key, value) pairs over `fields` (name → strategy) and a few unknown keys:
    any field may be missing, repeated or given nonsense."""
    keys = st.sampled_from([*fields, "junk", "csrfmiddlewaretoken", "page"])
    return st.lists(
        keys.flatmap(lambda key: st.tuples(st.just(key), fields.get(key, nasty_text()))),
        max_size=max_size,
    )


def _encode(value: str) -> str:
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def encode_pairs(pairs) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


def get(client, path: str, pairs=(), **extra):
    query = encode_pairs(pairs)
    return client.get(f"{path}?{query}" if query else path, **extra)


def post(client, path: str, pairs=(), **extra):
    return client.post(
        path,
        data=encode_pairs(pairs).encode("ascii"),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


TRACEBACK_MARKERS = (
    "Traceback (most recent call last)",
    "Exception Value",
    "Exception Location",
    'File "/',
    "Server Error (500)",
    "Internal Server Error",
)


def body_of(response) -> str:
    if response.streaming:
        content = b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode()
            for chunk in response.streaming_content
        )
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def assert_clean(response) -> str:
    """No server error and no traceback in the body; returns the body."""
    assert response.status_code < 500, f"answered {response.status_code}"
    body = body_of(response)
    for marker in TRACEBACK_MARKERS:
        assert marker not in body, f"the page shows {marker!r}"
    return body


def shows_value(body: str, value: str) -> bool:
    """Whether an HTML page re-shows `value` as typed (in an input or a textarea)."""
    return escape(value) in body


# Text a user would type in a field, kept as is in the re-shown form (no NUL, no surrogate,
# no leading or trailing space that a field strips).
TYPED = (
    st.text(
        st.characters(categories=["L", "N"], include_characters=" '-&", codec="utf-8"),
        min_size=3,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda s: len(s) >= 3)
)
