"""A small typed JSON API: the app the OpenAPI, fuzzing and browser tests run against.

A pet store with every kind of input (URL variables, query, headers,
cookies, JSON bodies with nested models, forms), both engines, a nested
blueprint, a MethodView, an async view, security schemes and one plain
Flask view.
"""

import dataclasses
import enum
import typing as t

import msgspec
import pydantic

from kolba import Blueprint, Kolba, abort
from kolba.api import API, APIKey, Cookie, Form, Header, HTTPBearer, Query, SessionCookie, secure
from kolba.views import MethodView


class Kind(enum.Enum):
    CAT = "cat"
    DOG = "dog"


@dataclasses.dataclass
class Vaccine:
    name: str
    year: t.Annotated[int, msgspec.Meta(ge=1900, le=2100)]


@dataclasses.dataclass
class NewPet:
    name: t.Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    kind: Kind
    age: t.Annotated[int, msgspec.Meta(ge=0, le=50)] = 0
    vaccines: list[Vaccine] = dataclasses.field(default_factory=list)
    nickname: str | None = None


@dataclasses.dataclass
class Pet(NewPet):
    id: int = 0


@dataclasses.dataclass
class Conflict:
    message: str
    existing: int


class Owner(pydantic.BaseModel):
    name: str = pydantic.Field(min_length=1, max_length=40)
    email: str = pydantic.Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=80)


class Note(msgspec.Struct):
    text: t.Annotated[str, msgspec.Meta(max_length=200)]
    pinned: bool = False


def create_app() -> Kolba:
    """The sample API, fresh (with an empty store) for every test."""
    app = Kolba(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    API(app, title="Pet store", version="1.0.0", description="The typed-view sample API.", json_errors=True)
    secure(app, token=HTTPBearer(bearer_format="JWT"))
    pets: dict[int, Pet] = {}
    notes: list[Note] = []

    @app.get("/pets", security=[])
    def list_pets(
        kind: t.Annotated[Kind | None, Query(description="Only pets of this kind.")] = None,
        limit: t.Annotated[int, Query(ge=1, le=100)] = 20,
        tag: t.Annotated[list[str], Query()] = [],  # noqa: B006 - copied per request
    ) -> list[Pet]:
        """List pets.

        Filtered by kind; ``limit`` caps the page.
        """
        found = [p for p in pets.values() if kind is None or p.kind is kind]
        return found[:limit]

    @app.post("/pets", status=201, responses={409: Conflict})
    def add_pet(pet: NewPet, x_request_id: t.Annotated[str | None, Header(max_length=64)] = None) -> Pet:
        """Add a pet."""
        same = [p.id for p in pets.values() if p.name == pet.name]
        if same:
            return Conflict("A pet of that name exists.", same[0]), 409  # type: ignore[return-value]
        created = Pet(**dataclasses.asdict(pet), id=len(pets) + 1)
        created.vaccines = list(pet.vaccines)
        pets[created.id] = created
        return created

    @app.get("/pets/<int:pet_id>", responses={404: "No such pet."})
    def get_pet(pet_id: int) -> Pet:
        """One pet by id."""
        pet = pets.get(pet_id)
        if pet is None:
            abort(404, "No such pet.")
        return pet

    @app.delete("/pets/<int:pet_id>", status=204, responses={404: "No such pet."})
    async def delete_pet(pet_id: int) -> None:
        """Remove a pet."""
        if pets.pop(pet_id, None) is None:
            abort(404, "No such pet.")

    @app.post("/adoptions", status=201)
    def adopt(
        pet_id: t.Annotated[int, Form(ge=1)], owner_name: t.Annotated[str, Form(min_length=1, max_length=40)]
    ) -> dict[str, t.Any]:
        """Adopt a pet with a form."""
        return {"pet_id": pet_id, "owner": owner_name}

    @app.get("/health")
    def health() -> dict[str, str]:
        """A plain Flask view."""
        return {"status": "ok"}

    owners = Blueprint("owners", __name__, url_prefix="/owners")
    secure(owners, session=SessionCookie(), key=APIKey("X-API-Key"))

    @owners.post("/", status=201)
    def add_owner(owner: Owner, theme: t.Annotated[str, Cookie(max_length=10)] = "light") -> Owner:
        """Register an owner (pydantic)."""
        return owner

    class Notes(MethodView):
        def get(self, pinned: t.Annotated[bool | None, Query()] = None) -> list[Note]:
            """The owner notes."""
            return [n for n in notes if pinned is None or n.pinned is pinned]

        def post(self, note: Note) -> Note:
            """Add a note."""
            notes.append(note)
            return note

    inner = Blueprint("notes", __name__, url_prefix="/notes")
    inner.add_url_rule("/", view_func=Notes.as_view("notes"))
    owners.register_blueprint(inner)
    app.register_blueprint(owners)
    return app


app = create_app()
