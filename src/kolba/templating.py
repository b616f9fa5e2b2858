"""Jinja integration: the app's environment, its loader and the render helpers.

The app imports this module the first time a template is needed, so an
application that never renders one never loads Jinja.  Signals are sent only
once :mod:`kolba.signals` has been imported and a receiver is connected, so
plain rendering never loads blinker either.
"""

from __future__ import annotations

import sys
import typing as t
from itertools import chain

from jinja2 import BaseLoader, Template, TemplateNotFound
from jinja2 import Environment as _JinjaEnvironment

from .globals import _find_app, _get_frame, g, request, session

if t.TYPE_CHECKING:
    from .app import Kolba

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "apply_registration",
    "create_environment",
    "explain_template_loading_attempts",
    "get_template_attribute",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]

#: What a Jinja loader's ``get_source`` returns: source, filename, uptodate.
TemplateSource = tuple[str, "str | None", "t.Callable[[], bool] | None"]
#: One look in one loader: the loader, whose loader it is, what it returned.
LoadAttempt = tuple[BaseLoader, t.Any, "TemplateSource | None"]
#: A template name, a template, or a list of them to pick the first from.
TemplateRef = t.Union[str, Template, "list[str | Template]"]

_REGISTRATION_KINDS = frozenset(("filters", "tests", "globals"))


class Environment(_JinjaEnvironment):
    """A Jinja environment that belongs to an app and loads through it.

    Unless a loader is passed explicitly, templates are found by the app's
    global loader, which searches the app and then its blueprints.
    """

    def __init__(self, app: Kolba, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


def _default_auto_reload(app: Kolba) -> bool:
    """Reload changed templates when configured to, else when debugging."""
    configured = app.config["TEMPLATES_AUTO_RELOAD"]
    if configured is None:
        return app.debug
    return bool(configured)


def create_environment(app: Kolba) -> _JinjaEnvironment:
    """Build ``app``'s Jinja environment with Kolba's globals and registrations.

    Filters, tests and globals registered before the environment existed were
    queued on the app; they are applied here, after the built-in globals, so
    a user's registration can replace one of those.
    """
    options = dict(app.jinja_options)
    options.setdefault("autoescape", app.select_jinja_autoescape)
    if "auto_reload" not in options:
        options["auto_reload"] = _default_auto_reload(app)
    env_class = app.jinja_environment
    if env_class is None:
        env_class = Environment
    env: _JinjaEnvironment = env_class(app, **options)
    _install_globals(app, env)
    for kind, name, func in app._template_registrations:
        apply_registration(env, kind, name, func)
    return env


def _install_globals(app: Kolba, env: _JinjaEnvironment) -> None:
    """Expose Flask's template globals and route ``tojson`` through the app's JSON."""
    from .helpers import get_flashed_messages

    # The four context objects, plus the two functions templates call most.
    env.globals.update({"config": app.config, "g": g, "request": request, "session": session})
    env.globals["url_for"] = app.url_for
    env.globals["get_flashed_messages"] = get_flashed_messages
    env.policies["json.dumps_function"] = app.json.dumps


def apply_registration(
    env: _JinjaEnvironment, kind: str, name: str | None, func: t.Callable[..., t.Any]
) -> None:
    """Put a filter, test or global into ``env`` under ``name`` or its own name."""
    if kind not in _REGISTRATION_KINDS:
        raise ValueError(f"unknown template registration kind {kind!r}")
    table: dict[str, t.Any] = getattr(env, kind)
    table[name or func.__name__] = func


class DispatchingJinjaLoader(BaseLoader):
    """Find templates in the app's folder first, then in each blueprint's.

    Blueprints are searched in registration order, so the first registered
    blueprint that has a template of a given name provides it.
    """

    def __init__(self, app: Kolba) -> None:
        self.app = app

    def get_source(self, environment: _JinjaEnvironment, template: str) -> TemplateSource:
        """Return the first match; with ``EXPLAIN_TEMPLATE_LOADING``, log every look."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _owner, loader in self._iter_loaders(template):
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(
        self, environment: _JinjaEnvironment, template: str
    ) -> TemplateSource:
        """Ask every loader, so the log shows all matches, not just the winner."""
        attempts: list[LoadAttempt] = []
        for owner, loader in self._iter_loaders(template):
            try:
                found: TemplateSource | None = loader.get_source(environment, template)
            except TemplateNotFound:
                found = None
            attempts.append((loader, owner, found))
        explain_template_loading_attempts(self.app, template, attempts)
        for _loader, _owner, found in attempts:
            if found is not None:
                return found
        raise TemplateNotFound(template)

    def _iter_loaders(self, template: str) -> t.Iterator[tuple[t.Any, BaseLoader]]:
        """The app and each blueprint that has a template folder, with its loader.

        ``template`` is unused here; it lets a subclass route by name.
        """
        return self._owned_loaders()

    def _owned_loaders(self) -> t.Iterator[tuple[t.Any, BaseLoader]]:
        owners: t.Iterable[t.Any] = chain((self.app,), self.app.iter_blueprints())
        for owner in owners:
            loader = owner.jinja_loader
            if loader is not None:
                yield owner, loader

    def list_templates(self) -> list[str]:
        """Every template name any of the app's or blueprints' loaders knows."""
        names: set[str] = set()
        for _owner, loader in self._owned_loaders():
            names.update(loader.list_templates())
        return sorted(names)


# -- explaining template lookups --------------------------------------------


def _describe_owner(owner: t.Any) -> str:
    """Name the app or blueprint a loader belongs to, for the explanation."""
    from .app import Kolba

    if isinstance(owner, Kolba):
        return f"application {owner.import_name!r}"
    if hasattr(owner, "name") and hasattr(owner, "import_name"):
        return f"blueprint {owner.name!r} ({owner.import_name})"
    return repr(owner)


def _is_simple(value: object) -> bool:
    return isinstance(value, (str, int, float, bool))


def _describe_loader(loader: BaseLoader) -> list[str]:
    """The loader's class and its plain public settings, such as its search path."""
    cls = type(loader)
    lines = [f"class: {cls.__module__}.{cls.__name__}"]
    for key, value in sorted(vars(loader).items()):
        if key.startswith("_"):
            continue
        if isinstance(value, (list, tuple)):
            if all(isinstance(item, str) for item in value):
                lines.append(f"{key}:")
                lines.extend(f"  - {item}" for item in value)
        elif _is_simple(value):
            lines.append(f"{key}: {value!r}")
    return lines


def _attempt_lines(number: int, attempt: LoadAttempt) -> list[str]:
    loader, owner, found = attempt
    lines = [f"{number:5}: trying loader of {_describe_owner(owner)}"]
    lines.extend(f"       {line}" for line in _describe_loader(loader))
    if found is None:
        lines.append("       -> no match")
    else:
        lines.append(f"       -> found ({found[1] or '<string>'!r})")
    return lines


def _current_blueprint() -> str | None:
    """The blueprint of the endpoint handling the current request, if any."""
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        return None
    return frame[1].request.blueprint


def _verdict(matches: int) -> str | None:
    if matches == 0:
        return "Error: the template could not be found."
    if matches > 1:
        return "Warning: multiple loaders returned a match for the template."
    return None


def explain_template_loading_attempts(
    app: Kolba, template: str, attempts: list[LoadAttempt]
) -> None:
    """Log where ``template`` was looked for and what each loader answered.

    Enabled by ``EXPLAIN_TEMPLATE_LOADING``, it shows why a template was not
    found, or why another folder's template of the same name won.
    """
    lines = [f"Locating template {template!r}:"]
    for number, attempt in enumerate(attempts, start=1):
        lines.extend(_attempt_lines(number, attempt))
    verdict = _verdict(sum(1 for attempt in attempts if attempt[2] is not None))
    if verdict is not None:
        lines.append(verdict)
        blueprint = _current_blueprint()
        if blueprint is not None:
            lines.append(
                "  The template was looked up from an endpoint that belongs"
                f" to the blueprint {blueprint!r}."
            )
            lines.append("  Maybe you did not place a template in the right folder?")
            lines.append("  See https://flask.palletsprojects.com/blueprints/#templates")
    app.logger.info("\n".join(lines))


# -- rendering ----------------------------------------------------------------


def _send(app: Kolba, signal_name: str, template: Template, context: dict[str, t.Any]) -> None:
    """Send a template signal, but only if someone could be listening.

    Until :mod:`kolba.signals` is imported nobody can have connected, and
    looking it up in ``sys.modules`` keeps this check from importing blinker.
    """
    signals = sys.modules.get("kolba.signals")
    if signals is None:
        return
    signal = getattr(signals, signal_name)
    if signal.receivers:
        signal.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)


