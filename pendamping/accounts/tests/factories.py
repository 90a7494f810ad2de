"""Users for tests. The named cast (one per role) lives in the root conftest.py."""

from collections.abc import Sequence
from typing import Any

import factory
from factory.django import DjangoModelFactory

from pendamping.accounts.models import Role, User

PASSWORD = "kube-Test-2024!"  # every factory user's password, for tests that sign in through the form


class UserFactory(DjangoModelFactory[User]):
    """`UserFactory(role=Role.OFFICER, regencies=["35.78"])`: regencies are region codes."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)
    role = Role.OFFICER

    @factory.post_generation
    def regencies(obj: User, create: bool, extracted: Sequence[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            obj.regencies.set(list(extracted))  # type: ignore[arg-type]  # codes are the primary keys
