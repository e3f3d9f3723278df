"""Statistical disclosure control. Usable without Prefect: tidy tables in, flagged tidy tables out."""
