"""Write docs/config.md from the settings' schema (coolhead/config.py): every section, key, type
and allowed range, default and meaning (the field's docstring). tests/test_config.py fails when
the file is stale.

    python scripts/config_docs.py > docs/config.md
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import sys
import typing
from typing import Any

from coolhead import config as config_module
from coolhead.config import Config

INTRO = """\
# Configuration

Generated from `coolhead/config.py` by `python scripts/config_docs.py > docs/config.md`; a test
fails when this page is stale. Every threshold lives there as a field of a section with its type,
allowed range, default and a docstring. A TOML file passed with `--config FILE.toml` overrides any
of them:

```toml
[vad]
aggressiveness = 3
hangover_s = 0.5
```

The file is checked when it is loaded (pydantic): types are strict (`3.0` is not an integer,
`"3"` is not a number), numbers must be finite and in range, related settings consistent (e.g.
`vad.start_voiced_frames` ≤ `vad.start_window_frames`, `prosody.f0_min_hz` < `f0_max_hz`, a
`vad.hangover_s` of at least one frame); unknown sections and keys are errors with a
did-you-mean. Each problem is one line naming the file, section and key; nothing runs until all
are fixed. A settings file is at most 1 MB.
"""


def field_docs(cls: type) -> dict[str, str]:
    """Docstrings of ``cls``'s fields (and its bases'), as one line each."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__ != config_module.__name__:
            continue
        body = ast.parse(inspect.getsource(klass)).body[0].body  # type: ignore[attr-defined]
        for node, after in zip(body, body[1:]):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                    docs[node.target.id] = " ".join(str(after.value.value).split()).replace("``", "`")
    return docs


def allowed(info: Any) -> str:
    """The type and range of a field, e.g. ``number, 0 < x ≤ 10`` or ``8000 or 16000``."""
    annotation = info.annotation
    if typing.get_origin(annotation) is typing.Literal:
        return " or ".join(f"`{v!r}`" if isinstance(v, str) else str(v) for v in typing.get_args(annotation))
    kind = {int: "integer", float: "number", bool: "true/false", str: "text"}.get(annotation, str(annotation))
    low = high = ""
    for rule in info.metadata:
        for attr, sign in (("ge", "≤"), ("gt", "<")):
            if getattr(rule, attr, None) is not None:
                low = f"{_num(getattr(rule, attr))} {sign} "
        for attr, sign in (("le", "≤"), ("lt", "<")):
            if getattr(rule, attr, None) is not None:
                high = f" {sign} {_num(getattr(rule, attr))}"
        if getattr(rule, "pattern", None):
            kind += f" matching `{rule.pattern}`"
        if getattr(rule, "max_length", None):
            kind += f", at most {rule.max_length} characters"
    return f"{kind}, {low}x{high}" if low or high else kind


def _num(x: float) -> str:
    return f"{x:g}"


def _default(value: object) -> str:
    return (
        "true"
        if value is True
        else "false"
        if value is False
        else f'"{value}"'
        if isinstance(value, str)
        else str(value)
    )


def render() -> str:
    defaults = Config()
    out = [INTRO]
    for section in dataclasses.fields(Config):
        instance = getattr(defaults, section.name)
        cls = type(instance)
        docs = field_docs(cls)
        out.append(f"## [{section.name}]")
        if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
            out.append(" ".join(cls.__doc__.split()).replace("``", "`") + "\n")
        out.append("| key | default | allowed | meaning |\n|---|---|---|---|")
        for name, info in cls.__pydantic_fields__.items():  # type: ignore[attr-defined]
            meaning = docs.get(name, "").replace("|", "\\|")
            out.append(f"| `{name}` | {_default(getattr(instance, name))} | {allowed(info)} | {meaning} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
