"""Session state under explicit keys, and widgets bound to it.

Every value the user sets lives under ``v.<name>`` in ``st.session_state``; the
widget showing it has the key ``w.<name>``. Streamlit forgets a widget's key when
the widget is not drawn (another page is shown), so the widget is filled from the
value each time it is drawn and its changes are copied back: moving between pages
never changes a value. A widget may show a value in another unit (a share as a
percentage); the value keeps its own unit and type (15 % is stored as 0.15).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from mitigation.app.i18n import LANGUAGES, translate

LANGUAGE = "v.language"
PAGES = ("footprint", "options", "policy", "workshop", "sensitivity")


def identity(value: Any) -> Any:
    return value


def percent_shown(share: float) -> float:
    return round(float(share) * 100.0, 10)


def share_stored(percent: float) -> float:
    return round(float(percent) / 100.0, 12)


def t(key: str, **values: object) -> str:
    """``key`` of the catalogue in the session's language."""
    used = st.session_state.setdefault("i18n.used", set())
    used.add(key)
    return translate(key, language(), **values)


def language() -> str:
    return st.session_state.get(LANGUAGE, "en")


def get(name: str, default: Any = None) -> Any:
    return st.session_state.get(f"v.{name}", default)


def put(name: str, value: Any) -> None:
    """Set a value; its widget, if drawn later, shows the new value."""
    st.session_state[f"v.{name}"] = value
    for code in LANGUAGES:
        st.session_state.pop(widget_key(name, code), None)


def widget_key(name: str, code: str | None = None) -> str:
    """The key of the widget showing ``name`` in a language.

    Widgets are keyed by language (``w.<name>`` in English, ``w.zh.<name>`` in
    Chinese) because their labels and option names change with it: switching
    language draws fresh widgets, filled from the values, which stay as they were.
    """
    code = code or language()
    if code == "en" or name == "language":
        return f"w.{name}"
    return f"w.{code}.{name}"


def bound(
    widget: Callable,
    name: str,
    label: str,
    default: Any,
    shown: Callable[[Any], Any] = identity,
    stored: Callable[[Any], Any] = identity,
    **options: Any,
) -> Any:
    """Draw ``widget`` for the value ``name`` and return the value (in its unit).

    ``shown`` turns the value into what the widget shows; ``stored`` turns the
    widget's value back.
    """
    value_key, key = f"v.{name}", widget_key(name)
    if value_key not in st.session_state:
        st.session_state[value_key] = default
    if key not in st.session_state:
        st.session_state[key] = shown(st.session_state[value_key])
    widget(
        label,
        key=key,
        on_change=_copy_back,
        args=(value_key, key, stored),
        **options,
    )
    return st.session_state[value_key]


def _copy_back(value_key: str, widget_key: str, stored: Callable) -> None:
    st.session_state[value_key] = stored(st.session_state[widget_key])
