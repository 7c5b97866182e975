from dataclasses import dataclass

import pytest
from django.urls import reverse

from shouwang.core.tests.personas import World
from shouwang.people.models import Household, ImportJob, ImportProblem, Person, Tag
from shouwang.people.tests.factories import (
    ID1,
    ID2,
    make_household,
    make_person,
    template_row,
    workbook_upload,
)


@dataclass
class Ledger:
    home_a: Household
    home_a2: Household
    home_b: Household
    zhang: Person  # 张三丰, building A, 独居老人
    li: Person  # 李小红, building A
    wang_b: Person  # 王大锤, community B


@pytest.fixture
def default_tags(db) -> dict[str, Tag]:
    """The tags migration 0003 creates (a transactional test's flush removes them)."""
    names = ["独居老人", "残疾人", "孕产妇", "婴幼儿", "低保", "慢性病"]
    return {name: Tag.objects.get_or_create(name=name)[0] for name in names}


@pytest.fixture
def ledger(world: World, default_tags: dict[str, Tag]) -> Ledger:
    home_a = make_household(world.building_a, room="301", unit="2")
    home_a2 = make_household(world.building_a2, room="101", unit="1")
    home_b = make_household(world.building_b, room="501", unit="1")
    zhang = make_person(home_a, "张三丰", doc="410105194001011230", phone="13512345678")
    zhang.tags.add(default_tags["独居老人"])
    li = make_person(
        home_a2,
        "李小红",
        doc="41010519920304122X",
        phone="13987654321",
        residence_type=Person.ResidenceType.TEMPORARY,
    )
    wang_b = make_person(home_b, "王大锤", doc="410105198506071253", phone="13700001111")
    return Ledger(home_a, home_a2, home_b, zhang, li, wang_b)


@pytest.fixture
def importer(world, django_capture_on_commit_callbacks, settings, tmp_path, default_tags):
    """Upload as staff_a (tasks run at once) and return the job; uploads go to a
    directory of the test's own."""
    settings.VAR_DIR = tmp_path

    class Importer:
        client = world.client("staff_a")

        def upload(self, upload, strict=False):
            with django_capture_on_commit_callbacks(execute=True):
                response = self.client.post(
                    reverse("people:import"), {"file": upload, "strict": "on" if strict else ""}
                )
            self.response = response
            if response.status_code != 302:
                return None
            return ImportJob.objects.get(code=response["Location"].rstrip("/").split("/")[-1])

        def commit(self, job):
            with django_capture_on_commit_callbacks(execute=True):
                response = self.client.post(reverse("people:import_commit", args=[job.code]))
            job.refresh_from_db()
            return response

        def page(self, job) -> str:
            return self.client.get(reverse("people:import_job", args=[job.code])).content.decode()

        def refused_row(self, **cells) -> ImportProblem:
            """Upload two template rows written by openpyxl: 刘备's, with ``cells`` over
            it by header key (name and doc too), and 关羽's good one. Returns the one
            problem, having checked that the job's page shows its message and that a
            commit imports 关羽 alone."""
            rows = [
                template_row(**({"name": "刘备", "doc": ID1} | cells)),
                template_row("关羽", ID2, room="302"),
            ]
            job = self.upload(workbook_upload(rows))
            problem = job.problems.get()
            assert problem.message in self.page(job)
            self.commit(job)
            assert list(Person.objects.values_list("name", flat=True)) == ["关羽"]
            return problem

    return Importer()
