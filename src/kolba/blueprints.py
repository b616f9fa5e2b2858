"""Blueprints: routes, hooks and handlers recorded now, registered on an app later.

A blueprint writes down what is declared on it and replays those records
each time an app registers it, under the blueprint's (possibly nested)
name, URL prefix and subdomain.  After that the app serves blueprint routes
like its own: a blueprint costs a request nothing beyond its hooks.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import update_wrapper

from . import typing as ft
from .scaffold import (
    Scaffold,
    _endpoint_from_view_func,
    _WebSocketHook,
    registering_decorator,
    setupmethod,
)
from .typing import (
    T_after_request,
    T_before_request,
    T_error_handler,
    T_teardown,
    T_template_context_processor,
    T_template_filter,
    T_template_global,
    T_template_test,
    T_url_defaults,
    T_url_value_preprocessor,
)

if t.TYPE_CHECKING:
    from .app import Kolba

DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]

#: "``cli_group`` not given": the blueprint's commands go in a group of its name.
_OWN_GROUP: t.Any = object()


def _join_prefixes(outer: str | None, inner: str | None) -> str | None:
    """Two URL prefixes as one, with exactly one slash where they meet."""
    if outer is None or inner is None:
        return inner if outer is None else outer
    return outer.rstrip("/") + "/" + inner.lstrip("/")


def _join_subdomains(outer: str | None, inner: str | None) -> str | None:
    """A nested blueprint's subdomain sits below its parent's: ``inner.outer``."""
    if outer is None or inner is None:
        return inner if outer is None else outer
    return f"{inner}.{outer}"


def _check_blueprint_name(name: str) -> None:
    """A blueprint name is non-empty and has no dot (dots separate nesting levels)."""
    if "." in name:
        raise ValueError("'name' may not contain a dot '.' character.")
    if not name:
        raise ValueError("'name' may not be empty.")


class BlueprintSetupState:
    """One registration of a blueprint on an app; recorded functions receive it."""

    def __init__(
        self, blueprint: Blueprint, app: Kolba, options: t.Any, first_registration: bool
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        #: False when the same blueprint object was registered before.
        self.first_registration = first_registration
        given_subdomain = options.get("subdomain")
        self.subdomain: str | None = (
            blueprint.subdomain if given_subdomain is None else given_subdomain
        )
        given_prefix = options.get("url_prefix")
        self.url_prefix: str | None = blueprint.url_prefix if given_prefix is None else given_prefix
        self.name: str = options.get("name", blueprint.name)
        self.name_prefix: str = options.get("name_prefix", "")
        self.url_defaults: dict[str, t.Any] = {
            **blueprint.url_values_defaults,
            **options.get("url_defaults", {}),
        }

    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: ft.RouteCallable | None = None,
        **options: t.Any,
    ) -> None:
        """Add a rule to the app, under this registration's prefix, name and defaults."""
        prefix = self.url_prefix
        if prefix is not None:
            rule = "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix
        options.setdefault("subdomain", self.subdomain)
        local_name = endpoint if endpoint is not None else _endpoint_from_view_func(view_func)
        full_name = f"{self.name_prefix}.{self.name}.{local_name}".lstrip(".")
        defaults = {**self.url_defaults, **options.pop("defaults", {})}
        self.app.add_url_rule(rule, full_name, view_func, defaults=defaults, **options)


