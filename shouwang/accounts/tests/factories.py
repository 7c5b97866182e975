import factory

from shouwang.accounts.models import User
from shouwang.accounts.roles import Role

PASSWORD = "Test-password-2020"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.COMMUNITY_STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def phone(self, create, extracted, **kwargs):
        if extracted:
            self.set_phone(extracted)
        if create:
            self.save()
