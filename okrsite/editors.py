"""Files of a new site that let editors see mistakes in an OKR file as they type.

VS Code's YAML extension checks YAML files only, not the front matter of Markdown
files, so a ``# yaml-language-server: $schema=`` line in an OKR file does nothing
there. What does work is remark's front-matter linter, run by VS Code's remark
extension: ``.remarkrc.json`` points it at ``okr-schema.json`` (``okrsite schema
--draft 7``, as it knows only draft 7) for every file of ``content/``, and
``package.json`` names the two plugins it needs (``npm install`` once).
"""

from __future__ import annotations

import json

from okrsite.fields import json_schema

SCHEMA_FILE = "okr-schema.json"


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def editor_files() -> dict[str, str]:
    """Relative path -> text of the editor set-up of a new site."""
    return {
        SCHEMA_FILE: _json(json_schema("7")),
        ".remarkrc.json": _json({"plugins": [
            "remark-frontmatter",
            ["remark-lint-frontmatter-schema", {"schemas": {f"./{SCHEMA_FILE}": ["./content/**/*.md"]}}],
        ]}),
        "package.json": _json({
            "private": True,
            "description": "Editor tooling only: underlines mistakes in OKR files as you type (okrsite needs no npm)",
            "devDependencies": {"remark-frontmatter": "^5.0.0", "remark-lint-frontmatter-schema": "^3.15.4"},
        }),
        ".vscode/extensions.json": _json({"recommendations": ["unifiedjs.vscode-remark"]}),
    }
