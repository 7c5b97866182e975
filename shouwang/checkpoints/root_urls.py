"""Short resident-facing links (printed in QR codes), mounted at /."""

from django.urls import path

from . import resident

app_name = "checkin"
urlpatterns = [
    path("c/<str:code>/", resident.scan, name="scan"),
    path("c/<str:code>/register/", resident.register, name="register"),
    path("pass/", resident.my_pass, name="pass"),
    path("pass/qr.svg", resident.pass_qr, name="pass_qr"),
    path("pass/forget/", resident.forget, name="forget"),
]
