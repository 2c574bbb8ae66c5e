"""Staff plans: a staff member's own plan, and the supervisor who mentors it."""
