"""The public surface of ``plainpage``: what it exports, the shapes it promises, the README."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import inspect
import types
from pathlib import Path
from typing import Any

import pytest

import plainpage
from plainpage import Article, Block, Options, Removed, errors

README = Path(__file__).resolve().parents[1] / "README.md"
_PUBLIC_DUNDERS = {"__version__"}
_IMMUTABLE = (bool, int, float, str, bytes, tuple, frozenset, type(None))


def test_all_is_sorted_and_lists_every_public_name() -> None:
    # Submodules (api, model, cli …) are reachable but not part of the flat API.
    public = {
        name for name, value in vars(plainpage).items()
        if (not name.startswith("_") or name in _PUBLIC_DUNDERS)
        and not isinstance(value, types.ModuleType)
    }
    assert plainpage.__all__ == sorted(plainpage.__all__, key=str.casefold)
    assert set(plainpage.__all__) == public


def test_every_error_class_is_exported() -> None:
    assert set(errors.__all__) <= set(plainpage.__all__)
    for name in errors.__all__:
        assert issubclass(getattr(plainpage, name), plainpage.PlainpageError)


def test_extract_stays_the_function_after_importing_the_subpackage() -> None:
    # plainpage.extract is both a function and a subpackage name; importing a submodule
    # of the subpackage must not rebind the attribute.
    importlib.import_module("plainpage.extract.parse")
    assert isinstance(plainpage.extract, types.FunctionType)


def test_extract_signature() -> None:
    params = inspect.signature(plainpage.extract).parameters
    kinds = {name: (p.kind, p.default) for name, p in params.items()}
    assert kinds == {
        "html": (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty),
        "url": (inspect.Parameter.POSITIONAL_OR_KEYWORD, None),
        "options": (inspect.Parameter.KEYWORD_ONLY, None),
        "charset": (inspect.Parameter.KEYWORD_ONLY, None),
        "rules": (inspect.Parameter.KEYWORD_ONLY, None),
    }


def test_version_matches_the_installed_metadata() -> None:
    assert plainpage.__version__ == importlib.metadata.version("plainpage")


@pytest.mark.parametrize(("instance", "attribute", "value"), [
    (Article(), "text", "changed"),
    (Options(), "max_depth", 1),
    (Block(type="paragraph"), "text", "changed"),
    (Removed(kind="ad", text="Buy now", reason="ad-signal", selector="div.ad"), "kind", "share"),
])
def test_result_and_option_types_are_frozen(instance: Any, attribute: str, value: Any) -> None:
    assert dataclasses.is_dataclass(instance)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, attribute, value)


def test_options_defaults_are_immutable_values() -> None:
    # A mutable default would be shared by every Options() in the process.
    for field in dataclasses.fields(Options):
        assert field.default_factory is dataclasses.MISSING, field.name
        assert isinstance(field.default, _IMMUTABLE), field.name


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Options(1000)  # type: ignore[misc]


def test_options_from_mapping_refuses_unknown_keys_and_wrong_types() -> None:
    with pytest.raises(ValueError, match="unknown option"):
        Options.from_mapping({"max_depht": 10})
    with pytest.raises(ValueError, match="max_depth"):
        Options.from_mapping({"max_depth": "10"})
    assert Options.from_mapping({"fallback_below": 1}) == Options(fallback_below=1)


def test_options_replace_leaves_the_original_alone() -> None:
    base = Options()
    changed = base.replace(include_images=False)
    assert changed.include_images is False
    assert base == Options()


def test_readme_options_table_matches_describe() -> None:
    readme = README.read_text(encoding="utf-8")
    for name, default, help_text in Options.describe():
        assert f"| `{name}` | `{default!r}` | {help_text} |" in readme, name


def test_readme_names_every_article_field() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    for field in dataclasses.fields(Article):
        assert f"`{field.name}`" in section, field.name
