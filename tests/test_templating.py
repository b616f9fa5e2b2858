"""Templates: the Jinja environment, loaders, rendering helpers and signals.

The ``app`` fixture's root path is ``tests/``, so ``tests/templates/`` is the
app's template folder.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import typing as t

import pytest
from jinja2 import DictLoader, TemplateNotFound, TemplatesNotFound
from markupsafe import Markup

import kolba
import kolba.templating

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


# -- rendering --------------------------------------------------------------


def test_render_template_with_context(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template("context.html", value=42) == "42"


def test_render_template_string_with_context(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template_string("{{ a }}-{{ b }}", a=1, b="two") == "1-two"


def test_render_template_picks_first_existing_from_list(app: kolba.Kolba) -> None:
    with app.app_context():
        rendered = kolba.render_template(["missing.html", "context.html"], value="x")
    assert rendered == "x"


def test_render_template_accepts_template_object(app: kolba.Kolba) -> None:
    with app.app_context():
        template = app.jinja_env.from_string("<{{ value }}>")
        assert kolba.render_template(template, value="&") == "<&amp;>"


def test_render_in_view(app: kolba.Kolba, client: kolba.testing.KolbaClient) -> None:
    @app.route("/")
    def index() -> str:
        return kolba.render_template("child.html", value="from view")

    response = client.get("/")
    assert response.status_code == 200
    assert b"<main>from view</main>" in response.data


def test_render_outside_app_context_fails() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        kolba.render_template_string("x")


def test_missing_template_raises_template_not_found(app: kolba.Kolba) -> None:
    with app.app_context():
        with pytest.raises(TemplateNotFound) as info:
            kolba.render_template("does_not_exist.html")
    assert info.value.name == "does_not_exist.html"


def test_missing_templates_from_list_raise_templates_not_found(app: kolba.Kolba) -> None:
    with app.app_context():
        with pytest.raises(TemplatesNotFound) as info:
            kolba.render_template(["nope1.html", "nope2.html"])
    assert info.value.templates == ["nope1.html", "nope2.html"]


def test_missing_template_in_view_is_server_error(app: kolba.Kolba) -> None:
    app.config["TESTING"] = False

    @app.route("/")
    def index() -> str:
        return kolba.render_template("does_not_exist.html")

    response = app.test_client().get("/")
    assert response.status_code == 500


# -- autoescaping -------------------------------------------------------------


@pytest.mark.parametrize("ext", ["html", "htm", "xml", "xhtml", "svg"])
def test_autoescape_for_markup_extensions(app: kolba.Kolba, ext: str) -> None:
    with app.app_context():
        rendered = kolba.render_template(f"escape.{ext}", text="<b>&</b>")
    assert rendered == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_no_autoescape_for_txt(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template("escape.txt", text="<b>&</b>") == "<b>&</b>"


def test_render_template_string_autoescapes(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template_string("{{ text }}", text="<i>") == "&lt;i&gt;"


def test_markup_is_not_escaped(app: kolba.Kolba) -> None:
    with app.app_context():
        rendered = kolba.render_template("escape.html", text=Markup("<b>ok</b>"))
    assert rendered == "<b>ok</b>"


def test_autoescape_block_can_turn_it_off(app: kolba.Kolba) -> None:
    source = "{% autoescape false %}{{ text }}{% endautoescape %}"
    with app.app_context():
        assert kolba.render_template_string(source, text="<i>") == "<i>"


def test_select_jinja_autoescape(app: kolba.Kolba) -> None:
    assert app.select_jinja_autoescape(None) is True
    assert app.select_jinja_autoescape("page.svg") is True
    assert app.select_jinja_autoescape("page.txt") is False
    assert app.select_jinja_autoescape("page.js") is False


# -- template globals -----------------------------------------------------------


def test_url_for_in_template(app: kolba.Kolba) -> None:
    @app.route("/hello/<name>")
    def hello(name: str) -> str:
        return name

    with app.test_request_context():
        rendered = kolba.render_template_string("{{ url_for('hello', name='ann') }}")
    assert rendered == "/hello/ann"


def test_config_in_template(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template_string("{{ config.SECRET_KEY }}") == "test key"


def test_config_in_imported_macro_without_context(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template("imports_macros.html") == "test key"


def test_request_in_template(app: kolba.Kolba) -> None:
    with app.test_request_context("/some/path?q=search"):
        rendered = kolba.render_template_string("{{ request.path }} {{ request.args.q }}")
    assert rendered == "/some/path search"


def test_session_in_template(app: kolba.Kolba) -> None:
    with app.test_request_context():
        kolba.session["user"] = "ann"
        assert kolba.render_template_string("{{ session.user }}") == "ann"


def test_g_in_template(app: kolba.Kolba) -> None:
    with app.app_context():
        kolba.g.answer = 42
        assert kolba.render_template_string("{{ g.answer }}") == "42"


def test_get_flashed_messages_in_template(app: kolba.Kolba) -> None:
    with app.test_request_context():
        kolba.flash("saved", "info")
        kolba.flash("oops", "error")
        rendered = kolba.render_template_string(
            "{% for c, m in get_flashed_messages(with_categories=true) %}"
            "{{ c }}={{ m }};{% endfor %}"
        )
    assert rendered == "info=saved;error=oops;"


def test_flashed_messages_across_requests(app: kolba.Kolba) -> None:
    @app.route("/set")
    def set_message() -> str:
        kolba.flash("<hello>")
        return ""

    @app.route("/show")
    def show() -> str:
        return kolba.render_template_string("{{ get_flashed_messages() }}")

    client = app.test_client()
    client.get("/set")
    assert client.get("/show").data == b"[&#39;&lt;hello&gt;&#39;]"
    assert client.get("/show").data == b"[]"


def test_builtin_globals_in_environment(app: kolba.Kolba) -> None:
    env_globals = app.jinja_env.globals
    for name in ("url_for", "get_flashed_messages", "config", "request", "session", "g"):
        assert name in env_globals
    assert env_globals["config"] is app.config


def test_tojson_uses_app_json_provider(app: kolba.Kolba) -> None:
    assert app.jinja_env.policies["json.dumps_function"] == app.json.dumps
    with app.app_context():
        rendered = kolba.render_template_string("{{ data|tojson }}", data={"b": 1, "a": "<x>"})
    # The provider sorts keys; Jinja's own dumps would not.
    assert rendered == '{"a": "\\u003cx\\u003e", "b": 1}'


# -- context processors -----------------------------------------------------------


def test_context_processor_values(app: kolba.Kolba) -> None:
    @app.context_processor
    def inject() -> dict[str, t.Any]:
        return {"injected": "yes"}

    with app.app_context():
        assert kolba.render_template("processed.html", value=1) == "1|yes"
        assert kolba.render_template_string("{{ injected }}") == "yes"


def test_explicit_context_overrides_context_processor(app: kolba.Kolba) -> None:
    @app.context_processor
    def inject() -> dict[str, t.Any]:
        return {"injected": "processor", "value": "processor"}

    with app.app_context():
        assert kolba.render_template("processed.html", value="mine") == "mine|processor"


def test_later_context_processor_wins(app: kolba.Kolba) -> None:
    app.context_processor(lambda: {"injected": "first"})
    app.context_processor(lambda: {"injected": "second"})

    with app.app_context():
        assert kolba.render_template_string("{{ injected }}") == "second"


def test_context_processor_runs_per_render(app: kolba.Kolba) -> None:
    calls: list[int] = []

    @app.context_processor
    def count() -> dict[str, t.Any]:
        calls.append(1)
        return {"n": len(calls)}

    with app.app_context():
        assert kolba.render_template_string("{{ n }}") == "1"
        assert kolba.render_template_string("{{ n }}") == "2"


# -- filters, tests and globals -----------------------------------------------------


def test_template_filter_decorator_before_env(app: kolba.Kolba) -> None:
    @app.template_filter()
    def shout(s: str) -> str:
        return s.upper() + "!"

    assert app.jinja_env.filters["shout"] is shout
    with app.app_context():
        assert kolba.render_template_string("{{ 'hi'|shout }}") == "HI!"


def test_template_filter_custom_name(app: kolba.Kolba) -> None:
    @app.template_filter("rev")
    def reverse_text(s: str) -> str:
        return s[::-1]

    assert "reverse_text" not in app.jinja_env.filters
    assert app.jinja_env.filters["rev"] is reverse_text
    with app.app_context():
        assert kolba.render_template_string("{{ 'abc'|rev }}") == "cba"


def test_add_template_filter_after_env_exists(app: kolba.Kolba) -> None:
    with app.app_context():
        kolba.render_template_string("warm up")
    assert app.jinja_env is not None

    def double(s: str) -> str:
        return s * 2

    app.add_template_filter(double)
    app.add_template_filter(double, name="twice")
    with app.app_context():
        assert kolba.render_template_string("{{ 'ab'|double }}{{ 'c'|twice }}") == "ababcc"


def test_add_template_filter_before_env(app: kolba.Kolba) -> None:
    app.add_template_filter(lambda s: f"[{s}]", name="bracket")
    with app.app_context():
        assert kolba.render_template_string("{{ 'x'|bracket }}") == "[x]"


def test_template_test_decorator_and_custom_name(app: kolba.Kolba) -> None:
    @app.template_test()
    def boolean(value: t.Any) -> bool:
        return isinstance(value, bool)

    @app.template_test("short")
    def is_short(value: str) -> bool:
        return len(value) < 3

    assert app.jinja_env.tests["boolean"] is boolean
    source = "{{ false is boolean }} {{ 1 is boolean }} {{ 'ab' is short }}"
    with app.app_context():
        assert kolba.render_template_string(source) == "True False True"


def test_add_template_test_after_env_exists(app: kolba.Kolba) -> None:
    env = app.jinja_env

    def even(value: int) -> bool:
        return value % 2 == 0

    app.add_template_test(even, name="even_number")
    assert env.tests["even_number"] is even
    with app.app_context():
        assert kolba.render_template_string("{{ 4 is even_number }}") == "True"


def test_template_global_decorator_and_add(app: kolba.Kolba) -> None:
    @app.template_global()
    def site_name() -> str:
        return "Kolba"

    app.add_template_global(lambda a, b: a + b, name="add")
    assert app.jinja_env.globals["site_name"] is site_name
    with app.app_context():
        assert kolba.render_template_string("{{ site_name() }} {{ add(2, 3) }}") == "Kolba 5"


def test_add_template_global_after_env_exists(app: kolba.Kolba) -> None:
    with app.app_context():
        kolba.render_template_string("")

    @app.template_global("answer")
    def get_answer() -> int:
        return 42

    with app.app_context():
        assert kolba.render_template_string("{{ answer() }}") == "42"


def test_template_global_can_replace_builtin(app: kolba.Kolba) -> None:
    app.add_template_global(lambda endpoint, **kw: f"custom:{endpoint}", name="url_for")
    with app.app_context():
        assert kolba.render_template_string("{{ url_for('x') }}") == "custom:x"


def test_registrations_are_per_app(app: kolba.Kolba) -> None:
    other = kolba.Kolba("other_app", root_path=TESTS_DIR)
    app.add_template_filter(str.upper, name="up")
    assert "up" in app.jinja_env.filters
    assert "up" not in other.jinja_env.filters


# -- inheritance, macros, includes ---------------------------------------------------


def test_template_inheritance(app: kolba.Kolba) -> None:
    with app.app_context():
        rendered = kolba.render_template("child.html", value="body")
    assert "<title>Child Default</title>" in rendered
    assert "<main>body</main>" in rendered


def test_macro_import_in_template(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template("uses_macro.html", value="<Ann>") == "Hello &lt;Ann&gt;!"


def test_include_sees_context(app: kolba.Kolba) -> None:
    with app.app_context():
        assert kolba.render_template("includes.html", value=7) == "[included 7]"


def test_get_template_attribute_macro(app: kolba.Kolba) -> None:
    with app.app_context():
        hello = kolba.get_template_attribute("_macros.html", "hello")
        assert hello("World") == "Hello World!"
        assert kolba.get_template_attribute("_macros.html", "answer") == 42


def test_get_template_attribute_missing(app: kolba.Kolba) -> None:
    with app.app_context():
        with pytest.raises(AttributeError):
            kolba.get_template_attribute("_macros.html", "no_such_macro")
        with pytest.raises(TemplateNotFound):
            kolba.get_template_attribute("missing.html", "hello")


# -- the environment ----------------------------------------------------------------


def test_jinja_env_is_cached(app: kolba.Kolba) -> None:
    env = app.jinja_env
    assert app.jinja_env is env
    assert isinstance(env, kolba.templating.Environment)
    assert env.app is app


def test_auto_reload_off_by_default(app: kolba.Kolba) -> None:
    assert app.jinja_env.auto_reload is False


def test_templates_auto_reload_config(app: kolba.Kolba) -> None:
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    assert app.jinja_env.auto_reload is True


def test_debug_enables_auto_reload(app: kolba.Kolba) -> None:
    app.debug = True
    assert app.jinja_env.auto_reload is True


def test_templates_auto_reload_false_beats_debug(app: kolba.Kolba) -> None:
    app.config["TEMPLATES_AUTO_RELOAD"] = False
    app.debug = True
    assert app.jinja_env.auto_reload is False


def test_debug_set_after_env_exists_updates_auto_reload(app: kolba.Kolba) -> None:
    assert app.jinja_env.auto_reload is False
    app.debug = True
    assert app.jinja_env.auto_reload is True
    app.debug = False
    assert app.jinja_env.auto_reload is False


def test_auto_reload_reloads_changed_template(tmp_path: t.Any) -> None:
    page = tmp_path / "page.txt"
    page.write_text("one")
    app = kolba.Kolba("reload_app", root_path=str(tmp_path), template_folder=".")
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    with app.app_context():
        assert kolba.render_template("page.txt") == "one"
        page.write_text("two")
        stat = os.stat(page)
        os.utime(page, (stat.st_atime, stat.st_mtime + 5))
        assert kolba.render_template("page.txt") == "two"


def test_custom_jinja_options(app: kolba.Kolba) -> None:
    app.jinja_options = {"trim_blocks": True, "extensions": ["jinja2.ext.do"]}
    env = app.jinja_env
    assert env.trim_blocks is True
    assert "jinja2.ext.ExprStmtExtension" in env.extensions
    assert env.autoescape == app.select_jinja_autoescape
    with app.app_context():
        rendered = kolba.render_template_string("{% set l = [] %}{% do l.append(1) %}{{ l }}")
    assert rendered == "[1]"


def test_jinja_options_override_autoescape_and_auto_reload(app: kolba.Kolba) -> None:
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    app.jinja_options = {"autoescape": False, "auto_reload": False}
    assert app.jinja_env.auto_reload is False
    with app.app_context():
        assert kolba.render_template_string("{{ x }}", x="<b>") == "<b>"


def test_jinja_options_subclass_attribute() -> None:
    class MyApp(kolba.Kolba):
        jinja_options = {"lstrip_blocks": True}

    app = MyApp("my_app", root_path=TESTS_DIR)
    assert app.jinja_env.lstrip_blocks is True


def test_custom_jinja_environment_class() -> None:
    class MyEnvironment(kolba.templating.Environment):
        pass

    class MyApp(kolba.Kolba):
        jinja_environment = MyEnvironment

    app = MyApp("my_app", root_path=TESTS_DIR)
    assert type(app.jinja_env) is MyEnvironment
    assert app.jinja_env.app is app
    with app.app_context():
        assert kolba.render_template("context.html", value="custom") == "custom"


def test_environment_keeps_explicit_loader(app: kolba.Kolba) -> None:
    loader = DictLoader({"only.html": "dict {{ v }}"})
    env = kolba.templating.Environment(app, loader=loader)
    assert env.loader is loader
    assert env.app is app
    assert env.get_template("only.html").render(v=1) == "dict 1"


def test_default_loader_is_dispatching(app: kolba.Kolba) -> None:
    assert isinstance(app.jinja_env.loader, kolba.templating.DispatchingJinjaLoader)
    assert isinstance(app.create_global_jinja_loader(), kolba.templating.DispatchingJinjaLoader)


def test_create_jinja_environment_override() -> None:
    class MyApp(kolba.Kolba):
        def create_jinja_environment(self) -> t.Any:
            env = super().create_jinja_environment()
            env.globals["site"] = "Overridden"
            return env

    app = MyApp("my_app", root_path=TESTS_DIR)
    with app.app_context():
        assert kolba.render_template_string("{{ site }} {{ config.DEBUG }}") == "Overridden False"


def test_jinja_loader_is_none_without_template_folder() -> None:
    app = kolba.Kolba("no_templates", root_path=TESTS_DIR, template_folder=None)
    assert app.jinja_loader is None
    with app.app_context():
        with pytest.raises(TemplateNotFound):
            kolba.render_template("context.html")
        assert kolba.render_template_string("still {{ 'works' }}") == "still works"


def test_list_templates(app: kolba.Kolba) -> None:
    names = app.jinja_env.list_templates()
    assert "context.html" in names
    assert "bp_one/bp_only.html" in names


def test_templates_work_after_plain_request(app: kolba.Kolba) -> None:
    @app.route("/")
    def index() -> str:
        return "plain"

    assert app.test_client().get("/").data == b"plain"
    assert app.jinja_env.globals["config"] is app.config


@pytest.mark.kolba_only
def test_jinja_env_created_lazily(app: kolba.Kolba) -> None:
    @app.route("/")
    def index() -> str:
        return "plain"

    assert app.test_client().get("/").data == b"plain"
    assert "jinja_env" not in app.__dict__
    with app.app_context():
        kolba.render_template_string("")
    assert "jinja_env" in app.__dict__


@pytest.mark.kolba_only
def test_registration_before_env_does_not_create_it(app: kolba.Kolba) -> None:
    app.add_template_filter(str.upper, name="up")
    app.add_template_test(bool, name="truthy")
    app.add_template_global(len, name="length")
    assert "jinja_env" not in app.__dict__
    with app.app_context():
        rendered = kolba.render_template_string("{{ 'a'|up }}{{ 1 is truthy }}{{ length('ab') }}")
    assert rendered == "ATrue2"


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("KOLBA_TESTS_AGAINST", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=TESTS_DIR,
        check=False,
    )


@pytest.mark.kolba_only
def test_import_kolba_does_not_import_jinja() -> None:
    result = _run_python(
        "import sys, kolba\n"
        "app = kolba.Kolba('lazy')\n"
        "print('jinja2' in sys.modules, 'kolba.templating' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.kolba_only
def test_plain_rendering_does_not_import_blinker() -> None:
    result = _run_python(
        "import sys, kolba\n"
        "app = kolba.Kolba('lazy')\n"
        "with app.app_context():\n"
        "    out = kolba.render_template_string('{{ 1 + 1 }}')\n"
        "print(out, 'blinker' in sys.modules, 'kolba.signals' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "False", "False"]


# -- explaining template loading ---------------------------------------------------------


def test_explain_template_loading_found(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.set_level(logging.INFO, logger=app.logger.name)
    with app.app_context():
        assert kolba.render_template("context.html", value=1) == "1"
    messages = [r.getMessage() for r in caplog.records if r.name == app.logger.name]
    assert len(messages) == 1
    message = messages[0]
    assert message.startswith("Locating template 'context.html':")
    assert "trying loader of application 'kolba_test'" in message
    assert "class: jinja2.loaders.FileSystemLoader" in message
    assert os.path.join(TESTS_DIR, "templates") in message
    assert "-> found (" in message
    assert os.path.join(TESTS_DIR, "templates", "context.html") in message
    assert "Error" not in message


def test_explain_template_loading_missing(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.set_level(logging.INFO, logger=app.logger.name)
    with app.app_context():
        with pytest.raises(TemplateNotFound):
            kolba.render_template("nowhere.html")
    message = "\n".join(r.getMessage() for r in caplog.records)
    assert "Locating template 'nowhere.html':" in message
    assert "-> no match" in message
    assert "Error: the template could not be found." in message


def test_no_explanation_without_config(
    app: kolba.Kolba, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=app.logger.name)
    with app.app_context():
        kolba.render_template("context.html", value=1)
    assert not [r for r in caplog.records if "Locating template" in r.getMessage()]


# -- streaming ----------------------------------------------------------------------------


def test_stream_template_string_yields_chunks(app: kolba.Kolba) -> None:
    with app.app_context():
        stream = kolba.stream_template_string(
            "{% for i in items %}{{ i }}{% endfor %}", items=["a", "<b>", "c"]
        )
        chunks = list(stream)
    assert chunks == ["a", "&lt;b&gt;", "c"]


def test_stream_template_by_name(app: kolba.Kolba) -> None:
    with app.test_request_context("/?name=q"):
        stream = kolba.stream_template("stream.html", items=[1, 2])
        assert not isinstance(stream, str)
        assert "".join(stream) == "<1:q><2:q>"


def test_stream_template_uses_context_processors(app: kolba.Kolba) -> None:
    app.context_processor(lambda: {"injected": "cp"})
    with app.app_context():
        assert "".join(kolba.stream_template("processed.html", value=0)) == "0|cp"


def test_stream_template_reads_request_while_streaming(app: kolba.Kolba) -> None:
    @app.route("/")
    def index() -> t.Any:
        return kolba.stream_template("stream.html", items=["x", "&"])

    @app.route("/string")
    def string() -> t.Any:
        kolba.g.suffix = "!"
        return app.response_class(
            kolba.stream_template_string("{{ request.args.name }}{{ g.suffix }}")
        )

    client = app.test_client()
    response = client.get("/?name=ann")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.data == b"<x:ann><&amp;:ann>"
    assert client.get("/string?name=bo").data == b"bo!"


# -- signals ----------------------------------------------------------------------------------


def test_template_rendered_signal(app: kolba.Kolba) -> None:
    from kolba.signals import template_rendered

    recorded: list[tuple[t.Any, t.Any, dict[str, t.Any]]] = []

    def record(sender: t.Any, template: t.Any, context: dict[str, t.Any], **extra: t.Any) -> None:
        recorded.append((sender, template, context))

    with template_rendered.connected_to(record, app):
        with app.app_context():
            kolba.render_template("context.html", value="signal")
    assert len(recorded) == 1
    sender, template, context = recorded[0]
    assert sender is app
    assert template.name == "context.html"
    assert context["value"] == "signal"


def test_before_render_template_signal_can_change_context(app: kolba.Kolba) -> None:
    from kolba.signals import before_render_template

    seen: list[str | None] = []

    def change(sender: t.Any, template: t.Any, context: dict[str, t.Any], **extra: t.Any) -> None:
        seen.append(template.name)
        context["value"] = "changed"

    with before_render_template.connected_to(change, app):
        with app.app_context():
            assert kolba.render_template("context.html", value="orig") == "changed"
            assert kolba.render_template_string("{{ value }}", value="orig") == "changed"
    assert seen == ["context.html", None]


def test_signal_context_includes_context_processor_values(app: kolba.Kolba) -> None:
    from kolba.signals import template_rendered

    app.context_processor(lambda: {"injected": "cp"})
    contexts: list[dict[str, t.Any]] = []

    def record(sender: t.Any, template: t.Any, context: dict[str, t.Any], **extra: t.Any) -> None:
        contexts.append(context)

    with template_rendered.connected_to(record, app):
        with app.app_context():
            kolba.render_template_string("x", own=1)
    assert contexts[0]["injected"] == "cp"
    assert contexts[0]["own"] == 1


def test_signals_only_for_their_sender(app: kolba.Kolba) -> None:
    from kolba.signals import template_rendered

    other = kolba.Kolba("other_app", root_path=TESTS_DIR)
    recorded: list[t.Any] = []

    def record(sender: t.Any, **extra: t.Any) -> None:
        recorded.append(sender)

    with template_rendered.connected_to(record, other):
        with app.app_context():
            kolba.render_template_string("x")
    assert recorded == []


def test_stream_signals_order(app: kolba.Kolba) -> None:
    from kolba.signals import before_render_template, template_rendered

    events: list[str] = []

    def before(sender: t.Any, **extra: t.Any) -> None:
        events.append("before")

    def after(sender: t.Any, **extra: t.Any) -> None:
        events.append("rendered")

    with before_render_template.connected_to(before, app):
        with template_rendered.connected_to(after, app):
            with app.app_context():
                stream = kolba.stream_template_string("{% for i in [1, 2] %}{{ i }}{% endfor %}")
                assert events == ["before"]
                next(stream)
                assert events == ["before"]
                assert list(stream) == ["2"]
    assert events == ["before", "rendered"]


# -- blueprints --------------------------------------------------------------------------------


class TestBlueprintTemplates:
    """Template folders, filters and context processors of blueprints."""

    def test_blueprint_template_found(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("one", __name__, template_folder="templates/bp_one")
        app.register_blueprint(bp)
        with app.app_context():
            assert kolba.render_template("bp_only.html") == "bp_one only"

    def test_blueprint_without_template_folder_has_no_loader(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("plain", __name__)
        app.register_blueprint(bp)
        assert bp.jinja_loader is None
        with app.app_context():
            with pytest.raises(TemplateNotFound):
                kolba.render_template("bp_only.html")

    def test_app_template_wins_over_blueprint(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("one", __name__, template_folder="templates/bp_one")
        app.register_blueprint(bp)
        with app.app_context():
            assert kolba.render_template("shared.html") == "app shared"

    def test_first_registered_blueprint_wins(self, app: kolba.Kolba) -> None:
        two = kolba.Blueprint("two", __name__, template_folder="templates/bp_two")
        one = kolba.Blueprint("one", __name__, template_folder="templates/bp_one")
        app.register_blueprint(two)
        app.register_blueprint(one)
        with app.app_context():
            assert kolba.render_template("both.html") == "bp_two both"

    def test_blueprint_template_rendered_from_blueprint_view(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("one", __name__, template_folder="templates/bp_one")

        @bp.route("/page")
        def page() -> str:
            return kolba.render_template("bp_only.html")

        app.register_blueprint(bp, url_prefix="/bp")
        assert app.test_client().get("/bp/page").data == b"bp_one only"

    def test_list_templates_includes_blueprints(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("two", __name__, template_folder="templates/bp_two")
        app.register_blueprint(bp)
        names = app.jinja_env.list_templates()
        assert "processed_bp.html" in names
        assert "context.html" in names
        assert names.count("both.html") == 1

    def test_blueprint_context_processor_only_for_its_requests(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("two", __name__, template_folder="templates/bp_two")

        @bp.context_processor
        def inject() -> dict[str, t.Any]:
            return {"injected": "from bp"}

        @bp.route("/in")
        def inside() -> str:
            return kolba.render_template("processed_bp.html")

        @app.route("/out")
        def outside() -> str:
            return kolba.render_template("processed_bp.html")

        app.register_blueprint(bp)
        client = app.test_client()
        assert client.get("/in").data == b"bp_two from bp"
        assert client.get("/out").data == b"bp_two "

    def test_blueprint_app_context_processor(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("two", __name__, template_folder="templates/bp_two")
        bp.app_context_processor(lambda: {"injected": "everywhere"})
        app.register_blueprint(bp)
        with app.app_context():
            assert kolba.render_template("processed_bp.html") == "bp_two everywhere"

    def test_blueprint_app_template_filter_test_global(self, app: kolba.Kolba) -> None:
        bp = kolba.Blueprint("helpers", __name__)

        @bp.app_template_filter("shout")
        def shout(s: str) -> str:
            return s.upper()

        @bp.app_template_test()
        def empty(value: t.Any) -> bool:
            return not value

        bp.add_app_template_global(lambda: "bp global", name="bp_global")
        app.register_blueprint(bp)
        with app.app_context():
            rendered = kolba.render_template_string(
                "{{ 'a'|shout }} {{ '' is empty }} {{ bp_global() }}"
            )
        assert rendered == "A True bp global"

    def test_explain_mentions_blueprints(
        self, app: kolba.Kolba, caplog: pytest.LogCaptureFixture
    ) -> None:
        one = kolba.Blueprint("one", __name__, template_folder="templates/bp_one")
        two = kolba.Blueprint("two", __name__, template_folder="templates/bp_two")
        app.register_blueprint(one)
        app.register_blueprint(two)
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.set_level(logging.INFO, logger=app.logger.name)
        with app.app_context():
            assert kolba.render_template("both.html") == "bp_one both"
        message = "\n".join(r.getMessage() for r in caplog.records)
        assert "trying loader of application 'kolba_test'" in message
        assert "trying loader of blueprint 'one' (tests.test_templating)" in message
        assert "trying loader of blueprint 'two' (tests.test_templating)" in message
        assert "Warning: multiple loaders returned a match for the template." in message

    def test_explain_hints_at_blueprint_of_endpoint(
        self, app: kolba.Kolba, caplog: pytest.LogCaptureFixture
    ) -> None:
        bp = kolba.Blueprint("one", __name__, template_folder="templates/bp_one")

        @bp.route("/missing")
        def missing() -> str:
            return kolba.render_template("nowhere.html")

        app.register_blueprint(bp)
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.set_level(logging.INFO, logger=app.logger.name)
        with app.test_request_context("/missing"):
            with pytest.raises(TemplateNotFound):
                missing()
        message = "\n".join(r.getMessage() for r in caplog.records)
        assert "Error: the template could not be found." in message
        assert "belongs to the blueprint 'one'" in message
