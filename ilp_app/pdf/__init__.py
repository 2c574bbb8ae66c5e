"""PDF rendering of plans (fpdf2), from plain data the services prepare."""