def _prepare(app: Kolba, template: Template, context: dict[str, t.Any]) -> None:
    """Add context processors' values, then announce the render."""
    app.update_template_context(context)
    _send(app, "before_render_template", template, context)


def _render(app: Kolba, template: Template, context: dict[str, t.Any]) -> str:
    _prepare(app, template, context)
    rendered = template.render(context)
    _send(app, "template_rendered", template, context)
    return rendered


def _stream(app: Kolba, template: Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    """Render lazily; inside a request, keep its context alive while iterating."""
    _prepare(app, template, context)
    chunks = _generate(app, template, context)
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        return chunks
    from .helpers import stream_with_context

    return stream_with_context(chunks)


def _generate(app: Kolba, template: Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    yield from template.generate(context)
    _send(app, "template_rendered", template, context)


def render_template(template_name_or_list: TemplateRef, **context: t.Any) -> str:
    """Render a template by name; from a list, the first one that exists."""
    app = _find_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render template source given as a string (always autoescaped by default)."""
    app = _find_app()
    return _render(app, app.jinja_env.from_string(source), context)


def stream_template(template_name_or_list: TemplateRef, **context: t.Any) -> t.Iterator[str]:
    """Render a template by name piece by piece, e.g. as a streamed response body."""
    app = _find_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> t.Iterator[str]:
    """Render template source piece by piece, e.g. as a streamed response body."""
    app = _find_app()
    return _stream(app, app.jinja_env.from_string(source), context)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Load a macro or variable a template exports, to use it from Python."""
    template = _find_app().jinja_env.get_template(template_name)
    return getattr(template.module, attribute)


def __getattr__(name: str) -> t.Any:
    # Flask's templating module re-exports these signals; importing them here
    # eagerly would load blinker with every template render.
    if name in ("template_rendered", "before_render_template"):
        from . import signals

        return getattr(signals, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
