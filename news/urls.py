from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("actualites/", views.ArticleListView.as_view(), name="article-list"),
    path("actualites/flux.rss", feeds.LatestArticlesRssFeed(), name="rss"),
    path("actualites/flux.atom", feeds.LatestArticlesAtomFeed(), name="atom"),
    path("actualites/annee/<int:year>/", views.ArticleListView.as_view(), name="article-year"),
    path("actualites/etiquette/<str:tag>/", views.ArticleListView.as_view(), name="article-tag"),
    path("actualites/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
]
