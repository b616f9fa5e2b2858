"""The mixed load: anonymous readers, writers on the JSON API, and logins.

Each *client* is one simulated person with one connection (kept alive when
the server allows it) and one seeded account. Clients run in a closed loop:
the next request leaves when the previous reply has arrived, so the load is
bounded by the number of clients, not by a rate the server might not keep
up with. What each client does next is drawn from fixed weights with a
seeded random generator, so two runs send the same mix:

| action | weight | requests |
|---|---|---|
| anonymous page (home, API index, stylesheet, a profile, a missing page) | 45 | 1 |
| the caller's notes (list, or one note) | 15 | 1 |
| create a note | 15 | 1 |
| edit a note (PATCH) | 8 | 1 |
| delete a note | 5 | 1 |
| log in (login page for the CSRF token, then the form) | 4 | 2 |
| a wrong password | 2, while the run's budget lasts | 2 |

Half the clients call the API with their token, the other half with the
session cookie their login gave them. Wrong passwords respect the login
throttle (5 failures per username, 20 per address, in 15 minutes): a run
sends at most :data:`WRONG_LOGIN_BUDGET` of them, at most two per account,
so the throttle never answers 429 to a correct login. A client keeps at most
:data:`MAX_NOTES` notes (it deletes before creating more), which bounds the
database and every list it reads.

Each client writes only its own notes, one request at a time, so the last
acknowledged edit of a note is its final title: the :class:`Ledger` can
check it.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import typing as t
from collections import Counter
from dataclasses import dataclass, field

from .httpclient import Connection, Reply, SocketError
from .ledger import Ledger
from .seed import PASSWORD, User

WEIGHTS: dict[str, int] = {
    "page": 45, "read_notes": 15, "create": 15, "edit": 8, "delete": 5, "login": 1,
    "wrong_login": 1,
}  # fmt: skip
WRONG_LOGIN_BUDGET = 8
WRONG_LOGINS_PER_USER = 2
MAX_NOTES = 20
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_JSON = {"Content-Type": "application/json"}


@dataclass
class Tally:
    """Everything the clients saw, for the report."""

    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    #: The same latencies by action, to tell which requests make the tail.
    by_action: dict[str, list[float]] = field(default_factory=dict)
    actions: Counter[str] = field(default_factory=Counter)
    #: Replies whose status was not the one the action expects: ``(action, status)``.
    unexpected: Counter[tuple[str, int]] = field(default_factory=Counter)
    wrong_logins_left: int = WRONG_LOGIN_BUDGET

    @property
    def requests(self) -> int:
        """Requests sent, answered or not."""
        return sum(self.statuses.values()) + sum(self.socket_errors.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


class Client:
    """One simulated person: an account, a connection, cookies, and its notes."""

    def __init__(
        self, user: User, use_token: bool, conn: Connection, rng: random.Random, tally: Tally,
        ledger: Ledger,
    ) -> None:
        self.user = user
        self.use_token = use_token
        self.conn = conn
        self.rng = rng
        self.tally = tally
        self.ledger = ledger
        self.cookies: dict[str, str] = {}
        self.notes: list[int] = []
        self.wrong_logins = 0
        self.sequence = 0

    async def warm_up(self) -> None:
        """Log in (the session clients need their cookie), before the clock starts."""
        await self.login(PASSWORD, expect=302)

    async def run(self, deadline: float) -> None:
        """Act until ``deadline`` (a ``time.monotonic`` value)."""
        try:
            names, weights = zip(*WEIGHTS.items())
            while time.monotonic() < deadline:
                action = self.rng.choices(names, weights)[0]
                await getattr(self, action)()
        finally:
            await self.conn.close()

    # -- sending -----------------------------------------------------------------------

    async def send(
        self, action: str, method: str, target: str, expect: int, *,
        headers: dict[str, str] | None = None, body: bytes = b"", as_user: bool = False,
    ) -> Reply | None:
        """One request; count it; None on a socket error."""
        sent = dict(headers or {})
        if as_user and self.use_token:
            sent["Authorization"] = f"Bearer {self.user.token}"
        elif as_user or action == "login":
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.tally.actions[action] += 1
        try:
            reply = await self.conn.request(method, target, sent, body)
        except SocketError as exc:
            self.tally.socket_errors[str(exc).split(":", 1)[0]] += 1
            return None
        self.tally.statuses[reply.status] += 1
        self.tally.latencies.append(reply.seconds)
        self.tally.by_action.setdefault(action, []).append(reply.seconds)
        if reply.status != expect:
            self.tally.unexpected[(action, reply.status)] += 1
        self._keep_cookies(reply)
        return reply

    def _keep_cookies(self, reply: Reply) -> None:
        for line in reply.all("set-cookie"):
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            if not value or "expires=thu, 01 jan 1970" in attributes.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    # -- actions -----------------------------------------------------------------------

    async def page(self) -> None:
        """An anonymous page: no cookie, no token."""
        choice = self.rng.randrange(5)
        if choice == 4:
            await self.send("page", "GET", f"/missing/{self.rng.randrange(1000)}", 404)
            return
        target = ("/", "/api/", "/static/style.css", f"/profile/{self.user.name}")[choice]
        await self.send("page", "GET", target, 200)

    async def read_notes(self) -> None:
        if self.notes and self.rng.random() < 0.5:
            note = self.rng.choice(self.notes)
            await self.send("read_notes", "GET", f"/api/notes/{note}", 200, as_user=True)
        else:
            await self.send("read_notes", "GET", "/api/notes", 200, as_user=True)

    async def create(self) -> None:
        if len(self.notes) >= MAX_NOTES:
            await self.delete()
            return
        self.sequence += 1
        title = f"{self.user.name} note {self.sequence} ✓"
        body = json.dumps({"title": title, "body": "soak " * self.rng.randrange(1, 40)})
        reply = await self.send(
            "create", "POST", "/api/notes", 201, headers=_JSON, body=body.encode(), as_user=True
        )
        if reply is None:
            self.ledger.unanswered_creates += 1
        elif reply.status == 201:
            note = int(json.loads(reply.body)["id"])
            self.ledger.created(note, self.user.id, title)
            self.notes.append(note)

    async def edit(self) -> None:
        if not self.notes:
            await self.create()
            return
        note = self.rng.choice(self.notes)
        self.sequence += 1
        title = f"{self.user.name} edit {self.sequence}"
        body = json.dumps({"title": title}).encode()
        reply = await self.send(
            "edit", "PATCH", f"/api/notes/{note}", 200, headers=_JSON, body=body, as_user=True
        )
        if reply is None:
            self.ledger.uncertain.add(note)
        elif reply.status == 200:
            self.ledger.edited(note, title)

    async def delete(self) -> None:
        if not self.notes:
            await self.create()
            return
        note = self.notes.pop(self.rng.randrange(len(self.notes)))
        reply = await self.send("delete", "DELETE", f"/api/notes/{note}", 204, as_user=True)
        if reply is None:
            self.ledger.uncertain.add(note)
        elif reply.status == 204:
            self.ledger.removed(note)

    async def login(self, password: str = PASSWORD, expect: int = 302) -> None:
        """The login page (for its CSRF token), then the form; 302 when it worked."""
        page = await self.send("login", "GET", "/auth/login", 200)
        found = _CSRF.search(page.body.decode("utf-8", "replace")) if page else None
        if found is None:
            return
        form = f"username={self.user.name}&password={password.replace(' ', '+')}"
        form += f"&csrf_token={found.group(1)}"
        await self.send("login", "POST", "/auth/login", expect, headers=_FORM, body=form.encode())

    async def wrong_login(self) -> None:
        """A wrong password, while the run's and the account's budgets last."""
        if self.tally.wrong_logins_left <= 0 or self.wrong_logins >= WRONG_LOGINS_PER_USER:
            await self.page()
            return
        self.tally.wrong_logins_left -= 1
        self.wrong_logins += 1
        await self.login("not the password", expect=400)
        await self.login(PASSWORD, expect=302)  # the session API clients need one


class Load:
    """One client per user; half use tokens, half sessions."""

    def __init__(self, host: str, port: int, users: t.Sequence[User], seed: int = 1) -> None:
        self.warm_up_tally, self.tally, self.ledger = Tally(), Tally(), Ledger()
        self.clients = [
            Client(user, index % 2 == 0, Connection(host, port),
                   random.Random(seed * 1000 + index), self.warm_up_tally, self.ledger)
            for index, user in enumerate(users)
        ]  # fmt: skip

    async def warm_up(self) -> None:
        """Every client logs in; these requests are counted apart."""
        await asyncio.gather(*(client.warm_up() for client in self.clients))

    async def run(self, seconds: float) -> None:
        """The timed load: every client acts for ``seconds``."""
        deadline = time.monotonic() + seconds
        for client in self.clients:
            client.tally = self.tally
        await asyncio.gather(*(client.run(deadline) for client in self.clients))
