"""A real zh_Hans_CN catalogue: every interface string is extracted into it, service messages are
wrapped for translation, templates carry no bare Chinese text."""
import ast
import re
from pathlib import Path

from babel.messages.mofile import read_mo

from consult.translations import catalogue

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
WRAPPERS = {"_", "gettext", "_l", "lazy_gettext", "ngettext"}
# calls whose first text argument a person reads: raised errors, flashes, form errors, action results
MESSAGE_CALLS = ("Error", "flash", "errors.append", "_action")


def test_every_string_in_code_and_templates_is_in_the_catalogue():
    extracted = {m.id for m in catalogue.extract() if m.id}
    po = catalogue.read()
    in_po = {m.id for m in po if m.id}
    missing = sorted(extracted - in_po)
    assert not missing, f"{len(missing)} strings not in the catalogue (run python -m consult.translations.catalogue): {missing[:5]}"
    assert all(m.string for m in po if m.id), "empty msgstr"
    with open(catalogue.po_path().with_suffix(".mo"), "rb") as fh:
        mo = read_mo(fh)
    assert {m.id for m in mo if m.id} == in_po, "the .mo is older than the .po (run the catalogue command)"
    assert len(extracted) > 900


def _message_call(node: ast.Call) -> bool:
    name = ast.unparse(node.func)
    return any(name.endswith(suffix) for suffix in MESSAGE_CALLS)


def test_service_messages_are_wrapped_for_translation():
    bare = []
    for path in sorted((ROOT / "consult").rglob("*.py")):
        if "analysis/pipeline" in str(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _message_call(node):
                for arg in node.args:
                    if isinstance(arg, (ast.Constant, ast.JoinedStr)) and CJK.search(ast.unparse(arg)):
                        bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bare == [], f"messages not wrapped in _(): {bare}"


def test_templates_have_no_bare_chinese_text(app):
    bare = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for lineno, token, value in app.jinja_env.lex(path.read_text()):
            if token == "data" and CJK.search(value):
                bare.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert bare == []


def test_the_catalogue_is_the_one_the_app_uses(app, client):
    from flask_babel import get_translations

    with app.test_request_context("/"):
        translations = get_translations()
        assert translations.gettext("提交过于频繁") == "提交过于频繁"
        assert getattr(translations, "_catalog", {}).get("提交过于频繁") == "提交过于频繁"
