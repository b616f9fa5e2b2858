"""Models shared by the typed-view tests, at module level so annotations resolve."""

import dataclasses
import enum
import typing as t

import msgspec
import pydantic


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass
class Line:
    sku: str
    qty: t.Annotated[int, msgspec.Meta(ge=1)]
    price: float


@dataclasses.dataclass
class Order:
    id: str
    lines: list[Line]
    color: Color = Color.RED
    note: str | None = None


class Point(t.TypedDict):
    x: int
    y: int


class Tag(msgspec.Struct):
    name: str
    weight: float = 1.0


class Cat(msgspec.Struct, tag="cat"):
    lives: int


class Dog(msgspec.Struct, tag="dog"):
    good: bool


class User(pydantic.BaseModel):
    name: str
    age: int = pydantic.Field(ge=0)
    tags: list[str] = []


class Team(pydantic.BaseModel):
    title: str
    members: list[User]


@dataclasses.dataclass
class Filters:
    q: str
    page: int = 1
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Signup:
    username: str
    age: int
    newsletter: bool = False


@dataclasses.dataclass
class Error:
    message: str


class StrictNote(msgspec.Struct, forbid_unknown_fields=True):
    title: str
