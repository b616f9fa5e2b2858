"""Config: every loader, its errors and ``silent``, and ConfigAttribute."""

from __future__ import annotations

import errno
import json
import os
import sys
import textwrap
import typing as t
from pathlib import Path

import pytest

import kolba
from kolba.config import Config, ConfigAttribute


class BaseSettings:
    SECRET_KEY = "base secret"
    DEBUG = False
    helper = "lower-case names are not settings"


class DevelopmentSettings(BaseSettings):
    DEBUG = True
    DATABASE = "dev.sqlite"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- the mapping itself -------------------------------------------------------------


def test_config_is_a_dict_with_defaults_and_root_path(tmp_path: Path) -> None:
    config = Config(tmp_path, {"A": 1})
    assert isinstance(config, dict)
    assert config == {"A": 1}
    assert config.root_path == tmp_path
    assert Config(tmp_path) == {}


def test_defaults_are_copied_not_shared(tmp_path: Path) -> None:
    defaults = {"A": 1}
    config = Config(tmp_path, defaults)
    config["A"] = 2
    assert defaults == {"A": 1}


def test_repr_names_the_class_and_shows_the_items(tmp_path: Path) -> None:
    assert repr(Config(tmp_path, {"A": 1})) == "<Config {'A': 1}>"

    class MyConfig(Config):
        pass

    assert repr(MyConfig(tmp_path)) == "<MyConfig {}>"


# -- from_object --------------------------------------------------------------------


def test_from_object_takes_upper_case_attributes_including_inherited(tmp_path: Path) -> None:
    config = Config(tmp_path)
    config.from_object(DevelopmentSettings)
    assert config == {"SECRET_KEY": "base secret", "DEBUG": True, "DATABASE": "dev.sqlite"}


def test_from_object_accepts_an_instance_and_reads_properties(tmp_path: Path) -> None:
    class Computed:
        @property
        def URL(self) -> str:
            return "computed"

    config = Config(tmp_path)
    config.from_object(Computed())
    assert config["URL"] == "computed"


