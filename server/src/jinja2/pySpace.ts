// Python's whitespace: the characters str.isspace() accepts, which Python's `\s`, strip() and jinja2's lexer use.

/** Python's str.isspace() characters; JavaScript's `\s` differs on \x1c-\x1f, \x85, \ufeff. */
export const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const ALL_SPACE = new RegExp(`^[${PY_SPACE}]*$`);
export const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`);
