from django.urls import path

from . import views

app_name = "checkpoints"
urlpatterns = [
    path("", views.checkpoint_list, name="list"),
    path("new/", views.checkpoint_create, name="create"),
    path("posters.pdf", views.posters, name="posters"),
    path("<int:pk>/", views.checkpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.checkpoint_edit, name="edit"),
    path("<int:pk>/qr.svg", views.checkpoint_qr, name="qr"),
    path("<int:pk>/poster.pdf", views.checkpoint_poster, name="poster"),
    path("<int:pk>/rotate/", views.checkpoint_rotate, name="rotate"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:area_pk>/", views.rule_edit, name="rule_edit"),
    path("counts/", views.counts, name="counts"),
    path("counts/export.xlsx", views.counts_export, name="counts_export"),
    path("passes/", views.passes, name="passes"),
    path("passes/issue/", views.card_issue, name="card_issue"),
    path("passes/cards.pdf", views.cards_pdf, name="cards_pdf"),
    path("passes/<int:pk>/card.pdf", views.card_pdf, name="card_pdf"),
    path("passes/<int:pk>/revoke/", views.pass_revoke, name="pass_revoke"),
    path("console/", views.console_index, name="console"),
    path("console/<int:pk>/", views.console_post, name="console_post"),
    path("console/<int:pk>/scan/", views.console_scan, name="console_scan"),
    path("console/<int:pk>/vehicle/", views.console_vehicle, name="console_vehicle"),
    path("console/<int:pk>/visitor/", views.console_visitor, name="console_visitor"),
    path("console/<int:pk>/turn-back/", views.console_turn_back, name="console_turn_back"),
    path("checkins/<int:pk>/confirm/", views.checkin_confirm, name="checkin_confirm"),
    path("checkins/<int:pk>/measure/", views.checkin_measure, name="checkin_measure"),
    path("checkins/<int:pk>/turn-back/", views.checkin_turn_back, name="checkin_turn_back"),
    path("checkins/<int:pk>/release/", views.checkin_release, name="checkin_release"),
]
