"""The staff guide's addresses, under the admin's (mounted by config/urls.py), for staff only."""

from django.contrib import admin
from django.urls import path

from newsroom import guide

app_name = "guide"

urlpatterns = [
    path("", admin.site.admin_view(guide.index), name="index"),
    path("images/<str:name>", admin.site.admin_view(guide.image, cacheable=True), name="image"),
    path("<slug:slug>/", admin.site.admin_view(guide.chapter), name="chapter"),
]
