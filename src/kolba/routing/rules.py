"""``Rule``: Werkzeug's rule class, with its code generation deferred.

Parsing, converters and ``build`` are Werkzeug's. Kolba's matcher and URL
builder read what Werkzeug parsed (``_parts``, ``_trace``, ``_converters``);
``tests/test_werkzeug_interface.py`` pins those attributes.
"""

from __future__ import annotations

import typing as t

from werkzeug.routing import Rule as WerkzeugRule
from werkzeug.routing.rules import RulePart

__all__ = ["Rule", "RulePart"]

Builder = t.Callable[..., tuple[str, str]]


class Rule(WerkzeugRule):
    """A URL rule: Werkzeug's ``Rule`` (``isinstance`` checks hold).

    One difference, in timing only: Werkzeug generates and compiles Python
    source for two URL builders per rule while the rule is added, which is
    nine tenths of registering it. Kolba builds URLs with its own recipes
    (``building.py``), so here that work waits until Werkzeug's
    ``Rule.build`` is first called (for example by a defaults redirect).
    """

    def _compile_builder(self, append_unknown: bool = True) -> Builder:
        """Werkzeug's builder, generated on its first call instead of now.

        Rules whose builder can fail to generate (a variable used twice, a
        default its converter rejects) generate it now, so such a rule is
        still refused when it is added, with Werkzeug's error.
        """
        variables = [text for is_variable, text in self._trace if is_variable]
        defaults = self.defaults or {}
        if len(set(variables)) != len(variables) or any(v in defaults for v in variables):
            return super()._compile_builder(append_unknown)
        generate = super()._compile_builder
        made: list[Builder] = []

        def builder(*args: t.Any, **kwargs: t.Any) -> tuple[str, str]:
            if not made:
                made.append(generate(append_unknown))
            return made[0](*args, **kwargs)

        return builder
