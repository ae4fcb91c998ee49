# Placeholder: replaced by the sitemap work.
SITEMAPS = {}
