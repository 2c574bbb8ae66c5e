"""Who is signed in, and what their relationships let them do."""
