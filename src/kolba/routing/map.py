"""``Map`` (the rule registry) and ``MapAdapter`` (matching and building for one request).

``Map.match_fast`` is the app's per-request entry point: a dict lookup for
static URLs, the compiled trie otherwise, and ``None`` whenever the answer
is not a plain match or a plain 404 so the caller can ask ``MapAdapter.match``
for the exact redirect or error.
"""

from __future__ import annotations

import typing as t
import warnings
from pprint import pformat
from threading import Lock
from urllib.parse import quote
from urllib.parse import urljoin
from urllib.parse import urlunsplit

from werkzeug.datastructures import ImmutableDict
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadHost
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.routing import BuildError
from werkzeug.routing import RequestRedirect
from werkzeug.routing import ValidationError
from werkzeug.routing import WebsocketMismatch
from werkzeug.wsgi import get_host

from .converters import DEFAULT_CONVERTERS
from .converters import PATH_SAFE
from .converters import encode_query
from .matcher import Matcher
from .matcher import SlashRequired
from .matcher import walk
from .matcher import Trail
from .matcher import near_miss_methods
from .rules import PLACEHOLDER
from .rules import Rule

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["Map", "MapAdapter"]


class _Redirect(Exception):
    """Internal: the matcher wants the client sent to another path."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class _AliasRedirect(Exception):
    """Internal: an alias rule matched; redirect to its canonical URL."""

    def __init__(self, values: dict[str, t.Any], endpoint: t.Any) -> None:
        super().__init__(endpoint)
        self.values = values
        self.endpoint = endpoint


class _NoMatch(Exception):
    """Internal: nothing matched; the trail tells 404, 405 or websocket error."""

    def __init__(self, trail: Trail) -> None:
        super().__init__()
        self.methods = near_miss_methods(trail)
        self.websocket_mismatch = None in trail


def _foreign_rule_copy(rule: t.Any) -> Rule:
    """Rebuild a rule of another class (e.g. Werkzeug's) as a Kolba ``Rule``."""
    kwargs = dict(rule.get_empty_kwargs())
    kwargs["merge_slashes"] = getattr(rule, "merge_slashes", None)
    kwargs["websocket"] = getattr(rule, "websocket", False)
    return Rule(rule.rule, **kwargs)


class Map:
    """All URL rules of an application plus the settings they share."""

    #: Converters every map starts with (copied into ``converters``).
    default_converters: t.Mapping[str, type[BaseConverter]] = ImmutableDict(
        DEFAULT_CONVERTERS
    )

    #: Lock guarding the lazy recompilation.
    lock_class = Lock

    def __init__(
        self,
        rules: t.Iterable[t.Any] | None = None,
        default_subdomain: str = "",
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        converters: t.Mapping[str, type[BaseConverter]] | None = None,
        sort_parameters: bool = False,
        sort_key: t.Callable[[t.Any], t.Any] | None = None,
        host_matching: bool = False,
    ) -> None:
        self._rules_by_endpoint: dict[t.Any, list[Rule]] = {}
        self._match_rules: list[Rule] = []
        self._matcher: Matcher | None = None
        self._remap = True
        self._remap_lock = self.lock_class()
        self.default_subdomain = default_subdomain
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.redirect_defaults = redirect_defaults
        self.host_matching = host_matching
        self.converters: dict[str, type[BaseConverter]] = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        self.sort_parameters = sort_parameters
        self.sort_key = sort_key
        for factory in rules or ():
            self.add(factory)

    # -- registry ------------------------------------------------------------------

    @property
    def _rules(self) -> list[Rule]:
        """All rules grouped by endpoint (the order ``iter_rules`` yields)."""
        return [rule for rules in self._rules_by_endpoint.values() for rule in rules]

    def add(self, rulefactory: t.Any) -> None:
        """Bind and register a rule, or every rule a factory produces."""
        for rule in rulefactory.get_rules(self):
            if not isinstance(rule, Rule):
                rule = _foreign_rule_copy(rule)
            rule.bind(self)
            if not rule.build_only:
                self._match_rules.append(rule)
            self._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
        self._remap = True

    def iter_rules(self, endpoint: t.Any | None = None) -> t.Iterator[Rule]:
        """Iterate over all rules, or those of one endpoint."""
        self.update()
        if endpoint is not None:
            return iter(self._rules_by_endpoint[endpoint])
        return iter(self._rules)

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Tell whether some rule of the endpoint takes all these arguments."""
        self.update()
        wanted = set(arguments)
        return any(wanted.issubset(r.arguments) for r in self._rules_by_endpoint[endpoint])

    def update(self) -> None:
        """Recompile the matcher and re-sort build candidates if rules changed."""
        if not self._remap:
            return
        with self._remap_lock:
            if not self._remap:
                return
            for rules in self._rules_by_endpoint.values():
                rules.sort(key=lambda rule: rule.build_compare_key())
            self._matcher = Matcher(self._match_rules)
            for rule in self._match_rules:
                rule._redirect_sources = self._default_sources(rule)
            self._remap = False

    def _default_sources(self, rule: Rule) -> tuple[Rule, ...]:
        """Rules ranked before ``rule`` that may own its URL through defaults."""
        sources = []
        for other in self._rules_by_endpoint[rule.endpoint]:
            if other is rule:
                break
            if other.provides_defaults_for(rule):
                sources.append(other)
        return tuple(sources)

    def _compiled(self) -> Matcher:
        """The current matcher, rebuilt first if rules changed."""
        if self._remap:
            self.update()
        assert self._matcher is not None
        return self._matcher

    # -- matching core ---------------------------------------------------------------

    def _lookup(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]]:
        """Match like Werkzeug's state machine; raise the internal outcomes."""
        matcher = self._compiled()
        trail: Trail = []
        try:
            found = matcher.search(domain, path, method, websocket, trail)
        except SlashRequired:
            raise _Redirect(f"{path}/") from None
        if found is None:
            if self.merge_slashes and "//" in path:
                self._retry_merged(matcher, domain, path, method, websocket, trail)
            raise _NoMatch(trail)
        rule, raw = found
        try:
            values = rule.convert_values(raw)
        except ValidationError:
            raise _NoMatch(trail) from None
        if rule.alias and self.redirect_defaults:
            raise _AliasRedirect(values, rule.endpoint)
        return rule, values

    def _retry_merged(
        self, matcher: Matcher, domain: str, path: str, method: str, websocket: bool,
        trail: Trail,
    ) -> None:
        """Redirect to the merged-slash path when that one matches a merging rule."""
        merged = matcher.merge(path)
        try:
            found = matcher.search(domain, merged, method, websocket, trail)
        except SlashRequired:
            raise _Redirect(f"{merged}/") from None
        if found is not None and found[0].merge_slashes is not False:
            raise _Redirect(merged)

    def match_fast(
        self, domain: str, path: str, method: str
    ) -> tuple[Rule, dict[str, t.Any]] | None:
        """Match an HTTP request quickly, or return None for anything but a plain answer.

        Returns ``(rule, view_args)`` for a plain match and raises
        ``NotFound`` for a plain miss; redirects, 405s, websocket rules and
        ``redirect_to`` rules return None so the caller asks ``MapAdapter``.
        """
        if self._remap:
            self.update()
        if path[:1] != "/" or path[1:2] == "/":
            path = "/" + path.lstrip("/") if path else ""
        matcher: Matcher = self._matcher  # type: ignore[assignment]
        paths = matcher.static_index.get(domain)
        if paths is not None:
            rules = paths.get(path)
            if rules is not None:
                for rule in rules:
                    methods = rule.methods
                    if (methods is None or method in methods) and not rule.websocket:
                        values = dict(rule.defaults) if rule.defaults else {}
                        return self._plain(rule, values, method)
        trail: Trail = []
        try:
            state = matcher.plain_domains.get(domain)
            if state is not None:
                found = walk(state, path.split("/"), 0, [], method, False, trail)
            else:
                found = matcher.search(domain, path, method, False, trail)
        except SlashRequired:
            return None
        if found is None:
            if trail:
                return None
            if self.merge_slashes and "//" in path:
                return None
            raise NotFound()
        rule, raw = found
        try:
            values = rule.convert_values(raw)
        except ValidationError:
            if trail:
                return None
            raise NotFound() from None
        return self._plain(rule, values, method)

    def _plain(
        self, rule: Rule, values: dict[str, t.Any], method: str
    ) -> tuple[Rule, dict[str, t.Any]] | None:
        """Return the match unless ``MapAdapter.match`` would redirect instead."""
        if rule.redirect_to is not None:
            return None
        if self.redirect_defaults:
            if rule.alias:
                return None
            for source in rule._redirect_sources:
                if source.suitable_for(values, method):
                    return None
        return rule, values

    # -- binding ---------------------------------------------------------------------

    def bind(
        self,
        server_name: str,
        script_name: str | None = None,
        subdomain: str | None = None,
        url_scheme: str = "http",
        default_method: str = "GET",
        path_info: str | None = None,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> MapAdapter:
        """Return an adapter for one host (and optionally path) to match and build with."""
        server_name = server_name.lower()
        if self.host_matching:
            if subdomain is not None:
                raise RuntimeError("host matching enabled and a subdomain was provided")
        elif subdomain is None:
            subdomain = self.default_subdomain
        host, sep, port = server_name.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as e:
            raise BadHost() from e
        return MapAdapter(
            self,
            f"{host}{sep}{port}",
            "/" if script_name is None else script_name,
            subdomain,
            url_scheme,
            "/" if path_info is None else path_info,
            default_method,
            query_args,
        )

    def bind_to_environ(
        self,
        environ: WSGIEnvironment | t.Any,
        server_name: str | None = None,
        subdomain: str | None = None,
    ) -> MapAdapter:
        """Like ``bind`` with host, scheme, path and method taken from a WSGI environ."""
        env: WSGIEnvironment = getattr(environ, "environ", environ)
        assert isinstance(env, dict), (
            f"{type(environ).__name__!r} is not a WSGI environment (has to be a dict)"
        )
        wsgi_host = get_host(env).lower()
        scheme = _request_scheme(env)
        if server_name is None:
            server_name = wsgi_host
        else:
            server_name = _strip_default_port(server_name.lower(), scheme)
        if subdomain is None and not self.host_matching:
            subdomain = _derive_subdomain(wsgi_host, server_name)
        return Map.bind(
            self,
            server_name,
            _wsgi_str(env, "SCRIPT_NAME"),
            subdomain,
            scheme,
            env["REQUEST_METHOD"],
            _wsgi_str(env, "PATH_INFO"),
            query_args=_wsgi_str(env, "QUERY_STRING"),
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({pformat(list(self.iter_rules()))})"


def _request_scheme(env: WSGIEnvironment) -> str:
    """The URL scheme, turned into ws/wss for a websocket upgrade request."""
    scheme: str = env["wsgi.url_scheme"]
    connection = env.get("HTTP_CONNECTION", "").lower().split(",")
    upgrade = any(token.strip(" \t") == "upgrade" for token in connection)
    if upgrade and env.get("HTTP_UPGRADE", "").lower() == "websocket":
        return "wss" if scheme == "https" else "ws"
    return scheme


def _strip_default_port(server_name: str, scheme: str) -> str:
    """Drop :80 / :443 so the configured name compares equal to the Host."""
    if scheme in {"http", "ws"} and server_name.endswith(":80"):
        return server_name[:-3]
    if scheme in {"https", "wss"} and server_name.endswith(":443"):
        return server_name[:-4]
    return server_name


def _derive_subdomain(wsgi_host: str, server_name: str) -> str:
    """The labels of the request host in front of the configured server name."""
    current = wsgi_host.split(".")
    configured = server_name.split(".")
    offset = -len(configured)
    if current[offset:] != configured:
        # Typically a request by IP address; an impossible subdomain makes
        # matching answer 404 instead of failing here.
        warnings.warn(
            f"Current server name {wsgi_host!r} doesn't match configured"
            f" server name {server_name!r}",
            stacklevel=3,
        )
        return "<invalid>"
    return ".".join(label for label in current[:offset] if label)


def _wsgi_str(env: WSGIEnvironment, key: str) -> str | None:
    """Read a WSGI string (latin-1 transport) back as UTF-8 text."""
    value = env.get(key)
    if value is None:
        return None
    return t.cast(str, value).encode("latin1").decode(errors="replace")


def _encode_query_args(query_args: t.Mapping[str, t.Any] | str) -> str:
    """Encode a mapping (MultiDict, lists expanded) as a query string."""
    if isinstance(query_args, str):
        return query_args
    if isinstance(query_args, MultiDict):
        pairs = list(query_args.items(multi=True))
    else:
        pairs = []
        for key, value in query_args.items():
            if isinstance(value, (list, tuple, set)):
                pairs.extend((key, v) for v in value)
            else:
                pairs.append((key, value))
    return encode_query(pairs)


class MapAdapter:
    """A map bound to one server name, script root and request details."""

    def __init__(
        self,
        map: Map,
        server_name: str,
        script_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> None:
        self.map = map
        self.server_name = server_name
        if not script_name.endswith("/"):
            script_name += "/"
        self.script_name = script_name
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self.query_args = query_args
        self.websocket = self.url_scheme in {"ws", "wss"}

    # -- matching ------------------------------------------------------------------

    def dispatch(
        self,
        view_func: t.Callable[[t.Any, t.Mapping[str, t.Any]], WSGIApplication],
        path_info: str | None = None,
        method: str | None = None,
        catch_http_exceptions: bool = False,
    ) -> WSGIApplication:
        """Match and call ``view_func(endpoint, values)``; redirects are returned."""
        try:
            try:
                endpoint, args = self.match(path_info, method)
            except RequestRedirect as e:
                return e
            return view_func(endpoint, args)
        except HTTPException as e:
            if catch_http_exceptions:
                return e
            raise

    @t.overload
    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: t.Literal[False] = False,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]: ...

    @t.overload
    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: t.Literal[True] = True,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[Rule, t.Mapping[str, t.Any]]: ...

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]:
        """Return ``(endpoint, values)`` (or the rule) or raise the HTTP outcome."""
        if path_info is None:
            path_info = self.path_info
        if query_args is None:
            query_args = self.query_args or {}
        method = (method or self.default_method).upper()
        if websocket is None:
            websocket = self.websocket
        domain = self.server_name
        if not self.map.host_matching and self.subdomain is not None:
            domain = self.subdomain
        path = f"/{path_info.lstrip('/')}" if path_info else ""
        rule, values = self._match_rule(domain, path, method, websocket, query_args)
        if self.map.redirect_defaults:
            target = self.get_default_redirect(rule, method, values, query_args)
            if target is not None:
                raise RequestRedirect(target)
        if rule.redirect_to is not None:
            raise RequestRedirect(self._redirect_to_url(rule, values))
        if return_rule:
            return rule, values
        return rule.endpoint, values

    def _match_rule(
        self, domain: str, path: str, method: str, websocket: bool,
        query_args: t.Mapping[str, t.Any] | str,
    ) -> tuple[Rule, dict[str, t.Any]]:
        """Run the map's matcher and turn internal outcomes into HTTP exceptions."""
        try:
            return self.map._lookup(domain, path, method, websocket)
        except _Redirect as e:
            target = quote(e.path, safe=PATH_SAFE)
            raise RequestRedirect(self.make_redirect_url(target, query_args)) from None
        except _AliasRedirect as e:
            url = self.make_alias_redirect_url(
                f"{domain}|{path}", e.endpoint, e.values, method, query_args
            )
            raise RequestRedirect(url) from None
        except _NoMatch as e:
            if e.methods:
                raise MethodNotAllowed(valid_methods=list(e.methods)) from None
            if e.websocket_mismatch:
                raise WebsocketMismatch() from None
            raise NotFound() from None

    def _redirect_to_url(self, rule: Rule, values: t.Mapping[str, t.Any]) -> str:
        """The absolute target of a ``redirect_to`` rule."""
        target = rule.redirect_to
        if isinstance(target, str):

            def fill(m: t.Match[str]) -> str:
                name = m.group(1)
                return rule._converters[name].to_url(values[name])

            url = PLACEHOLDER.sub(fill, target)
        else:
            assert target is not None
            url = target(self, **values)
        netloc = f"{self.subdomain}.{self.server_name}" if self.subdomain else self.server_name
        return urljoin(f"{self.url_scheme or 'http'}://{netloc}{self.script_name}", url)

    def test(self, path_info: str | None = None, method: str | None = None) -> bool:
        """Tell whether the path would match (a redirect counts as a match)."""
        try:
            self.match(path_info, method)
        except RequestRedirect:
            pass
        except HTTPException:
            return False
        return True

    def allowed_methods(self, path_info: str | None = None) -> t.Iterable[str]:
        """The methods some rule accepts for this path (empty if none or any)."""
        try:
            self.match(path_info, method="--")
        except MethodNotAllowed as e:
            return e.valid_methods  # type: ignore[return-value]
        except HTTPException:
            pass
        return []

    # -- redirects -----------------------------------------------------------------

    def get_host(self, domain_part: str | None) -> str:
        """The full host for a subdomain (or, with host matching, a host)."""
        if self.map.host_matching:
            return self.server_name if domain_part is None else domain_part
        subdomain = self.subdomain if domain_part is None else domain_part
        return f"{subdomain}.{self.server_name}" if subdomain else self.server_name

    def get_default_redirect(
        self,
        rule: Rule,
        method: str,
        values: t.MutableMapping[str, t.Any],
        query_args: t.Mapping[str, t.Any] | str,
    ) -> str | None:
        """The canonical URL when another rule owns these values through defaults."""
        assert self.map.redirect_defaults
        for other in self.map._rules_by_endpoint[rule.endpoint]:
            if other is rule:
                break
            if other.provides_defaults_for(rule) and other.suitable_for(values, method):
                values.update(other.defaults)  # type: ignore[arg-type]
                domain_part, path = other.build(values)  # type: ignore[misc]
                return self.make_redirect_url(path, query_args, domain_part=domain_part)
        return None

    def encode_query_args(self, query_args: t.Mapping[str, t.Any] | str) -> str:
        """Query string for a redirect.

        Strings pass through unchanged, except that characters which may not
        appear in a Location header (controls, spaces, non-ASCII from a raw
        query) are percent-encoded instead of failing the redirect.
        """
        encoded = _encode_query_args(query_args)
        if encoded.isascii() and encoded.isprintable() and " " not in encoded:
            return encoded
        return _quote_query(encoded)

    def make_redirect_url(
        self,
        path_info: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        domain_part: str | None = None,
    ) -> str:
        """An absolute URL on this adapter's scheme, host and script root."""
        if query_args is None:
            query_args = self.query_args
        query = self.encode_query_args(query_args) if query_args else None
        path = "/".join((self.script_name.strip("/"), path_info.lstrip("/")))
        return urlunsplit(
            (self.url_scheme or "http", self.get_host(domain_part), path, query, None)
        )

    def make_alias_redirect_url(
        self,
        path: str,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str,
        query_args: t.Mapping[str, t.Any] | str,
    ) -> str:
        """The canonical URL an alias rule redirects to."""
        url = self.build(endpoint, values, method, append_unknown=False, force_external=True)
        if query_args:
            url += f"?{self.encode_query_args(query_args)}"
        assert url != path, "detected invalid alias setting. No canonical URL found"
        return url

    # -- building ------------------------------------------------------------------

    def _partial_build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str | None,
        append_unknown: bool,
    ) -> tuple[str, str, bool] | None:
        """Domain part, path and websocket flag of the first rule that builds.

        Without a method the default method is tried first. With host
        matching a rule on the bound host wins over an earlier one.
        """
        rules = self.map._rules_by_endpoint.get(endpoint, ())
        if method is None:
            found = self._first_built(rules, values, self.default_method, append_unknown)
            if found is not None:
                return found
        return self._first_built(rules, values, method, append_unknown)

    def _first_built(
        self,
        rules: t.Iterable[Rule],
        values: t.Mapping[str, t.Any],
        method: str | None,
        append_unknown: bool,
    ) -> tuple[str, str, bool] | None:
        """Try the endpoint's rules in build order for one method."""
        host_matching = self.map.host_matching
        first: tuple[str, str, bool] | None = None
        for rule in rules:
            if not rule.suitable_for(values, method):
                continue
            built = rule.build(values, append_unknown)
            if built is None:
                continue
            if not host_matching or built[0] == self.server_name:
                return built[0], built[1], rule.websocket
            if first is None:
                first = built[0], built[1], rule.websocket
        return first

    def build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """Build a URL for the endpoint; raise ``BuildError`` when no rule fits."""
        map = self.map
        if map._remap:
            map.update()
        clean = _clean_build_values(values) if values else {}
        found = self._partial_build(endpoint, clean, method, append_unknown)
        if found is None:
            raise BuildError(endpoint, clean, method, self)  # type: ignore[arg-type]
        domain_part, path, websocket = found
        if not (force_external or websocket or map.host_matching) and (
            domain_part == self.subdomain
        ):
            return f"{self.script_name.rstrip('/')}/{path.lstrip('/')}"
        return self._external_url(domain_part, path, websocket, force_external, url_scheme)

    def _external_url(
        self,
        domain_part: str,
        path: str,
        websocket: bool,
        force_external: bool,
        url_scheme: str | None,
    ) -> str:
        """Finish a build that may need scheme and host (or may still be relative)."""
        host = self.get_host(domain_part)
        if url_scheme is None:
            url_scheme = self.url_scheme
        secure = url_scheme in {"https", "wss"}
        if websocket:
            force_external = True
            url_scheme = "wss" if secure else "ws"
        elif url_scheme:
            url_scheme = "https" if secure else "http"
        if not force_external and (
            host == self.server_name
            if self.map.host_matching
            else domain_part == self.subdomain
        ):
            return f"{self.script_name.rstrip('/')}/{path.lstrip('/')}"
        scheme = f"{url_scheme}:" if url_scheme else ""
        return f"{scheme}//{host}{self.script_name[:-1]}/{path.lstrip('/')}"


def _clean_build_values(values: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """Drop None values; collapse a MultiDict's single-item lists."""
    if not values:
        return {}
    if type(values) is dict:
        return {k: v for k, v in values.items() if v is not None}
    if isinstance(values, MultiDict):
        return {
            k: (v[0] if len(v) == 1 else v)
            for k, v in dict.items(values)
            if len(v) != 0
        }
    return {k: v for k, v in values.items() if v is not None}


def _quote_query(query: str) -> str:
    from urllib.parse import quote

    return quote(query, safe="!#$%&'()*+,/:;=?@[]~")
