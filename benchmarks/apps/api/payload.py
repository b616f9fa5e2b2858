"""What the typed-API scenarios send and the reply every framework must give."""

from __future__ import annotations

from typing import Any

ORDER: dict[str, Any] = {
    "order_id": "A-1001",
    "customer_email": "alice@example.com",
    "currency": "EUR",
    "paid": True,
    "coupon": None,
    "priority": 2,
    "note": "Leave it at the door.",
    "tags": ["vip", "beta"],
    "shipping": {"street": "1 Main Street", "city": "Kraków", "postcode": "30-001", "country": "PL"},
    "lines": [
        {"sku": f"SKU-{i:04d}", "qty": i % 3 + 1, "price": round(4.99 * (i + 1), 2)} for i in range(5)
    ],
}
"""Ten fields, one nested object and a list of five lines: validated, then echoed."""

QUERY = "q=kolba&page=2&size=10&sort=price&tag=a&tag=b"
"""The typed GET's query string: constrained scalars, an enum and a repeated key."""

PAGE: dict[str, Any] = {"q": "kolba", "page": 2, "size": 10, "sort": "price", "tags": ["a", "b"], "total": 42}
"""What ``GET /items`` answers."""

TOTAL = 42
