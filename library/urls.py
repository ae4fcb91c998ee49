from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("<int:pk>/<str:slug>.<str:ext>", views.DocumentView.as_view(), name="document"),
    path("<int:pk>/", views.DocumentView.as_view(), name="document-short"),
]
