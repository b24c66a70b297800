"""Public contracts: Python classes whose ``@public`` methods a transaction can call."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from aztec.foundation.fields import Fr
from aztec.simulator.contracts.context import CallContext

F = TypeVar("F", bound=Callable[..., Any])

ReturnValue = tuple[Fr, ...] | Fr | None

_PUBLIC_MARK = "__aztec_public__"


def public(function: F) -> F:
    """Mark a method ``(self, ctx: CallContext, *field_args) -> Fr | tuple[Fr, ...] | None`` as callable."""
    setattr(function, _PUBLIC_MARK, True)
    return function


class PublicContract:
    """Base class: subclasses set ``contract_name`` and define ``@public`` methods."""

    contract_name: ClassVar[str] = "PublicContract"
    public_functions: ClassVar[dict[str, int]] = {}
    """Function name to its number of field arguments, found when the subclass is defined."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        functions: dict[str, int] = {}
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if getattr(member, _PUBLIC_MARK, False):
                parameters = list(inspect.signature(member).parameters.values())[2:]
                if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters):
                    raise TypeError(f"{cls.__name__}.{name}: public functions take positional field arguments only")
                functions[name] = len(parameters)
        cls.public_functions = functions

    def invoke(self, ctx: CallContext, function: str, args: tuple[Fr, ...]) -> tuple[Fr, ...]:
        """Run ``function`` with ``args``; reverts when there is no such function or the arity is wrong."""
        arity = self.public_functions.get(function)
        CallContext.require(arity is not None, f"{self.contract_name} has no public function {function!r}")
        CallContext.require(
            arity == len(args), f"{self.contract_name}.{function} takes {arity} arguments, got {len(args)}"
        )
        result: ReturnValue = getattr(self, function)(ctx, *args)
        if result is None:
            return ()
        if isinstance(result, int):
            return (result,)
        return result
