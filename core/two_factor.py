"""Staff sign-in: a password and a second factor, sessions that end when idle, "log out everywhere".

With ``REQUIRE_2FA`` on, the admin's login takes the password first and logs no one in: it
remembers, in the session, who proved it (``PENDING``). The second step asks for a code from an
authenticator app (django-otp's TOTP device, RFC 6238) or a single-use recovery code (its static
device); someone with no device yet enrols there and then: a QR code drawn on the server (segno,
an SVG in a ``data:`` address, which the CSP allows), the secret beside it, a code to confirm,
then ten recovery codes shown once. Only then does Django's ``login()`` run: the session key
changes and django-axes forgets the earlier failures.

Each wrong code is a failed login for django-axes (``user_login_failed``, the same username and
address as the password): the lockout counts both factors together. django-otp's own throttling
is off (settings), so that a right code is never refused because a wrong one came a second before.

``StaffSessionMiddleware`` logs out a staff session that was never verified (one opened before
the switch, or whose device a superuser removed) and one idle for longer than
``STAFF_IDLE_MINUTES``. It only looks at requests that carry a session cookie: anonymous
visitors, and the page cache that serves them, never see it.

"Log out everywhere" asks for the password and stores it again under a new salt: Django's
session hash (derived from the stored password) changes, so every session of the user ends at
its next request, whatever the session backend (database, cache, Redis).
"""

import time
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING = "two_factor_pending"  # the session's record of a password proved, second factor to come
RECOVERY_CODES = "two_factor_recovery_codes"  # fresh recovery codes, shown once
LAST_SEEN = "staff_last_seen"  # a staff session's last request, in seconds
PENDING_SECONDS = 10 * 60  # time allowed between the password and the code
RECOVERY_CODE_COUNT = 10
SEEN_GRANULARITY = 60  # the session is written at most once a minute for its idle clock


def is_staff(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def devices_of(user):
    """Every device of the user, confirmed or not (the ones a reset removes)."""
    return [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]


@transaction.atomic
def reset_devices(user) -> int:
    """Removes the user's devices: they enrol again at their next login; their verified sessions end."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).count()
        model.objects.filter(user=user).delete()
    return removed


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten new single-use codes, replacing any left: the only time they exist in clear outside the database."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "recovery", "confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def qr_code(url: str) -> str:
    """The enrolment address as an SVG QR code in a data: address (no script, no inline style, no service)."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# The password step


def start_second_step(request, user, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[-1],
        "hash": user.get_session_auth_hash(),
        "since": int(time.time()),
        "next": next_url,
    }


def pending_user(request):
    """Who proved their password in this session in the last minutes, still active and staff, else None."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > PENDING_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=state.get("user"), is_active=True).first()
    if user is None or not (user.is_staff or user.is_superuser) or user.get_session_auth_hash() != state.get("hash"):
        return None
    return user


def password_step(site, request, extra_context=None):
    """The admin's login page when a second factor is required: the same form, which logs no one in."""
    from django.contrib.admin.forms import AdminAuthenticationForm
    from django.contrib.auth.views import LoginView

    class PasswordStepView(LoginView):
        def form_valid(self, form):
            start_second_step(self.request, form.get_user(), self.get_success_url())
            user = form.get_user()
            step = "verify" if user_has_device(user) else "enrol"
            return HttpResponseRedirect(reverse(f"{site.name}:two_factor_{step}", current_app=site.name))

    if request.method == "GET" and site.has_permission(request):
        return HttpResponseRedirect(reverse("admin:index", current_app=site.name))
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if "next" not in request.GET and "next" not in request.POST:
        context["next"] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return PasswordStepView.as_view(
        extra_context=context,
        authentication_form=site.login_form or AdminAuthenticationForm,
        template_name=site.login_template or "admin/login.html",
    )(request)


# The second step


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("second factor", "Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def failed_code(request, user, form):
    """A wrong code is a failed login for django-axes; past the limit, the lockout page and no pending login."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        request.session.pop(PENDING, None)
        return get_lockout_response(request, None, credentials)
    form.add_error("code", _("This code is not valid. Check your device's time and try again."))
    form.data = form.data.copy()
    form.data["code"] = ""  # typed afresh, not corrected
    return None


def locked(request, user):
    """The lockout page if this username is locked out from this address (a lockout covers both factors)."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    request.session.pop(PENDING, None)
    return get_lockout_response(request, None, credentials)


def finish_login(request, user, device):
    state = request.session.pop(PENDING, None) or {}
    next_url = state.get("next") or reverse("admin:index")
    login(request, user, backend=state.get("backend"))  # a new session key; axes forgets earlier failures
    otp_login(request, device)
    return next_url


def step_context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, "site_header": admin.site.site_header, **extra}


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request):
    """Second step for a user who has a device: a code from the app, or a recovery code."""
    user = pending_user(request)
    if user is None:
        return redirect("admin:login")
    if not user_has_device(user):
        return redirect("admin:two_factor_enrol")
    if response := locked(request, user):
        return response
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        for device in (*TOTPDevice.objects.filter(user=user, confirmed=True), *StaticDevice.objects.filter(user=user)):
            if device.verify_token(code):
                next_url = finish_login(request, user, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code: %(count)d left. Make new ones on the account security page.",
                            "You used a recovery code: %(count)d left. Make new ones on the account security page.",
                            left,
                        )
                        % {"count": left},
                    )
                return HttpResponseRedirect(next_url)
        if response := failed_code(request, user, form):
            return response
    context = step_context(request, _("Second factor"), form=form, username=user.get_username())
    return render(request, "core/two_factor/verify.html", context)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request):
    """First login with the second factor required: scan the QR code, confirm with a code, keep the recovery codes."""
    user = pending_user(request)
    if user is None:
        return redirect("admin:login")
    if user_has_device(user):
        return redirect("admin:two_factor_verify")
    if response := locked(request, user):
        return response
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(_("Authenticator app")), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = new_recovery_codes(user)
            finish_login(request, user, device)
            request.session[RECOVERY_CODES] = codes
            return redirect("admin:two_factor_recovery_codes")
        if response := failed_code(request, user, form):
            return response
    secret = b32encode(device.bin_key).decode()
    context = step_context(
        request,
        _("Set up the second factor"),
        form=form,
        qr_code=qr_code(device.config_url),
        secret=grouped(secret),
        username=user.get_username(),
    )
    return render(request, "core/two_factor/enrol.html", context)


