from django.urls import path

from . import institutions, views, visits

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("new/person/<int:person_pk>/", views.case_create, name="create"),
    path("new/person/", views.case_create_new, name="create_new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/add/<int:person_pk>/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/add/new/", views.contact_create_new, name="contact_create_new"),
    path("<int:pk>/trace/", views.trace_new, name="trace_new"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/<int:pk>/observe/", views.contact_observe, name="contact_observe"),
    path("key-areas/", views.key_area_list, name="key_areas"),
    path("key-areas/new/", views.key_area_new, name="key_area_new"),
    path("key-areas/<int:pk>/", views.key_area_detail, name="key_area"),
    path("key-areas/<int:pk>/lift/", views.key_area_lift, name="key_area_lift"),
    path("visits/", visits.household_visits, name="visits"),
    path("visits/<int:pk>/", visits.household_visit, name="visit"),
    path("visits/<int:pk>/unreached/", visits.household_unreached, name="visit_unreached"),
    path("visits/call/<int:pk>/", visits.resident_call, name="resident_call"),
    path("traces/<int:pk>/", views.trace_detail, name="trace"),
    path("traces/<int:pk>/second-hop/", views.trace_second_hop, name="trace_second_hop"),
    path("traces/<int:pk>/contacts/", views.trace_contacts, name="trace_contacts"),
    path("institutions/", institutions.institutions, name="institutions"),
    path("institutions/new/", institutions.institution_create, name="institution_create"),
    path("institutions/<int:pk>/", institutions.institution_edit, name="institution_edit"),
    path("institutions/<int:pk>/merge/", institutions.institution_merge, name="institution_merge"),
]