def test_from_object_import_strings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path / "kolba_cfg_module.py",
        """
        NAME = "module"
        lower = "ignored"

        class Production:
            NAME = "class"
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "kolba_cfg_module", raising=False)
    config = Config(tmp_path)
    config.from_object("kolba_cfg_module")
    assert config == {"NAME": "module"}
    config.from_object("kolba_cfg_module.Production")
    assert config["NAME"] == "class"
    config.from_object("kolba_cfg_module:Production")
    assert config["NAME"] == "class"


def test_from_object_bad_import_string_raises(tmp_path: Path) -> None:
    from werkzeug.utils import ImportStringError

    with pytest.raises(ImportStringError):
        Config(tmp_path).from_object("no_such_module_for_kolba_tests")


def test_app_config_from_object_with_settings_classes(app: kolba.Kolba) -> None:
    app.config.from_object(DevelopmentSettings)
    assert app.config["DEBUG"] is True
    assert app.config["SECRET_KEY"] == "base secret"
    assert app.secret_key == "base secret"


# -- from_pyfile --------------------------------------------------------------------


def test_from_pyfile_relative_to_root_path(tmp_path: Path) -> None:
    write(
        tmp_path / "settings.cfg",
        """
        import os
        SECRET_KEY = "from file"
        PORT = 40 + 2
        HERE = os.path.basename(__file__)
        lower = 1
        """,
    )
    config = Config(tmp_path)
    assert config.from_pyfile("settings.cfg") is True
    assert config == {"SECRET_KEY": "from file", "PORT": 42, "HERE": "settings.cfg"}


def test_from_pyfile_absolute_path_ignores_root_path(tmp_path: Path) -> None:
    path = write(tmp_path / "abs.py", "VALUE = 'abs'\n")
    config = Config(tmp_path / "elsewhere")
    assert config.from_pyfile(str(path)) is True
    assert config["VALUE"] == "abs"


def test_from_pyfile_accepts_path_objects(tmp_path: Path) -> None:
    write(tmp_path / "p.py", "VALUE = 1\n")
    config = Config(tmp_path)
    config.from_pyfile(Path("p.py"))
    assert config["VALUE"] == 1


def test_from_pyfile_missing_file_error_names_the_file(tmp_path: Path) -> None:
    config = Config(tmp_path)
    with pytest.raises(OSError) as info:
        config.from_pyfile("missing.cfg")
    assert info.value.errno == errno.ENOENT
    message = str(info.value)
    assert message.startswith("[Errno 2] Unable to load configuration file (")
    assert str(tmp_path / "missing.cfg") in message


def test_from_pyfile_silent_ignores_missing_folder_and_not_a_folder(tmp_path: Path) -> None:
    write(tmp_path / "plain.txt", "x")
    (tmp_path / "folder").mkdir()
    config = Config(tmp_path)
    assert config.from_pyfile("missing.cfg", silent=True) is False
    assert config.from_pyfile("folder", silent=True) is False
    assert config.from_pyfile("plain.txt/inner.cfg", silent=True) is False
    assert config == {}


def test_from_pyfile_folder_without_silent_raises(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError, match="Unable to load configuration file"):
        Config(tmp_path).from_pyfile("folder")


def test_from_pyfile_errors_in_the_file_propagate(tmp_path: Path) -> None:
    write(tmp_path / "broken.cfg", "VALUE = (\n")
    with pytest.raises(SyntaxError):
        Config(tmp_path).from_pyfile("broken.cfg")
    write(tmp_path / "raises.cfg", "raise ValueError('inside config')\n")
    with pytest.raises(ValueError, match="inside config"):
        Config(tmp_path).from_pyfile("raises.cfg", silent=True)


# -- from_envvar --------------------------------------------------------------------


def test_from_envvar_loads_the_named_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "env.cfg", "FROM_ENV = True\n")
    monkeypatch.setenv("KOLBA_TEST_SETTINGS", str(path))
    config = Config(tmp_path)
    assert config.from_envvar("KOLBA_TEST_SETTINGS") is True
    assert config["FROM_ENV"] is True


def test_from_envvar_unset_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOLBA_TEST_SETTINGS", raising=False)
    config = Config(tmp_path)
    with pytest.raises(RuntimeError) as info:
        config.from_envvar("KOLBA_TEST_SETTINGS")
    assert str(info.value) == (
        "The environment variable 'KOLBA_TEST_SETTINGS' is not set and as such"
        " configuration could not be loaded. Set this variable and make it"
        " point to a configuration file"
    )
    assert config.from_envvar("KOLBA_TEST_SETTINGS", silent=True) is False
    monkeypatch.setenv("KOLBA_TEST_SETTINGS", "")
    assert config.from_envvar("KOLBA_TEST_SETTINGS", silent=True) is False


def test_from_envvar_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLBA_TEST_SETTINGS", str(tmp_path / "nope.cfg"))
    config = Config(tmp_path)
    with pytest.raises(FileNotFoundError, match="nope.cfg"):
        config.from_envvar("KOLBA_TEST_SETTINGS")
    assert config.from_envvar("KOLBA_TEST_SETTINGS", silent=True) is False


# -- from_prefixed_env --------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith(("KOLBA_", "APPX_", "FLASK_")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_from_prefixed_env_parses_json_values(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("APPX_STRING", "plain text")
    clean_env.setenv("APPX_INT", "42")
    clean_env.setenv("APPX_FLOAT", "1.5")
    clean_env.setenv("APPX_BOOL", "true")
    clean_env.setenv("APPX_NULL", "null")
    clean_env.setenv("APPX_LIST", "[1, 2]")
    clean_env.setenv("APPX_DICT", '{"k": "v"}')
    clean_env.setenv("APPX_QUOTED", '"42"')
    clean_env.setenv("APPXNOT", "1")
    clean_env.setenv("OTHER_VALUE", "1")
    config = Config(tmp_path)
    assert config.from_prefixed_env("APPX") is True
    assert config == {
        "STRING": "plain text",
        "INT": 42,
        "FLOAT": 1.5,
        "BOOL": True,
        "NULL": None,
        "LIST": [1, 2],
        "DICT": {"k": "v"},
        "QUOTED": "42",
    }


def test_from_prefixed_env_nested_keys(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("APPX_EXIST__ok", "true")
    clean_env.setenv("APPX_EXIST__inner__ok", "2")
    clean_env.setenv("APPX_NEW__inner__ok", "3")
    config = Config(tmp_path, {"EXIST": {"ok": False, "keep": 1, "inner": {"old": 0}}})
    config.from_prefixed_env("APPX")
    assert config["EXIST"] == {"ok": True, "keep": 1, "inner": {"old": 0, "ok": 2}}
    assert config["NEW"] == {"inner": {"ok": 3}}


def test_from_prefixed_env_reads_in_sorted_order(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    # "APPX_DB" sorts before "APPX_DB__PORT", so the nested key lands in the
    # dict the first variable set, whatever order the environment has.
    clean_env.setenv("APPX_DB__PORT", "5432")
    clean_env.setenv("APPX_DB", '{"HOST": "localhost"}')
    config = Config(tmp_path)
    config.from_prefixed_env("APPX")
    assert config["DB"] == {"HOST": "localhost", "PORT": 5432}


def test_from_prefixed_env_custom_loads(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("APPX_A", "abc")
    clean_env.setenv("APPX_B", "fail")

    def loads(value: str) -> t.Any:
        if value == "fail":
            raise ValueError(value)
        return value.upper()

    config = Config(tmp_path)
    config.from_prefixed_env("APPX", loads=loads)
    assert config == {"A": "ABC", "B": "fail"}


@pytest.mark.kolba_only
def test_from_prefixed_env_default_prefix_is_kolba(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("KOLBA_SECRET_KEY", "from env")
    clean_env.setenv("KOLBA_DEBUG", "true")
    clean_env.setenv("FLASK_IGNORED", "1")
    config = Config(tmp_path)
    config.from_prefixed_env()
    assert config == {"SECRET_KEY": "from env", "DEBUG": True}


# -- from_file and from_mapping -----------------------------------------------------


def test_from_file_json(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text('{"TEST_KEY": "foo", "lower": 1}', encoding="utf-8")
    config = Config(tmp_path)
    assert config.from_file("c.json", load=json.load) is True
    assert config == {"TEST_KEY": "foo"}


def test_from_file_toml_in_binary_mode(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    (tmp_path / "c.toml").write_text('TEST_KEY = "foo"\nPORT = 8080\n', encoding="utf-8")
    config = Config(tmp_path)
    assert config.from_file("c.toml", load=tomllib.load, text=False) is True
    assert config == {"TEST_KEY": "foo", "PORT": 8080}


def test_from_file_missing(tmp_path: Path) -> None:
    config = Config(tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        config.from_file("missing.json", load=json.load)
    assert "Unable to load configuration file (No such file or directory)" in str(info.value)
    assert "missing.json" in str(info.value)
    assert config.from_file("missing.json", load=json.load, silent=True) is False
    (tmp_path / "folder").mkdir()
    assert config.from_file("folder", load=json.load, silent=True) is False


def test_from_file_load_errors_propagate(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        Config(tmp_path).from_file("bad.json", load=json.load, silent=True)


def test_from_mapping(tmp_path: Path) -> None:
    config = Config(tmp_path)
    assert config.from_mapping({"A": 1, "lower": 2, "B": 3}, B=4, C=5, other=6) is True
    assert config == {"A": 1, "B": 4, "C": 5}
    assert config.from_mapping([("D", 1)]) is True  # type: ignore[arg-type]
    assert config["D"] == 1
    assert config.from_mapping() is True


# -- get_namespace ------------------------------------------------------------------


def test_get_namespace(tmp_path: Path) -> None:
    config = Config(
        tmp_path,
        {"IMAGE_STORE_TYPE": "fs", "IMAGE_STORE_BASE_URL": "u", "OTHER": 1},
    )
    assert config.get_namespace("IMAGE_STORE_") == {"type": "fs", "base_url": "u"}
    assert config.get_namespace("IMAGE_STORE_", lowercase=False) == {
        "TYPE": "fs",
        "BASE_URL": "u",
    }
    assert config.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs",
        "image_store_base_url": "u",
    }
    assert config.get_namespace("NOPE_") == {}


# -- ConfigAttribute ----------------------------------------------------------------


class Holder:
    name = ConfigAttribute[str]("NAME")
    port = ConfigAttribute[int]("PORT", get_converter=int)

    def __init__(self) -> None:
        self.config: dict[str, t.Any] = {"NAME": "n", "PORT": "8080"}


def test_config_attribute_reads_and_writes_through() -> None:
    holder = Holder()
    assert holder.name == "n"
    assert holder.port == 8080
    holder.name = "changed"
    assert holder.config["NAME"] == "changed"
    holder.config["NAME"] = "again"
    assert holder.name == "again"


def test_config_attribute_on_the_class_is_the_descriptor() -> None:
    descriptor = Holder.__dict__["port"]
    assert Holder.port is descriptor
    assert isinstance(descriptor, ConfigAttribute)
    assert descriptor.__name__ == "PORT"
    assert descriptor.get_converter is int


def test_config_attribute_missing_key_is_a_key_error() -> None:
    holder = Holder()
    del holder.config["NAME"]
    with pytest.raises(KeyError):
        holder.name


def test_app_attributes_follow_config(app: kolba.Kolba) -> None:
    assert app.testing is True
    assert app.secret_key == "test key"
    app.testing = False
    assert app.config["TESTING"] is False
    app.config["SECRET_KEY"] = "rotated"
    assert app.secret_key == "rotated"
    assert isinstance(app.config, Config)


# -- loader details -----------------------------------------------------------------


def test_from_file_loader_returning_nothing_still_counts_as_loaded(tmp_path: Path) -> None:
    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    config = Config(tmp_path)
    assert config.from_file("empty.yml", load=lambda handle: None) is True  # type: ignore[arg-type,return-value]
    assert config == {}


def test_from_file_silent_does_not_forgive_a_file_in_the_path(tmp_path: Path) -> None:
    write(tmp_path / "plain", "")
    config = Config(tmp_path)
    with pytest.raises(NotADirectoryError) as info:
        config.from_file("plain/c.json", load=json.load, silent=True)
    assert info.value.errno == errno.ENOTDIR
    assert "Unable to load configuration file" in str(info.value)
    assert config.from_pyfile("plain/c.py", silent=True) is False


def test_from_pyfile_code_sees_its_own_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "settings.py",
        """
        import os
        HERE = os.path.dirname(__file__)
        NAME = __name__
        """,
    )
    config = Config(tmp_path)
    config.from_pyfile("settings.py")
    assert config["HERE"] == str(tmp_path)
    assert config["NAME"] == "config"
    assert "settings" not in sys.modules and str(path) not in sys.modules


def test_from_pyfile_os_errors_raised_by_the_code_are_labelled(tmp_path: Path) -> None:
    write(tmp_path / "settings.py", "open('/nonexistent/kolba/file')\n")
    with pytest.raises(FileNotFoundError, match="Unable to load configuration file"):
        Config(tmp_path).from_pyfile("settings.py")


def test_from_envvar_empty_value_counts_as_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOLBA_TEST_SETTINGS", "")
    config = Config(tmp_path)
    with pytest.raises(RuntimeError, match="'KOLBA_TEST_SETTINGS' is not set"):
        config.from_envvar("KOLBA_TEST_SETTINGS")
    assert config.from_envvar("KOLBA_TEST_SETTINGS", silent=True) is False


def test_from_prefixed_env_cannot_nest_into_a_plain_value(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("APPX_DB__HOST", "db")
    config = Config(tmp_path, {"DB": "sqlite"})
    with pytest.raises(TypeError):
        config.from_prefixed_env("APPX")


def test_from_prefixed_env_merges_into_existing_dicts(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("APPX_DB__HOST", "db")
    config = Config(tmp_path, {"DB": {"PORT": 5432}})
    config.from_prefixed_env("APPX")
    assert config["DB"] == {"PORT": 5432, "HOST": "db"}


def test_from_mapping_ignores_lower_case_keyword_arguments_too(tmp_path: Path) -> None:
    config = Config(tmp_path)
    config.from_mapping(None, lower=1, UPPER=2)
    assert config == {"UPPER": 2}


@pytest.mark.kolba_only
def test_from_prefixed_env_reads_flask_names_under_the_alias(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    import kolba.compat

    clean_env.setenv("FLASK_ONLY_FLASK", "1")
    clean_env.setenv("FLASK_BOTH", '"from flask"')
    clean_env.setenv("KOLBA_BOTH", '"from kolba"')
    plain = kolba.Config(str(tmp_path))
    plain.from_prefixed_env()
    assert "ONLY_FLASK" not in plain and plain["BOTH"] == "from kolba"
    kolba.compat.install()
    try:
        aliased = kolba.Config(str(tmp_path))
        aliased.from_prefixed_env()
    finally:
        kolba.compat.uninstall()
    assert aliased["ONLY_FLASK"] == 1 and aliased["BOTH"] == "from kolba"
