"""An ImportError that names this very module: still the module's own bug."""

from cliapp_self_import import missing_name  # type: ignore[attr-defined]  # noqa: F401
