"""The results page of a trace whose case was classified 排除 since: its hits stay
listed, but the page offers neither the form making them contacts nor hop 2 (both
refused); it says why instead."""

from __future__ import annotations

from django.urls import reverse

from shouwang.cases.models import Case, Trace

SAID = "该病例已排除，无需追踪；如分类有误，请先修改病例分类"


def test_the_results_page_of_an_excluded_case_shows_the_reason_not_the_forms(world, traced):
    case, client, trace = traced.case, traced.client, traced.trace
    Case.objects.filter(pk=case.pk).update(classification=Case.Classification.EXCLUDED)

    response = client.get(reverse("cases:trace", args=[trace.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert SAID in page
    assert "安安" in page  # the hits are still listed, read only
    assert reverse("cases:trace_contacts", args=[trace.pk]) not in page
    assert 'name="hits"' not in page
    assert "将所选人员登记为密接" not in page
    assert reverse("cases:trace_second_hop", args=[trace.pk]) not in page


def test_the_hop_two_status_poll_offers_no_retry_for_an_excluded_case(world, traced):
    case, client, trace = traced.case, traced.client, traced.trace
    Trace.objects.filter(pk=trace.pk).update(second_hop=Trace.Status.FAILED)
    Case.objects.filter(pk=case.pk).update(classification=Case.Classification.EXCLUDED)

    response = client.get(reverse("cases:trace", args=[trace.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert reverse("cases:trace_second_hop", args=[trace.pk]) not in response.content.decode()


def test_the_results_page_of_a_case_not_excluded_keeps_its_forms(world, traced):
    client, trace = traced.client, traced.trace

    page = client.get(reverse("cases:trace", args=[trace.pk])).content.decode()

    assert SAID not in page
    assert reverse("cases:trace_contacts", args=[trace.pk]) in page
    assert reverse("cases:trace_second_hop", args=[trace.pk]) in page
