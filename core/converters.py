class UnicodeSlugConverter:
    """Tag slugs keep their accents (django-taggit's default: "québec", "coopération")."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
