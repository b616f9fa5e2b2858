"""Schema-based fuzzing of the sample API with schemathesis, in process.

For every operation of the document the app serves, schemathesis makes a
fixed, small number of requests from the declared schemas (valid ones and
some that break them) and checks that no answer is a server error and that
every answer matches what the document declares for it: status code,
content type, headers and body schema.
"""

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis needs Python 3.11")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402 - after the skip
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from . import sample_app

pytestmark = pytest.mark.kolba_only

APP = sample_app.create_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance,
    response_headers_conformance, response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=12, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_answers_match_the_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
