from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("plan-du-site/", views.SiteMapView.as_view(), name="site-map"),
    # Last of all the site's addresses (config/urls.py): it never hides another page.
    path("<slug:slug>/", views.SitePageDetailView.as_view(), name="page-detail"),
]