# Pages of a signed-in staff user (wrapped in admin_view)


@never_cache
def recovery_codes(request):
    """The recovery codes just made, shown this once."""
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        return redirect("admin:two_factor_security")
    context = step_context(request, _("Your recovery codes"), codes=codes, next_url=reverse("admin:index"))
    return render(request, "core/two_factor/recovery_codes.html", context)


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


@sensitive_post_parameters("password")
@never_cache
def security(request):
    """The account's security: the second factor, new recovery codes, log out everywhere."""
    user = request.user
    form = PasswordForm(request.POST if request.POST.get("action") == "everywhere" else None)
    if request.method == "POST" and request.POST.get("action") == "recovery-codes":
        request.session[RECOVERY_CODES] = new_recovery_codes(user)
        return redirect("admin:two_factor_recovery_codes")
    if request.method == "POST" and form.is_valid():
        if user.check_password(form.cleaned_data["password"]):
            return log_out_everywhere(request, form.cleaned_data["password"])
        credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return get_lockout_response(request, None, credentials)
        form.add_error("password", _("This is not your password."))
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    static = StaticDevice.objects.filter(user=user).first()
    context = step_context(
        request,
        _("Account security"),
        form=form,
        totp=totp,
        recovery_left=static.token_set.count() if static else 0,
        required=settings.REQUIRE_2FA,
        idle_minutes=settings.STAFF_IDLE_MINUTES,
    )
    return render(request, "core/two_factor/security.html", context)


def log_out_everywhere(request, password: str):
    """Stores the same password under a new salt: every session's auth hash is stale, this one is ended too."""
    user = request.user
    user.set_password(password)
    user.save(update_fields=["password"])
    logout(request)
    context = step_context(request, _("Logged out everywhere"))
    return render(request, "core/two_factor/logged_out_everywhere.html", context)


# Sessions


class StaffSessionMiddleware:
    """Ends a staff session not verified by a second factor (when required) or idle too long.

    After AuthenticationMiddleware and django-otp's OTPMiddleware. Requests without a
    session cookie pass untouched (no session read, no Vary, no cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        user = request.user
        if not is_staff(user):
            return
        if settings.REQUIRE_2FA and not user.is_verified():
            logout(request)
            return
        if not settings.STAFF_IDLE_MINUTES:
            return
        now = int(time.time())
        seen = request.session.get(LAST_SEEN)
        if isinstance(seen, int) and now - seen > settings.STAFF_IDLE_MINUTES * 60:
            logout(request)
            return
        if not isinstance(seen, int) or now - seen >= SEEN_GRANULARITY:
            request.session[LAST_SEEN] = now


def start_idle_clock(sender, request, user, **kwargs):
    """Every login (the admin's, a test's force_login) starts the idle clock, so that the first request
    after it writes nothing."""
    if request is not None and hasattr(request, "session") and is_staff(user):
        request.session[LAST_SEEN] = int(time.time())


user_logged_in.connect(start_idle_clock, dispatch_uid="core-two-factor-idle-clock")


# The admin's pieces: URLs and the action on users


def admin_urls(site):
    from django.urls import path

    return [
        path("two-factor/verify/", verify, name="two_factor_verify"),
        path("two-factor/enrol/", enrol, name="two_factor_enrol"),
        path("two-factor/recovery-codes/", site.admin_view(recovery_codes), name="two_factor_recovery_codes"),
        path("security/", site.admin_view(security), name="two_factor_security"),
    ]


@admin.action(description=_("Reset the second factor"), permissions=["reset_two_factor"])
def reset_two_factor(modeladmin, request, queryset):
    users = list(queryset)
    for user in users:
        reset_devices(user)
        modeladmin.log_change(request, user, str(_("Reset the second factor")))  # in the user's history
    modeladmin.message_user(
        request,
        ngettext(
            "Second factor reset for %(count)d user: they set it up again at their next login.",
            "Second factor reset for %(count)d users: they set it up again at their next login.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )


def with_reset_action(admin_class):
    """The user admin with the superuser-only "reset the second factor" action."""

    class UserAdmin(admin_class):
        actions = [*(admin_class.actions or ()), reset_two_factor]

        def has_reset_two_factor_permission(self, request):
            return request.user.is_superuser

    UserAdmin.__name__ = UserAdmin.__qualname__ = admin_class.__name__
    return UserAdmin