class Blueprint(Scaffold):
    """A reusable set of views, hooks and handlers, registered on apps by name."""

    _got_registered_once = False

    def __init__(
        self, name: str, import_name: str,
        static_folder: str | os.PathLike[str] | None = None, static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None, subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None, root_path: str | None = None,
        cli_group: str | None = _OWN_GROUP,
    ) -> None:
        _check_blueprint_name(name)
        super().__init__(import_name, static_folder, static_url_path, template_folder, root_path)
        self.name = name
        #: Where and under what it is registered unless the registration says otherwise.
        self.url_prefix, self.subdomain, self.cli_group = url_prefix, subdomain, cli_group
        self.url_values_defaults: dict[str, t.Any] = {} if url_defaults is None else url_defaults
        #: Replayed with the setup state at every registration.
        self.deferred_functions: list[DeferredSetupFunction] = []
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    def _cli_group_name(self) -> str | None:
        return None  # named at registration

    def _check_setup_finished(self, f_name: str) -> None:
        if not self._got_registered_once:
            return
        raise AssertionError(
            f"The setup method '{f_name}' can no longer be called on the blueprint"
            f" '{self.name}'. It has already been registered at least once, any"
            " changes will not be applied consistently.\nMake sure all imports,"
            " decorators, functions, etc. needed to set up the blueprint are done"
            " before registering it."
        )

    # -- recording ---------------------------------------------------------------------

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` at every registration of this blueprint."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` at the first registration only."""

        def first_time_only(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(update_wrapper(first_time_only, func))

    def make_setup_state(
        self, app: Kolba, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """The object recorded functions receive; subclasses may return their own."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one; it is registered whenever this one is."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    @setupmethod
    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None, **options: t.Any,
    ) -> None:
        """Record a rule; it is added to each app with the blueprint's prefix and name."""
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")

        def add(state: BlueprintSetupState) -> None:
            state.add_url_rule(
                rule, endpoint, view_func,
                provide_automatic_options=provide_automatic_options, **options,
            )

        self.record(add)

    # -- registration on an app ----------------------------------------------------------

    def register(self, app: Kolba, options: dict[str, t.Any]) -> None:
        """Replay everything recorded onto ``app`` (``app.register_blueprint`` calls this)."""
        own_name = options.get("name", self.name)
        full_name = f"{options.get('name_prefix', '')}.{own_name}".lstrip(".")
        registered = app.blueprints.get(full_name)
        if registered is not None:
            whose = "this" if registered is self else "a different"
            shown = f" '{full_name}'" if own_name != full_name else ""
            raise ValueError(
                f"The name '{own_name}' is already registered for {whose}"
                f" blueprint{shown}. Use 'name=' to provide a unique name."
            )
        first_time = all(bp is not self for bp in app.blueprints.values())
        app.blueprints[full_name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_time)
        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        # A new name always gets the hooks; so does the first registration.
        self._copy_registrations(app, full_name)
        for replay in self.deferred_functions:
            replay(state)
        self._attach_commands(app, full_name, options)
        for child, child_options in self._blueprints:
            child.register(app, self._nested_options(state, child, child_options, full_name))

    def _nested_options(
        self,
        state: BlueprintSetupState,
        child: Blueprint,
        given: dict[str, t.Any],
        parent_name: str,
    ) -> dict[str, t.Any]:
        """A nested blueprint's options: our prefix and subdomain joined to its own."""
        options = dict(given)
        own_subdomain = given.get("subdomain")
        if own_subdomain is None:
            own_subdomain = child.subdomain
        subdomain = _join_subdomains(state.subdomain, own_subdomain)
        if subdomain is not None:
            options["subdomain"] = subdomain
        own_prefix = given.get("url_prefix")
        if own_prefix is None:
            own_prefix = child.url_prefix
        prefix = _join_prefixes(state.url_prefix, own_prefix)
        if prefix is not None:
            options["url_prefix"] = prefix
        options["name_prefix"] = parent_name
        return options

    def _attach_commands(self, app: Kolba, full_name: str, options: dict[str, t.Any]) -> None:
        """Add this blueprint's CLI commands to the app: in a group, or at top level."""
        if "cli" not in self.__dict__ or not self.cli.commands:
            return  # the group was never used; do not import Click for it
        group = options.get("cli_group", self.cli_group)
        if group is None:
            app.cli.commands.update(self.cli.commands)
            return
        self.cli.name = full_name if group is _OWN_GROUP else group
        app.cli.add_command(self.cli)

    def _copy_registrations(self, app: Kolba, full_name: str) -> None:
        """Copy hooks, handlers and views into the app, keyed by the dotted name."""

        def scoped(scope: str | None) -> str:
            return full_name if scope is None else f"{full_name}.{scope}"

        for scope, by_code in self.error_handler_spec.items():
            app.error_handler_spec[scoped(scope)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )
        app.view_functions.update(self.view_functions)
        tables: tuple[tuple[dict[t.Any, list[t.Any]], dict[t.Any, list[t.Any]]], ...] = (
            (self.before_request_funcs, app.before_request_funcs),
            (self.after_request_funcs, app.after_request_funcs),
            (self.teardown_request_funcs, app.teardown_request_funcs),
            (self.url_default_functions, app.url_default_functions),
            (self.url_value_preprocessors, app.url_value_preprocessors),
            (self.template_context_processors, app.template_context_processors),
            (self.before_websocket_funcs, app.before_websocket_funcs),
            (self.after_websocket_funcs, app.after_websocket_funcs),
        )
        for ours, theirs in tables:
            for scope, hooks in ours.items():
                theirs.setdefault(scoped(scope), []).extend(hooks)

    # -- app-wide registrations made from a blueprint ---------------------------------

    def _once_on_app(self, register: t.Callable[[Kolba], None]) -> None:
        self.record_once(lambda state: register(state.app))

    def _app_hook(self, table: str, f: t.Callable[..., t.Any]) -> None:
        self._once_on_app(lambda app: getattr(app, table).setdefault(None, []).append(f))

    def _app_template_item(self, kind: str, name: str | None, f: t.Callable[..., t.Any]) -> None:
        self._once_on_app(lambda app: app._register_template_item(kind, name, f))

    @setupmethod
    def app_template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Decorate an app-wide Jinja filter."""
        return registering_decorator(self.add_app_template_filter, name)

    @setupmethod
    def add_app_template_filter(self, f: ft.TemplateFilterCallable, name: str | None = None) -> None:
        """Register an app-wide Jinja filter."""
        self._app_template_item("filters", name, f)

    @setupmethod
    def app_template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Decorate an app-wide Jinja test."""
        return registering_decorator(self.add_app_template_test, name)

    @setupmethod
    def add_app_template_test(self, f: ft.TemplateTestCallable, name: str | None = None) -> None:
        """Register an app-wide Jinja test."""
        self._app_template_item("tests", name, f)

    @setupmethod
    def app_template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Decorate an app-wide Jinja global."""
        return registering_decorator(self.add_app_template_global, name)

    @setupmethod
    def add_app_template_global(self, f: ft.TemplateGlobalCallable, name: str | None = None) -> None:
        """Register an app-wide Jinja global."""
        self._app_template_item("globals", name, f)

    @setupmethod
    def before_app_request(self, f: T_before_request) -> T_before_request:
        """``app.before_request`` for every request of the app."""
        self._app_hook("before_request_funcs", f)
        return f

    @setupmethod
    def after_app_request(self, f: T_after_request) -> T_after_request:
        """``app.after_request`` for every request of the app."""
        self._app_hook("after_request_funcs", f)
        return f

    @setupmethod
    def teardown_app_request(self, f: T_teardown) -> T_teardown:
        """``app.teardown_request`` for every request of the app."""
        self._app_hook("teardown_request_funcs", f)
        return f

    @setupmethod
    def before_app_websocket(self, f: _WebSocketHook) -> _WebSocketHook:
        """``app.before_websocket`` for every WebSocket of the app."""
        self._app_hook("before_websocket_funcs", f)
        return f

    @setupmethod
    def after_app_websocket(self, f: _WebSocketHook) -> _WebSocketHook:
        """``app.after_websocket`` for every WebSocket of the app."""
        self._app_hook("after_websocket_funcs", f)
        return f

    @setupmethod
    def app_context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """``app.context_processor`` for every template the app renders."""
        self._app_hook("template_context_processors", f)
        return f

    @setupmethod
    def app_errorhandler(
        self, code: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """``app.errorhandler`` for errors anywhere in the app."""

        def register(handler: T_error_handler) -> T_error_handler:
            self._once_on_app(lambda app: app.register_error_handler(code, handler))
            return handler

        return register

    @setupmethod
    def app_url_value_preprocessor(self, f: T_url_value_preprocessor) -> T_url_value_preprocessor:
        """``app.url_value_preprocessor`` for every endpoint of the app."""
        self._app_hook("url_value_preprocessors", f)
        return f

    @setupmethod
    def app_url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """``app.url_defaults`` for every endpoint of the app."""
        self._app_hook("url_default_functions", f)
        return f
