"""The French catalogue: complete, consistent with the source, and used by the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, AuthActions, post_form
from tracker.models import Role
from tracker.services.accounts import users

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
PO_FILE = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
# The same keywords as `make messages` (Makefile).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO_FILE.open("rb") as handle:
        return read_po(handle)


def entries(catalog: Catalog) -> list[Message]:
    """Every translatable entry (the header left out)."""
    return [message for message in catalog if message.id]


def forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A message's id or string as a tuple: one item, or the plural forms."""
    return (value,) if isinstance(value, str) else tuple(value)


def label(message: Message) -> str:
    return repr(forms(message.id)[0]) + (f" ({message.context})" if message.context else "")


def test_flask_babel_reads_the_catalogue_directory(app: Flask) -> None:
    assert app.extensions["babel"].translation_directories == [str(TRANSLATIONS)]
    assert PO_FILE.is_file()


def test_every_entry_is_translated_and_none_is_fuzzy(catalog: Catalog) -> None:
    assert len(entries(catalog)) > 100
    untranslated = [
        label(m) for m in entries(catalog) if not all(s.strip() for s in forms(m.string))
    ]
    fuzzy = [label(m) for m in entries(catalog) if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_plurals_have_both_french_forms(catalog: Catalog) -> None:
    assert catalog.num_plurals == 2
    plurals = [m for m in entries(catalog) if m.pluralizable]
    assert plurals
    assert [label(m) for m in plurals if len(forms(m.string)) != 2] == []


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_placeholders_match(catalog: Catalog) -> None:
    """Same %(name)s placeholders; a singular form may leave out the count, as in English."""
    wrong = []
    for message in entries(catalog):
        english = [placeholders(text) for text in forms(message.id)]
        french = [placeholders(text) for text in forms(message.string)]
        expected = set().union(*english)
        if message.pluralizable:
            ok = set().union(*french) == expected and all(f <= expected for f in french)
        else:
            ok = french == english
        if not ok:
            wrong.append(f"{label(message)} -> {message.string!r}")
        wrong += [f"{label(message)}: {error}" for error in message.check(catalog)]
    assert wrong == []


def scanned(path: str) -> bool:
    """Like `make messages`: skip hidden folders and node_modules, not `_macros`."""
    name = Path(path).name
    return not name.startswith(".") and name != "node_modules"


def test_catalogue_has_every_string_of_the_source(catalog: Catalog) -> None:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {
        (context, forms(message)[0]): filename
        for filename, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=scanned
        )
    }
    known = {(m.context, forms(m.id)[0]) for m in entries(catalog)}
    missing = sorted(f"{file}: {key[1]!r}" for key, file in found.items() if key not in known)
    assert missing == [], "run `make messages` and translate the new entries"


def test_french_typography_is_consistent(catalog: Catalog) -> None:
    """No plain space before : ; ? ! % or inside guillemets, and no English quotes."""
    wrong = [
        f"{label(m)} -> {s!r}"
        for m in entries(catalog)
        for s in forms(m.string)
        if re.search(r" [:;?!»]|« |[“”]|(?:\d|\)s) %", s)
    ]
    assert wrong == []


# Literal syntax the French text quotes, where the colon belongs to the syntax.
LITERAL_COLONS = ("Content-Type: application/json", "clé: valeur")


def test_french_puts_a_no_break_space_before_colons_and_the_like(catalog: Catalog) -> None:
    """'Raison :' with U+00A0 (or the narrow U+202F) before : ; ! ? ending a clause."""
    wrong = [
        f"{label(m)} -> {s!r}"
        for m in entries(catalog)
        for s in forms(m.string)
        if re.search(r"[^\s\u00a0\u202f][:;!?](?=\s|$)", _without_literals(s))
    ]
    assert wrong == []


def _without_literals(text: str) -> str:
    for literal in LITERAL_COLONS:
        text = text.replace(literal, "")
    return text


def html_lang(body: str) -> str:
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def test_language_toggle_renders_the_login_page_in_french(client: FlaskClient) -> None:
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(english) == "en" and "Ouvrir une session" not in english

    response = post_form(client, "/language", {"lang": "fr", "next": "/login"}, page="/login")
    assert response.status_code == 302
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == "fr"
    assert "<h1>Ouvrir une session</h1>" in page
    assert "Passer au contenu principal" in page
    assert "Mot de passe" in page


def test_wrong_password_message_is_french(client: FlaskClient, app: Flask) -> None:
    post_form(client, "/language", {"lang": "fr", "next": "/login"}, page="/login")
    page = post_form(client, "/login", {"email": "nobody@example.gc.ca", "password": "x" * 12})
    assert "Le courriel ou le mot de passe est incorrect." in page.get_data(as_text=True)


def test_signed_in_french_user_sees_the_french_navigation(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    with app.app_context():
        users.create_user(
            users.UserInput(
                email="admin.fr@example.gc.ca", name="Admin FR", role=Role.ADMIN, language="fr"
            ),
            PASSWORD,
        )
    auth.login("admin.fr@example.gc.ca")
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == "fr"
    for text in (
        "Accueil",
        "Plans",
        "Utilisateurs",
        "Calendrier des rapports",
        "Piste de vérification",
        "Tâches planifiées",
        "Jetons d'API",
        "Fermer la session",
    ):
        assert text in page, text
    assert "Sign out" not in page
