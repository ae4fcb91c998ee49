"""Every response carries the security headers, over the HTTPS the production settings assume."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_article, make_event, make_person, make_user

pytestmark = pytest.mark.django_db

HTTPS_SETTINGS = override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)


@pytest.fixture
def content(db):
    article = make_article(title="Friches et patrimoine")
    article.tags.add("friches")
    event = make_event(title="Congrès de Thetford Mines")
    person = make_person(first_name="Catherine", last_name="Bertram")
    return {"article": article, "event": event, "person": person}


def public_urls(content):
    return [
        "/",
        reverse("news:article-list"),
        content["article"].get_absolute_url(),
        reverse("events:event-list"),
        reverse("events:past-event-list"),
        content["event"].get_absolute_url(),
        reverse("events:event-ics", args=[content["event"].slug]),
        reverse("events:ics"),
        reverse("people:person-list"),
        content["person"].get_absolute_url(),
        reverse("tag-detail", args=["friches"]),
        reverse("search") + "?q=friches",
        reverse("news:rss"),
        reverse("news:atom"),
        reverse("events:rss"),
        reverse("events:atom"),
        reverse("sitemap"),
        reverse("sitemap-section", args=["actualites"]),
        reverse("robots"),
        "/nulle-part/",
        reverse("admin:login"),
    ]


def assert_secure_headers(response, url):
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", url
    assert headers["X-Content-Type-Options"] == "nosniff", url
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
    assert headers["X-Frame-Options"] == "DENY", url
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url
    policy = dict(
        (directive.split(" ", 1) + [""])[:2] for directive in headers["Content-Security-Policy"].split("; ")
    )
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], url
    assert policy["default-src"] == "'self'", url
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", url
    assert "Content-Security-Policy-Report-Only" not in headers, url


@HTTPS_SETTINGS
def test_every_public_response_carries_the_security_headers(client, content):
    for url in public_urls(content):
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        assert_secure_headers(response, url)


@HTTPS_SETTINGS
def test_the_proxys_forwarded_protocol_counts_as_https(client, content):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert_secure_headers(response, "/")


@HTTPS_SETTINGS
def test_plain_http_is_redirected_to_https(client, content):
    response = client.get(content["article"].get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == "https://testserver" + content["article"].get_absolute_url()


@HTTPS_SETTINGS
def test_admin_pages_carry_the_headers_and_secure_cookies(client, content):
    user = make_user(group="Communication", password="mot-de-passe-solide-2025")
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": "mot-de-passe-solide-2025", "next": reverse("admin:index")},
        secure=True,
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
    for url in (
        reverse("admin:index"),
        reverse("admin:news_article_add"),
        reverse("admin:news_article_change", args=[content["article"].pk]),
        reverse("admin:events_event_change", args=[content["event"].pk]),
        reverse("admin:events_participation_changelist"),
    ):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_secure_headers(response, url)


def test_the_editors_import_map_carries_the_nonce_the_policy_allows(admin_client):
    response = admin_client.get(reverse("admin:news_article_add"))
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in html
    inline_scripts = [
        tag for tag in html.split("<script")[1:]
        if "src=" not in tag.split(">", 1)[0] and 'type="application/ld+json"' not in tag.split(">", 1)[0]
    ]
    assert all(f'nonce="{nonce}"' in tag.split(">", 1)[0] for tag in inline_scripts)


def test_public_pages_need_no_nonce(client, content):
    response = client.get(content["article"].get_absolute_url())
    assert "nonce" not in response.headers["Content-Security-Policy"]
    assert "<script" not in response.content.decode().replace('<script type="application/ld+json">', "")
