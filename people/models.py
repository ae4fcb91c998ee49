import reversion
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core.images import RenditionsMixin, validate_image
from core.postgres import substring_index
from core.publishing import SlugHistoryMixin
from core.richtext import RichTextField
from core.search import SearchFields
from core.slugs import SLUG_HELP, unique_slug
from core.tagging import TaggedQuerySet

# What the site search reads, and with what weight (core/search.py); never e-mail or phone.
ORGANISATION_SEARCH = SearchFields({"A": ("name", "acronym"), "C": ("city",)})
PERSON_SEARCH = SearchFields({"A": ("first_name", "last_name"), "B": ("job_title",), "C": ("bio",)})


@reversion.register()
class Organisation(RenditionsMixin, models.Model):
    site_search = ORGANISATION_SEARCH
    class Kind(models.TextChoices):
        PUBLIC_BODY = "public_body", _("Public body")
        CITY = "city", _("City or local authority")
        NETWORK = "network", _("Network")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        RESEARCH = "research", _("University or research")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, blank=True, help_text=SLUG_HELP
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="France")
    logo = models.ImageField(
        _("logo"), upload_to="organisations/", blank=True, validators=[validate_image]
    )
    logo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    picture_fields = ("logo",)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(Lower("name"), name="people_org_name_idx"),
        ]

    def __str__(self) -> str:
        if self.acronym and self.acronym.lower() != self.name.lower():
            return f"{self.name} ({self.acronym})"
        return self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.acronym or self.name)
        super().save(*args, **kwargs)


class PersonQuerySet(TaggedQuerySet):
    def public(self):
        """People with a public profile page."""
        return self.filter(is_public=True)


@reversion.register()
class Person(SlugHistoryMixin, RenditionsMixin, models.Model):
    site_search = PERSON_SEARCH

    class GrammaticalGender(models.TextChoices):
        """How the website words the person's role: "Intervenante", "Intervenant", or a neutral "Intervention"."""

        NEUTRAL = "", _("Not specified: neutral wording (“Intervention”)")
        FEMININE = "feminine", _("Feminine (“Intervenante”)")
        MASCULINE = "masculine", _("Masculine (“Intervenant”)")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, blank=True, help_text=SLUG_HELP
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    grammatical_gender = models.CharField(
        _("grammatical agreement"),
        max_length=10,
        choices=GrammaticalGender.choices,
        blank=True,
        default=GrammaticalGender.NEUTRAL,
        db_default=GrammaticalGender.NEUTRAL,  # rows written by older code or plain SQL read as neutral
        help_text=_("How the website words this person's roles at events."),
    )
    bio = RichTextField(_("biography"), blank=True)
    photo = models.ImageField(
        _("photo"), upload_to="people/", blank=True, validators=[validate_image]
    )
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Private: never shown publicly."))
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, help_text=_("Private: never shown publicly.")
    )
    is_public = models.BooleanField(
        _("public profile"),
        default=False,
        help_text=_("Only people with a public profile get a page on the website."),
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    picture_fields = ("photo",)
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="people_person_name_idx"),
            models.Index(Lower("email"), name="people_person_email_idx"),  # an imported list is matched on e-mail
            substring_index("last_name", name="people_person_last_name_trgm"),  # the admin's searches, PostgreSQL only
            substring_index("first_name", name="people_person_first_name_trgm"),
            models.Index(
                fields=["last_name", "first_name"],
                condition=models.Q(is_public=True),
                name="people_person_public_idx",
            ),
        ]
        # Given to nobody by default (superusers have it): people/personal_data.py, docs/personal-data.md.
        permissions = [("manage_personal_data", _("Can export and erase personal data"))]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def url_for_slug(self, slug: str) -> str:
        return reverse("people:person-detail", kwargs={"slug": slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.full_name)
        super().save(*args, **kwargs)



class PersonalDataAudit(models.Model):
    """An export or an erasure of a person's data: who, when, how the person was named; never the data.

    ``ident_digest`` is a keyed hash (HMAC with SECRET_KEY) of the e-mail or slug typed: it answers
    "was this address erased?" for whoever holds the key, and tells nothing to anyone else.
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Export (right of access)")
        ERASURE = "erasure", _("Erasure (on request)")
        RETENTION = "retention", _("Anonymised at the end of the retention period")

    class IdentKind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SLUG = "slug", _("Slug")
        ADMIN = "admin", _("Chosen in the admin")
        RETENTION = "retention", _("Retention rule")

    created = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="personal_data_audits",
        db_index=False,  # people_pdaudit_person_idx starts with it
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("by"), max_length=150, blank=True, help_text=_("Kept when the account is deleted."))
    ident_kind = models.CharField(_("identified by"), max_length=20, choices=IdentKind.choices)
    ident_digest = models.CharField(_("identifier (keyed hash)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("personal data record")
        verbose_name_plural = _("personal data records")
        ordering = ["-created"]
        indexes = [models.Index(fields=["person", "action"], name="people_pdaudit_person_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {timezone.localtime(self.created):%Y-%m-%d %H:%M}"
