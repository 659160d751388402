"""Views: a consumer's reading of only the fields of a contract it uses (a tolerant reader).

pydantic-core builds nothing for the members a model does not declare, so a consumer that
keeps four fields of an import's records validates those four, not all twenty-four (the
typed reading of a RecordsImported was ~40 % of identity's and subscriptions' CPU in an
import). A view is made from the contract itself, so it cannot name a field the contract
lacks, and each field keeps the contract's type and constraints.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, create_model

from jiaodui_contracts._base import FROZEN, Contract

__all__ = ["Fields", "view_of"]

Fields = Iterable[str] | Mapping[str, "Fields | None"]
"""The fields a view keeps: names, or a mapping from a name to the fields kept of the model
it holds (a list of records, an optional nested model) or None for the whole field."""


class _Frozen(BaseModel):
    """The base of a view of a nested model: configured as every contract model."""

    model_config = FROZEN


def view_of(contract: type[Contract], fields: Fields) -> type[Contract]:
    """A model of ``fields`` of ``contract``, read like it (same ``TYPE``, topic and key
    names; unknown members ignored by the consumer's reading)."""
    view = _view(contract, _spec(fields))
    assert issubclass(view, Contract)
    return view


def _spec(fields: Fields) -> tuple[tuple[str, Any], ...]:
    if isinstance(fields, Mapping):
        return tuple((name, None if sub is None else _spec(sub)) for name, sub in fields.items())
    return tuple((name, None) for name in fields)


@functools.cache
def _view(model: type[BaseModel], spec: tuple[tuple[str, Any], ...]) -> type[BaseModel]:
    chosen: dict[str, Any] = {}
    for name, sub in spec:
        if name not in model.model_fields:
            raise KeyError(f"{model.__name__} has no field {name!r}")
        info = model.model_fields[name]
        annotation = info.annotation if sub is None else _narrowed(info.annotation, sub)
        # the field's own FieldInfo: its constraints, and its default where it has one
        chosen[name] = Annotated[annotation, info]
    base: type[BaseModel] = Contract if issubclass(model, Contract) else _Frozen
    view: type[BaseModel] = create_model(f"{model.__name__}View", __base__=base, **chosen)
    if issubclass(model, Contract):
        for attribute in ("TYPE", "TOPIC", "KEY_FIELD", "PRIVATE", "KEY_DESCRIPTION"):
            setattr(view, attribute, getattr(model, attribute, None))
    return view


def _narrowed(annotation: Any, spec: tuple[tuple[str, Any], ...]) -> Any:
    """``annotation`` with the model inside it (``list[M]``, ``M | None``, ``M``) replaced by
    its view."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _view(annotation, spec)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return Union[tuple(_narrowed(a, spec) if a is not type(None) else a for a in args)]  # noqa: UP007
    if origin in (list, tuple) and args:
        return origin[tuple(_narrowed(a, spec) for a in args)]
    raise TypeError(f"no model to narrow in {annotation!r}")
