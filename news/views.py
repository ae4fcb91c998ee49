from django.views.generic import DetailView, ListView, TemplateView

from .models import Article


class HomeView(TemplateView):
    template_name = "news/home.html"


class ArticleListView(ListView):
    paginate_by = 12

    def get_queryset(self):
        return Article.objects.published()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        if self.request.user.has_perm("news.change_article"):
            return Article.objects.all()
        return Article.objects.published()
