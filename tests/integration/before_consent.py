"""The policy text as the suites written before consent and the review hold
expect it: recording from the start (wait_for_acknowledgment = false) and
uploads without a hold (hold_minutes = 0), unless the text sets them itself.
Tests of consent and of the hold use the text as written. Used by
harness.py and, as a filter from stdin to stdout, by tests/cli/lib.sh."""
import re
import sys


def before_consent(text):
    for group, line in (("policy", "wait_for_acknowledgment = false;"),
                        ("upload", "hold_minutes = 0;")):
        if re.search(r"\b%s\b" % line.split(" ")[0], text):
            continue
        m = re.search(r"^\s*%s\s*[=:]\s*\{" % group, text, re.M)
        if m:
            text = text[:m.end()] + " " + line + text[m.end():]
        else:
            text += "\n%s = { %s };\n" % (group, line)
    return text


if __name__ == "__main__":
    sys.stdout.write(before_consent(sys.stdin.read()))
