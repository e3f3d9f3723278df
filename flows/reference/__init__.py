"""Reference data: code lists committed in data/reference/, loaded and versioned here."""
