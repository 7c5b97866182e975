"""The import page leads back to the node it imports under."""

from __future__ import annotations

from django.urls import reverse

from shouwang.core.tests.personas import World


def test_the_import_page_links_back_to_its_node(world: World) -> None:
    url = f"{reverse('areas:import')}?area={world.community_a.pk}"
    page = world.client("hq").get(url).content.decode()
    node = reverse("areas:node", kwargs={"pk": world.community_a.pk})
    assert f'<a href="{node}">返回西城社区</a>' in page
