"""Open data: downloads (CSV/JSON), feeds, sitemap and structured data."""
